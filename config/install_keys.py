"""Per-install secrets: generated on first use, kept outside git, never shared between two installs.

The embedded default (``make run``, tests) has no secret to configure: the first process that needs a key
writes a random one to ``DJANGO_SECRETS_DIR`` (default ``.secrets/`` in the checkout, ignored by git), mode
0600, and every later process reads it back. Production reads its keys from the environment and refuses to
start without them (``config.settings.production``).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def install_secret(directory: Path, name: str, *, nbytes: int = 50) -> str:
    """The secret called ``name`` in ``directory``, created (atomically, 0600) on first use."""
    directory = Path(directory)
    path = directory / name
    try:
        value = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        value = ""
    if value:
        return value
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    candidate = secrets.token_urlsafe(nbytes)
    tmp = directory / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(candidate + "\n")
    try:
        os.link(tmp, path)  # fails if another process won the race: then its key is the install's key
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text(encoding="ascii").strip()
