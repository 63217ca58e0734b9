"""Data-sharing agreements: an organization shares its statistics with the national coordinator.

Recorded by the organization's admin with the date it takes effect; withdrawn the same way. While
one is in force, the national view counts the organization's cases whose person consented to
statistical use (decision 0022). Counts only: nothing of a case or person is shared.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["SharingAgreement"]


class SharingAgreement(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="sharing_agreements"
    )
    coordinator = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("in force from"))
    reference = models.CharField(_("reference of the signed agreement"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(withdrawn_on__isnull=True),
                name="sharing_one_open_per_organization",
            )
        ]

    def __str__(self) -> str:
        return f"sharing agreement {self.uuid}"
