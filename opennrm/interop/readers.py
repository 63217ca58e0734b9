"""Reading an HTCDS file as a stream of rows keyed by HTCDS field name (decision 0028).

Three kinds of file, told apart by their content, never by their name alone (a name that says
otherwise is refused): an Excel workbook (the official templates: field names in a hidden first
row, labels in the second), CSV (UTF-8 with or without a byte order mark, or Windows-1251;
commas or semicolons) and JSON (a list of objects keyed by field name).

A workbook is checked as a zip archive before openpyxl opens it (entries, sizes, compression
ratio, no document type declarations, no cell over Excel's own limit), then read as data only:
``read_only=True, data_only=True`` (formulas never evaluated, a cached value at most),
``keep_vba=False`` (macros never run), ``keep_links=False`` (external links never followed).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson
import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from opennrm.errors import ValidationFailed
from opennrm.validation import FileProblem, closest, shown

from . import htcds

# Excel's own limit of a cell's text; any longer is not a cell Excel made (a 50 MB cell).
MAX_CELL = 32_767
MAX_FILE_BYTES = 200 * 1024 * 1024  # the file as given
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # every entry of a workbook's archive, unpacked
MAX_ENTRIES = 1000
MAX_RATIO = 100  # unpacked size over packed size of an entry, for entries over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_COLUMNS = 500
# Columns a file must have: without them a row is not a case of a person.
REQUIRED = ("prs_FirstName", "prs_SecondName", "prs_Gender", "vic_TraffickingStatus")

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP = b"PK\x05\x06"
XLSX, CSV, JSON = "xlsx", "csv", "json"
EXTENSIONS = {".xlsx": XLSX, ".xlsm": XLSX, ".csv": CSV, ".txt": CSV, ".json": JSON}
BY_FIELD_NAMES, BY_LABELS = "field names", "labels"
# The validation template's list validations are an extension openpyxl does not read; it says so
# on every read. They only guide typing in Excel; the values are checked here.
warnings.filterwarnings("ignore", message="Data Validation extension", module="openpyxl")


class FileRefused(ValidationFailed):
    """The file cannot be read at all; ``problems`` says why, each naming where."""

    code = "file_refused"

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__(
            _("The file was not imported; nothing was saved."),
            errors={"file": [p.line() for p in problems]},
        )
        self.problems = problems


def refuse(message: str, **where: Any) -> FileRefused:
    return FileRefused([FileProblem(message=message, **where)])


@dataclass(frozen=True)
class Column:
    letter: str  # B, AJ; the key itself in JSON
    header: str  # the field name or label found
    field: str  # the HTCDS field name ("" when unknown)
    by: str  # "field name", "label", or "" for the row-number column and unknown ones


@dataclass
class RawRow:
    number: int  # the row as the spreadsheet shows it, the CSV line, the JSON object (from 1)
    values: dict[str, tuple[str, Any]]  # field -> (column, value as read)
    row_id: Any = None  # the value of the template's unnamed numbering column A


@dataclass
class Source:
    """A readable file: how its columns map, what was wrong with them, and its rows."""

    kind: str
    sheet: str
    columns: list[Column]
    mapped_by: str
    rows: Iterator[RawRow]
    notes: list[str] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    total: int | None = None  # rows expected, for progress, when the file says


# --- Telling the kind of file


def _extension(name: str) -> str:
    return os.path.splitext(name.lower())[1]


def sniff(file: IO[bytes], name: str = "") -> str:
    """The kind of file from its first bytes; refused when it is none of ours or its name lies."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    if size > MAX_FILE_BYTES:
        raise refuse(_("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // 2**20})
    if not head.strip() or head.startswith(EMPTY_ZIP):
        raise refuse(_("The file is empty."))
    claimed = EXTENSIONS.get(_extension(name)) if name else None
    if name and claimed is None:
        raise refuse(
            _("Only Excel workbooks (.xlsx), CSV and JSON files can be imported."),
            expected=_("an .xlsx, .csv or .json file"),
        )
    if head.startswith(CFB_SIGNATURE):
        raise refuse(
            _(
                "This is a password-protected workbook, or an old Excel 97–2003 (.xls) file: "
                "remove the password, or save it as an Excel workbook (.xlsx)."
            )
        )
    if head.startswith(ZIP_SIGNATURE):
        found = XLSX
    elif b"\x00" in head:
        found = ""
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        found = JSON
    else:
        found = CSV
    if not found:
        raise refuse(
            _("This is not an Excel workbook, a CSV or a JSON file."),
            expected=_("an .xlsx, .csv or .json file"),
        )
    if claimed and claimed != found:
        raise refuse(
            _("The file is named as %(claimed)s but its content is %(found)s.")
            % {"claimed": claimed.upper(), "found": found.upper()}
        )
    return found


def open_source(file: IO[bytes], name: str = "") -> Source:
    """The file as a ``Source`` of rows; ``FileRefused`` when it cannot be read at all."""
    kind = sniff(file, name)
    if kind == XLSX:
        return read_xlsx(file)
    if kind == JSON:
        return read_json(file)
    return read_csv(file)


# --- Mapping the header


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def map_header(
    first: list[Any], second: list[Any] | None, *, sheet: str, first_row: int = 1
) -> tuple[list[Column], str, int, list[str], list[FileProblem]]:
    """Columns from the header rows: by the field names of the first row (the templates' hidden
    row) where it has them, a column without a name by its label below (the templates' AJ); else
    by labels. Returns the columns, how they were mapped, how many header rows, notes, problems.
    """
    width = max(len(first), len(second or []))
    first = [_text(v) for v in first] + [""] * (width - len(first))
    second = [_text(v) for v in (second or [])] + [""] * (width - len(second or []))
    if width > MAX_COLUMNS:
        raise refuse(_("The sheet has more than %(n)d columns.") % {"n": MAX_COLUMNS}, sheet=sheet)
    names = sum(1 for v in first if v and htcds.field_by_name(v))
    labels_first = sum(1 for v in first if v and htcds.field_by_label(v))
    labels_second = sum(1 for v in second if v and htcds.field_by_label(v))
    notes: list[str] = []
    problems: list[FileProblem] = []
    if names and names >= labels_first:
        mapped_by, header_rows = BY_FIELD_NAMES, 1
        filled_second = sum(1 for v in second if v)
        if filled_second and labels_second * 2 >= filled_second:
            header_rows = 2  # the labels under the names: a header, not a row
    elif labels_first:
        mapped_by, header_rows, second = BY_LABELS, 1, [""] * width
    elif not any(first) and labels_second:
        mapped_by, header_rows, first, second = BY_LABELS, 2, second, [""] * width
    else:
        raise refuse(
            _("No HTCDS header found: the first row must hold HTCDS field names or labels."),
            sheet=sheet,
            row=first_row,
        )
    columns: list[Column] = []
    seen: dict[str, str] = {}
    for i in range(width):
        letter = get_column_letter(i + 1)
        head, below = first[i], second[i]
        name = htcds.field_by_name(head) if head and mapped_by == BY_FIELD_NAMES else None
        by = "field name"
        if name is None and head and mapped_by == BY_LABELS:
            name, by = htcds.field_by_label(head), "label"
        elif name is None and not head and below and mapped_by == BY_FIELD_NAMES:
            name, by, head = htcds.field_by_label(below), "label", below
            if name:
                notes.append(
                    _(
                        "Column %(column)s has no field name; it was mapped by its label to "
                        "%(field)s."
                    )
                    % {"column": letter, "field": name}
                )
        if name is None:
            if head:
                problems.append(
                    FileProblem(
                        message=_("Unknown column: not an HTCDS field name or label."),
                        sheet=sheet,
                        row=first_row,
                        column=letter,
                        value=shown(head, 60),
                        expected=_("an HTCDS 2.0 field name such as prs_FirstName"),
                        suggestion=_closest_field(head),
                    )
                )
            columns.append(Column(letter, head, "", ""))
            continue
        if name in seen:
            problems.append(
                FileProblem(
                    message=_("Two columns hold the same field (the other is %(column)s).")
                    % {"column": seen[name]},
                    sheet=sheet,
                    row=first_row,
                    column=letter,
                    field=name,
                )
            )
            columns.append(Column(letter, head, "", ""))
            continue
        seen[name] = letter
        columns.append(Column(letter, head, name, by))
        labelled = htcds.field_by_label(below) if below and by == "field name" else None
        if labelled and labelled != name:
            notes.append(
                _(
                    "Column %(column)s: its label names %(label)s but its field name %(field)s; "
                    "the field name was used."
                )
                % {"column": letter, "label": labelled, "field": name}
            )
    for name in REQUIRED:
        if name not in seen:
            problems.append(
                FileProblem(
                    message=_("A required column is missing."),
                    sheet=sheet,
                    row=first_row,
                    field=name,
                    expected=_("a column %(name)s (“%(label)s”)")
                    % {"name": name, "label": htcds.BY_NAME[name].label},
                )
            )
    return columns, mapped_by, header_rows, notes, problems


def _closest_field(header: str) -> str:
    return closest(header, [*htcds.BY_NAME, *(f.label for f in htcds.FIELDS)])


def _row(columns: list[Column], values: tuple[Any, ...] | list[Any], number: int) -> RawRow | None:
    """The row's values by field; None for a row with nothing in a mapped column."""
    cells: dict[str, tuple[str, Any]] = {}
    for column, value in zip(columns, values, strict=False):
        if not column.field:
            continue
        if isinstance(value, str):
            if len(value) > MAX_CELL:
                raise refuse(
                    _("A cell holds more than %(n)d characters, more than Excel allows.")
                    % {"n": MAX_CELL},
                    row=number,
                    column=column.letter,
                    field=column.field,
                )
            if not value.strip():
                continue
        if value is None:
            continue
        cells[column.field] = (column.letter, value)
    if not cells:
        return None
    row_id = values[0] if values and columns and not columns[0].header else None
    return RawRow(number=number, values=cells, row_id=row_id)


# --- Excel workbooks


def check_archive(file: IO[bytes]) -> None:
    """Refuse a workbook archive that would cost too much to open, before openpyxl sees it."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        raise refuse(_("The workbook is damaged: it is not a readable zip archive.")) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise refuse(_("The workbook has too many parts (%(n)d).") % {"n": len(entries)})
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise refuse(
                _("This is a zip archive but not an Excel workbook."),
                expected=_("an .xlsx file saved by Excel, LibreOffice or another spreadsheet"),
            )
        total = 0
        for entry in entries:
            total += entry.file_size
            if entry.flag_bits & 0x1:
                raise refuse(_("The workbook is encrypted: remove its password."))
            if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise refuse(
                    _(
                        "The workbook unpacks to far more than its size (a part is compressed "
                        "over %(ratio)d times): refused as a possible zip bomb."
                    )
                    % {"ratio": MAX_RATIO}
                )
        if total > MAX_UNCOMPRESSED:
            raise refuse(
                _("The workbook unpacks to more than %(size)d MB.")
                % {"size": MAX_UNCOMPRESSED // 2**20}
            )
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")):
                with archive.open(entry) as part:
                    start = part.read(2048)
                if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                    raise refuse(_("The workbook holds a document type declaration: refused."))
        for entry in entries:
            if entry.filename == "xl/sharedStrings.xml" or entry.filename.startswith(
                "xl/worksheets/"
            ):
                with archive.open(entry) as part:
                    if _longest_text(part) > MAX_CELL * 4:
                        raise refuse(
                            _("A cell holds more than %(n)d characters, more than Excel allows.")
                            % {"n": MAX_CELL}
                        )


def _longest_text(part: IO[bytes]) -> int:
    """The longest run of bytes between two tags of an XML part, read in chunks: over four bytes
    a character, a text longer than a cell may be (a 50 MB cell) is found without parsing."""
    longest = run = 0
    while chunk := part.read(1 << 20):
        pieces = chunk.split(b"<")
        if len(pieces) == 1:
            run += len(chunk)
        else:
            longest = max(longest, run + len(pieces[0]), *(len(p) for p in pieces[1:-1]))
            run = len(pieces[-1])
        longest = max(longest, run)
    return longest


def read_xlsx(file: IO[bytes]) -> Source:
    """The first sheet of the workbook that has an HTCDS header, as rows."""
    file.seek(0)
    check_archive(file)
    file.seek(0)
    try:
        workbook = openpyxl.load_workbook(
            file, read_only=True, data_only=True, keep_vba=False, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds on a damaged file; none is the user's to read
        raise refuse(_("The workbook is damaged and cannot be read.")) from None
    for sheet in workbook.worksheets:
        head = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
        if not head:
            continue
        first = list(head[0])
        second = list(head[1]) if len(head) > 1 else None
        try:
            columns, mapped_by, header_rows, notes, problems = map_header(
                first, second, sheet=sheet.title
            )
        except FileRefused:
            continue
        total = None
        if isinstance(sheet.max_row, int):
            total = max(sheet.max_row - header_rows, 0)

        def rows(
            sheet: Any = sheet, start: int = header_rows + 1, columns: list[Column] = columns
        ) -> Iterator[RawRow]:
            try:
                for number, values in enumerate(
                    sheet.iter_rows(min_row=start, values_only=True), start=start
                ):
                    row = _row(columns, values, number)
                    if row is not None:
                        yield row
            finally:
                workbook.close()

        return Source(
            kind=XLSX,
            sheet=sheet.title,
            columns=columns,
            mapped_by=mapped_by,
            rows=rows(),
            notes=notes,
            problems=problems,
            total=total,
        )
    workbook.close()
    raise refuse(
        _("No sheet of the workbook has an HTCDS header (field names or labels in its first row).")
    )


# --- CSV


def detect_encoding(file: IO[bytes]) -> str:
    """UTF-8 (a byte order mark or not) or Windows-1251, read line by line; a file that mixes the
    two is refused, naming a line of each."""
    file.seek(0)
    bom = file.read(3) == b"\xef\xbb\xbf"
    file.seek(0)
    utf8_line = 0
    other_line = 0
    for number, line in enumerate(file, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
        else:
            utf8_line = utf8_line or number
        if other_line and (utf8_line or bom):
            break
    file.seek(0)
    if other_line and (utf8_line or bom):
        raise refuse(
            _(
                "The file mixes text encodings: line %(utf8)d is UTF-8, line %(other)d is not. "
                "Save the whole file as UTF-8 CSV."
            )
            % {"utf8": utf8_line or 1, "other": other_line},
            row=other_line,
        )
    if other_line:
        return "cp1251"
    return "utf-8-sig"


def detect_separator(header: str) -> str:
    """The separator of the header line: the most frequent of ; , and tab outside quotes."""
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


def read_csv(file: IO[bytes]) -> Source:
    """A CSV file with HTCDS field names (or labels) in its first line."""
    encoding = detect_encoding(file)
    file.seek(0)
    stream = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        first_line = stream.readline()
    except UnicodeDecodeError:
        stream.detach()
        raise refuse(_("The file is not UTF-8 or Windows-1251 text.")) from None
    separator = detect_separator(first_line)
    stream.seek(0)
    csv.field_size_limit(MAX_CELL + 1)
    reader = csv.reader(stream, delimiter=separator)
    try:
        first = next(reader, [])
        second_line = reader.line_num + 1
        second = next(reader, None)
    except csv.Error:
        stream.detach()
        raise refuse(_("The header cannot be read as CSV."), row=1) from None
    try:
        columns, mapped_by, header_rows, notes, problems = map_header(first, second, sheet="")
    except FileRefused:
        stream.detach()
        raise
    names = {",": _("commas"), ";": _("semicolons"), "\t": _("tabs")}
    notes.insert(
        0,
        _("Read as %(encoding)s text separated by %(separator)s.")
        % {
            "encoding": "Windows-1251" if encoding == "cp1251" else "UTF-8",
            "separator": names[separator],
        },
    )

    def rows() -> Iterator[RawRow]:
        try:
            if header_rows == 1 and second is not None:
                row = _row(columns, second, second_line)
                if row is not None:
                    yield row
            while True:
                line = reader.line_num + 1
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    raise refuse(
                        _(
                            "Line %(line)d cannot be read as CSV (a quotation mark not closed, "
                            "or a cell over %(n)d characters)."
                        )
                        % {"line": line, "n": MAX_CELL},
                        row=line,
                    ) from None
                row = _row(columns, values, line)
                if row is not None:
                    yield row
        finally:
            stream.detach()

    return Source(
        kind=CSV,
        sheet="",
        columns=columns,
        mapped_by=mapped_by,
        rows=rows(),
        notes=notes,
        problems=problems,
    )


# --- JSON


class _Utf8:
    """The file's bytes from ``start``, checked as UTF-8 on the way (a Windows-1251 file is
    refused, not misread); the JSON parser reads through it."""

    def __init__(self, file: IO[bytes], start: int) -> None:
        file.seek(start)
        self.file = file
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.decoder.decode(data, final=not data)
        return data


def _json_items(file: IO[bytes], start: int) -> Iterator[Any]:
    """The list's items one at a time (the file is never read whole); numbers as int or float,
    as the standard library's parser gives them."""
    return ijson.items(_Utf8(file, start), "item", use_float=True)


def _json_start(file: IO[bytes]) -> int:
    """Where the JSON starts (after a byte order mark); refused unless it opens a list."""
    file.seek(0)
    head = file.read(4096)
    start = 3 if head.startswith(codecs.BOM_UTF8) else 0
    if not head[start:].lstrip().startswith(b"["):
        raise refuse(
            _("The JSON must be a list of objects keyed by HTCDS field names."),
            expected='[{"prs_FirstName": "…", "prs_Gender": "Feminine", …}]',
        )
    return start


def read_json(file: IO[bytes]) -> Source:
    """A JSON list of objects keyed by HTCDS field name, streamed: a first pass checks the whole
    file (valid UTF-8 JSON, a list of objects) and gathers its keys and rows before anything is
    written; the second yields the rows one at a time."""
    start = _json_start(file)
    keys: dict[str, None] = {}
    count = 0
    try:
        for item in _json_items(file, start):
            if not isinstance(item, dict):
                raise refuse(
                    _("The JSON must be a list of objects keyed by HTCDS field names."),
                    row=count + 1,
                    expected='[{"prs_FirstName": "…", "prs_Gender": "Feminine", …}]',
                )
            count += 1
            keys.update(dict.fromkeys(str(k) for k in item))
            if len(keys) > MAX_COLUMNS:
                raise refuse(_("The file has more than %(n)d keys.") % {"n": MAX_COLUMNS})
    except UnicodeDecodeError:
        raise refuse(_("A JSON file must be UTF-8 text.")) from None
    except ijson.JSONError:
        raise refuse(_("The file is not valid JSON."), row=count + 1) from None
    if not count:
        raise refuse(_("The file holds no rows."))
    problems: list[FileProblem] = []
    columns: list[Column] = []
    seen: set[str] = set()
    for key in keys:
        name = htcds.field_by_name(key)
        if name is None:
            problems.append(
                FileProblem(
                    message=_("Unknown key: not an HTCDS field name."),
                    sheet="JSON",
                    column=shown(key, 60),
                    expected=_("an HTCDS 2.0 field name such as prs_FirstName"),
                    suggestion=_closest_field(key),
                )
            )
            continue
        seen.add(name)
        columns.append(Column(key, key, name, "field name"))
    for name in REQUIRED:
        if name not in seen:
            problems.append(
                FileProblem(
                    message=_("A required key is missing."),
                    sheet="JSON",
                    field=name,
                    expected=_("a key %(name)s") % {"name": name},
                )
            )
    by_key = {c.header: c for c in columns}

    def rows() -> Iterator[RawRow]:
        for number, item in enumerate(_json_items(file, start), start=1):
            cells: dict[str, tuple[str, Any]] = {}
            for key, value in item.items():
                column = by_key.get(str(key))
                if column is None or value is None or value == "" or value == []:
                    continue
                if isinstance(value, list):
                    value = ";".join(str(v) for v in value)
                if isinstance(value, str) and len(value) > MAX_CELL:
                    raise refuse(
                        _("A value holds more than %(n)d characters.") % {"n": MAX_CELL},
                        sheet="JSON",
                        row=number,
                        column=column.letter,
                        field=column.field,
                    )
                cells[column.field] = (column.letter, value)
            if cells:
                yield RawRow(number=number, values=cells)

    return Source(
        kind=JSON,
        sheet="JSON",
        columns=columns,
        mapped_by=BY_FIELD_NAMES,
        rows=rows(),
        problems=problems,
        total=count,
    )
