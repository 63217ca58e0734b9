"""Which case of ours an organization's own case id stands for (decision 0028)."""

from django.db import models

from .models_exports import ExportFormat, ExportRequest, ExportStatus
from .models_imports import ImportJob, ImportStatus

__all__ = [
    "ExportFormat",
    "ExportRequest",
    "ExportStatus",
    "ExternalCase",
    "ImportJob",
    "ImportStatus",
]


class ExternalCase(models.Model):
    """An organization's own id of a case, as a keyed hash (never the id itself: it may be a
    file number that names someone), and the case it was imported as. A re-import finds the
    case here instead of opening it again."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    key_hash = models.CharField(max_length=64)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key_hash"], name="external_case_unique"
            )
        ]

    def __str__(self) -> str:
        return f"external id of case {self.case_id}"
