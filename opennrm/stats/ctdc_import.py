"""Reference data: a CTDC global data set file imported as published, and its counts (0022).

The file as CTDC publishes it: ``;``-separated, fields holding ``;`` quoted, a first column whose
header cell is the terms of use (its values empty or text), booleans as 0/1/-99 ("Unknown" in the
hotline rows), -99 for missing, citizenship as ISO alpha-2 ("00" unknown) in the codebook v6
file and as alpha-3 in the synthetic releases; possibly a UTF-8 byte order mark. It is read as a
stream, row by row (the global file has about 47,000 rows of 62 columns), and saved in one
transaction: a file with one bad row saves nothing, and the refusal names the line and column.

Rows stay statistical: no person or case is made of them.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import IO, Any

import pycountry
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.errors import NotFound, ValidationFailed
from opennrm.locales import country_name
from opennrm.validation import MAX_NAME, Checker, shown

from . import sharing
from .audit_ctdc import CtdcAction
from .models_ctdc import ReferenceDataset, ReferenceGender, ReferenceRecord, ReferenceSchema
from .tables import Row, Table

# The columns every CTDC release has, under these names (compared without regard to case).
REQUIRED = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
)
# CTDC's age bands (ageBroad), in order; the minors' are the first two.
AGE_BANDS = ("0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+")
MINOR_BANDS = frozenset({"0-8", "9-17"})
MISSING = frozenset({"", "-99", "unknown", "na", "n/a", "null", "none"})
TRUE = frozenset({"1", "1.0", "true", "yes"})
FALSE = frozenset({"0", "0.0", "false", "no"})
MAX_ERRORS = 20  # a refusal lists at most this many problems: enough to fix a file by
BATCH = 2000  # rows saved at once
MAX_HEADER = 1_000_000  # characters of the header record (the terms of use are long)
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
# ISO codes outside ISO 3166 that CTDC uses (Kosovo).
EXTRA_ALPHA_3 = {"XKX": "XK", "KOS": "XK"}
SEPARATORS = {
    ",": gettext_lazy("commas"),
    "\t": gettext_lazy("tabs"),
    "|": gettext_lazy("vertical bars"),
}
BY_CITIZENSHIP, BY_EXPLOITATION = "citizenship", "exploitation"
BREAKDOWNS = (BY_CITIZENSHIP, BY_EXPLOITATION)


# --- Who may


def reference_allowed(actor: Actor, permission: str = perms.STATS_NATIONAL) -> bool:
    """Reference data sets belong to the national view: the national coordinator's analyst."""
    organization = actor.organization
    return actor.can(permission) and organization is not None and organization.national_coordinator


def _require(actor: Actor, permission: str) -> None:
    actor.require(permission)
    if not reference_allowed(actor, permission):
        raise NotFound("No such reference data set.")


# --- Reading the file


@dataclass
class Parsed:
    """One row of the file, as the statistical columns kept."""

    year: int | None
    data_source: str
    gender: str
    age_band: str
    minor: bool | None
    citizenship: str
    country_of_exploitation: str
    forced_labour: bool | None
    sexual_exploitation: bool | None
    other_exploitation: bool | None
    labour_types: list[str]
    sex_types: list[str]


@dataclass
class Header:
    columns: list[str]  # every column but the terms of use, as found
    terms_of_use: str
    index: dict[str, int]  # lower-case name -> position in a row
    width: int  # fields in a row
    lines: int  # physical lines the header took
    schema: str
    labour: list[tuple[str, int]] = field(default_factory=list)  # ("Agriculture", position)
    sex: list[tuple[str, int]] = field(default_factory=list)


class FileProblems:
    """Problems found in a file, each naming the line and the column; at most MAX_ERRORS."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, message: str, *, line: int | None = None, column: str = "") -> None:
        if len(self.lines) >= MAX_ERRORS:
            return
        if line is not None and column:
            message = _("Line %(line)d, column %(column)s: %(message)s") % {
                "line": line,
                "column": column,
                "message": message,
            }
        elif line is not None:
            message = _("Line %(line)d: %(message)s") % {"line": line, "message": message}
        self.lines.append(message)

    @property
    def full(self) -> bool:
        return len(self.lines) >= MAX_ERRORS

    def raise_if_any(self) -> None:
        if self.lines:
            raise ValidationFailed.of(
                {"file": self.lines}, _("The file was not imported; nothing was saved.")
            )


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed.of(
        {"file": [message]}, _("The file was not imported; nothing was saved.")
    )


def _text_stream(file: IO[bytes]) -> io.TextIOWrapper:
    """The bytes as text: UTF-8, a byte order mark dropped, lines as the csv module wants."""
    return io.TextIOWrapper(file, encoding="utf-8-sig", newline="")


def _header_text(stream: IO[str]) -> tuple[str, int]:
    """The header record's text, which may run over several lines inside quotes."""
    parts: list[str] = []
    size = 0
    while True:
        line = stream.readline()
        if not line:
            break
        parts.append(line)
        size += len(line)
        text = "".join(parts)
        if text.count('"') % 2 == 0:
            return text, len(parts)
        if size > MAX_HEADER:
            raise _refuse(_("The header line does not end: a quotation mark is not closed."))
    return "".join(parts), len(parts)


def _split(text: str, separator: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=separator), [])
    except csv.Error:
        return []


def _missing(names: list[str]) -> list[str]:
    found = {n.strip().lower() for n in names}
    return [c for c in REQUIRED if c.lower() not in found]


def _is_terms(name: str) -> bool:
    # The terms-of-use cell is a sentence, never a column name.
    return len(name) > 40 or " " in name.strip()


def read_header(stream: IO[str]) -> Header:
    """The header: the columns, the terms of use, which release; refused with a clear message
    when it is empty, separated otherwise than by ``;``, or lacks a required column."""
    text, lines = _header_text(stream)
    if not text.strip():
        raise _refuse(_("The file is empty."))
    names = [n.strip() for n in _split(text, ";")]
    missing = _missing(names)
    if missing:
        for separator, words in SEPARATORS.items():
            if not _missing(_split(text, separator)):
                raise _refuse(
                    _(
                        "The file is separated by %(separator)s; a CTDC file is separated by "
                        "semicolons (;)."
                    )
                    % {"separator": words}
                )
        found = [n for n in names if n and not _is_terms(n)]
        problems = []
        for column in missing:
            close = difflib.get_close_matches(column, found, n=1, cutoff=0.6)
            if close:
                problems.append(
                    _("The column %(column)s is missing (renamed %(found)s?).")
                    % {"column": column, "found": shown(close[0], 40)}
                )
            else:
                problems.append(_("The column %(column)s is missing.") % {"column": column})
        raise ValidationFailed.of(
            {"file": problems}, _("The file was not imported; nothing was saved.")
        )
    terms = names[0] if names and _is_terms(names[0]) else ""
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index.setdefault(name.lower(), position)
    lowered = set(index)
    synthetic = "traffickmonths" in lowered or not ({"datasource", "majoritystatus"} & lowered)
    header = Header(
        columns=[n for n in names if not (terms and n == terms)],
        terms_of_use=terms,
        index=index,
        width=len(names),
        lines=lines,
        schema=ReferenceSchema.SYNTHETIC if synthetic else ReferenceSchema.V6,
    )
    for name, position in index.items():
        original = names[position]
        if name.startswith("typeoflabour") and not name.endswith("concatenated"):
            header.labour.append((original[len("typeOfLabour") :], position))
        elif name.startswith("typeofsex") and not name.endswith("concatenated"):
            header.sex.append((original[len("typeOfSex") :], position))
    return header


# --- Reading the values


class _Row:
    """The values of one row, read by column name; problems noted against line and column."""

    def __init__(self, header: Header, values: list[str], line: int, problems: FileProblems):
        self.header, self.values, self.line, self.problems = header, values, line, problems

    def raw(self, column: str) -> str:
        position = self.header.index.get(column.lower())
        return self.values[position].strip() if position is not None else ""

    def bad(self, column: str, message: str) -> None:
        self.problems.add(message, line=self.line, column=column)

    def year(self, column: str) -> int | None:
        value = self.raw(column)
        if value.lower() in MISSING:
            return None
        if not re.fullmatch(r"\d{4}(\.0+)?", value):
            self.bad(column, _("“%(value)s” is not a year.") % {"value": shown(value)})
            return None
        year = int(value[:4])
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            self.bad(
                column,
                _("%(year)d is not a year of registration (%(earliest)d to %(latest)d).")
                % {"year": year, "earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
            )
            return None
        return year

    def flag(self, column: str, position: int | None = None) -> bool | None:
        value = self.values[position].strip() if position is not None else self.raw(column)
        value = value.lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        if value in MISSING:
            return None
        self.bad(
            column,
            _("“%(value)s” is not 0, 1 or -99.") % {"value": shown(value)},
        )
        return None

    def gender(self, column: str) -> str:
        value = self.raw(column).lower()
        if value in MISSING:
            return ReferenceGender.UNKNOWN
        if value in {"male", "man", "men", "boy", "m"}:
            return ReferenceGender.MALE
        if value in {"female", "woman", "women", "girl", "f"}:
            return ReferenceGender.FEMALE
        if value.startswith("trans") or "nonconforming" in value.replace("-", ""):
            return ReferenceGender.TRANSGENDER
        self.bad(column, _("“%(value)s” is not a gender CTDC uses.") % {"value": shown(value, 30)})
        return ReferenceGender.UNKNOWN

    def age_band(self, column: str) -> str:
        value = self.raw(column)
        if value.lower() in MISSING:
            return ""
        band = re.sub(r"\s*(--|–|—|-)\s*", "-", value)
        band = re.sub(r"\d+", lambda m: str(int(m.group())), band)
        if band not in AGE_BANDS:
            self.bad(
                column,
                _("“%(value)s” is not one of CTDC's age bands (%(bands)s).")
                % {"value": shown(value), "bands": ", ".join(AGE_BANDS)},
            )
            return ""
        return band

    def minor(self, band: str) -> bool | None:
        if "majoritystatus" in self.header.index:
            value = self.raw("majorityStatus").lower()
            if value == "minor":
                return True
            if value == "adult":
                return False
            if value not in MISSING:
                self.bad(
                    "majorityStatus",
                    _("“%(value)s” is not Adult, Minor or Unknown.") % {"value": shown(value)},
                )
                return None
        return (band in MINOR_BANDS) if band else None

    def country(self, column: str) -> str:
        value = self.raw(column).upper()
        if value.lower() in MISSING or value in {"00", "000"}:
            return ""
        if len(value) == 2 and value.isascii() and value.isalpha():
            return value  # alpha-2 as CTDC wrote it (XK, Kosovo, included)
        if len(value) == 3 and value.isascii() and value.isalpha():
            country = pycountry.countries.get(alpha_3=value)
            if country is not None:
                return str(country.alpha_2)
            if value in EXTRA_ALPHA_3:
                return EXTRA_ALPHA_3[value]
        self.bad(
            column,
            _("“%(value)s” is not an ISO 3166 country code (two or three letters).")
            % {"value": shown(value)},
        )
        return ""

    def parsed(self) -> Parsed:
        band = self.age_band("ageBroad")
        return Parsed(
            year=self.year("yearOfRegistration"),
            data_source=self.raw("Datasource")[:40] if "datasource" in self.header.index else "",
            gender=self.gender("gender"),
            age_band=band,
            minor=self.minor(band),
            citizenship=self.country("citizenship"),
            country_of_exploitation=self.country("CountryOfExploitation"),
            forced_labour=self.flag("isForcedLabour"),
            sexual_exploitation=self.flag("isSexualExploit"),
            other_exploitation=self.flag("isOtherExploit"),
            labour_types=[
                name for name, at in self.header.labour if self.flag(f"typeOfLabour{name}", at)
            ],
            sex_types=[name for name, at in self.header.sex if self.flag(f"typeOfSex{name}", at)],
        )


def read_rows(stream: IO[str], header: Header, problems: FileProblems) -> Iterator[Parsed]:
    """The rows after the header, one at a time; bad rows are noted in ``problems`` (and the
    reading goes on, to name more of them, until there are too many)."""
    reader = csv.reader(stream, delimiter=";", quotechar='"', strict=True)
    while not problems.full:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(
                _("The line cannot be read as CSV (%(reason)s).") % {"reason": str(exc)[:80]},
                line=header.lines + reader.line_num,
            )
            return
        line = header.lines + reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != header.width:
            problems.add(
                _(
                    "%(found)d fields where the header has %(expected)d (a value holding ; "
                    "must be in quotation marks)."
                )
                % {"found": len(values), "expected": header.width},
                line=line,
            )
            continue
        before = len(problems.lines)
        parsed = _Row(header, values, line, problems).parsed()
        if len(problems.lines) == before:
            yield parsed


# --- Services


def reference_import(
    actor: Actor, *, name: str, file: IO[bytes], source_name: str = ""
) -> ReferenceDataset:
    """Import a CTDC file as a reference data set (the coordinator's analyst); all or nothing,
    audited."""
    _require(actor, perms.STATS_REFERENCE_IMPORT)
    return _import(actor=actor, organization=None, name=name, file=file, source_name=source_name)


def reference_import_system(
    *, name: str, file: IO[bytes], source_name: str = ""
) -> ReferenceDataset:
    """The same from the command line (``manage.py import_ctdc``), by whoever may run commands
    on the server: no actor, recorded under the national coordinator (if there is one)."""
    coordinator = sharing.national_coordinator()
    return _import(
        actor=None, organization=coordinator, name=name, file=file, source_name=source_name
    )


_RECORD_FIELDS = [f.name for f in fields(Parsed)]


def _insert(dataset: ReferenceDataset, batch: list[Parsed]) -> None:
    """Insert rows as prepared values (decision 0006: ``bulk_create`` spends most of its time
    making model instances and compiling the same INSERT); each value prepared by its field."""
    if not batch:
        return
    meta = ReferenceRecord._meta
    by_name = {f.name: f for f in meta.concrete_fields}
    columns = [by_name["dataset"], *(by_name[name] for name in _RECORD_FIELDS)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (model metadata only)
        quote(meta.db_table),
        ", ".join(quote(str(f.column)) for f in columns),
        ", ".join(["%s"] * len(columns)),
    )
    json = [f for f in columns if f.get_internal_type() == "JSONField"]
    rows = []
    for parsed in batch:
        values = [dataset.pk, *(getattr(parsed, name) for name in _RECORD_FIELDS)]
        for position, f in enumerate(columns):
            if f in json:
                values[position] = f.get_db_prep_save(values[position], connection)
        rows.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _import(
    *,
    actor: Actor | None,
    organization: Organization | None,
    name: str,
    file: IO[bytes],
    source_name: str,
) -> ReferenceDataset:
    check = Checker()
    name = check.text("name", name, max_length=MAX_NAME, multiline=False, required=True)
    source_name = check.text("file", source_name, max_length=255, multiline=False)
    check.raise_if_errors()
    stream = _text_stream(file)
    problems = FileProblems()
    try:
        with transaction.atomic():
            header = read_header(stream)
            dataset = ReferenceDataset.objects.create(
                name=name,
                source_name=source_name,
                schema=header.schema,
                imported_by=actor.user if actor is not None else None,
                columns=header.columns,
                terms_of_use=header.terms_of_use,
            )
            count = 0
            batch: list[Parsed] = []
            for parsed in read_rows(stream, header, problems):
                if problems.lines:
                    continue  # nothing will be saved: read on only to name more problems
                batch.append(parsed)
                count += 1
                if len(batch) >= BATCH:
                    _insert(dataset, batch)
                    batch = []
            if not problems.lines and count == 0:
                problems.add(_("The file has a header but no rows."))
            problems.raise_if_any()
            _insert(dataset, batch)
            dataset.row_count = count
            dataset.save(update_fields=["row_count"])
            audit_record(
                actor=actor,
                action=CtdcAction.REFERENCE_IMPORT,
                obj=dataset,
                organization=organization,
            )
    except UnicodeDecodeError:
        raise _refuse(_("The file is not UTF-8 text; save it as UTF-8 CSV.")) from None
    finally:
        stream.detach()  # leave the caller's file open; the wrapper is done
    return dataset


# --- Selectors


def reference_dataset_list(*, actor: Actor) -> list[ReferenceDataset]:
    """Every reference data set, newest first (the coordinator's analyst)."""
    if not (
        reference_allowed(actor, perms.STATS_NATIONAL)
        or reference_allowed(actor, perms.STATS_REFERENCE_IMPORT)
    ):
        raise NotFound("No such reference data set.")
    return list(ReferenceDataset.objects.order_by("-imported_at", "-id"))


def reference_latest(*, actor: Actor) -> ReferenceDataset | None:
    """The newest reference data set, for the national view to show beside its figures; None
    when there is none or the actor is not the coordinator's analyst."""
    if not reference_allowed(actor, perms.STATS_NATIONAL):
        return None
    return ReferenceDataset.objects.order_by("-imported_at", "-id").first()


def reference_dataset_get(*, actor: Actor, dataset_id: Any) -> ReferenceDataset:
    """One reference data set, for the national view; NotFound for everyone else."""
    _require(actor, perms.STATS_NATIONAL)
    dataset = ReferenceDataset.objects.filter(uuid=dataset_id).first()
    if dataset is None:
        raise NotFound("No such reference data set.")
    return dataset


def reference_countries(*, actor: Actor, dataset: ReferenceDataset) -> list[str]:
    """The countries of exploitation a data set has records of (codes)."""
    _require(actor, perms.STATS_NATIONAL)
    return sorted(
        code
        for code in ReferenceRecord.objects.filter(dataset=dataset)
        .values_list("country_of_exploitation", flat=True)
        .distinct()
        if code
    )


def reference_year_counts(dataset: ReferenceDataset) -> list[tuple[int | None, int]]:
    """Records per year of registration, years in order (None, unknown, last)."""
    rows = (
        ReferenceRecord.objects.filter(dataset=dataset)
        .values_list("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    return sorted(rows, key=lambda r: (r[0] is None, r[0] or 0))


def _year_label(year: int | None) -> str:
    return str(year) if year is not None else _("Unknown")


def reference_table(
    actor: Actor,
    dataset: ReferenceDataset,
    *,
    country_of_exploitation: str = "KZ",
    by: str = BY_CITIZENSHIP,
) -> Table:
    """Records of a data set exploited in one country ("" for all), by year and citizenship or
    by year and exploitation type: for the national view, beside the national figures."""
    _require(actor, perms.STATS_NATIONAL)
    check = Checker()
    country = check.country("country", (country_of_exploitation or "").strip().upper())
    by = check.choice("by", by, BREAKDOWNS, required=True)
    check.raise_if_errors()
    records = ReferenceRecord.objects.filter(dataset=dataset)
    if country:
        records = records.filter(country_of_exploitation=country)
    where = country_name(country) if country else _("every country")
    source = _("Source: %(name)s (%(file)s), imported %(date)s; %(count)d records in all.") % {
        "name": dataset.name,
        "file": dataset.source_name or "—",
        "date": dataset.imported_at.date().isoformat(),
        "count": dataset.row_count,
    }
    if by == BY_EXPLOITATION:
        return _by_exploitation(dataset, records, country, where, source)
    counts: dict[tuple[int | None, str], int] = {}
    totals: dict[str, int] = {}
    for year, citizenship, n in (
        records.values_list("year", "citizenship")
        .annotate(n=Count("id"))
        .values_list("year", "citizenship", "n")
    ):
        counts[(year, citizenship)] = n
        totals[citizenship] = totals.get(citizenship, 0) + n
    columns = sorted(totals, key=lambda c: (c == "", -totals[c], country_name(c)))
    years = sorted({y for y, _c in counts}, key=lambda y: (y is None, y or 0))
    return Table(
        key=f"reference-{dataset.uuid}-{country or 'all'}-citizenship",
        title=_("Records by year and citizenship; country of exploitation: %(where)s")
        % {"where": where},
        row_heading=_("Year"),
        columns=tuple(country_name(c) if c else _("Unknown") for c in columns),
        rows=tuple(
            Row(_year_label(y), tuple(counts.get((y, c), 0) for c in columns)) for y in years
        ),
        notes=(source, _("Counts of the published records as they are; no suppression added.")),
    )


def _by_exploitation(
    dataset: ReferenceDataset, records: Any, country: str, where: str, source: str
) -> Table:
    none = ~Q(forced_labour=True) & ~Q(sexual_exploitation=True) & ~Q(other_exploitation=True)
    rows = (
        records.values_list("year")
        .annotate(
            labour=Count("id", filter=Q(forced_labour=True)),
            sexual=Count("id", filter=Q(sexual_exploitation=True)),
            other=Count("id", filter=Q(other_exploitation=True)),
            unknown=Count("id", filter=none),
            order=Coalesce("year", 9999),
        )
        .order_by("order")
        .values_list("year", "labour", "sexual", "other", "unknown")
    )
    return Table(
        key=f"reference-{dataset.uuid}-{country or 'all'}-exploitation",
        title=_("Records by year and type of exploitation; country of exploitation: %(where)s")
        % {"where": where},
        row_heading=_("Year"),
        columns=(
            _("Forced labour"),
            _("Sexual exploitation"),
            _("Other exploitation"),
            _("Not recorded"),
        ),
        rows=tuple(Row(_year_label(y), (a, b, c, d)) for y, a, b, c, d in rows),
        notes=(
            source,
            _("A record may count under more than one type of exploitation."),
        ),
    )
