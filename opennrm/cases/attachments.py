"""Attachments of a case: checked by content, images stripped of metadata, encrypted at rest.

The stored file is AES-GCM ciphertext bound to the attachment's UUID; it is only ever served as a
download (``Content-Disposition: attachment``), never rendered inline by the browser.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_read, audit_record
from opennrm.crypto.fields import EncryptedTextField
from opennrm.crypto.keyring import keyring
from opennrm.errors import NotFound, ValidationFailed
from opennrm.validation import Checker

from .audit import CaseAction

MAX_DESCRIPTION = 1000


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]
    magic: bytes
    image_format: str = ""


KINDS = (
    FileKind("application/pdf", (".pdf",), b"%PDF-"),
    FileKind("image/png", (".png",), b"\x89PNG\r\n\x1a\n", "PNG"),
    FileKind("image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff", "JPEG"),
)


class Attachment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="attachments")
    # The original name may itself identify someone: encrypted like any identifying value.
    filename = EncryptedTextField(gettext_lazy("file name"))
    description = EncryptedTextField(gettext_lazy("description"), blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "cases"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"attachment {self.uuid}"

    @property
    def storage_name(self) -> str:
        return f"attachments/{self.uuid}.bin"

    @property
    def download_name(self) -> str:
        kind = next(k for k in KINDS if k.content_type == self.content_type)
        return f"attachment-{self.uuid}{kind.extensions[0]}"


def _kind_of(data: bytes) -> FileKind | None:
    return next((k for k in KINDS if data.startswith(k.magic)), None)


def _strip_image(data: bytes, kind: FileKind) -> bytes:
    """Keep the pixels only: EXIF (with GPS position), XMP, comments and text chunks are dropped."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)  # keep the orientation the EXIF said
            clean = Image.new(upright.mode, upright.size)
            clean.paste(upright)
            if upright.mode == "P":
                clean.putpalette(upright.getpalette() or [])
            out = io.BytesIO()
            clean.save(out, format=kind.image_format)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed(
            _("The file could not be read."), errors={"file": [_("The image is damaged.")]}
        ) from None


@transaction.atomic
def attachment_add(
    *, actor: Actor, case, upload: UploadedFile, description: str = ""
) -> Attachment:
    """Check, clean, encrypt and store a file for a visible case."""
    from .services import _require_case

    case = _require_case(actor, case, perms.CASES_UPDATE)
    check = Checker()
    description = check.text("description", description, max_length=MAX_DESCRIPTION)
    check.raise_if_errors()
    limit = settings.OPENNRM_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationFailed(
            _("The file is too large."),
            errors={"file": [_("At most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}]},
        )
    data = upload.read(limit + 1)
    if not data:
        raise ValidationFailed(
            _("The file is empty."), errors={"file": [_("The file is empty: choose another.")]}
        )
    kind = _kind_of(data)
    name = (upload.name or "").strip()
    if kind is None:
        raise ValidationFailed(
            _("This type of file is not accepted."),
            errors={"file": [_("Only PDF, PNG and JPEG files are accepted.")]},
        )
    if not name.lower().endswith(kind.extensions):
        raise ValidationFailed(
            _("The file is not what its name says."),
            errors={
                "file": [
                    _("The name says one type but the content is %(type)s.")
                    % {"type": kind.content_type}
                ]
            },
        )
    if kind.image_format:
        data = _strip_image(data, kind)
    attachment = Attachment(
        case=case,
        filename=name[:200],
        description=description,
        content_type=kind.content_type,
        size=len(data),
        uploaded_by=actor.user,
    )
    sealed = keyring().encrypt_bytes(data, context=f"attachment:{attachment.uuid}")
    default_storage.save(attachment.storage_name, ContentFile(sealed))
    attachment.save()
    audit_record(
        actor=actor,
        action=CaseAction.ATTACHMENT_ADD,
        obj=attachment,
        fields=["filename", "description", "content_type", "size"],
    )
    return attachment


def attachment_open(*, actor: Actor, attachment_id, case=None) -> tuple[Attachment, bytes]:
    """The decrypted content of an attachment of a visible case (of ``case`` if given); audited."""
    from .selectors import case_visible

    cases = case_visible(actor=actor)
    if case is not None:
        cases = cases.filter(pk=case.pk)
    try:
        attachment = Attachment.objects.select_related("case").get(
            uuid=attachment_id, case__in=cases
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such attachment.")) from None
    with default_storage.open(attachment.storage_name, "rb") as handle:
        data = keyring().decrypt_bytes(handle.read(), context=f"attachment:{attachment.uuid}")
    audit_read(actor=actor, obj=attachment)
    return attachment, data


def download_response(attachment: Attachment, data: bytes) -> HttpResponse:
    """Always a download with a neutral name; the browser must not sniff or render it."""
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.download_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response
