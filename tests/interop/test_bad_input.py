"""Each kind of bad input gets a clear problem naming where and what, and nothing is saved."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import openpyxl
import pytest

from opennrm.accounts.models import Role
from opennrm.cases.models import Case
from opennrm.interop.readers import FileRefused
from opennrm.interop.services import ImportResult, import_preview, import_run

from .support import PLAIN, ROW_SYSTEM, person, template

pytestmark = pytest.mark.django_db
HEADER = "prs_FirstName,prs_SecondName,prs_Gender,vic_TraffickingStatus"


def preview(world: Any, data: bytes, name: str) -> ImportResult:
    actor = world.actor(world.a[Role.SUPERVISOR])
    return import_preview(actor=actor, organization=world.org_a, file=io.BytesIO(data), name=name)


def refused(world: Any, data: bytes, name: str) -> list[str]:
    actor = world.actor(world.a[Role.SUPERVISOR])
    with pytest.raises(FileRefused) as caught:
        import_run(actor=actor, organization=world.org_a, file=io.BytesIO(data), name=name)
    assert Case.objects.count() == 0
    return [p.line() for p in caught.value.problems]


def lines(result: ImportResult) -> list[str]:
    assert not result.saved
    return [p.line() for p in result.problems]


def test_a_file_of_another_kind_is_refused(world) -> None:
    assert "Only Excel workbooks" in refused(world, b"%PDF-1.7 ...", "cases.pdf")[0]
    assert "not an Excel workbook, a CSV" in refused(world, b"\x89PNG\r\n\x00\x00", "x.csv")[0]


def test_a_file_that_lies_about_its_type_is_refused(world) -> None:
    assert "named as XLSX but its content is CSV" in refused(world, HEADER.encode(), "x.xlsx")[0]
    assert (
        "named as CSV but its content is XLSX" in refused(world, template([ROW_SYSTEM]), "x.csv")[0]
    )
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "zip archive but not an Excel workbook" in refused(world, docx.getvalue(), "x.xlsx")[0]


def test_a_password_protected_workbook_is_refused(world) -> None:
    # An encrypted OOXML workbook is a Compound File (CFB) holding the encrypted package.
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage"
    assert "password-protected" in refused(world, cfb, "cases.xlsx")[0]


def test_empty_and_header_only_files_are_refused(world) -> None:
    assert "empty" in refused(world, b"", "cases.csv")[0]
    assert "empty" in refused(world, b"  \r\n", "cases.csv")[0]
    assert "header but no rows" in refused(world, (HEADER + "\n").encode(), "cases.csv")[0]
    assert "header but no rows" in refused(world, template([]), "cases.xlsx")[0]
    assert "header but no rows" in refused(world, PLAIN.read_bytes(), "cases.xlsx")[0]


def test_unknown_and_missing_columns(world) -> None:
    data = "prs_FirstName,prs_SecondNme,prs_Gender,Favourite colour\nA,B,Feminine,red\n"
    found = lines(preview(world, data.encode(), "cases.csv"))
    assert (
        "row 1, column B: Unknown column" in found[0]
        and "Did you mean “prs_SecondName”?" in found[0]
    )
    assert "row 1, column D: Unknown column" in found[1]
    assert "field prs_SecondName: A required column is missing." in found[2]
    assert "field vic_TraffickingStatus: A required column is missing." in found[3]


def test_dates_excel_serials_text_and_invalid(world) -> None:
    rows = [
        person(1, prs_Birthdate=34759),  # serial: 1995-02-28
        person(2, prs_Birthdate="1995-03-01"),
        person(3, prs_Birthdate="01.03.1995"),
        person(4, prs_Birthdate="01/03/1995"),
        person(5, prs_Birthdate="31.02.1995"),
        person(6, cas_IncomingReferralDate="soon"),
        person(7, prs_Birthdate=-5),
    ]
    result = preview(world, template(rows), "cases.xlsx")
    found = lines(result)
    assert result.cases_create == 4 and result.refused_rows == [7, 8, 9]
    assert found[0].startswith("sheet Sheet1, row 7, column G, field prs_Birthdate: Not a date.")
    assert "31.02.1995" not in found[0]  # a birth date identifies: never repeated
    assert "row 8, column AD, field cas_IncomingReferralDate: Not a date. Found “soon”." in found[1]
    assert "row 9, column G" in found[2]


def test_a_birth_date_in_the_future_is_refused_by_the_service(world) -> None:
    found = lines(preview(world, template([person(1, prs_Birthdate="2999-01-01")]), "x.xlsx"))
    assert found and "row 3, column G, field prs_Birthdate" in found[0]


def test_unknown_picklist_values_suggest_the_closest(world) -> None:
    rows = [person(1, prs_Gender="Femenine", vic_TypeOfExploitation="ForcedLabour;Begging")]
    found = lines(preview(world, template(rows), "cases.xlsx"))
    assert "column H, field prs_Gender" in found[0] and "Did you mean “Feminine”?" in found[0]
    assert "column X, field vic_TypeOfExploitation" in found[1]
    assert "Found “Begging”" in found[1] and "Did you mean “Forced begging”?" in found[1]


def test_duplicate_rows_in_the_file(world) -> None:
    row = "Ana,One,Feminine,NotAVictimOfTrafficking\n"
    csv = f"{HEADER}\n{row}{row}"
    found = lines(preview(world, csv.encode(), "cases.csv"))
    assert found == ["row 3: Duplicate of row 2: the same case twice in the file."]


def test_an_over_long_cell(world) -> None:
    found = lines(preview(world, template([person(1, prs_Title="x" * 300)]), "cases.xlsx"))
    assert "column J, field prs_Title: Too long: 300 characters." in found[0]
    assert "x" * 20 not in found[0]


def test_a_50_mb_cell_is_refused_before_the_workbook_is_opened(world) -> None:
    workbook = openpyxl.load_workbook(PLAIN)
    workbook.worksheets[0]["D3"] = "A"
    raw = io.BytesIO()
    workbook.save(raw)
    # Put a 50 MB string in place, as a hand-made file would (openpyxl refuses to write
    # one): stored, not deflated, so only the cell limit can catch it.
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            body = source.read(item)
            if b"<t>A</t>" in body:
                body = body.replace(b"<t>A</t>", b"<t>" + b"A" * (50 * 2**20) + b"</t>")
                archive.writestr(item.filename, body, compress_type=zipfile.ZIP_STORED)
            else:
                archive.writestr(item, body)
    assert "more than 32767 characters" in refused(world, out.getvalue(), "cases.xlsx")[0]


def test_a_zip_bomb_disguised_as_a_workbook_is_refused(world) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (200 * 2**20))
    data = out.getvalue()
    assert len(data) < 1_000_000
    assert "possible zip bomb" in refused(world, data, "cases.xlsx")[0]


def test_csv_in_windows_1251_with_semicolons(world) -> None:
    csv = "prs_FirstName;prs_SecondName;prs_Gender;vic_TraffickingStatus\r\n"
    csv += "Айгерим;Тестова;Feminine;PossibleVictimOfTrafficking\r\n"
    result = preview(world, csv.encode("cp1251"), "cases.csv")
    assert result.problems == [] and result.cases_create == 1
    assert "Windows-1251" in result.notes[0] and "semicolons" in result.notes[0]
    result = import_run(
        actor=world.actor(world.a[Role.SUPERVISOR]),
        organization=world.org_a,
        file=io.BytesIO(("\ufeff" + csv).encode("utf-8")),
        name="cases.csv",
    )
    assert result.saved and Case.objects.get().person.given_name == "Айгерим"


def test_csv_with_mixed_encodings_is_refused_naming_the_lines(world) -> None:
    data = (HEADER + "\n").encode() + "Айгерим,Тестова,Feminine,NotAVictimOfTrafficking\n".encode()
    data += "Мария,Петрова,Feminine,NotAVictimOfTrafficking\n".encode("cp1251")
    found = refused(world, data, "cases.csv")
    assert "line 2 is UTF-8, line 3 is not" in found[0] and "row 3" in found[0]


def test_csv_of_the_template_with_labels_row(world) -> None:
    csv = f",{HEADER},cas_Status\n,First Name,Second Name,Gender,Trafficking Status,Status\n"
    csv += "1,Ana,One,Feminine,Possible victim of trafficking,Follow Up\n"
    result = preview(world, csv.encode(), "cases.csv")
    assert result.problems == [] and result.cases_create == 1


def test_labels_only_header(world) -> None:
    csv = "First Name,Second Name,Gender ,Trafficking Status\n"
    csv += "Ana,One,feminine,Not a victim of trafficking\n"
    result = preview(world, csv.encode(), "cases.csv")
    assert result.mapped_by == "labels" and result.problems == []


def test_json_keyed_by_field_names(world) -> None:
    rows = [
        {
            "cas_CaseId": "J-1",
            "prs_FirstName": "Ana",
            "prs_SecondName": "One",
            "prs_Gender": "Feminine",
            "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
            "vic_TypeOfExploitation": ["ForcedLabour", "ForcedBegging"],
        },
        {
            "cas_CaseId": "J-2",
            "prs_FirstName": "Bo",
            "prs_SecondName": "Two",
            "prs_Gender": "Mascline",
            "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
            "favourite": 1,
        },
    ]
    result = preview(world, json.dumps(rows).encode(), "cases.json")
    found = lines(result)
    assert "column favourite: Unknown key" in found[0]
    assert "sheet JSON, row 2, column prs_Gender, field prs_Gender" in found[1]
    assert "Did you mean “Masculine”?" in found[1]
    assert "not valid JSON" in refused(world, b"[{", "cases.json")[0]
    assert "list of objects" in refused(world, b'{"a": 1}', "cases.json")[0]


def _json_rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "cas_CaseId": f"J-{n}",
            "prs_FirstName": f"Person{n}",
            "prs_SecondName": "Streamed",
            "prs_Gender": "Feminine",
            "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
        }
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize(
    "tail, message",
    [
        (b', {"prs_FirstName": "Late"', "row 4: The file is not valid JSON"),  # cut short
        (b", 7]", "row 4: The JSON must be a list of objects"),
        (b', {"prs_FirstName": "\xcf\xf0\xe8"}]', "must be UTF-8"),  # Windows-1251 at the end
    ],
    ids=["truncated", "not an object", "not utf-8"],
)
def test_a_json_file_bad_after_good_rows_is_refused_whole(world, tail, message) -> None:
    # The file is read as a stream, and checked to its end before any row is written.
    good = json.dumps(_json_rows(3)).encode()
    problems = refused(world, good[:-1] + tail, "cases.json")
    assert any(message in line for line in problems), problems


def test_a_json_file_with_a_byte_order_mark_and_integers_imports(world) -> None:
    rows = _json_rows(2)
    rows[0]["prs_NumberOfChildren"] = 2  # a number stays a number (not a Decimal)
    data = b"\xef\xbb\xbf" + json.dumps(rows, ensure_ascii=False).encode()
    actor = world.actor(world.a[Role.SUPERVISOR])
    result = import_run(actor=actor, organization=world.org_a, file=io.BytesIO(data), name="c.json")
    assert result.saved, [p.line() for p in result.problems]
    assert Case.objects.count() == 2


def test_a_json_file_with_too_many_keys_is_refused(world) -> None:
    row = {f"key{n}": 1 for n in range(600)}
    assert "more than 500 keys" in refused(world, json.dumps([row]).encode(), "c.json")[0]
