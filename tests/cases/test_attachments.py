"""Attachments: checked by content, images stripped of metadata, encrypted at rest, scoped."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from opennrm.audit.models import AuditEvent
from opennrm.cases.attachments import Attachment, attachment_add, attachment_open
from opennrm.errors import NotFound, ValidationFailed
from tests.cases.factories import open_diana

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% Diana Karimova statement\ntrailer<<>>\n%%EOF\n"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (43.0, 15.0, 0.0), 1: "N"}  # GPS: latitude of Almaty
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"taken at the shelter")
    return out.getvalue()


def _png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Diana Karimova")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 255)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _add(world, name: str, data: bytes, **kwargs):
    case = kwargs.pop("case", None) or open_diana(world.a["case_worker"])
    return attachment_add(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        upload=SimpleUploadedFile(name, data),
        **kwargs,
    )


def test_pdf_is_stored_encrypted_and_read_back(world):
    attachment = _add(world, "statement.pdf", PDF, description="Her statement")
    with default_storage.open(attachment.storage_name, "rb") as handle:
        raw = handle.read()
    assert b"%PDF" not in raw and b"Diana" not in raw
    opened, data = attachment_open(
        actor=world.actor(world.a["supervisor"]), attachment_id=attachment.uuid
    )
    assert data == PDF and opened.content_type == "application/pdf"
    assert opened.download_name == f"attachment-{attachment.uuid}.pdf"
    actions = set(
        AuditEvent.objects.filter(object_id=attachment.uuid).values_list("action", flat=True)
    )
    assert actions == {"attachment.add", "read"}


def test_image_metadata_is_stripped(world):
    jpeg = _jpeg_with_gps()
    assert Image.open(io.BytesIO(jpeg)).getexif()
    attachment = _add(world, "photo.JPG", jpeg)
    _, data = attachment_open(
        actor=world.actor(world.a["case_worker"]), attachment_id=attachment.uuid
    )
    cleaned = Image.open(io.BytesIO(data))
    assert not cleaned.getexif()
    assert b"shelter" not in data and b"PhoneMaker" not in data
    assert cleaned.size == (40, 30)

    png = _add(world, "scan.png", _png_with_text())
    _, data = attachment_open(actor=world.actor(world.a["case_worker"]), attachment_id=png.uuid)
    assert b"Diana" not in data and Image.open(io.BytesIO(data)).size == (20, 20)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("statement.pdf", b"<html><script>alert(1)</script></html>", "Only PDF, PNG and JPEG"),
        ("statement.pdf", _png_with_text(), "content is image/png"),
        ("photo.jpg", PDF, "content is application/pdf"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"broken", "damaged"),
        ("program.exe", b"MZ\x90\x00", "Only PDF, PNG and JPEG"),
    ],
)
def test_a_file_that_lies_about_its_type_is_refused(world, name, data, message):
    case = open_diana(world.a["case_worker"])
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as excinfo:
        _add(world, name, data, case=case)
    assert "file" in excinfo.value.errors
    assert message in " ".join(excinfo.value.errors["file"])
    assert not Attachment.objects.exists() and AuditEvent.objects.count() == events


def test_size_limit(world, settings):
    settings.OPENNRM_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed, match="too large"):
        _add(world, "big.pdf", PDF + b"0" * 2048)
    assert not Attachment.objects.exists()


def test_attachments_of_other_cases_are_not_found(world):
    attachment = _add(world, "statement.pdf", PDF)
    for key, role in [("b", "case_worker"), ("b", "supervisor"), ("a", "hotline_operator")]:
        with pytest.raises(NotFound):
            attachment_open(
                actor=world.actor(getattr(world, key)[role]), attachment_id=attachment.uuid
            )


def test_api_upload_and_download_as_attachment_only(world):
    from django.test import Client

    from tests.conftest import sign_in

    member = world.a["case_worker"]
    case = open_diana(member)
    client = sign_in(Client(), member.user, member)
    url = f"/api/v1/cases/{case.uuid}/attachments"
    lying = client.post(url, {"file": SimpleUploadedFile("scan.pdf", _png_with_text())})
    assert lying.status_code == 422
    assert [e["field"] for e in lying.json()["errors"]] == ["file"]
    assert not Attachment.objects.exists()

    created = client.post(url, {"file": SimpleUploadedFile("scan.png", _png_with_text())})
    assert created.status_code == 201
    body = created.json()
    assert body["content_type"] == "image/png" and body["filename"] == "scan.png"
    download = client.get(f"{url}/{body['id']}")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="attachment-{body["id"]}.png"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"Diana" not in download.content
    listed = client.get(url).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
