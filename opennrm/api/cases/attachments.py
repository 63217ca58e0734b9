"""Attachments: uploaded as multipart, downloaded only as attachments, never inline."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from opennrm.api import common
from opennrm.api.common import ERRORS
from opennrm.api.pagination import Page
from opennrm.cases import attachments, selectors
from opennrm.cases.attachments import Attachment

from .helpers import case_for_write
from .router import router
from .schemas import (
    AttachmentOut,
)


@router.get("/{case_id}/attachments", response={200: list[AttachmentOut], **ERRORS})
@paginate(Page)
def attachment_list(request: HttpRequest, case_id: UUID) -> QuerySet[Attachment]:
    """The case's attachments (metadata only), newest first."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return selectors.case_attachment_list(actor=actor, case=case)


@router.post("/{case_id}/attachments", response={201: AttachmentOut, **ERRORS})
def attachment_add(
    request: HttpRequest, case_id: UUID, file: File[UploadedFile], description: Form[str] = ""
) -> Status:
    """Upload a PDF, PNG or JPEG: checked by content, images stripped, encrypted at rest."""
    case = case_for_write(request, case_id)
    attachment = attachments.attachment_add(
        actor=common.actor(request), case=case, upload=file, description=description
    )
    return Status(201, attachment)


@router.get("/{case_id}/attachments/{attachment_id}", response={200: None, **ERRORS})
def attachment_download(request: HttpRequest, case_id: UUID, attachment_id: UUID) -> HttpResponse:
    """The file itself, as a download; the read is audited."""
    case = case_for_write(request, case_id)
    attachment, data = attachments.attachment_open(
        actor=common.actor(request), attachment_id=attachment_id, case=case
    )
    return attachments.download_response(attachment, data)
