"""Shared validation: model checks turned into errors that name the field."""

from __future__ import annotations

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from opennrm.errors import ValidationFailed


def full_clean_or_raise(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run the model's validation; raise ValidationFailed with messages per field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(
            _("Please correct the errors below."), errors=exc.message_dict
        ) from None


def country_code_error(code: str) -> str | None:
    """None when ``code`` is an ISO 3166 alpha-2 code, else a message naming the bad value."""
    if code and pycountry.countries.get(alpha_2=code.upper()) is not None and code.isupper():
        return None
    return _("“%(value)s” is not an ISO 3166 two-letter country code (for example KZ, UZ).") % {
        "value": code
    }


def phone_to_e164(raw: str, *, region: str | None = None) -> str:
    """A phone number in E.164 form, or ValueError; the message never repeats the number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValueError(_("This is not a phone number.")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("This is not a valid phone number for its country."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
