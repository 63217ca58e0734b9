"""Writes to persons. Called by the case services, which check permission and audit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _

from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.crypto.keyring import blind_index
from opennrm.matching.names import index_keys, script_of
from opennrm.validation import EARLIEST_BIRTH, MAX_ITEMS, Checker, shown

from .models import (
    AgeBand,
    DocumentStatus,
    DocumentType,
    Education,
    Gender,
    MaritalStatus,
    Person,
    PersonName,
    PersonPhone,
    PhoneKind,
)

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
    "phone_kinds",
    "address",
    "address_parts",
    "gender",
    "citizenship",
    "other_citizenships",
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
        "phone_kinds",
        "address",
        "address_parts",
    }
)
# Identifying fields holding a list: provenance is kept per item (decision 0013).
LIST_FIELDS = frozenset({"names", "phones", "documents"})
# Fields searchable through blind-index tokens: a change to any of them needs person_reindex.
INDEXED_FIELDS = frozenset({"given_name", "family_name", "patronymic", "names", "phones"})
MAX_TEXT = 200
MAX_ADDRESS = 500
# The parts of an address beside its street line, and their lengths (a country is an ISO code).
ADDRESS_PARTS = {"city": 100, "state": 100, "postal_code": 20, "country": 2}
MAX_DOCUMENT_NUMBER = 50


def _age_on(person: Person, on: date) -> int | None:
    if person.birth_date:
        born = date.fromisoformat(person.birth_date)
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if person.birth_year:
        return on.year - int(person.birth_year)
    if person.approximate_age:
        return int(person.approximate_age)
    return None


def person_age(*, person: Person, on: date) -> int | None:
    """The person's age on ``on`` from the birth date, year or approximate age; None unknown."""
    return _age_on(person, on)


def person_take_age_band(person: Person, band: str) -> bool:
    """Give a person without birth data the age band another organization shared (a referral
    carries the band for figures even when it carries no birth data); True when it changed."""
    if band not in AgeBand.values or band == AgeBand.UNKNOWN or person.age_band != AgeBand.UNKNOWN:
        return False
    person.age_band = band
    person.is_minor = band in (AgeBand.CHILD_0_11, AgeBand.CHILD_12_17)
    person.save(update_fields=["age_band", "is_minor", "updated_at"])
    return True


def age_band_for(age: int | None) -> str:
    if age is None:
        return AgeBand.UNKNOWN
    for limit, band in ((11, "0-11"), (17, "12-17"), (24, "18-24"), (34, "25-34"), (44, "35-44")):
        if age <= limit:
            return band
    return "45-54" if age <= 54 else "55+"


def person_apply(
    person: Person,
    data: dict[str, Any],
    *,
    identified_on: date,
    today: date | None = None,
    prefix: str = "",
    keep_age_band: bool = False,
) -> list[str]:
    """Validate and set person fields from ``data``; return the names of the fields changed.

    Raises ``ValidationFailed`` naming each bad field (``prefix`` + field path) and sets nothing;
    the messages never repeat an identifying value. ``today`` bounds the birth data (the
    organization's today; the current zone's by default). ``keep_age_band`` keeps the age band
    and minority as they are (birth data cleared by a withdrawal: the figures stay true).
    """
    check = Checker(prefix=prefix)
    check.unknown(data, PERSON_FIELDS)
    values: dict[str, Any] = {}
    _names(check, data, values)
    _birth(check, data, values, today or local_today(person.organization))
    _documents(check, data, values)
    _contact(check, data, values)
    _statistics(check, data, values)
    _phone_kinds(check, data, values, person)
    check.raise_if_errors()
    changed: list[str] = []
    for name, value in values.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    if keep_age_band:
        return changed
    age = _age_on(person, identified_on)
    person.age_band = age_band_for(age)
    person.is_minor = age is not None and age < 18
    return changed


def _names(check: Checker, data: dict[str, Any], values: dict[str, Any]) -> None:
    for name in ("given_name", "family_name", "patronymic"):
        if name in data:
            values[name] = check.text(name, data[name], max_length=MAX_TEXT, multiline=False)
    if "names" in data:
        names = []
        for i, item in enumerate(check.list_size("names", data["names"], max_items=MAX_ITEMS)):
            value = item.get("value", "") if isinstance(item, dict) else item
            value = check.text(f"names[{i}]", value, max_length=MAX_TEXT, multiline=False)
            if value:
                names.append({"value": value, "script": script_of(value)})
        values["names"] = names


def _birth(check: Checker, data: dict[str, Any], values: dict[str, Any], today: date) -> None:
    if "birth_date" in data:
        born = check.date("birth_date", data["birth_date"], earliest=EARLIEST_BIRTH, latest=today)
        values["birth_date"] = born.isoformat() if born else ""
    for name, low, high in (
        ("birth_year", EARLIEST_BIRTH.year, today.year),
        ("approximate_age", 0, 110),
    ):
        if name in data:
            number = check.integer(name, data[name], low=low, high=high)
            values[name] = "" if number is None else str(number)


def _documents(check: Checker, data: dict[str, Any], values: dict[str, Any]) -> None:
    if "documents" not in data:
        return
    documents = []
    for i, doc in enumerate(check.list_size("documents", data["documents"], max_items=MAX_ITEMS)):
        if not isinstance(doc, dict):
            check.add(f"documents[{i}]", _("Give the type of the document."))
            continue
        field = f"documents[{i}]"
        doc_type = check.choice(f"{field}.type", doc.get("type"), DocumentType.values)
        if not doc_type and not check.has(f"{field}.type"):
            check.add(f"{field}.type", _("Unknown document type."))
        # The number is often unknown: the trafficker took the passport, or it was lost.
        number = check.text(
            f"{field}.number", doc.get("number"), max_length=MAX_DOCUMENT_NUMBER, multiline=False
        )
        country = check.country(f"{field}.country", doc.get("country"))
        status = check.choice(
            f"{field}.status",
            doc.get("status") or DocumentStatus.HELD_BY_PERSON,
            DocumentStatus.values,
        )
        documents.append({"type": doc_type, "number": number, "country": country, "status": status})
    values["documents"] = documents


def _contact(check: Checker, data: dict[str, Any], values: dict[str, Any]) -> None:
    if "phones" in data:
        region = data.get("citizenship") or None
        phones = check.list_size("phones", data["phones"], max_items=MAX_ITEMS)
        numbers = (
            check.phone(f"phones[{i}]", raw, region=region if isinstance(region, str) else None)
            for i, raw in enumerate(phones)
        )
        values["phones"] = [number for number in numbers if number]
    if "address" in data:
        values["address"] = check.text("address", data["address"], max_length=MAX_ADDRESS)
    if "address_parts" in data:
        values["address_parts"] = _address_parts(check, data["address_parts"])


def _phone_kinds(
    check: Checker, data: dict[str, Any], values: dict[str, Any], person: Person
) -> None:
    """What each of the person's numbers is, by number ({"+998 90 123 45 67": "mobile"}), the
    numbers in E.164 as in ``phones``: only numbers the person has (the kinds of numbers removed
    go with them). An error names the entry by its place, never by the number."""
    if "phone_kinds" not in data and "phones" not in values:
        return
    phones = values.get("phones", person.phones)
    if "phone_kinds" not in data:
        values["phone_kinds"] = {n: k for n, k in person.phone_kinds.items() if n in phones}
        return
    kinds = data["phone_kinds"] or {}
    if not isinstance(kinds, dict):
        check.add("phone_kinds", _("Give the kind of each phone number by its number."))
        return
    region = data.get("citizenship") or None  # as the numbers of ``phones`` are read
    region = region if isinstance(region, str) else None
    quiet = Checker()  # a bad number written as in ``phones`` is named there only
    found: dict[str, str] = {}
    for i, raw in enumerate(check.list_size("phone_kinds", list(kinds), max_items=MAX_ITEMS)):
        field = f"phone_kinds[{i}]"
        listed = isinstance(data.get("phones"), list) and raw in data["phones"]
        number = (quiet if listed else check).phone(field, raw, region=region)
        kind = check.choice(field, kinds[raw], PhoneKind.values, required=True)
        if number and number not in phones:
            check.add(field, _("This number is not among the phone numbers."))
        elif number and kind:
            found[number] = kind
    values["phone_kinds"] = found


def _address_parts(check: Checker, parts: Any) -> dict[str, str]:
    """The city, state, postal code and country of the address; empty parts left out."""
    if parts in (None, ""):
        return {}
    if not isinstance(parts, dict):
        check.add("address_parts", _("Give the parts of the address by name."))
        return {}
    for name in sorted(set(parts) - set(ADDRESS_PARTS)):
        check.add(f"address_parts.{shown(str(name), 30)}", _("Unknown field."))
    found: dict[str, str] = {}
    for name, limit in ADDRESS_PARTS.items():
        field = f"address_parts.{name}"
        if name == "country":
            value = check.country(field, parts.get(name))
        else:
            value = check.text(field, parts.get(name), max_length=limit, multiline=False)
        if value:
            found[name] = value
    return found


def _statistics(check: Checker, data: dict[str, Any], values: dict[str, Any]) -> None:
    if "gender" in data:
        values["gender"] = check.choice("gender", data["gender"], Gender.values, required=True)
    for name, choices in (("marital_status", MaritalStatus), ("education", Education)):
        if name in data:
            values[name] = check.choice(name, data[name], choices.values)
    if "citizenship" in data:
        values["citizenship"] = check.country("citizenship", data["citizenship"])
    if "other_citizenships" in data:
        others = check.countries("other_citizenships", data["other_citizenships"])
        main = values.get("citizenship", data.get("citizenship"))
        values["other_citizenships"] = [
            c for i, c in enumerate(others) if c != main and c not in others[:i]
        ]
    if "languages" in data:
        values["languages"] = check.languages("languages", data["languages"])
    if "number_of_children" in data:
        values["number_of_children"] = check.integer(
            "number_of_children", data["number_of_children"], low=0, high=30
        )


def phone_token(e164: str) -> str:
    """The blind-index token of a phone number already in E.164 form."""
    return blind_index(e164, purpose="phone")


def person_reindex(person: Person) -> None:
    """Replace the person's name and phone tokens after its names or phones changed."""
    PersonName.objects.filter(person=person).delete()
    tokens = index_keys(
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
    actor: Actor | None,
    person: Person,
    changed: list[str],
    action: TextChoices,
    organization: Organization | None = None,
) -> None:
    """Store what ``person_apply`` changed: a new version, fresh search tokens when names or
    phones changed, and the audit event naming the fields. Nothing when nothing changed.

    The event is written under the actor's organization, or under ``organization`` when the
    record belongs to another one (a receiver's copy cleared by the sender's withdrawal) or when
    no one acts (a retention job)."""
    if not changed:
        return
    # What the organization changed itself is its own: a single-valued field no longer depends
    # on the consent it was received under. A list keeps its provenance item by item
    # (``person_clear_held`` removes only the items received), so it is not released here.
    person.held_under = {
        name: ids
        for name, ids in person.held_under.items()
        if name in LIST_FIELDS or name not in changed
    }
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


def held_item(name: str, item: Any) -> Any:
    """How one item of a list field is compared with what was received (no value is stored)."""
    if name == "names":
        return item.get("value", "") if isinstance(item, dict) else item
    if name == "documents" and isinstance(item, dict):
        return (item.get("type", ""), item.get("number", ""), item.get("country", ""))
    return item


def person_hold(person: Person, held_under: dict[str, list[int]]) -> None:
    """Record that the person's fields were received under these consents (at acceptance);
    only fields that hold something are recorded."""
    held = {
        name: sorted(set(ids))
        for name, ids in held_under.items()
        if name in IDENTIFYING_FIELDS and ids and getattr(person, name)
    }
    if held != person.held_under:
        person.held_under = held
        person.save(update_fields=["held_under", "updated_at"])


def person_release(person: Person) -> list[str]:
    """The organization recorded its own consent: every field it holds becomes its own.
    Returns the fields released (the caller audits them)."""
    released = sorted(person.held_under)
    if released:
        person.held_under = {}
        person.save(update_fields=["held_under", "updated_at"])
    return released


def person_clear_held(
    *,
    actor: Actor,
    person: Person,
    consent_id: int,
    received: dict[str, list[Any]],
    identified_on: date,
    action: TextChoices,
    organization: Organization | None = None,
) -> list[str]:
    """Clear what the person's record holds only under ``consent_id``, and return the fields
    cleared. A single-valued field depending on it is emptied; a list loses the items that were
    received under it (``received``: the items as shared, by field), keeping those the
    organization added or corrected. The age band and statistical fields stay."""
    data: dict[str, Any] = {}
    held: dict[str, list[int]] = {}
    for name, ids in person.held_under.items():
        if consent_id not in ids:
            held[name] = ids
            continue
        rest = [i for i in ids if i != consent_id]
        if name in LIST_FIELDS:
            gone = {held_item(name, item) for item in received.get(name, [])}
            kept = [item for item in getattr(person, name) if held_item(name, item) not in gone]
            if len(kept) != len(getattr(person, name)):
                data[name] = [held_item(name, i) if name == "names" else i for i in kept]
            if kept and rest:
                held[name] = rest
        else:
            data[name] = ""
    if held == person.held_under:
        return []
    changed = person_apply(person, data, identified_on=identified_on, keep_age_band=True)
    person.held_under = held
    if changed:
        # Releases nothing more: the fields cleared are already out of ``held``.
        person_save_changes(
            actor=actor, person=person, changed=changed, action=action, organization=organization
        )
    else:
        person.save(update_fields=["held_under", "updated_at"])
    return changed
