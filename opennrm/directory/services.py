"""Writes to the service directory: an organization's managers list, change and withdraw their
own services and hotline numbers. Each write checks permission, validates (naming the bad
field), writes and audits in one transaction. Withdrawn entries are kept, unlisted.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.cases.choices import ServiceType
from opennrm.errors import Conflict, NotFound, ValidationFailed
from opennrm.validation import Checker, phone_to_e164, text_problem

from .audit import DirectoryAction
from .models import DirectoryEntry, HotlineNumber

ENTRY_FIELDS = (
    "service_type",
    "description",
    "languages",
    "countries",
    "region",
    "hours",
    "capacity_free",
    "capacity_total",
    "capacity_unit",
    "contact_phone",
    "contact_email",
)
HOTLINE_FIELDS = ("country", "number", "languages", "hours", "free_of_charge")
MAX_DESCRIPTION = 2000
MAX_CAPACITY = 100_000
_TEXT_LIMITS = {"region": 200, "hours": 200, "capacity_unit": 60}

Errors = dict[str, list[str]]


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    return [str(v).strip() for v in value if str(v).strip()]


def clean_languages(value: Any, name: str, errors: Errors) -> list[str]:
    return Checker(errors=errors).languages(name, _as_list(value))


def clean_country(value: Any, name: str, errors: Errors, *, required: bool = True) -> str:
    code = str(value or "").strip().upper()
    return Checker(errors=errors).country(name, code, required=required)


def _clean_text(value: Any, name: str, limit: int, errors: Errors) -> str:
    multiline = name == "description"
    return Checker(errors=errors).text(name, value, max_length=limit, multiline=multiline)


def _clean_count(value: Any, name: str, errors: Errors) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(_("Give a whole number."))
        return None
    if number < 0 or number > MAX_CAPACITY:
        errors.setdefault(name, []).append(
            _("Give a number from 0 to %(limit)d.") % {"limit": MAX_CAPACITY}
        )
        return None
    return number


def _unknown(data: dict[str, Any], allowed: tuple[str, ...], errors: Errors) -> None:
    for name in sorted(set(data) - set(allowed)):
        errors.setdefault(name, []).append(_("Unknown field."))


def _set(obj: Any, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _apply_entry(entry: DirectoryEntry, data: dict[str, Any], organization: Organization) -> list:
    """Validate ``data`` and set it on the entry; return the fields changed. On error nothing is
    set and ValidationFailed names every bad field."""
    errors: Errors = {}
    _unknown(data, ENTRY_FIELDS, errors)
    values: dict[str, Any] = {}
    if "service_type" in data:
        value = data["service_type"] or ""
        if not value:
            errors.setdefault("service_type", []).append(_("Choose one."))
        elif value not in ServiceType.values:
            errors.setdefault("service_type", []).append(_("Choose one of the listed values."))
        values["service_type"] = value
    if "description" in data:
        values["description"] = _clean_text(
            data["description"], "description", MAX_DESCRIPTION, errors
        )
    for name, limit in _TEXT_LIMITS.items():
        if name in data:
            values[name] = _clean_text(data[name], name, limit, errors)
    if "languages" in data:
        values["languages"] = clean_languages(data["languages"], "languages", errors)
    if "countries" in data:
        countries: list[str] = []
        for i, code in enumerate(_as_list(data["countries"])):
            code = clean_country(code, f"countries[{i}]", errors)
            if code not in countries:
                countries.append(code)
        values["countries"] = countries
    for name in ("capacity_free", "capacity_total"):
        if name in data:
            values[name] = _clean_count(data[name], name, errors)
    if "contact_phone" in data:
        values["contact_phone"] = Checker(errors=errors).phone(
            "contact_phone", data["contact_phone"], region=organization.country or None
        )
    if "contact_email" in data:
        email = str(data["contact_email"] or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.setdefault("contact_email", []).append(_("This is not an e-mail address."))
        values["contact_email"] = email
    if errors:
        raise ValidationFailed.of(errors)

    def after(name: str) -> Any:
        return values[name] if name in values else getattr(entry, name)

    free, total = after("capacity_free"), after("capacity_total")
    if free is not None and total is not None and free > total:
        errors.setdefault("capacity_free", []).append(_("Cannot be more than the places in all."))
    if errors:
        raise ValidationFailed.of(errors)
    return _set(entry, values)


@transaction.atomic
def directory_entry_create(*, actor: Actor, is_demo: bool = False, **fields: Any) -> DirectoryEntry:
    """List a service of the actor's organization; its type is required."""
    actor.require(perms.DIRECTORY_MANAGE)
    organization = actor.active_organization
    entry = DirectoryEntry(organization=organization, is_demo=is_demo)
    fields.setdefault("service_type", "")
    _apply_entry(entry, fields, organization)
    entry.save()
    filled = [n for n in ENTRY_FIELDS if getattr(entry, n) not in ("", None, [])]
    audit_record(actor=actor, action=DirectoryAction.ENTRY_CREATE, obj=entry, fields=filled)
    return entry


def _locked_entry(actor: Actor, entry: DirectoryEntry) -> DirectoryEntry:
    actor.require(perms.DIRECTORY_MANAGE)
    try:
        return DirectoryEntry.objects.select_for_update().get(
            pk=entry.pk, organization=actor.organization
        )
    except DirectoryEntry.DoesNotExist:
        raise NotFound(_("No such service in the directory.")) from None


def _check_version(obj: Any, version: int) -> None:
    if obj.version != version:
        raise Conflict(
            _("Someone else changed this entry while you were editing. Reload and retry.")
        )


@transaction.atomic
def directory_entry_update(
    *, actor: Actor, entry: DirectoryEntry, version: int, **changes: Any
) -> DirectoryEntry:
    """Change one of the organization's services (free places, hours…); refused over someone
    else's newer change."""
    entry = _locked_entry(actor, entry)
    _check_version(entry, version)
    changed = _apply_entry(entry, changes, entry.organization)
    if changed:
        entry.version += 1
        entry.save()
        audit_record(actor=actor, action=DirectoryAction.ENTRY_UPDATE, obj=entry, fields=changed)
    return entry


@transaction.atomic
def directory_entry_withdraw(*, actor: Actor, entry: DirectoryEntry) -> DirectoryEntry:
    """Take a service off the directory (kept, unlisted); listing it again is an update away."""
    entry = _locked_entry(actor, entry)
    if entry.is_active:
        entry.is_active = False
        entry.version += 1
        entry.save()
        audit_record(
            actor=actor, action=DirectoryAction.ENTRY_WITHDRAW, obj=entry, fields=["is_active"]
        )
    return entry


@transaction.atomic
def directory_entry_relist(*, actor: Actor, entry: DirectoryEntry) -> DirectoryEntry:
    """List a withdrawn service again."""
    entry = _locked_entry(actor, entry)
    if not entry.is_active:
        entry.is_active = True
        entry.version += 1
        entry.save()
        audit_record(
            actor=actor, action=DirectoryAction.ENTRY_RELIST, obj=entry, fields=["is_active"]
        )
    return entry


# --- Hotline numbers.


def clean_hotline_number(raw: str, country: str) -> str:
    """A hotline number of ``country``: E.164 for a full number, the digits of a short number
    (such as 112); ValueError naming no value otherwise."""
    raw = raw.strip()
    if not raw:
        raise ValueError(_("Give the number."))
    if problem := text_problem(raw):
        raise ValueError(problem)
    digits = "".join(ch for ch in raw if ch.isdigit())
    if country and not raw.startswith("+") and 2 < len(digits) <= 6:
        try:
            short = phonenumbers.parse(digits, country)
        except phonenumbers.NumberParseException:
            short = None
        if short is not None and phonenumbers.is_valid_short_number_for_region(short, country):
            return digits
    e164 = phone_to_e164(raw, region=country or None)
    if country and not phonenumbers.is_valid_number_for_region(phonenumbers.parse(e164), country):
        raise ValueError(_("This is not a phone number of the country given."))
    return e164


def _apply_hotline(hotline: HotlineNumber, data: dict[str, Any]) -> list[str]:
    errors: Errors = {}
    _unknown(data, HOTLINE_FIELDS, errors)
    values: dict[str, Any] = {}
    if "country" in data:
        values["country"] = clean_country(data["country"], "country", errors)
    if "languages" in data:
        values["languages"] = clean_languages(data["languages"], "languages", errors)
    if "hours" in data:
        values["hours"] = _clean_text(data["hours"], "hours", 200, errors)
    if "free_of_charge" in data:
        values["free_of_charge"] = bool(data["free_of_charge"])
    if "number" in data or ("country" in values and values["country"] != hotline.country):
        country = values.get("country", hotline.country)
        raw = str(data.get("number", hotline.number) or "")
        if "country" not in errors:
            try:
                values["number"] = clean_hotline_number(raw, country)
            except ValueError as exc:
                errors.setdefault("number", []).append(str(exc))
    if errors:
        raise ValidationFailed.of(errors)
    number = values.get("number", hotline.number)
    country = values.get("country", hotline.country)
    taken = HotlineNumber.objects.filter(is_active=True, country=country, number=number)
    if hotline.pk:
        taken = taken.exclude(pk=hotline.pk)
    if taken.exists():
        raise ValidationFailed.of(
            {"number": [_("This number is already listed for this country.")]}
        )
    return _set(hotline, values)


@transaction.atomic
def hotline_number_create(*, actor: Actor, is_demo: bool = False, **fields: Any) -> HotlineNumber:
    """List a hotline number run by the actor's organization; country and number required."""
    actor.require(perms.DIRECTORY_MANAGE)
    organization = actor.active_organization
    hotline = HotlineNumber(organization=organization, is_demo=is_demo)
    fields.setdefault("country", "")
    fields.setdefault("number", "")
    _apply_hotline(hotline, fields)
    hotline.save()
    filled = [n for n in HOTLINE_FIELDS if getattr(hotline, n) not in ("", None, [], False)]
    audit_record(actor=actor, action=DirectoryAction.HOTLINE_CREATE, obj=hotline, fields=filled)
    return hotline


def _locked_hotline(actor: Actor, hotline: HotlineNumber) -> HotlineNumber:
    actor.require(perms.DIRECTORY_MANAGE)
    try:
        return HotlineNumber.objects.select_for_update().get(
            pk=hotline.pk, organization=actor.organization
        )
    except HotlineNumber.DoesNotExist:
        raise NotFound(_("No such hotline number.")) from None


@transaction.atomic
def hotline_number_update(
    *, actor: Actor, hotline: HotlineNumber, version: int, **changes: Any
) -> HotlineNumber:
    """Change one of the organization's hotline numbers; refused over a newer change."""
    hotline = _locked_hotline(actor, hotline)
    _check_version(hotline, version)
    changed = _apply_hotline(hotline, changes)
    if changed:
        hotline.version += 1
        hotline.save()
        audit_record(
            actor=actor, action=DirectoryAction.HOTLINE_UPDATE, obj=hotline, fields=changed
        )
    return hotline


@transaction.atomic
def hotline_number_withdraw(*, actor: Actor, hotline: HotlineNumber) -> HotlineNumber:
    """Take a hotline number off the directory (kept, unlisted)."""
    hotline = _locked_hotline(actor, hotline)
    if hotline.is_active:
        hotline.is_active = False
        hotline.version += 1
        hotline.save()
        audit_record(
            actor=actor, action=DirectoryAction.HOTLINE_WITHDRAW, obj=hotline, fields=["is_active"]
        )
    return hotline
