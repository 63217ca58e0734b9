"""Authenticated field encryption (AES-256-GCM) with a key ring, and keyed blind indexes.

Ciphertext is stored as text: ``v1:<key id>:<base64(nonce || ciphertext+tag)>``. The associated
data names the column, so a value copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import hmac
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1"


class DecryptionError(Exception):
    """A stored value could not be authenticated or no key can open it (never shows the value)."""


@dataclass(frozen=True)
class KeyRing:
    """The first key encrypts; every key decrypts, so rotation can proceed row by row."""

    keys: tuple[tuple[str, bytes], ...]

    @classmethod
    def parse(cls, spec: str, *, setting: str = "OPENNRM_FIELD_KEYS") -> KeyRing:
        """``id:base64,id:base64`` of 32-byte keys; ``setting`` names the source in errors."""
        keys = []
        for item in spec.split(","):
            item = item.strip()
            if not item:
                continue
            key_id, _, encoded = item.partition(":")
            key = base64.b64decode(encoded)
            if not key_id or len(key) != 32:
                raise ValueError(f"each key in {setting} must be 'id:base64' of 32 bytes")
            keys.append((key_id, key))
        if not keys:
            raise ValueError(f"{setting} holds no key")
        return cls(tuple(keys))

    @property
    def primary_id(self) -> str:
        return self.keys[0][0]

    def _key(self, key_id: str) -> bytes:
        for kid, key in self.keys:
            if kid == key_id:
                return key
        raise DecryptionError(f"no key with id {key_id!r} in the key ring")

    def position(self, key_id: str) -> int | None:
        """Where ``key_id`` stands in the ring (0 = the current key), or None when absent."""
        return next((i for i, (kid, _key) in enumerate(self.keys) if kid == key_id), None)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        sealed = self.encrypt_bytes(plaintext.encode(), context=context)
        key_id, _, raw = sealed.partition(b":")
        return f"{PREFIX}:{key_id.decode()}:{base64.b64encode(raw).decode()}"

    def encrypt_bytes(self, data: bytes, *, context: str) -> bytes:
        """``<key id>:<nonce><ciphertext+tag>``: for files, where base64 would waste a third."""
        key_id, key = self.keys[0]
        nonce = os.urandom(12)
        return key_id.encode() + b":" + nonce + AESGCM(key).encrypt(nonce, data, context.encode())

    def decrypt_bytes(self, sealed: bytes, *, context: str) -> bytes:
        key_id, _, raw = sealed.partition(b":")
        try:
            return AESGCM(self._key(key_id.decode())).decrypt(raw[:12], raw[12:], context.encode())
        except DecryptionError:
            raise
        except Exception as exc:
            raise DecryptionError("stored file failed authentication") from exc

    def decrypt(self, token: str, *, context: str) -> str:
        try:
            prefix, key_id, encoded = token.split(":", 2)
            raw = base64.b64decode(encoded)
        except ValueError:
            raise DecryptionError("stored value is not in the encrypted format") from None
        if prefix != PREFIX:
            raise DecryptionError("unknown ciphertext version") from None
        try:
            return AESGCM(self._key(key_id)).decrypt(raw[:12], raw[12:], context.encode()).decode()
        except DecryptionError:
            raise
        except Exception as exc:  # InvalidTag: tampered, wrong column or wrong key
            raise DecryptionError("stored value failed authentication") from exc

    @staticmethod
    def key_id_of(token: str) -> str:
        return token.split(":", 2)[1]


@lru_cache(maxsize=8)
def _ring_for(spec: str) -> KeyRing:
    return KeyRing.parse(spec)


def keyring() -> KeyRing:
    """The key ring from settings (cached per value, so tests may override settings)."""
    return _ring_for(settings.OPENNRM_FIELD_KEYS)


def normalize_for_index(value: str) -> str:
    """NFKC-normalized, case-folded, whitespace-collapsed: equal names give equal tokens."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC-SHA256 token of a normalized value, for exact-match search of encrypted data.

    ``purpose`` separates the token spaces of different kinds of value (name, phone, document).
    """
    message = f"{purpose}\x00{normalize_for_index(value)}".encode()
    # The one-shot digest: a person's names make some twenty tokens, each search as many.
    return hmac.digest(_index_key(settings.OPENNRM_BLIND_INDEX_KEY), message, "sha256").hex()


@lru_cache(maxsize=4)
def _index_key(spec: str) -> bytes:
    return base64.b64decode(spec)
