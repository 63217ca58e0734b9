"""A request to export cases to HTCDS, decided by a second person (decision 0029).

The file itself is never stored: it is built from the approved selection when the requester
downloads it, and sealed in an AES-256 zip under a password made at approval. The password is kept
encrypted, shown only to the requester, and cleared when the request expires.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opennrm.crypto.fields import EncryptedTextField


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel, in the official HTCDS template's layout")
    CSV = "csv", _("CSV (UTF-8, comma-separated)")
    JSON = "json", _("JSON keyed by HTCDS field names")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", _("Expired")


class ExportRequest(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The cases' ids (never a name): the selection the approver sees as case numbers.
    case_ids = models.JSONField(default=list)
    file_format = models.CharField(
        _("format"), max_length=8, choices=ExportFormat.choices, default=ExportFormat.XLSX
    )
    identifying = models.BooleanField(_("with identifying data"), default=False)
    purpose = EncryptedTextField(_("purpose"))
    status = models.CharField(
        max_length=12, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True)
    refusal_reason = EncryptedTextField(_("reason for refusing"), blank=True)
    password = EncryptedTextField(blank=True)
    expires_at = models.DateTimeField(null=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"export {self.uuid}"
