"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint (how many events, the newest one's id, uuid and hash, when) is signed with HMAC-SHA256
under the audit key and appended as one JSON line to ``checkpoints.jsonl`` in
``OPENNRM_AUDIT_CHECKPOINT_DIR``, and logged to the ``opennrm.audit`` logger. Someone who can
change the database but neither the key nor that file can no longer delete the newest events, or
rewrite the chain, without ``audit_verify`` noticing. See docs/decisions (audit checkpoints).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from opennrm.crypto.keyring import KeyRing

FILE_NAME = "checkpoints.jsonl"
# Separates checkpoint signatures from chain hashes (those messages start with 64 hex digits).
_DOMAIN = b"opennrm-audit-checkpoint\x00"
_HASH = re.compile(r"^[0-9a-f]{64}$")
logger = logging.getLogger("opennrm.audit")


class CheckpointError(Exception):
    """A checkpoint file that cannot be trusted: unreadable, malformed or wrongly signed."""


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head_id: int | None
    head_uuid: str | None
    head_hash: str
    written_at: str
    key_id: str
    signature: str = ""

    def signed_message(self) -> bytes:
        payload = {name: value for name, value in asdict(self).items() if name != "signature"}
        return _DOMAIN + json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def checkpoint_path() -> Path:
    return Path(settings.OPENNRM_AUDIT_CHECKPOINT_DIR) / FILE_NAME


def _signature(checkpoint: Checkpoint, key: bytes) -> str:
    return hmac.new(key, checkpoint.signed_message(), hashlib.sha256).hexdigest()


def checkpoint_sign(
    *, ring: KeyRing, count: int, head_id: int | None, head_uuid: str | None, head_hash: str
) -> Checkpoint:
    """A checkpoint of the chain's head, signed with the current audit key."""
    key_id, key = ring.keys[0]
    unsigned = Checkpoint(
        count=count,
        head_id=head_id,
        head_uuid=head_uuid,
        head_hash=head_hash,
        written_at=timezone.now().isoformat(timespec="seconds"),
        key_id=key_id,
    )
    return Checkpoint(**{**asdict(unsigned), "signature": _signature(unsigned, key)})


def checkpoint_append(checkpoint: Checkpoint) -> Path:
    """Append the checkpoint to the file (one write, O_APPEND) and log it; return the file."""
    path = checkpoint_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (checkpoint.line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    logger.info("audit checkpoint %s", checkpoint.line())
    return path


def _parse(text: str, *, ring: KeyRing, where: str) -> Checkpoint:
    try:
        data = json.loads(text)
        checkpoint = Checkpoint(**data)
    except (ValueError, TypeError):
        raise CheckpointError(f"{where} is not a checkpoint") from None
    valid = (
        isinstance(checkpoint.count, int)
        and checkpoint.count >= 0
        and isinstance(checkpoint.head_hash, str)
        and _HASH.match(checkpoint.head_hash)
        and (checkpoint.head_id is None or isinstance(checkpoint.head_id, int))
        and isinstance(checkpoint.key_id, str)
        and isinstance(checkpoint.signature, str)
    )
    if not valid:
        raise CheckpointError(f"{where} is not a checkpoint")
    position = ring.position(checkpoint.key_id)
    expected = _signature(checkpoint, ring.keys[position][1]) if position is not None else ""
    if not expected or not hmac.compare_digest(expected, checkpoint.signature):
        raise CheckpointError(
            f"{where} has a bad signature: it was not written by OpenNRM with a key in"
            " OPENNRM_AUDIT_KEYS, or it was changed"
        )
    return checkpoint


def checkpoint_read_all(*, ring: KeyRing) -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first, each signature checked; [] when none yet."""
    path = checkpoint_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"cannot read the checkpoints in {path}: {exc}") from None
    return [
        _parse(line, ring=ring, where=f"line {number} of {path}")
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]
