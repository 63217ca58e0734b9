"""HTCDS exports: asked for, approved by someone else, downloaded as an AES-256 zip that holds the
cases in the template's layout; identifying data only when asked and allowed; every step audited;
a value a spreadsheet would run is neutralized; an expired request gives nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import openpyxl
import pytest
import pyzipper
from django.utils import timezone

from opennrm.audit.models import AuditEvent
from opennrm.cases import services as case_services
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.interop import exports
from opennrm.interop.export_files import rows_csv, rows_json, rows_xlsx
from opennrm.interop.htcds_export import COLUMNS, FIELDS, MISSPELT_DECISION_ORG
from opennrm.interop.models import ExportRequest, ExportStatus
from tests.cases.factories import open_diana
from tests.interop.support import PLAIN as TEMPLATE


def _ask(world, **data):
    actor = world.actor(world.a["case_worker"])
    case = open_diana(world.a["case_worker"])
    values = {"numbers": case.number, "purpose": "Transfer to the shelter's own system"}
    return actor, case, exports.export_request_create(actor=actor, data={**values, **data})


def _unzipped(sealed, password):
    with pyzipper.AESZipFile(io.BytesIO(sealed.content)) as archive:
        archive.setpassword(password.encode())
        (name,) = archive.namelist()
        info = archive.getinfo(name)
        assert info.flag_bits & 0x1, "the entry must be encrypted"
        return name, archive.read(name)


def _actions(request):
    return list(
        AuditEvent.objects.filter(object_id=request.uuid)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_columns_are_the_official_templates(world):
    sheet = openpyxl.load_workbook(TEMPLATE).worksheets[0]
    names = [sheet.cell(1, c).value for c in range(2, sheet.max_column + 1)]
    names = [n for n in names if n] + []
    ours = [c.template_field for c in COLUMNS if c.field != "cas_CaseId"]
    # The template leaves column AJ without a name; the export names it.
    assert [n for n in ours if n != "cas_ReasonForOutgoingReferral"] == names
    assert ours.index("cas_ReasonForOutgoingReferral") + 2 == 36  # AJ
    assert MISSPELT_DECISION_ORG in ours


def test_ask_approve_download_with_identifying_data(world):
    actor, case, request = _ask(world, identifying=True, file_format="xlsx")
    assert request.status == ExportStatus.PENDING
    supervisor = world.actor(world.a["supervisor"])
    exports.export_approve(actor=supervisor, export_id=request.uuid)
    request.refresh_from_db()
    password = exports.export_password(actor=actor, request=request)
    assert len(password) >= 20
    # Only the requester is shown the password.
    assert exports.export_password(actor=supervisor, request=request) == ""

    sealed = exports.export_download(actor=actor, export_id=request.uuid)
    assert sealed.name.endswith(".zip") and "Каримова" not in sealed.name
    with pytest.raises(RuntimeError), pyzipper.AESZipFile(io.BytesIO(sealed.content)) as archive:
        archive.read(archive.namelist()[0])  # no password: nothing to read
    name, content = _unzipped(sealed, password)
    assert name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.row_dimensions[1].hidden
    header = {sheet.cell(1, c).value: c for c in range(2, sheet.max_column + 1)}
    value = {f: sheet.cell(3, header[c.template_field]).value for c in COLUMNS for f in [c.field]}
    assert value["prs_FirstName"] == "Диана" and value["prs_SecondName"] == "Каримова"
    assert value["prs_Gender"] == "Feminine" and value["prs_Citizenship"] == "UZ"
    assert value["vic_TypeOfExploitation"] == "SexualExploitation"
    assert value["vic_MethodsOfControl"].split(";")[0] == "FalsePromises"
    assert value["vic_LocationOfExploitation"] == "KZ"
    assert value["prs_MobilePhone"] == "'+998901234567"  # neutralized: a "+" would start a formula
    assert sheet.cell(3, 1).value == 1
    assert _actions(request) == [
        "interop.export_request",
        "interop.export_approve",
        "interop.export_download",
    ]
    request.refresh_from_db()
    assert request.downloads == 1


def test_without_identifying_data_the_identifying_fields_are_empty(world):
    actor, case, request = _ask(world, identifying=False, file_format="json")
    exports.export_approve(actor=world.actor(world.a["supervisor"]), export_id=request.uuid)
    request.refresh_from_db()
    sealed = exports.export_download(actor=actor, export_id=request.uuid)
    _, content = _unzipped(sealed, request.password)
    (record,) = json.loads(content)
    assert record["prs_Citizenship"] == "UZ"
    for field in ("prs_FirstName", "prs_SecondName", "prs_MobilePhone", "prs_Birthdate"):
        assert field not in record
    assert "Каримова" not in content.decode() and "AA1234567" not in content.decode()


def test_the_requester_cannot_approve_their_own_request(world):
    supervisor = world.actor(world.a["supervisor"])
    case = open_diana(world.a["case_worker"])
    request = exports.export_request_create(
        actor=supervisor, data={"numbers": case.number, "purpose": "Annual transfer"}
    )
    with pytest.raises(PermissionDenied):
        exports.export_approve(actor=supervisor, export_id=request.uuid)
    request.refresh_from_db()
    assert request.status == ExportStatus.PENDING and request.password == ""


def test_nothing_is_downloaded_before_approval_after_refusal_or_after_expiry(world):
    actor, case, request = _ask(world)
    with pytest.raises(Conflict):
        exports.export_download(actor=actor, export_id=request.uuid)
    supervisor = world.actor(world.a["supervisor"])
    with pytest.raises(ValidationFailed) as refused:
        exports.export_refuse(actor=supervisor, export_id=request.uuid, reason="  ")
    assert "reason" in refused.value.errors
    exports.export_refuse(actor=supervisor, export_id=request.uuid, reason="No agreement yet")
    with pytest.raises(Conflict):
        exports.export_download(actor=actor, export_id=request.uuid)
    with pytest.raises(Conflict):
        exports.export_approve(actor=supervisor, export_id=request.uuid)

    _, _, second = _ask(world)
    exports.export_approve(actor=supervisor, export_id=second.uuid)
    later = timezone.now() + exports.VALID_FOR + timedelta(minutes=1)
    ExportRequest.objects.filter(pk=second.pk).update(expires_at=timezone.now())
    with pytest.raises(Conflict):
        exports.export_download(actor=actor, export_id=second.uuid)
    assert exports.exports_expire(now=later) == 1
    second.refresh_from_db()
    assert second.status == ExportStatus.EXPIRED and second.password == ""
    assert _actions(second)[-1] == "interop.export_expire"


def test_another_organization_sees_no_request(world):
    _, _, request = _ask(world)
    for role in ("case_worker", "supervisor"):
        with pytest.raises(NotFound):
            exports.export_get(actor=world.actor(world.b[role]), export_id=request.uuid)
    with pytest.raises(NotFound):
        exports.export_approve(actor=world.actor(world.b["supervisor"]), export_id=request.uuid)
    # Nor does another case worker of the same organization.
    other = world.actor(world.a["hotline_operator"])
    with pytest.raises(PermissionDenied):
        exports.export_get(actor=other, export_id=request.uuid)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"numbers": "", "purpose": "x"}, "numbers"),
        ({"numbers": "NO-SUCH-1", "purpose": "x"}, "numbers"),
        ({"numbers": "{number}", "purpose": ""}, "purpose"),
        ({"numbers": "{number}", "purpose": "x", "file_format": "docx"}, "file_format"),
        ({"opened_from": "2030-01-01", "opened_to": "2029-01-01", "purpose": "x"}, "opened_to"),
        ({"opened_from": "1999-12-31", "purpose": "x"}, "opened_from"),
        ({"opened_from": "2001-01-01", "opened_to": "2001-12-31", "purpose": "x"}, "opened_from"),
        ({"numbers": "{number}", "purpose": "x" * 201}, "purpose"),
    ],
)
def test_bad_requests_name_the_field_and_save_nothing(world, data, field):
    actor = world.actor(world.a["case_worker"])
    case = open_diana(world.a["case_worker"])
    data = {k: v.format(number=case.number) if isinstance(v, str) else v for k, v in data.items()}
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        exports.export_request_create(actor=actor, data=data)
    assert field in refused.value.errors
    assert not ExportRequest.objects.exists() and AuditEvent.objects.count() == before


def test_a_case_of_another_organization_cannot_be_named(world):
    case = open_diana(world.b["case_worker"])
    with pytest.raises(ValidationFailed) as refused:
        exports.export_request_create(
            actor=world.actor(world.a["supervisor"]),
            data={"numbers": case.number, "purpose": "x"},
        )
    assert "numbers" in refused.value.errors


def test_a_period_selects_the_cases_opened_in_it(world):
    actor = world.actor(world.a["case_worker"])
    open_diana(world.a["case_worker"])
    request = exports.export_request_create(
        actor=actor, data={"opened_from": "2005-01-01", "opened_to": "2005-12-31", "purpose": "x"}
    )
    assert len(request.case_ids) == 1


FORMULAS = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("writer", [rows_xlsx, rows_csv, rows_json])
def test_formulas_are_neutralized_in_both_spreadsheet_formats(writer):
    rows = [{**dict.fromkeys(FIELDS, ""), "prs_FirstName": f, "cco_x": ""} for f in FORMULAS]
    rows = [{k: v for k, v in r.items() if k in FIELDS} for r in rows]
    content = writer(rows)
    if writer is rows_xlsx:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        column = [c.field for c in COLUMNS].index("prs_FirstName") + 2
        # XML reads a carriage return back as a line feed.
        found = [
            sheet.cell(r, column).value.replace("\n", "\r") for r in range(3, 3 + len(FORMULAS))
        ]
        assert all(sheet.cell(r, column).data_type == "s" for r in range(3, 3 + len(FORMULAS)))
    elif writer is rows_csv:
        found = [
            r["prs_FirstName"] for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
        ]
    else:
        assert [r["prs_FirstName"] for r in json.loads(content)] == FORMULAS  # exact
        return
    assert found == ["'" + f for f in FORMULAS]


def test_a_case_changed_after_approval_is_exported_as_it_is_then(world):
    actor, case, request = _ask(world, identifying=True, file_format="csv")
    exports.export_approve(actor=world.actor(world.a["supervisor"]), export_id=request.uuid)
    case_services.case_update(
        actor=actor, case=case, version=case.version, country_of_exploitation="RU"
    )
    request.refresh_from_db()
    _, content = _unzipped(
        exports.export_download(actor=actor, export_id=request.uuid), request.password
    )
    (row,) = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert row["vic_LocationOfExploitation"] == "RU"


def test_the_page_shows_the_password_to_the_requester_alone(world):
    from django.test import Client

    from tests.conftest import sign_in

    actor, case, request = _ask(world)
    exports.export_approve(actor=world.actor(world.a["supervisor"]), export_id=request.uuid)
    request.refresh_from_db()
    url = f"/htcds/exports/{request.uuid}/"
    mine = sign_in(Client(), world.a["case_worker"].user, world.a["case_worker"]).get(url)
    assert request.password.encode() in mine.content
    assert b"export-download" in mine.content
    theirs = sign_in(Client(), world.a["supervisor"].user, world.a["supervisor"]).get(url)
    assert theirs.status_code == 200 and request.password.encode() not in theirs.content
    assert b"export-download" not in theirs.content


def test_the_command_expires_what_is_due(world):
    from django.core.management import call_command

    actor, case, request = _ask(world)
    exports.export_approve(actor=world.actor(world.a["supervisor"]), export_id=request.uuid)
    ExportRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
    out = io.StringIO()
    call_command("expire_exports", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 export request(s) expired.",
        "0 file(s) of rows left out of an import deleted.",
    ]
    request.refresh_from_db()
    assert request.status == ExportStatus.EXPIRED and request.password == ""
