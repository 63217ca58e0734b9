"""An HTCDS file being imported: read in the background, previewed, then imported (issue 14).

The uploaded file is kept encrypted in the file storage (``imports/<uuid>.bin``, sealed under the
job's id) only until it is imported or refused, and for at most ``KEEP_FILE`` otherwise; its name
may identify someone and is encrypted too. The result (counts, and the problems with the values
the member must correct) is encrypted like any identifying value.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opennrm.crypto.fields import EncryptedJSONField, EncryptedTextField


class ImportStatus(models.TextChoices):
    READING = "reading", _("Being read")
    PREVIEWED = "previewed", _("Read: check what it would do")
    IMPORTING = "importing", _("Being imported")
    IMPORTED = "imported", _("Imported")
    REFUSED = "refused", _("Refused: nothing was saved")
    FAILED = "failed", _("Failed: nothing was saved")


class ImportJob(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    # Who acts: the job runs as this membership, with its permissions at the time it runs.
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = EncryptedTextField(_("file name"))
    size = models.PositiveIntegerField()
    valid_rows_only = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=ImportStatus.choices)
    has_file = models.BooleanField(default=True)
    # The rows a "valid rows only" import left out, as a file to correct (sealed in the storage).
    has_rejected = models.BooleanField(default=False)
    preview = EncryptedJSONField(default=dict, blank=True)
    result = EncryptedJSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.uuid}"

    @property
    def storage_name(self) -> str:
        return f"imports/{self.uuid}.bin"

    @property
    def rejected_name(self) -> str:
        return f"imports/{self.uuid}-rejected.bin"
