"""A multi-select picklist stored as ``;A;B;`` text, so "has value X" is a portable LIKE filter."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class MultiChoiceField(models.TextField):
    # For django-stubs: the attribute is the list of values, not its ";A;B;" text (a TextField's
    # str may not be narrowed to a list, so: any).
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def __init__(
        self, *args: Any, choices_class: type[models.TextChoices] | None = None, **kwargs: Any
    ):
        self.choices_class = choices_class
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[str]:
        return self.to_python(value)

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        if not value:
            return []
        return [part for part in str(value).split(";") if part]

    def get_prep_value(self, value: Any) -> str:
        if isinstance(value, str):  # a lookup's right-hand side, already in storage form
            return value
        if not value:
            return ""
        return ";" + ";".join(value) + ";"

    def validate(self, value: Any, model_instance: Any) -> None:
        from django.core.exceptions import ValidationError

        if self.choices_class is None:
            return
        unknown = [v for v in value or [] if v not in self.choices_class.values]
        if unknown:
            raise ValidationError(
                _("Not in the list of allowed values: %(values)s"),
                code="invalid_choice",
                params={"values": ", ".join(unknown)},
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("A value is repeated."), code="duplicate")

    def value_to_string(self, obj: Any) -> str:
        return self.get_prep_value(self.value_from_object(obj))


def has(field: str, value: str) -> models.Q:
    """Filter for multi-select ``field`` containing ``value``."""
    return models.Q(**{f"{field}__contains": f";{value};"})
