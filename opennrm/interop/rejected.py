"""The rows an import left out, as a file to correct in the layout they came in (issue 14).

When a member imports the valid rows only, the refused ones come back as a file of the same kind:
a workbook keeps the sheet's name, its header rows (the field names' row hidden, as in IOM's
templates) and every column where it was, with a second sheet listing each row's problems; a CSV
file keeps its header and separator (written as UTF-8 with a byte order mark, which Excel reads);
JSON keeps the objects. Corrected and uploaded again, the file imports the rows that were missing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from opennrm.validation import FileProblem

from . import readers

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {readers.XLSX: XLSX_TYPE, readers.CSV: "text/csv; charset=utf-8"}


def rejected_file(
    content: bytes, name: str, sheet: str, rows: Iterable[int], problems: list[FileProblem]
) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of the rows numbered ``rows`` of the file ``content``."""
    wanted = set(rows)
    kind = readers.sniff(io.BytesIO(content), name)
    if kind == readers.XLSX:
        return "rejected-rows.xlsx", XLSX_TYPE, _xlsx(content, sheet, wanted, problems)
    if kind == readers.JSON:
        return "rejected-rows.json", "application/json", _json(content, wanted)
    return "rejected-rows.csv", TYPES[readers.CSV], _csv(content, wanted)


def _xlsx(content: bytes, sheet_name: str, wanted: set[int], problems: list[FileProblem]) -> bytes:
    source = openpyxl.load_workbook(
        io.BytesIO(content), read_only=True, data_only=True, keep_vba=False, keep_links=False
    )
    try:
        sheet = source[sheet_name] if sheet_name in source.sheetnames else source.worksheets[0]
        head = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
        first = list(head[0]) if head else []
        second = list(head[1]) if len(head) > 1 else None
        _c, _m, header_rows, _n, _p = readers.map_header(first, second, sheet=sheet.title)
        book = Workbook(write_only=True)
        out = book.create_sheet(sheet.title)
        if header_rows == 2:
            out.row_dimensions[1].hidden = True  # the field names, hidden as in the templates
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number <= header_rows or number in wanted:
                out.append(list(values))
    finally:
        source.close()
    listed = book.create_sheet("Problems")

    def bold(value: str) -> Cell:
        cell = WriteOnlyCell(listed, value=value)
        cell.font = Font(bold=True)
        return cell

    listed.append([bold("row"), bold("column"), bold("field"), bold("problem")])
    for problem in problems:
        if problem.row in wanted:
            listed.append([problem.row, problem.column, problem.field, problem.line()])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(content: bytes, wanted: set[int]) -> bytes:
    encoding = readers.detect_encoding(io.BytesIO(content))
    text = content.decode(encoding)
    separator = readers.detect_separator(text.split("\n", 1)[0])
    csv.field_size_limit(readers.MAX_CELL + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    first = next(reader, [])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(first)
    while True:
        line = reader.line_num + 1  # the line a record starts on, as the reader numbers rows
        values = next(reader, None)
        if values is None:
            break
        if line in wanted or (line == 2 and _is_labels(first, values)):
            writer.writerow(values)
    return out.getvalue().encode("utf-8-sig")


def _is_labels(first: list[Any], second: list[Any]) -> bool:
    _c, _m, header_rows, _n, _p = readers.map_header(first, second, sheet="")
    return header_rows == 2


def _json(content: bytes, wanted: set[int]) -> bytes:
    items = json.loads(content.decode("utf-8-sig"))
    kept = [item for number, item in enumerate(items, start=1) if number in wanted]
    return json.dumps(kept, ensure_ascii=False, indent=1).encode("utf-8")
