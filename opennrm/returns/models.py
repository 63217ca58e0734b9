"""Voluntary return and reintegration: how a person travels home, who receives them, and the
reintegration follow-ups at 3, 6 and 12 months after arrival.

The travel document number, who received the person and every note are encrypted; countries,
cities and dates are statistical and plain ("returns by destination country").
"""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opennrm.crypto.fields import EncryptedTextField

FOLLOW_UP_MONTHS = (3, 6, 12)
# A follow-up may be recorded done from this many days before its due date (decision 0018): a
# visit a fortnight early is the 3-month visit; one two months early is not.
FOLLOW_UP_WINDOW_DAYS = 14


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    RETURN_CERTIFICATE = "return_certificate", _("Certificate of return (laissez-passer)")
    IDENTITY_CARD = "identity_card", _("Identity card")
    OTHER = "other", _("Other document")


class FollowUpOutcome(models.TextChoices):
    STABLE = "stable", _("Reintegrating well")
    NEEDS_SUPPORT = "needs_support", _("Needs more support")
    AT_RISK = "at_risk", _("At risk (of re-trafficking or harm)")
    NOT_REACHED = "not_reached", _("Could not be reached")


class ReturnRecord(models.Model):
    """The voluntary return of a case's person: documents, travel, reception at arrival."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="return_record"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="returns"
    )  # the case's organization, kept here so lists filter without a join
    document_type = models.CharField(
        _("travel document"), max_length=30, choices=DocumentType.choices, blank=True
    )
    document_number = EncryptedTextField(_("document number"), blank=True)
    travel_date = models.DateField(_("travel date"), null=True, blank=True)
    destination_country = models.CharField(_("destination country"), max_length=2)
    destination_city = models.CharField(_("destination city"), max_length=100, blank=True)
    route = models.CharField(_("route"), max_length=200, blank=True)
    receiving_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("receiving organization"),
        on_delete=models.PROTECT,
        related_name="returns_received",
        null=True,
        blank=True,
    )
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    received_by = EncryptedTextField(_("received by"), blank=True)
    arrival_notes = EncryptedTextField(_("notes on the reception"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(document_type__in=[*DocumentType.values, ""]),
                name="return_document_type",
            ),
            # Arrival comes after departure; both dates are needed to say so.
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True)
                | Q(travel_date__isnull=False, arrived_on__gte=models.F("travel_date")),
                name="return_arrival_after_travel",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "destination_country"], name="return_org_dest"),
        ]

    def __str__(self) -> str:
        return f"return {self.uuid}"


class ReintegrationFollowUp(models.Model):
    """A check on how the person is doing, due 3, 6 or 12 months after arrival."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    return_record = models.ForeignKey(
        ReturnRecord, on_delete=models.PROTECT, related_name="follow_ups"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    months = models.PositiveSmallIntegerField(_("months after arrival"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=FollowUpOutcome.choices, blank=True
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # When the "follow-up due" notification went out: sent once (returns_notify_due).
    notified_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_record", "months"], name="follow_up_one_per_milestone"
            ),
            models.CheckConstraint(
                condition=Q(months__in=FOLLOW_UP_MONTHS), name="follow_up_months"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=[*FollowUpOutcome.values, ""]), name="follow_up_outcome"
            ),
            # Done and its outcome go together.
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, outcome="")
                | (Q(done_on__isnull=False) & ~Q(outcome="")),
                name="follow_up_done_outcome",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "due_on"],
                condition=Q(done_on__isnull=True),
                name="follow_up_org_open",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up {self.uuid}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def window_opens_on(self) -> date:
        """The first day the follow-up may be recorded as done."""
        return self.due_on - timedelta(days=FOLLOW_UP_WINDOW_DAYS)
