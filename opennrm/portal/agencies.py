"""The registry of licensed agencies (decision 0027): the regulator's services and selectors, the
CSV import, and the public lookup.

A regulator keeps the licences of its own organization's country. An import is read whole and
checked before anything is saved: the preview and the import run the same checks, and the import
saves every row or none, in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

import icu
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.errors import Conflict, NotFound, ValidationFailed
from opennrm.validation import MAX_LINE, MAX_NAME, Checker, shown, text_problem

from .audit_agencies import AgencyAction
from .models_agencies import (
    Agency,
    AgencyKind,
    AgencyRegistryUpdate,
    AgencyStatus,
    RegistryUpdateSource,
)

# Bounds of a licence's end date: a registry begins after 1990; 2100 is a typing error.
EARLIEST_VALID_UNTIL = date(1990, 1, 1)
LATEST_VALID_UNTIL = date(2100, 12, 31)
MAX_LICENCE = 60
MAX_CITY = 100
MAX_FILE_BYTES = 1_000_000  # a national registry of several thousand agencies fits
MAX_ROWS = 10_000
MAX_PROBLEMS = 50  # a refusal lists at most this many problems: enough to fix a file by
# The public lookup.
MAX_QUERY = 200
MIN_QUERY = 2
MAX_RESULTS = 20

# --- Folding for search


@lru_cache(maxsize=1)
def _to_latin() -> Any:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


# Spellings of the region's Latin alphabets folded together (Uzbek q and x, Kazakh q).
_LATIN_FOLD = str.maketrans({"q": "k", "x": "h", "w": "v", "j": "zh"})
_NOT_KEY = re.compile("[^a-z0-9]")


def search_key(text: str) -> str:
    """``text`` as lower-case Latin letters and digits only: Cyrillic transliterated, accents,
    spaces and punctuation dropped, so "ТОО «Ориент-Тур»" and "Orient Tur" compare alike."""
    latin = _to_latin().transliterate(unicodedata.normalize("NFC", text)).lower()
    return _NOT_KEY.sub("", latin.translate(_LATIN_FOLD))[:400]


def licence_key(text: str) -> str:
    """A licence number as compared: letters and digits, Cyrillic letters transliterated."""
    return search_key(text)[:MAX_LICENCE]


# --- Who may


def _country(actor: Actor) -> str:
    """The country whose registry ``actor`` keeps: its organization's."""
    actor.require(perms.AGENCIES_MANAGE)
    return actor.active_organization.country


def agency_list(*, actor: Actor, query: str = "") -> QuerySet[Agency]:
    """The agencies of the regulator's country, by name; ``query`` narrows them like the public
    lookup does."""
    agencies = Agency.objects.filter(country=_country(actor))
    key = search_key(query[:MAX_QUERY])
    if key:
        agencies = agencies.filter(Q(name_key__contains=key) | Q(licence_key__contains=key))
    return agencies.order_by("name", "id")


def agency_get(*, actor: Actor, agency_id: UUID) -> Agency:
    """One agency of the regulator's country; NotFound for any other."""
    found = Agency.objects.filter(country=_country(actor), uuid=agency_id).first()
    if found is None:
        raise NotFound(_("No such agency."))
    return found


def registry_updates(*, actor: Actor, limit: int = 10) -> list[AgencyRegistryUpdate]:
    """The last changes of the regulator's country's registry, newest first."""
    country = _country(actor)
    return list(AgencyRegistryUpdate.objects.filter(country=country).select_related("by")[:limit])


# --- One agency, from the page

FIELDS = (
    "name",
    "licence_number",
    "kind",
    "status",
    "valid_until",
    "issuing_authority",
    "city",
    "address",
)


def _clean(check: Checker, data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of one agency, checked (a page's form or a file's row)."""
    return {
        "name": check.text(
            "name", data.get("name"), max_length=MAX_NAME, required=True, multiline=False
        ),
        "licence_number": check.text(
            "licence_number",
            data.get("licence_number"),
            max_length=MAX_LICENCE,
            required=True,
            multiline=False,
        ),
        "kind": check.choice("kind", data.get("kind"), AgencyKind.values, required=True),
        "status": check.choice("status", data.get("status"), AgencyStatus.values, required=True),
        "valid_until": check.date(
            "valid_until",
            data.get("valid_until"),
            earliest=EARLIEST_VALID_UNTIL,
            latest=LATEST_VALID_UNTIL,
        ),
        "issuing_authority": check.text(
            "issuing_authority",
            data.get("issuing_authority"),
            max_length=MAX_LINE,
            required=True,
            multiline=False,
        ),
        "city": check.text("city", data.get("city"), max_length=MAX_CITY, multiline=False),
        "address": check.text("address", data.get("address"), max_length=MAX_LINE, multiline=False),
    }


def _set(agency: Agency, values: Mapping[str, Any]) -> list[str]:
    """Put ``values`` on ``agency``; the names of the fields that changed."""
    changed = [name for name in FIELDS if getattr(agency, name) != values[name]]
    for name in changed:
        setattr(agency, name, values[name])
    agency.name_key = search_key(agency.name)
    agency.licence_key = licence_key(agency.licence_number)
    return changed


def _licence_taken(country: str, key: str, *, but: Agency | None = None) -> bool:
    others = Agency.objects.filter(country=country, licence_key=key)
    if but is not None:
        others = others.exclude(pk=but.pk)
    return others.exists()


def _registry_update(
    actor: Actor, country: str, source: str, **counts: int
) -> AgencyRegistryUpdate:
    return AgencyRegistryUpdate.objects.create(
        by=actor.user,
        organization=actor.active_organization,
        country=country,
        source=source,
        **counts,
    )


@transaction.atomic
def agency_create(*, actor: Actor, data: Mapping[str, Any]) -> Agency:
    """Add a licensed agency to the regulator's country's registry."""
    country = _country(actor)
    check = Checker()
    values = _clean(check, data)
    check.raise_if_errors()
    agency = Agency(country=country)
    _set(agency, values)
    if _licence_taken(country, agency.licence_key):
        raise ValidationFailed.of(
            {"licence_number": [_("An agency with this licence number is already registered.")]}
        )
    agency.save()
    _registry_update(actor, country, RegistryUpdateSource.FORM, created=1)
    audit_record(actor=actor, action=AgencyAction.CREATE, obj=agency, fields=list(FIELDS))
    return agency


@transaction.atomic
def agency_update(
    *, actor: Actor, agency_id: UUID, data: Mapping[str, Any], version: int
) -> Agency:
    """Change an agency of the regulator's country; Conflict when someone changed it since
    ``version`` was read."""
    country = _country(actor)
    agency = Agency.objects.select_for_update().filter(country=country, uuid=agency_id).first()
    if agency is None:
        raise NotFound(_("No such agency."))
    if agency.version != version:
        raise Conflict(_("Someone else changed this agency meanwhile; look at it again."))
    check = Checker()
    values = _clean(check, data)
    check.raise_if_errors()
    changed = _set(agency, values)
    if not changed:
        return agency
    if _licence_taken(country, agency.licence_key, but=agency):
        raise ValidationFailed.of(
            {"licence_number": [_("An agency with this licence number is already registered.")]}
        )
    agency.version += 1
    agency.save()
    _registry_update(actor, country, RegistryUpdateSource.FORM, updated=1)
    audit_record(actor=actor, action=AgencyAction.UPDATE, obj=agency, fields=changed)
    return agency


# --- The CSV import

# Columns by header name (compared without case, spaces or dashes as underscores).
REQUIRED_COLUMNS = ("name", "licence_number", "kind", "status", "valid_until", "issuing_authority")
OPTIONAL_COLUMNS = ("country", "city", "address")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class Problem:
    """One problem of a file: where (row of the file, 1 is the header; column), the value found
    (cut short) and what was expected."""

    row: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)d, column %(column)s (“%(value)s”): %(expected)s") % {
                "row": self.row,
                "column": self.column,
                "value": self.value,
                "expected": self.expected,
            }
        return _("Row %(row)d: %(expected)s") % {"row": self.row, "expected": self.expected}


@dataclass
class PlannedRow:
    row: int
    action: str  # "create", "update", "unchanged"
    values: dict[str, Any]
    changed: list[str] = field(default_factory=list)
    agency: Agency | None = None


@dataclass
class ImportPlan:
    """What an import would do: each row's action, or the problems that refuse the file."""

    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more_problems: bool = False

    def problem(self, row: int, column: str, value: str, expected: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems = True
            return
        self.problems.append(Problem(row, column, shown(value, 40), expected))

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def refusal(self) -> ValidationFailed:
        lines = [str(p) for p in self.problems]
        if self.more_problems:
            lines.append(_("… and more problems: fix these first."))
        return ValidationFailed.of(
            {"file": lines}, _("The file was not imported; nothing was saved.")
        )


def _column_name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _decode(content: bytes, plan: ImportPlan) -> str | None:
    """The bytes as text (UTF-8, a byte order mark dropped), or None with the row of the first
    byte that is not UTF-8."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = content[: exc.start].count(b"\n") + 1
        plan.problem(
            row,
            "",
            "",
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
        )
        return None


def _read_date(value: str) -> date | str:
    """A date written as YYYY-MM-DD or DD.MM.YYYY; the text itself when it is neither."""
    value = value.strip()
    if not value:
        return ""
    if dotted := _DOTTED_DATE.match(value):
        day, month, year = (int(g) for g in dotted.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return value
    try:
        return date.fromisoformat(value) if len(value) == 10 else value
    except ValueError:
        return value


def agency_import_plan(*, actor: Actor, content: bytes) -> ImportPlan:
    """Read a registry file and say what importing it would do, or every problem found (at
    most MAX_PROBLEMS). Saves nothing."""
    country = _country(actor)
    plan = ImportPlan()
    if not content.strip():
        plan.problem(1, "", "", _("The file is empty."))
        return plan
    if len(content) > MAX_FILE_BYTES:
        plan.problem(
            1,
            "",
            "",
            _("The file is larger than %(limit)d KB; split it in parts.")
            % {"limit": MAX_FILE_BYTES // 1000},
        )
        return plan
    text = _decode(content, plan)
    if text is None:
        return plan
    if not text.strip():
        plan.problem(1, "", "", _("The file is empty."))
        return plan
    if problem := text_problem(text.replace("\ufffd", "")):
        plan.problem(1, "", "", problem)
        return plan
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        plan.problem(1, "", "", _("The file is empty."))
        return plan
    names = [_column_name(h) for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    repeated = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
    expected_columns = ", ".join(REQUIRED_COLUMNS) + " (" + ", ".join(OPTIONAL_COLUMNS) + ")"
    if unknown:
        plan.problem(
            1,
            "",
            "",
            _("Unknown columns: %(columns)s. The columns are: %(expected)s.")
            % {"columns": ", ".join(shown(u, 30) for u in unknown), "expected": expected_columns},
        )
    if missing:
        plan.problem(
            1,
            "",
            "",
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)},
        )
    if repeated:
        plan.problem(
            1,
            "",
            "",
            _("Columns named twice: %(columns)s.") % {"columns": ", ".join(repeated)},
        )
    if plan.problems:
        return plan
    position = {name: i for i, name in enumerate(names)}
    seen: dict[str, int] = {}
    parsed: list[tuple[int, dict[str, Any]]] = []
    try:
        for cells in reader:
            row = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(parsed) >= MAX_ROWS:
                plan.problem(
                    row, "", "", _("At most %(limit)d rows in one file.") % {"limit": MAX_ROWS}
                )
                break
            if len(cells) != len(names):
                plan.problem(
                    row,
                    "",
                    "",
                    _("Has %(found)d cells where the header has %(expected)d.")
                    % {"found": len(cells), "expected": len(names)},
                )
                continue
            values = _row_values(plan, row, cells, position, country)
            if values is None:
                continue
            key = licence_key(values["licence_number"])
            if key in seen:
                plan.problem(
                    row,
                    "licence_number",
                    values["licence_number"],
                    _("The same licence number as row %(row)d; each licence once.")
                    % {"row": seen[key]},
                )
                continue
            seen[key] = row
            parsed.append((row, values))
    except csv.Error:
        plan.problem(reader.line_num, "", "", _("Not valid CSV: a quotation mark is not closed."))
    if not parsed and not plan.problems:
        plan.problem(2, "", "", _("The file has a header but no rows."))
    if plan.problems:
        return plan
    existing = {
        a.licence_key: a for a in Agency.objects.filter(country=country, licence_key__in=list(seen))
    }
    for row, values in parsed:
        agency = existing.get(licence_key(values["licence_number"]))
        if agency is None:
            plan.rows.append(PlannedRow(row, "create", values))
            continue
        changed = [n for n in FIELDS if getattr(agency, n) != values[n]]
        plan.rows.append(
            PlannedRow(row, "update" if changed else "unchanged", values, changed, agency)
        )
    return plan


def _row_values(
    plan: ImportPlan, row: int, cells: list[str], position: dict[str, int], country: str
) -> dict[str, Any] | None:
    """One row's values, checked; None (and its problems noted) when a cell is bad."""

    def cell(name: str) -> str:
        return cells[position[name]].strip() if name in position else ""

    data: dict[str, Any] = {name: cell(name) for name in FIELDS}
    data["kind"] = data["kind"].lower()
    data["status"] = data["status"].lower()
    dated = _read_date(data["valid_until"])
    bad_date = isinstance(dated, str) and dated != ""
    data["valid_until"] = None if isinstance(dated, str) else dated
    check = Checker()
    values = _clean(check, data)
    expected = {
        "kind": _("one of: %(values)s") % {"values": ", ".join(AgencyKind.values)},
        "status": _("one of: %(values)s") % {"values": ", ".join(AgencyStatus.values)},
    }
    problems = 0
    for name in FIELDS:
        for message in check.errors.get(name, []):
            plan.problem(row, name, cell(name), str(expected.get(name, message)))
            problems += 1
    if bad_date:
        plan.problem(
            row,
            "valid_until",
            cell("valid_until"),
            _("a date written as YYYY-MM-DD or DD.MM.YYYY"),
        )
        problems += 1
    given_country = cell("country").upper()
    if given_country and given_country != country:
        plan.problem(
            row,
            "country",
            cell("country"),
            _("%(country)s: you keep the registry of your own country only") % {"country": country},
        )
        problems += 1
    return None if problems else values


@transaction.atomic
def agency_import(*, actor: Actor, content: bytes) -> AgencyRegistryUpdate:
    """Import a registry file: every row or none. A licence number already registered is
    updated (found by its folded form), a new one added; ValidationFailed names every problem."""
    country = _country(actor)
    plan = agency_import_plan(actor=actor, content=content)
    if plan.problems:
        raise plan.refusal()
    keys = [licence_key(r.values["licence_number"]) for r in plan.rows]
    # Locked, and read again: the plan was read before the lock.
    locked = {
        a.licence_key: a
        for a in Agency.objects.select_for_update().filter(country=country, licence_key__in=keys)
    }
    new: list[Agency] = []
    changed: list[Agency] = []
    created = updated = unchanged = 0
    for planned in plan.rows:
        agency = locked.get(licence_key(planned.values["licence_number"]))
        if agency is None:
            agency = Agency(country=country)
            _set(agency, planned.values)
            new.append(agency)
            created += 1
        elif _set(agency, planned.values):
            agency.version += 1
            agency.updated_at = timezone.now()  # bulk_update does not apply auto_now
            changed.append(agency)
            updated += 1
        else:
            unchanged += 1
    Agency.objects.bulk_create(new, batch_size=500)
    Agency.objects.bulk_update(
        changed, [*FIELDS, "name_key", "licence_key", "version", "updated_at"], batch_size=500
    )
    update = _registry_update(
        actor,
        country,
        RegistryUpdateSource.IMPORT,
        created=created,
        updated=updated,
        unchanged=unchanged,
    )
    audit_record(
        actor=actor,
        action=AgencyAction.IMPORT,
        obj=update,
        object_ids=[a.uuid for a in (*new, *changed)][:1000],
    )
    return update


# --- The public lookup


@dataclass
class Lookup:
    """The answer to a public search: the agencies found (at most MAX_RESULTS), or why no search
    was made."""

    query: str
    agencies: list[Agency] = field(default_factory=list)
    searched: bool = False
    more: bool = False  # more than MAX_RESULTS matched: ask for a longer query
    problem: str = ""


def agency_lookup(query: str) -> Lookup:
    """Agencies whose name or licence number contains ``query`` (case, script, spaces and
    punctuation ignored). An empty, too short or too long query searches nothing."""
    raw = query or ""
    if len(raw) > MAX_QUERY:
        return Lookup(
            query="",
            problem=_(
                "That is too long to search: type the agency's name or licence number, at most "
                "%(limit)d characters."
            )
            % {"limit": MAX_QUERY},
        )
    text = " ".join(raw.split())
    if text_problem(text):
        return Lookup(
            query="", problem=_("Type the agency's name or licence number in letters and digits.")
        )
    if not text:
        return Lookup(query="")
    key = search_key(text)
    if len(key) < MIN_QUERY:
        return Lookup(
            query=text,
            problem=_("Type at least %(count)d letters or digits of the name or licence number.")
            % {"count": MIN_QUERY},
        )
    found = list(
        Agency.objects.filter(Q(name_key__contains=key) | Q(licence_key__contains=key)).order_by(
            "name", "id"
        )[: MAX_RESULTS + 1]
    )
    # An exact licence number first: that is what a person holding a contract types.
    found.sort(key=lambda a: a.licence_key != key)
    return Lookup(
        query=text, agencies=found[:MAX_RESULTS], searched=True, more=len(found) > MAX_RESULTS
    )


def registry_last_updated() -> datetime | None:
    """When the registry last changed (any country), for the public page; never by whom."""
    return AgencyRegistryUpdate.objects.order_by("-at").values_list("at", flat=True).first()


def licence_shown_status(agency: Agency, today: date) -> str:
    """The status as the public reads it: an active licence past its end date is expired."""
    if agency.status == AgencyStatus.ACTIVE and agency.valid_until and agency.valid_until < today:
        return AgencyStatus.EXPIRED
    return agency.status


def public_today(organization: Any) -> date:
    """Today at the hosting organization (decision 0011)."""
    return local_today(organization)
