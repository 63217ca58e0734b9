"""The import pages: upload → preview with every problem → import → done, each step as the member
sees it; who may reach each page (two organizations, every role) with the route-coverage check."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.interop import jobs
from opennrm.interop.models import ImportJob, ImportStatus
from tests.conftest import World, sign_in
from tests.support.matrix import Route, check, each

from .support import person, template

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
