"""Every `Table` as a CSV or Excel download, answered the same way by every stats page.

A page passes the tables it shows to `download_response`; a request with
``?download=<table key>&format=csv|xlsx`` gets that table as a file (and an audit event: a
figure left the system as a file), any other request gets None and the page renders. Only the
tables the page itself shows can be downloaded, so a download needs no gate of its own.

CSV: UTF-8 with a byte order mark (Excel then reads Cyrillic right), ``;`` between fields (what
Excel expects where the decimal mark is a comma, as in Russian, Kazakh and Uzbek, and what the
CTDC publishes), the header row, a suppressed cell as the same marker as on the page.
XLSX: the title and the notes above the header, counts as numbers. In both, a text that begins
with a character a spreadsheet would read as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.web import ActorRequest

from .audit_charts import DownloadAction
from .charts import suppressed_marker
from .tables import Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DELIMITER = ";"
# OWASP's list: =, +, -, @ start a formula, and a tab or carriage return before them is skipped.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_FILE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it and never runs it: a leading apostrophe where it
    would begin a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def file_name(table: Table, extension: str) -> str:
    """The download's name: the table's key, reduced to letters, digits, - and _."""
    stem = _NOT_FILE_NAME.sub("-", table.key).strip("-") or "table"
    return f"{stem}.{extension}"


def _attachment(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _cells(table: Table, marker: str) -> Iterable[list[str | int]]:
    """The header row, then each row: its label and its counts (the marker where suppressed)."""
    yield [safe_text(table.row_heading), *(safe_text(c) for c in table.columns)]
    for row in table.rows:
        yield [
            safe_text(row.label),
            *(safe_text(marker) if v is None else v for v in row.values),
        ]


def table_csv(table: Table, *, marker: str | None = None) -> HttpResponse:
    """``table`` as a CSV file: UTF-8 with a byte order mark, ``;``-separated, a header row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerows(_cells(table, marker or suppressed_marker()))
    body = out.getvalue().encode("utf-8-sig")
    return _attachment(body, CSV_TYPE, file_name(table, "csv"))


def _sheet_title(table: Table) -> str:
    # Excel's sheet names: at most 31 characters, none of []:*?/\
    return (_NOT_FILE_NAME.sub("-", table.key).strip("-") or "table")[:31]


def table_xlsx(table: Table, *, marker: str | None = None) -> HttpResponse:
    """``table`` as an Excel workbook of one sheet: the title and notes, a blank row, the
    header and the rows; counts are numbers, texts never formulas."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(table))

    def text(value: str, *, bold: bool = False) -> Cell:
        cell = WriteOnlyCell(sheet, value=safe_text(value))
        cell.data_type = "s"  # a text, whatever it begins with
        if bold:
            cell.font = Font(bold=True)
        return cell

    # Widths set before the first row (write-only): the labels' column as wide as its longest.
    longest = max((len(row.label) for row in table.rows), default=0)
    sheet.column_dimensions["A"].width = min(max(longest, len(table.row_heading), 10) + 2, 60)
    sheet.append([text(table.title, bold=True)])
    for note in table.notes:
        sheet.append([text(note)])
    sheet.append([])
    header, *rows = _cells(table, marker or suppressed_marker())
    sheet.append([text(str(h), bold=True) for h in header])
    for row in rows:
        sheet.append([v if isinstance(v, int) else text(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return _attachment(out.getvalue(), XLSX_TYPE, file_name(table, "xlsx"))


WRITERS: dict[str, Callable[..., HttpResponse]] = {"csv": table_csv, "xlsx": table_xlsx}


@transaction.atomic
def table_download_record(*, actor: Actor, table: Table, file_format: str) -> None:
    """Record that ``actor`` took ``table`` away as a file: the file's name (key and format)."""
    audit_record(
        actor=actor,
        action=DownloadAction.TABLE_DOWNLOAD,
        object_type="stats.table",
        fields=[file_name(table, file_format)],
    )


def download_response(
    request: ActorRequest, tables: Iterable[Table], *, marker: str | None = None
) -> HttpResponse | None:
    """The file a stats page's download link asks for, or None when it asks for none.

    ``tables`` are the page's own tables; an unknown key or format is a 404."""
    key = request.GET.get("download")
    if key is None:
        return None
    file_format = request.GET.get("format", "csv")
    table = next((t for t in tables if t.key == key), None)
    if table is None or file_format not in WRITERS:
        raise Http404
    table_download_record(actor=request.actor, table=table, file_format=file_format)
    return WRITERS[file_format](table, marker=marker)


def download_url(request: HttpRequest, table: Table, file_format: str) -> str:
    """The page's own URL, its filters kept, asking for ``table`` as ``file_format``."""
    query = request.GET.copy()
    query["download"] = table.key
    query["format"] = file_format
    return f"{request.path}?{query.urlencode()}"
