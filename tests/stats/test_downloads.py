"""Downloads of a Table: CSV that Excel opens right in Cyrillic, XLSX with numbers as numbers,
no formula injection, and one way for every stats page to answer ?download=<key>&format=."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import Http404
from django.test import RequestFactory
from openpyxl import load_workbook

from opennrm.audit.models import AuditEvent
from opennrm.stats.downloads import (
    download_response,
    download_url,
    safe_text,
    table_csv,
    table_xlsx,
)
from opennrm.stats.tables import Row, Table

TABLE = Table(
    key="people-by-citizenship",
    title="Люди по гражданству, 2005",
    row_heading="Гражданство",
    columns=("Женщины", "Мужчины"),
    rows=(
        Row("Узбекистан", (12, None)),
        Row("Oʻzbekiston; Qozogʻiston", (30, 4)),
        Row('=HYPERLINK("http://evil")', (0, 11)),
        Row("+7 700", (1, 2)),
        Row("-1+1", (3, 4)),
        Row("@SUM(A1)", (5, 6)),
    ),
    notes=("Счета меньше 11 скрыты.", "-noise scale 2"),
)


def test_csv_is_utf8_with_bom_semicolons_and_a_header_row():
    response = table_csv(TABLE)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people-by-citizenship.csv"'
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Гражданство;Женщины;Мужчины"
    assert lines[1] == "Узбекистан;12;suppressed"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[2] == ["Oʻzbekiston; Qozogʻiston", "30", "4"]  # quoted: it holds the delimiter
    assert len(rows) == 1 + len(TABLE.rows)


def test_csv_prefixes_what_a_spreadsheet_would_run_as_a_formula():
    rows = list(
        csv.reader(io.StringIO(table_csv(TABLE).content.decode("utf-8-sig")), delimiter=";")
    )
    labels = [row[0] for row in rows[3:]]
    assert labels == ['\'=HYPERLINK("http://evil")', "'+7 700", "'-1+1", "'@SUM(A1)"]
    assert safe_text("\t=1") == "'\t=1" and safe_text("Kazakhstan") == "Kazakhstan"


def test_csv_writes_the_marker_the_page_shows():
    body = table_csv(TABLE, marker="<11").content.decode("utf-8-sig")
    assert body.split("\r\n")[1] == "Узбекистан;12;<11"


def test_xlsx_reads_back_with_the_title_notes_and_numbers_typed():
    response = table_xlsx(TABLE)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="people-by-citizenship.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "people-by-citizenship"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Люди по гражданству, 2005"
    assert sheet.cell(1, 1).font.bold
    assert values[1][0] == "Счета меньше 11 скрыты."
    assert values[2][0] == "'-noise scale 2"
    assert values[4] == ["Гражданство", "Женщины", "Мужчины"]
    assert values[5] == ["Узбекистан", 12, "suppressed"]
    assert values[6] == ["Oʻzbekiston; Qozogʻiston", 30, 4]
    assert isinstance(values[6][1], int) and sheet.cell(7, 2).data_type == "n"
    # nothing is a formula: injected labels are texts with the apostrophe in front
    assert [row[0] for row in values[7:]] == [
        '\'=HYPERLINK("http://evil")',
        "'+7 700",
        "'-1+1",
        "'@SUM(A1)",
    ]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_file_names_come_from_the_key_alone():
    table = Table('../x"; evil.csv', "t", "r", ("n",), (Row("a", (1,)),))
    assert table_csv(table)["Content-Disposition"] == 'attachment; filename="x-evil-csv.csv"'


def test_download_urls_keep_the_pages_filters():
    request = RequestFactory().get("/stats/", {"from": "2005-01-01", "to": "2005-12-31"})
    url = download_url(request, TABLE, "xlsx")
    assert url.startswith("/stats/?")
    assert "from=2005-01-01" in url and "to=2005-12-31" in url
    assert "download=people-by-citizenship" in url and "format=xlsx" in url


@pytest.mark.django_db
def test_a_page_answers_its_downloads_and_audits_them(world):
    actor = world.actor(world.a["data_analyst"])
    other = Table("other", "Other", "Month", ("n",), (Row("2005-01", (3,)),))

    def ask(**query):
        request = RequestFactory().get("/stats/", query)
        request.actor = actor
        return download_response(request, [other, TABLE])

    assert ask() is None  # no download asked: the page renders
    assert not AuditEvent.objects.filter(action="stats.table_download").exists()
    response = ask(download="people-by-citizenship", format="xlsx")
    assert response["Content-Disposition"].endswith('people-by-citizenship.xlsx"')
    response = ask(download="other")  # CSV unless told
    assert response.content.decode("utf-8-sig").startswith("Month;n")
    events = AuditEvent.objects.filter(action="stats.table_download").order_by("id")
    assert [e.fields for e in events] == [["people-by-citizenship.xlsx"], ["other.csv"]]
    assert {e.organization_id for e in events} == {world.org_a.pk}
    assert {e.actor_id for e in events} == {actor.user.pk}
    # a table the page does not show, or a format it does not write, is not found
    with pytest.raises(Http404):
        ask(download="cases-by-worker")
    with pytest.raises(Http404):
        ask(download="other", format="pdf")


def test_xlsx_label_column_is_as_wide_as_its_longest_label():
    sheet = load_workbook(io.BytesIO(table_xlsx(TABLE).content)).active
    assert sheet.column_dimensions["A"].width == len('=HYPERLINK("http://evil")') + 2
