"""The import pages: upload → preview with every problem → import → done, each step as the member
sees it; who may reach each page (two organizations, every role) with the route-coverage check."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.interop import jobs
from opennrm.interop.models import ImportJob, ImportStatus
from tests.conftest import World, sign_in
from tests.support.matrix import Route, check, each

from .support import PLAIN, columns_of, person, template

IMPORTERS = frozenset({"case_worker", "supervisor"})
# A job of A's case worker: A's supervisor sees it too; the worker alone confirms it.
SEES = frozenset({"a:case_worker", "a:supervisor"})


def _upload(rows=None, name="cases.xlsx"):
    return SimpleUploadedFile(name, template(rows or [person(1), person(2)]))


def _job(w: World) -> ImportJob:
    return w.once(
        "import job",
        lambda: jobs.import_upload(actor=w.actor(w.a["case_worker"]), file=_upload()),
    )


def _previewed(w: World) -> ImportJob:
    return w.once(
        "previewed job",
        lambda: jobs.import_upload(actor=w.actor(w.a["case_worker"]), file=_upload([person(3)])),
    )


def _left_out(w: World) -> ImportJob:
    def make() -> ImportJob:
        actor = w.actor(w.a["case_worker"])
        job = jobs.import_upload(actor=actor, file=_upload([person(4), person(5, prs_Gender="X")]))
        jobs.import_confirm(actor=actor, job_id=job.uuid, valid_rows_only=True)
        job.refresh_from_db()
        return job

    return w.once("left out", make)


ROUTES = [
    Route("import page", "get", lambda w: "/htcds/import/", IMPORTERS),
    Route(
        "import upload",
        "post",
        lambda w: "/htcds/import/",
        IMPORTERS,
        ok=302,
        data=lambda w: {"file": _upload()},
        lands=("/htcds/import/",),
    ),
    Route(
        "import job page", "get", lambda w: f"/htcds/import/{_job(w).uuid}/", IMPORTERS, sees=SEES
    ),
    Route(
        "import progress",
        "get",
        lambda w: f"/htcds/import/{_job(w).uuid}/progress/",
        IMPORTERS,
        ok=204,
        sees=SEES,
    ),
    Route(
        "import rejected rows",
        "post",
        lambda w: f"/htcds/import/{_left_out(w).uuid}/rejected/",
        IMPORTERS,
        # The rows are the uploader's (A's case worker): others find none.
        sees=frozenset({"a:case_worker"}),
    ),
    Route(
        "import confirm",
        "post",
        lambda w: f"/htcds/import/{_previewed(w).uuid}/confirm/",
        IMPORTERS,
        ok=302,
        sees=SEES,
        lands=("/htcds/import/",),
    ),
]


@each(ROUTES)
def test_access(world, route, principal):
    check(world, route, principal)


def _client(world, role="case_worker"):
    membership = world.a[role]
    return sign_in(Client(), membership.user, membership)


def test_upload_preview_import_done(world):
    client = _client(world)
    before = Case.objects.count()
    answer = client.post("/htcds/import/", {"file": _upload()})
    assert answer.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEWED  # the test worker runs the job at once
    assert Case.objects.count() == before  # the preview saved nothing
    page = client.get(answer["Location"]).content.decode()
    assert 'id="import-confirm"' in page and "Person1" not in page
    assert client.post(f"/htcds/import/{job.uuid}/confirm/").status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED and not job.has_file
    assert Case.objects.count() == before + 2
    page = client.get(f"/htcds/import/{job.uuid}/").content.decode()
    assert "What was imported" in page
    assert AuditEvent.objects.filter(action="interop.htcds_import").count() == 1
    assert AuditEvent.objects.filter(action="interop.htcds_upload", object_id=job.uuid).exists()
    # A second confirmation imports nothing twice.
    client.post(f"/htcds/import/{job.uuid}/confirm/")
    assert Case.objects.count() == before + 2


def test_a_file_with_problems_names_them_and_offers_the_valid_rows(world):
    client = _client(world)
    bad = person(2, prs_Gender="Femenine", prs_Birthdate="31.02.1990")
    client.post("/htcds/import/", {"file": _upload([person(1), bad])})
    job = ImportJob.objects.get()
    page = client.get(f"/htcds/import/{job.uuid}/").content.decode()
    assert 'id="import-problems"' in page and "row 4" in page and "Feminine" in page
    assert 'id="import-confirm"' not in page and 'id="import-valid-only"' in page
    before = Case.objects.count()
    client.post(f"/htcds/import/{job.uuid}/confirm/", {"valid_rows_only": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED
    assert Case.objects.count() == before + 1


def test_a_file_that_is_no_spreadsheet_is_refused_with_its_reason(world):
    client = _client(world)
    client.post("/htcds/import/", {"file": SimpleUploadedFile("cases.xlsx", b"%PDF-1.4 not")})
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REFUSED and not job.has_file
    page = client.get(f"/htcds/import/{job.uuid}/").content.decode()
    assert "Nothing was saved" in page and 'id="import-problems"' in page


def test_an_empty_upload_is_refused_at_once(world):
    client = _client(world)
    answer = client.post("/htcds/import/", {"file": SimpleUploadedFile("cases.xlsx", b"")})
    assert answer.status_code == 200 and "The file is empty." in answer.content.decode()
    assert not ImportJob.objects.exists()


def test_the_stored_file_is_sealed_and_gone_after_the_import(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    actor = world.actor(world.a["case_worker"])
    content = template([person(7)])
    job = jobs.import_upload(actor=actor, file=SimpleUploadedFile("c.xlsx", content))
    stored = (tmp_path / job.storage_name).read_bytes()
    assert b"Person7" not in stored and stored[:2] != b"PK"
    jobs.import_confirm(actor=actor, job_id=job.uuid)
    assert not (tmp_path / job.storage_name).exists()


@pytest.mark.parametrize("role", ["supervisor"])
def test_only_the_uploader_confirms(world, role):
    job = jobs.import_upload(actor=world.actor(world.a["case_worker"]), file=_upload())
    client = _client(world, role)
    page = client.get(f"/htcds/import/{job.uuid}/").content.decode()
    assert 'id="import-confirm"' not in page
    client.post(f"/htcds/import/{job.uuid}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_the_rows_left_out_come_back_in_the_same_layout(world):
    client = _client(world)
    bad = person(2, prs_Gender="Femenine")
    client.post("/htcds/import/", {"file": _upload([person(1), bad, person(3)])})
    job = ImportJob.objects.get()
    client.post(f"/htcds/import/{job.uuid}/confirm/", {"valid_rows_only": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED and job.has_rejected
    page = client.get(f"/htcds/import/{job.uuid}/").content.decode()
    assert 'id="import-rejected"' in page
    answer = client.post(f"/htcds/import/{job.uuid}/rejected/")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    sheet = book.worksheets[0]
    official = openpyxl.load_workbook(PLAIN).worksheets[0]
    for row in (1, 2):  # the header rows as they were, the field names' row hidden
        assert [c.value for c in sheet[row]] == [c.value for c in official[row]][: sheet.max_column]
    assert sheet.row_dimensions[1].hidden
    assert sheet.max_row == 3
    columns = columns_of(official)
    assert sheet.cell(3, columns["prs_FirstName"]).value == "Person2"
    assert sheet.cell(3, columns["prs_Gender"]).value == "Femenine"
    problems = book["Problems"]
    assert problems.cell(2, 1).value == 4 and "Feminine" in problems.cell(2, 4).value
    assert AuditEvent.objects.filter(
        action="interop.htcds_rejected_download", object_id=job.uuid
    ).exists()
    # Corrected and uploaded again: the missing row is opened, the others are not twice.
    sheet.cell(3, columns["prs_Gender"]).value = "Feminine"
    del book["Problems"]
    fixed = io.BytesIO()
    book.save(fixed)
    before = Case.objects.count()
    client.post("/htcds/import/", {"file": SimpleUploadedFile("fixed.xlsx", fixed.getvalue())})
    again = ImportJob.objects.exclude(pk=job.pk).get()
    client.post(f"/htcds/import/{again.uuid}/confirm/")
    assert Case.objects.count() == before + 1
    # Someone else may not have them.
    other = _client(world, "supervisor").post(f"/htcds/import/{job.uuid}/rejected/")
    assert other.status_code == 404


def test_the_rows_left_out_of_a_csv_file_keep_its_separator(world):
    rows = [person(1), person(2, prs_Gender="Femenine")]
    header = list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([header] + [[r[k] for k in header] for r in rows])
    lines = out.getvalue().splitlines()
    content = out.getvalue().encode("utf-8")
    client = _client(world)
    client.post("/htcds/import/", {"file": SimpleUploadedFile("cases.csv", content)})
    job = ImportJob.objects.get()
    client.post(f"/htcds/import/{job.uuid}/confirm/", {"valid_rows_only": "1"})
    answer = client.post(f"/htcds/import/{job.uuid}/rejected/")
    text = answer.content.decode("utf-8-sig").splitlines()
    assert text[0] == lines[0] and text[1] == lines[2] and len(text) == 2


def test_the_rows_left_out_are_deleted_after_their_time(world):
    from datetime import timedelta

    from django.utils import timezone

    client = _client(world)
    client.post("/htcds/import/", {"file": _upload([person(1), person(2, prs_Gender="X")])})
    job = ImportJob.objects.get()
    client.post(f"/htcds/import/{job.uuid}/confirm/", {"valid_rows_only": "1"})
    later = timezone.now() + jobs.KEEP_REJECTED + timedelta(minutes=1)
    assert jobs.imports_forget_rejected(now=later) == 1
    job.refresh_from_db()
    assert not job.has_rejected
    assert client.post(f"/htcds/import/{job.uuid}/rejected/").status_code == 404
