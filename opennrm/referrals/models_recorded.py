"""Referrals that happened outside OpenNRM, recorded from the organization's own files.

A ``Referral`` is sent through OpenNRM between two of its organizations, with consent and a case
on each side. The referrals an organization made or received before (or beside) OpenNRM had
neither: HTCDS keeps them as the ten ``cas_`` referral fields. They are kept here, apart, so that
nothing can mistake one for a referral sent through the system (no consent, no shared fields, no
case at the other side); the other organization is only a name as written.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opennrm.crypto.fields import EncryptedTextField

from .choices import RecordedDirection, RecordedSource, ReferralReason

User = settings.AUTH_USER_MODEL


class RecordedReferral(models.Model):
    """One referral into or out of the case, as the organization recorded it outside OpenNRM.

    Removal marks it (``removed_at``); it is never deleted, like any part of a case.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="recorded_referrals"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=RecordedDirection.choices)
    # The other organization as written in the file: it names an organization, not a person.
    organization_name = models.CharField(_("other organization"), max_length=200)
    referred_on = models.DateField(_("date of the referral"), null=True, blank=True)
    reason = models.CharField(
        _("reason for referral"), max_length=40, choices=ReferralReason.choices, blank=True
    )
    # Free text may name someone; the worker is a person's name: both encrypted.
    details = EncryptedTextField(_("details"), blank=True)
    worker = EncryptedTextField(_("case worker at the other organization"), blank=True)
    source = models.CharField(
        _("entered"), max_length=10, choices=RecordedSource.choices, default=RecordedSource.PAGE
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("removed by"),
    )

    class Meta:
        ordering = ["referred_on", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=RecordedDirection.values),
                name="recorded_referral_direction",
            ),
            models.CheckConstraint(
                condition=Q(source__in=RecordedSource.values), name="recorded_referral_source"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=[*ReferralReason.values, ""]),
                name="recorded_referral_reason",
            ),
            models.CheckConstraint(
                condition=~Q(organization_name=""), name="recorded_referral_organization"
            ),
            # Removed by someone, at a time: both or neither.
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True)
                | Q(removed_at__isnull=False, removed_by__isnull=False),
                name="recorded_referral_removed",
            ),
        ]
        indexes = [models.Index(fields=["case", "removed_at"], name="recorded_referral_case")]

    def __str__(self) -> str:
        return f"recorded referral {self.uuid}"
