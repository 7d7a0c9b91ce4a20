"""Sealed pending ballots: the marks of a ballot returned while its session is open, unreadable in the database.

A ballot and the code it uses up are written in one transaction (evaluation.md: exactly one ballot per code),
so on PostgreSQL they carry the same row version (xmin) and a database reader can join them for as long as both
rows live. The pending row therefore holds its marks only as AES-256-GCM ciphertext under a per-session key
derived from the ballot HMAC key (settings, outside the database and outside git); the plaintext is one byte per
target in the session's target order, so every sealed ballot of a session has the same length whatever was
marked. At close the pool is opened, shuffled and written as ordinary ``Ballot`` rows (see
``services.pool``), and the pending rows are deleted.

Byte per target: 0 = blank, 1..n = the n-th option of the session's option set; bit 0x80 set = invalid mark.
The associated data binds a ciphertext to its session and kind (electronic or paper): a row copied to another
session does not open. (The group is known only once the code is used up, in the same statement, so it is not
bound; a reader who can rewrite rows could rewrite a final ballot's group just as well.)
"""
from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import rules
from .codes import _key as ballot_hmac_key

NONCE_BYTES = 12
INVALID_BIT = 0x80


class SealError(ValueError):
    """A pending ballot that does not open with this install's key (key changed, or the row was altered)."""


def _session_key(public_id) -> bytes:
    return hmac.new(ballot_hmac_key(), b"ballot-pool:" + str(public_id).encode("ascii"), hashlib.sha256).digest()


def _aad(public_id, is_paper: bool) -> bytes:
    return f"{public_id}|{int(bool(is_paper))}".encode("ascii")


def seal(*, public_id, is_paper: bool, options: list[str], target_ids: list[int], marks: list) -> bytes:
    """``marks``: rules.Mark-like objects (target_id, choice, valid), one per target of ``target_ids``."""
    by_target = {m.target_id: m for m in marks}
    body = bytearray()
    for tid in target_ids:
        m = by_target.get(tid)
        value = 0
        if m is not None:
            value = (options.index(m.choice) + 1 if m.choice else 0) | (0 if m.valid else INVALID_BIT)
        body.append(value)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_session_key(public_id)).encrypt(nonce, bytes(body), _aad(public_id, is_paper))


def unseal(sealed: bytes, *, public_id, is_paper: bool, options: list[str], target_ids: list[int]) -> list:
    """The marks of one sealed ballot as rules.Mark (target_id, choice, valid) in target order."""
    return Opener(public_id, options, target_ids)(sealed, is_paper=is_paper)


class Opener:
    """Opens the sealed ballots of one session (the key derived once: close opens the whole pool)."""

    def __init__(self, public_id, options: list[str], target_ids: list[int]):
        self.public_id, self.options, self.target_ids = public_id, options, target_ids
        self.aead = AESGCM(_session_key(public_id))

    def __call__(self, sealed: bytes, *, is_paper: bool) -> list:
        sealed = bytes(sealed)
        try:
            body = self.aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _aad(self.public_id, is_paper))
        except InvalidTag:
            raise SealError("sealed ballot does not open") from None
        if len(body) != len(self.target_ids):
            raise SealError("sealed ballot has the wrong length")
        out = []
        for tid, value in zip(self.target_ids, body):
            index = value & ~INVALID_BIT
            if index > len(self.options):
                raise SealError("sealed ballot holds an unknown option")
            out.append(rules.Mark(tid, self.options[index - 1] if index else "", not value & INVALID_BIT))
        return out
