"""The registry's services and its CSV import: every row or none, each problem named by row and
column, a re-import updating by licence number."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opennrm.accounts.models import Role
from opennrm.audit.models import AuditEvent
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.portal import agencies
from opennrm.portal.models_agencies import Agency, AgencyRegistryUpdate
from tests.conftest import sign_in
from tests.portal.registry import HEADER, ORIENT, csv_bytes, orient, regulator

GOOD = csv_bytes(
    HEADER + ",city",
    "Silk Road Jobs,KZ-0099,recruitment,active,31.12.2029,Ministry of Labour,Almaty",
    "Steppe Travel,KZ-0100,Travel,revoked,2025-01-31,Ministry of Labour,",
)


def _saved() -> tuple[int, int, int]:
    return (
        Agency.objects.count(),
        AgencyRegistryUpdate.objects.count(),
        AuditEvent.objects.filter(action__startswith="agency.").count(),
    )


def _refused(world, content: bytes) -> list[str]:
    """The problems of ``content``, after checking that importing it saves nothing."""
    before = _saved()
    with pytest.raises(ValidationFailed) as refused:
        agencies.agency_import(actor=regulator(world), content=content)
    assert _saved() == before
    assert refused.value.message == "The file was not imported; nothing was saved."
    return refused.value.errors["file"]


def test_import_adds_every_row_with_its_audit_event(world):
    update = agencies.agency_import(actor=regulator(world), content=GOOD)
    assert (update.created, update.updated, update.unchanged) == (2, 0, 0)
    silk = Agency.objects.get(licence_number="KZ-0099")
    assert silk.country == "KZ" and silk.valid_until == date(2029, 12, 31)
    assert silk.city == "Almaty" and silk.kind == "recruitment"
    assert Agency.objects.get(licence_number="KZ-0100").kind == "travel"
    event = AuditEvent.objects.get(action="agency.import")
    assert event.object_id == update.uuid and len(event.object_ids) == 2


def test_semicolons_and_a_byte_order_mark_are_read(world):
    content = (
        "\ufeffName;Licence number;Kind;Status;Valid until;Issuing authority\r\n"
        "Silk Road Jobs;KZ-0099;recruitment;active;2029-12-31;Ministry, Department 3\r\n"
    ).encode()
    assert agencies.agency_import(actor=regulator(world), content=content).created == 1
    assert Agency.objects.get().issuing_authority == "Ministry, Department 3"


def test_a_reimport_updates_by_licence_number_and_makes_no_duplicate(world):
    agencies.agency_import(actor=regulator(world), content=GOOD)
    again = csv_bytes(
        HEADER,
        "Silk Road Jobs,kz 0099,recruitment,suspended,31.12.2029,Ministry of Labour",
        "Steppe Travel,KZ-0100,travel,revoked,2025-01-31,Ministry of Labour",
        "New Horizons,KZ-0101,recruitment,active,,Ministry of Labour",
    )
    plan = agencies.agency_import_plan(actor=regulator(world), content=again)
    assert [r.action for r in plan.rows] == ["update", "unchanged", "create"]
    update = agencies.agency_import(actor=regulator(world), content=again)
    assert (update.created, update.updated, update.unchanged) == (1, 1, 1)
    assert Agency.objects.count() == 3
    silk = Agency.objects.get(licence_key="kz0099")
    assert silk.status == "suspended" and silk.version == 2


def test_the_preview_saves_nothing(world):
    before = _saved()
    plan = agencies.agency_import_plan(actor=regulator(world), content=GOOD)
    assert (plan.created, plan.updated, plan.unchanged) == (2, 0, 0) and not plan.problems
    assert _saved() == before


def test_unknown_and_missing_columns_are_named(world):
    problems = _refused(world, csv_bytes("name,licence,kind,status,expiry", "A,1,travel,active,"))
    text = " ".join(problems)
    assert "Unknown columns: licence, expiry" in text
    assert "Missing columns: licence_number, valid_until, issuing_authority" in text


def test_bad_dates_and_values_name_row_column_value_and_what_was_expected(world):
    problems = _refused(
        world,
        csv_bytes(
            HEADER,
            "Good One,KZ-1,travel,active,2029-01-01,Ministry",
            "Bad Date,KZ-2,travel,active,31/12/2029,Ministry",
            "No Such Day,KZ-3,travel,active,31.02.2029,Ministry",
            "Bad Kind,KZ-4,shop,closed,2029-01-01,",
        ),
    )
    assert problems[0] == (
        "Row 3, column valid_until (“31/12/2029”): a date written as YYYY-MM-DD or DD.MM.YYYY"
    )
    assert problems[1].startswith("Row 4, column valid_until (“31.02.2029”)")
    assert "Row 5, column kind (“shop”): one of: recruitment, travel" in problems
    assert (
        "Row 5, column status (“closed”): one of: active, suspended, revoked, expired" in problems
    )
    assert any(p.startswith("Row 5, column issuing_authority") for p in problems)


def test_a_licence_twice_in_the_file_is_refused(world):
    problems = _refused(
        world,
        csv_bytes(
            HEADER,
            "One,KZ-7,travel,active,2029-01-01,Ministry",
            "Two,kz-7,travel,active,2029-01-01,Ministry",
        ),
    )
    assert problems == [
        "Row 3, column licence_number (“kz-7”): "
        "The same licence number as row 2; each licence once."
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "Row 1: The file is empty."),
        (b"\xef\xbb\xbf\n  \n", "Row 1: The file is empty."),
        (csv_bytes(HEADER), "Row 2: The file has a header but no rows."),
        (
            csv_bytes(HEADER) + "Ориент,KZ-1,travel,active,,Ministry\n".encode("cp1251"),
            "Row 2: The file is not UTF-8 text.",
        ),
        (csv_bytes(HEADER, "Short,KZ-1,travel"), "Row 2: Has 3 cells where the header has 6."),
        (
            csv_bytes(HEADER + ",country", "Other,UZ-1,travel,active,,Ministry,UZ"),
            "Row 2, column country (“UZ”): KZ: you keep the registry of your own country only",
        ),
    ],
    ids=["empty", "blank", "header only", "not utf-8", "short row", "other country"],
)
def test_bad_files_are_refused_whole(world, content, expected):
    problems = _refused(world, content)
    assert problems[0].startswith(expected), problems


def test_only_a_regulator_keeps_the_registry_and_only_of_its_country(world):
    agency = orient(world)
    supervisor = world.actor(world.a[Role.SUPERVISOR.value])
    with pytest.raises(PermissionDenied):
        agencies.agency_import(actor=supervisor, content=GOOD)
    with pytest.raises(PermissionDenied):
        agencies.agency_create(actor=supervisor, data=ORIENT)
    with pytest.raises(NotFound):
        agencies.agency_get(actor=regulator(world, "b"), agency_id=agency.uuid)
    assert list(agencies.agency_list(actor=regulator(world, "b"))) == []
    # The same licence number is another licence in another country.
    uz = agencies.agency_create(actor=regulator(world, "b"), data=ORIENT)
    assert uz.country == "UZ"


def test_an_edit_is_audited_and_refused_when_someone_changed_it_meanwhile(world):
    agency = orient(world)
    data = {**ORIENT, "status": "suspended"}
    changed = agencies.agency_update(
        actor=regulator(world), agency_id=agency.uuid, data=data, version=1
    )
    assert changed.version == 2
    event = AuditEvent.objects.get(action="agency.update")
    assert event.fields == ["status"]
    with pytest.raises(Conflict):
        agencies.agency_update(actor=regulator(world), agency_id=agency.uuid, data=data, version=1)
    with pytest.raises(ValidationFailed) as taken:
        agencies.agency_create(actor=regulator(world), data={**ORIENT, "licence_number": "kz 0012"})
    assert "licence_number" in taken.value.errors


def test_the_pages_preview_then_import(world):
    client = sign_in(
        Client(),
        world.a["regulator"].user,
        world.a["regulator"],
    )
    upload = SimpleUploadedFile("registry.csv", GOOD, content_type="text/csv")
    preview = client.post("/registry/import/", {"file": upload})
    assert preview.status_code == 200
    assert b"2 to add, 0 to change, 0 unchanged" in preview.content
    assert Agency.objects.count() == 0
    content = preview.context["confirm"].initial["content"]
    assert base64.b64decode(content) == GOOD
    done = client.post("/registry/import/", {"content": content}, follow=True)
    assert b"The file was imported: 2 added, 0 changed, 0 unchanged." in done.content
    assert Agency.objects.count() == 2


def test_the_page_shows_the_problems_of_a_bad_file(world):
    client = sign_in(
        Client(),
        world.a["regulator"].user,
        world.a["regulator"],
    )
    bad = csv_bytes(HEADER, "One,KZ-7,travel,active,2029-13-01,Ministry")
    upload = SimpleUploadedFile("registry.csv", bad, content_type="text/csv")
    page = client.post("/registry/import/", {"file": upload})
    assert page.status_code == 200
    assert "2029-13-01" in page.content.decode()
    assert page.context["confirm"] is None
    # A forged confirmation of a bad file is checked again and refused.
    forged = client.post("/registry/import/", {"content": base64.b64encode(bad).decode()})
    assert forged.status_code == 422 and Agency.objects.count() == 0
