"""Writes to persons. Called by the case services, which check permission and audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pycountry
from django.db.models import TextChoices
from django.utils.translation import gettext as _

from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.crypto.keyring import blind_index
from opennrm.validation import country_code_error, phone_to_e164

from .models import (
    AgeBand,
    DocumentType,
    Education,
    Gender,
    MaritalStatus,
    Person,
    PersonName,
    PersonPhone,
)
from .names import name_tokens, script_of

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "patronymic",
    "names",
    "birth_date",
    "birth_year",
    "approximate_age",
    "documents",
    "phones",
    "address",
    "gender",
    "citizenship",
    "languages",
    "marital_status",
    "education",
    "number_of_children",
)
IDENTIFYING_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "patronymic",
        "names",
        "birth_date",
        "birth_year",
        "approximate_age",
        "documents",
        "phones",
        "address",
    }
)
# Fields searchable through blind-index tokens: a change to any of them needs person_reindex.
INDEXED_FIELDS = frozenset({"given_name", "family_name", "patronymic", "names", "phones"})
MAX_TEXT = 200
MAX_ADDRESS = 500


def _age_on(person: Person, on: date) -> int | None:
    if person.birth_date:
        born = date.fromisoformat(person.birth_date)
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if person.birth_year:
        return on.year - int(person.birth_year)
    if person.approximate_age:
        return int(person.approximate_age)
    return None


def age_band_for(age: int | None) -> str:
    if age is None:
        return AgeBand.UNKNOWN
    for limit, band in ((11, "0-11"), (17, "12-17"), (24, "18-24"), (34, "25-34"), (44, "35-44")):
        if age <= limit:
            return band
    return "45-54" if age <= 54 else "55+"


def _language_ok(code: str) -> bool:
    code = code.lower()
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return len(code) == 3 and pycountry.languages.get(alpha_3=code) is not None


class PersonInvalid(ValueError):
    """Refused person fields: ``errors`` maps each field path to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid person")
        self.errors = errors


def person_apply(person: Person, data: dict[str, Any], *, identified_on: date) -> list[str]:
    """Validate and set person fields from ``data``; return the names of the fields changed.

    Raises ``PersonInvalid`` (``errors``: field path -> messages) on bad input; the messages
    never repeat an identifying value.
    """
    errors: dict[str, list[str]] = {}
    changed: list[str] = []

    def err(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    def text(name: str, value: Any, limit: int = MAX_TEXT) -> str:
        value = "" if value is None else str(value).strip()
        if len(value) > limit:
            err(name, _("At most %(limit)d characters.") % {"limit": limit})
        return value

    values: dict[str, Any] = {}
    for name in ("given_name", "family_name", "patronymic"):
        if name in data:
            values[name] = text(name, data[name])
    if "address" in data:
        values["address"] = text("address", data["address"], MAX_ADDRESS)
    if "names" in data:
        names = []
        for i, item in enumerate(data["names"] or []):
            value = item.get("value", "") if isinstance(item, dict) else item
            value = text(f"names[{i}]", value)
            if value:
                names.append({"value": value, "script": script_of(value)})
        values["names"] = names
    today = date.today()
    if "birth_date" in data:
        born = data["birth_date"]
        if isinstance(born, str) and born:
            try:
                born = date.fromisoformat(born)
            except ValueError:
                err("birth_date", _("Not a date; write it as YYYY-MM-DD."))
                born = None
        if isinstance(born, date):
            if born > today:
                err("birth_date", _("The birth date cannot be in the future."))
            elif born.year < 1900:
                err("birth_date", _("The birth date is too far in the past."))
        values["birth_date"] = born.isoformat() if isinstance(born, date) else ""
    for name, low, high in (("birth_year", 1900, today.year), ("approximate_age", 0, 110)):
        if name in data:
            raw = data[name]
            if raw in (None, ""):
                values[name] = ""
                continue
            try:
                number = int(raw)
            except (TypeError, ValueError):
                err(name, _("Not a whole number."))
                continue
            if not low <= number <= high:
                err(name, _("Must be between %(low)d and %(high)d.") % {"low": low, "high": high})
            values[name] = str(number)
    if "documents" in data:
        documents = []
        for i, doc in enumerate(data["documents"] or []):
            doc_type = str(doc.get("type", ""))
            doc_number = text(f"documents[{i}].number", doc.get("number", ""), 50)
            country = str(doc.get("country", "") or "")
            if doc_type not in DocumentType.values:
                err(f"documents[{i}].type", _("Unknown document type."))
            if not doc_number:
                err(f"documents[{i}].number", _("The document number is missing."))
            if country and (message := country_code_error(country)):
                err(f"documents[{i}].country", message)
            documents.append({"type": doc_type, "number": doc_number, "country": country})
        values["documents"] = documents
    if "phones" in data:
        phones = []
        for i, raw in enumerate(data["phones"] or []):
            try:
                phones.append(phone_to_e164(str(raw), region=data.get("citizenship") or None))
            except ValueError as exc:
                err(f"phones[{i}]", str(exc))
        values["phones"] = phones
    if "gender" in data:
        if data["gender"] not in Gender.values:
            err("gender", _("Choose one of the listed values."))
        values["gender"] = data["gender"]
    for name, choices in (("marital_status", MaritalStatus), ("education", Education)):
        if name in data:
            if data[name] and data[name] not in choices.values:
                err(name, _("Choose one of the listed values."))
            values[name] = data[name] or ""
    if "citizenship" in data:
        code = data["citizenship"] or ""
        if code and (message := country_code_error(code)):
            err("citizenship", message)
        values["citizenship"] = code
    if "languages" in data:
        languages = list(data["languages"] or [])
        for i, code in enumerate(languages):
            if not _language_ok(str(code)):
                err(
                    f"languages[{i}]",
                    _("“%(value)s” is not an ISO 639 language code (for example ru, uz, kk).")
                    % {"value": code},
                )
        values["languages"] = [str(c).lower() for c in languages]
    if "number_of_children" in data:
        raw = data["number_of_children"]
        if raw in (None, ""):
            values["number_of_children"] = None
        else:
            try:
                values["number_of_children"] = int(raw)
                if not 0 <= values["number_of_children"] <= 30:
                    err("number_of_children", _("Must be between 0 and 30."))
            except (TypeError, ValueError):
                err("number_of_children", _("Not a whole number."))
    unknown = set(data) - set(PERSON_FIELDS)
    for name in sorted(unknown):
        err(name, _("Unknown field."))
    if errors:
        raise PersonInvalid(errors)
    for name, value in values.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    age = _age_on(person, identified_on)
    person.age_band = age_band_for(age)
    person.is_minor = age is not None and age < 18
    return changed


def phone_token(e164: str) -> str:
    """The blind-index token of a phone number already in E.164 form."""
    return blind_index(e164, purpose="phone")


def person_reindex(person: Person) -> None:
    """Replace the person's name and phone tokens after its names or phones changed."""
    PersonName.objects.filter(person=person).delete()
    tokens = name_tokens(
        given=person.given_name,
        family=person.family_name,
        patronymic=person.patronymic,
        others=[n["value"] for n in person.names],
    )
    PersonName.objects.bulk_create(
        PersonName(person=person, organization_id=person.organization_id, token=t) for t in tokens
    )
    PersonPhone.objects.filter(person=person).delete()
    PersonPhone.objects.bulk_create(
        PersonPhone(person=person, organization_id=person.organization_id, token=t)
        for t in sorted({phone_token(phone) for phone in person.phones})
    )


def person_save_changes(
    *,
    actor: Actor,
    person: Person,
    changed: list[str],
    action: TextChoices,
    organization: Organization | None = None,
) -> None:
    """Store what ``person_apply`` changed: a new version, fresh search tokens when names or
    phones changed, and the audit event naming the fields. Nothing when nothing changed.

    The event is written under the actor's organization, or under ``organization`` when the
    record belongs to another one (a receiver's copy cleared by the sender's withdrawal)."""
    if not changed:
        return
    person.version += 1
    person.save()
    if set(changed) & INDEXED_FIELDS:
        person_reindex(person)
    audit_record(
        actor=actor,
        organization=organization,
        action=action,
        obj=person,
        fields=changed,
    )
