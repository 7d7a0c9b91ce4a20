"""One-time ballot codes: generation, normalization and the keyed hash that is all the server keeps."""
import hashlib
import hmac
import secrets

from django.conf import settings

# no 0/O, 1/I/L: easy to read from a slip and type on a phone
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 2**49.5


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """Upper case, spaces and dashes removed: ``abcd-efgh-jk`` → ``ABCDEFGHJK``."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t\r\n")


def display_code(code: str) -> str:
    """Grouped for print: ``ABCD-EFGH-JK``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


def _key() -> bytes:
    return settings.ASSESSMENT_BALLOT_HMAC_KEY.encode("utf-8")  # per install, never SECRET_KEY


def code_digest(code: str) -> str:
    return hmac.new(_key(), normalize_code(code).encode("ascii", "ignore"), hashlib.sha256).hexdigest()
