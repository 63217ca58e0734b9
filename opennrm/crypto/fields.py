"""Model fields whose values are encrypted at rest with the key ring."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from opennrm.errors import ValidationFailed

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
        value = models.Field.get_prep_value(self, value)  # resolves lazy text, no to_python
        if value is None or value == "":
            return value
        text = str(value)
        try:
            text.encode()
        except UnicodeEncodeError:
            # A lone UTF-16 surrogate (JSON may carry "\ud800") cannot be encrypted. The services
            # refuse it first; this is the last guard, so it never becomes a server error.
            raise ValidationFailed.of(
                {self.name: [_("Contains a character that is not valid text; retype it.")]}
            ) from None
        return keyring().encrypt(text, context=self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        # Equality on ciphertext can never match (random nonces); refuse it loudly.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (list or dict) encrypted as a whole; an empty value is stored as ''."""

    # What django-stubs' plugin gives the attribute: any JSON value, not the text it is stored as.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else self._empty()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else self._empty()
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None or value == [] or value == {}:
            return ""
        return super().get_prep_value(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def _empty(self) -> Any:
        return self.default() if callable(self.default) else []

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
