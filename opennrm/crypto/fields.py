"""Model fields whose values are encrypted at rest with the key ring."""

from __future__ import annotations

from typing import Any

from django.db import models

from .keyring import keyring


class EncryptedTextField(models.TextField):
    """Text encrypted with AES-GCM; the database sees only ciphertext.

    It cannot be filtered or ordered on: search through a blind index column instead.
    """

    def get_internal_type(self) -> str:
        return "TextField"

    @property
    def context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return keyring().decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return keyring().encrypt(str(value), context=self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        # Equality on ciphertext can never match (random nonces); refuse it loudly.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)
