"""Referrals between organizations: what was asked, what was shared, and each step's answer.

The shared values are a snapshot taken when the referral is sent, encrypted as a whole; which
fields were shared is plain (names only), so a list or a figure never decrypts anything.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opennrm.cases.choices import ServiceType
from opennrm.cases.fields import MultiChoiceField
from opennrm.crypto.fields import EncryptedJSONField, EncryptedTextField

from .choices import ReferralKind, ReferralReason, ReferralStatus, Urgency
from .models_recorded import RecordedReferral

__all__ = ["RecordedReferral", "Referral", "ServiceDelivery"]

User = settings.AUTH_USER_MODEL


class Referral(models.Model):
    """A case of organization A referred (or transferred, or anonymously notified) to B."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("referral number"), max_length=40)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReferralKind.choices, default=ReferralKind.REFERRAL
    )
    from_case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="referrals_out"
    )
    from_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="referrals_received"
    )
    reason = models.CharField(
        _("reason for referral"), max_length=40, choices=ReferralReason.choices
    )
    services_requested = MultiChoiceField(_("services requested"), choices_class=ServiceType)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    # Which fields of the catalogue were shared (names, plain) and their values (encrypted).
    shared_fields = models.JSONField(_("shared fields"), default=list, blank=True)
    shared_values = EncryptedJSONField(_("shared values"), default=dict, blank=True)
    # Provenance (decision 0013): for each identifying person field shared, the consents it
    # depended on at the sender when sent ({"family_name": [7]}); field names and ids only.
    held_under = models.JSONField(default=dict, blank=True)
    note = EncryptedTextField(_("needs and notes for the receiver"), blank=True)
    # The consent that covers the referral, or an override by someone allowed to make one.
    consent = models.ForeignKey(
        "cases.Consent",
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
    )
    override_reason = EncryptedTextField(_("reason for sending without consent"), blank=True)
    overridden_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    deadline = models.DateTimeField(_("answer due by"))
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    completed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    withdrawn_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # B's own case, opened from the shared fields when B accepted.
    to_case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="referral_in",
        null=True,
        blank=True,
    )
    # When the withdrawal of the covering consent was carried out (B's copy cleared).
    shares_revoked_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_organization", "number"], name="referral_number_unique"
            ),
            # One transfer of a case awaits an answer at a time.
            models.UniqueConstraint(
                fields=["from_case"],
                condition=Q(kind=ReferralKind.TRANSFER, status=ReferralStatus.PENDING),
                name="referral_one_pending_transfer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status"
            ),
            models.CheckConstraint(condition=Q(kind__in=ReferralKind.values), name="referral_kind"),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="referral_urgency"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ReferralReason.values), name="referral_reason"
            ),
            models.CheckConstraint(
                condition=~Q(from_organization=models.F("to_organization")),
                name="referral_to_another_organization",
            ),
            # Consent, or an override; an anonymous notification needs neither and has neither.
            models.CheckConstraint(
                condition=(
                    Q(kind=ReferralKind.ANONYMOUS, consent__isnull=True, overridden_by__isnull=True)
                    | (
                        ~Q(kind=ReferralKind.ANONYMOUS)
                        & (Q(consent__isnull=False) | Q(overridden_by__isnull=False))
                    )
                ),
                name="referral_consent_or_override",
            ),
        ]
        indexes = [
            models.Index(fields=["to_organization", "-sent_at"], name="referral_inbox"),
            models.Index(fields=["from_organization", "-sent_at"], name="referral_outbox"),
            models.Index(fields=["status", "deadline"], name="referral_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.PENDING and self.deadline < timezone.now()

    @property
    def answered_at(self) -> datetime | None:
        return self.accepted_at or self.declined_at


class ServiceDelivery(models.Model):
    """A service the receiving organization delivered on a referral: its own record, shown to
    the sender as a service of its case (decision 0018). Several per referral."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="services_delivered"
    )
    # The provider: the referral's receiving organization, kept so its lists filter without a join.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    service_type = models.CharField(_("service"), max_length=30, choices=ServiceType.choices)
    delivered_on = models.DateField(_("delivered on"))
    outcome = EncryptedTextField(_("result"))
    next_appointment_on = models.DateField(_("next appointment"), null=True, blank=True)
    # The record with which the provider said the service was completed (the referral with it).
    completes_referral = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_type__in=ServiceType.values), name="service_delivery_type"
            ),
            models.CheckConstraint(
                condition=Q(next_appointment_on__isnull=True)
                | Q(next_appointment_on__gte=models.F("delivered_on")),
                name="service_delivery_next_after",
            ),
        ]

    def __str__(self) -> str:
        return f"service {self.uuid}"
