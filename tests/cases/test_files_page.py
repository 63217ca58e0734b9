"""The files tab of the case page: upload and download through the API's service and content
checks; bad files get a clear message beside the field and nothing is saved; a download is always
an attachment named by its UUID, never sniffed, never stored by the browser."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from PIL import Image

from opennrm.audit.models import AuditEvent
from opennrm.cases.attachments import Attachment
from opennrm.cases.audit import CaseAction
from tests.cases.factories import open_diana
from tests.cases.test_attachments import PDF, _jpeg_with_gps
from tests.conftest import World

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def worker(world: World, signed_in) -> Client:
    m = world.a["case_worker"]
    return signed_in(m.user, m)


@pytest.fixture
def diana(world: World):
    return open_diana(world.a["case_worker"])


def upload(name: str, data: bytes, description: str = "") -> dict:
    return {"file": SimpleUploadedFile(name, data), "description": description}


def stored() -> tuple[int, int]:
    return Attachment.objects.count(), AuditEvent.objects.filter(
        action=CaseAction.ATTACHMENT_ADD
    ).count()


def test_a_file_is_uploaded_by_the_page_and_listed_by_its_name(world, diana, worker):
    response = worker.post(
        f"/cases/{diana.uuid}/files/add/", upload("statement.pdf", PDF, "Written statement")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{diana.uuid}/files/"
    attachment = Attachment.objects.get(case=diana)
    assert (attachment.filename, attachment.description) == ("statement.pdf", "Written statement")
    html = worker.get(f"/cases/{diana.uuid}/files/").content.decode()
    link = f'href="/cases/{diana.uuid}/files/{attachment.uuid}/"'
    assert link in html and "statement.pdf</a>" in html and "Written statement" in html
    assert "statement.pdf" not in html.split(link)[0].rsplit("<a ", 1)[-1]  # not in the URL


def test_with_htmx_the_tab_comes_back_with_the_file(diana, worker):
    response = worker.post(f"/cases/{diana.uuid}/files/add/", upload("a.pdf", PDF), **HTMX)
    assert response.status_code == 200
    assert "a.pdf</a>" in response.content.decode()


def test_the_download_is_an_attachment_with_safe_headers_and_its_read_audited(world, diana, worker):
    worker.post(f"/cases/{diana.uuid}/files/add/", upload("Diana passport.jpg", _jpeg_with_gps()))
    attachment = Attachment.objects.get(case=diana)
    response = worker.get(f"/cases/{diana.uuid}/files/{attachment.uuid}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        f'attachment; filename="attachment-{attachment.uuid}.jpg"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "Diana" not in response["Content-Disposition"]
    with Image.open(io.BytesIO(response.content)) as image:
        assert not image.getexif()  # the GPS position is gone
    assert AuditEvent.objects.filter(object_id=attachment.uuid, action="read").exists()


BAD_FILES = [
    # (name, content, what the page says beside the file)
    ("script.pdf", b"#!/bin/sh\nrm -rf /\n", "Only PDF, PNG and JPEG files are accepted."),
    ("page.html", b"<html><script>alert(1)</script></html>", "Only PDF"),
    ("empty.pdf", b"", "The file is empty"),
    ("photo.pdf", _jpeg_with_gps(), "the content is image/jpeg"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "The image is damaged."),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_gets_a_clear_message_by_the_page_and_nothing_is_saved(
    diana, worker, name, data, message
):
    before = stored()
    response = worker.post(f"/cases/{diana.uuid}/files/add/", upload(name, data))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors["file"]), form.errors
    assert 'role="alert"' in response.content.decode()
    assert stored() == before


@override_settings(OPENNRM_ATTACHMENT_MAX_BYTES=1024 * 1024)
def test_a_file_too_large_is_refused_by_the_page(diana, worker):
    before = stored()
    big = PDF + b"0" * (1024 * 1024)
    response = worker.post(f"/cases/{diana.uuid}/files/add/", upload("big.pdf", big))
    assert response.status_code == 200
    assert "At most 1 MB." in " ".join(response.context["form"].errors["file"])
    assert stored() == before


def test_a_description_too_long_is_refused_by_field(diana, worker):
    before = stored()
    response = worker.post(f"/cases/{diana.uuid}/files/add/", upload("a.pdf", PDF, "x" * 1001))
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert stored() == before


def test_no_file_chosen_is_named(diana, worker):
    response = worker.post(f"/cases/{diana.uuid}/files/add/", {"description": "x"})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_a_file_of_another_case_is_not_found_through_this_one(world, diana, worker):
    other = open_diana(world.a["case_worker"])
    worker.post(f"/cases/{other.uuid}/files/add/", upload("a.pdf", PDF))
    attachment = Attachment.objects.get(case=other)
    assert worker.get(f"/cases/{diana.uuid}/files/{attachment.uuid}/").status_code == 404


def test_the_files_tab_reads_in_constant_queries(world, diana, worker):
    worker.post(f"/cases/{diana.uuid}/files/add/", upload("a.pdf", PDF))
    with CaptureQueriesContext(connection) as one:
        worker.get(f"/cases/{diana.uuid}/files/")
    for i in range(4):
        worker.post(f"/cases/{diana.uuid}/files/add/", upload(f"{i}.pdf", PDF))
    with CaptureQueriesContext(connection) as five:
        response = worker.get(f"/cases/{diana.uuid}/files/")
    assert response.content.decode().count("</a></td>") == 5
    assert len(five) == len(one)
