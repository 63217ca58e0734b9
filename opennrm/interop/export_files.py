"""HTCDS rows as a file (xlsx in the template's layout, CSV, JSON), sealed in an AES-256 zip.

In the two spreadsheet formats every text value that a spreadsheet would read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is neutralized with a leading
apostrophe (as the statistics downloads do), and xlsx cells are all typed as text; the import
takes the apostrophe off again (so a phone number in E.164, "+998...", comes back as it left).
JSON is no spreadsheet: its values are exact. The zip is WinZip AES-256 (pyzipper), which
7-Zip, WinZip and macOS's Archive Utility open; the password travels separately (the request's
page), never inside the file or its name.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections.abc import Iterable

import pyzipper
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from opennrm.stats.downloads import safe_text

from .htcds_export import COLUMNS, FIELDS, ROW_NUMBER, Row

SHEET = "Sheet1"  # the plain template's one sheet
PASSWORD_BYTES = 15  # 20 characters of URL-safe base64: 120 bits


def _neutral(row: Row) -> Row:
    return {k: safe_text(v) for k, v in row.items()}


def rows_xlsx(rows: Iterable[Row]) -> bytes:
    """The template's layout: a hidden first row of field names, the labels in the second, a row
    number in column A, then one row per case; every value a text, never a formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.row_dimensions[1].hidden = True

    def text(value: str, *, bold: bool = False) -> Cell:
        cell = WriteOnlyCell(sheet, value=value or None)
        cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)
        return cell

    sheet.append([text(ROW_NUMBER), *(text(c.template_field) for c in COLUMNS)])
    sheet.append([text(ROW_NUMBER), *(text(c.label, bold=True) for c in COLUMNS)])
    for number, row in enumerate(rows, start=1):
        safe = _neutral(row)
        sheet.append([number, *(text(safe[f]) for f in FIELDS)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_csv(rows: Iterable[Row]) -> bytes:
    """UTF-8 with a byte order mark (Excel then reads Cyrillic), a header of field names."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FIELDS), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(_neutral(row))
    return out.getvalue().encode("utf-8-sig")


def rows_json(rows: Iterable[Row]) -> bytes:
    """A list of objects keyed by HTCDS field names; empty fields left out."""
    records = [{k: v for k, v in row.items() if v} for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


WRITERS = {"xlsx": rows_xlsx, "csv": rows_csv, "json": rows_json}


def new_password() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


def sealed_zip(name: str, content: bytes, password: str) -> bytes:
    """``content`` as the one file ``name`` of a zip encrypted with AES-256 under ``password``."""
    out = io.BytesIO()
    with pyzipper.AESZipFile(
        out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode("utf-8"))
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr(name, content)
    return out.getvalue()
