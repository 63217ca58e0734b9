"""The models of the intake part of linkage: hints across organizations and contact requests.

A ``MatchHint`` stands for "a possible record exists at organization X" as shown to one member:
its own uuid is all the asking side ever holds, never X's person or case. A ``ContactRequest``
asks X, through that hint, to get in touch; X sees its own matched record and decides.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opennrm.crypto.fields import EncryptedTextField

__all__ = ["Band", "ContactRequest", "ContactRequestStatus", "MatchHint"]


class Band(models.TextChoices):
    HIGH = "high", pgettext_lazy("likeness", "high")
    MEDIUM = "medium", pgettext_lazy("likeness", "medium")
    LOW = "low", pgettext_lazy("likeness", "low")


class MatchHint(models.Model):
    """A possible record of another organization, as offered to one member at intake."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )  # the asking side
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    offered_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    # The matched record of the offered organization: never shown to the asking side.
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    band = models.CharField(_("likeness"), max_length=10, choices=Band.choices)
    kinds = models.JSONField(_("what matched"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(band__in=Band.values), name="match_hint_band"),
            models.UniqueConstraint(
                fields=["organization", "asked_by", "person"], name="match_hint_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"match hint {self.uuid}"


class ContactRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("They will get in touch")
    DECLINED = "declined", _("Declined")


class ContactRequest(models.Model):
    """One organization asks another, through a hint, to get in touch about a possible shared
    person. The message is encrypted; the receiving side sees its own matched record."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hint = models.OneToOneField(MatchHint, on_delete=models.CASCADE, related_name="request")
    from_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    to_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    message = EncryptedTextField(_("message"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContactRequestStatus.choices,
        default=ContactRequestStatus.PENDING,
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ContactRequestStatus.values), name="contact_request_status"
            ),
        ]
        indexes = [
            models.Index(fields=["to_organization", "created_at"]),
            models.Index(fields=["from_organization", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"contact request {self.uuid}"
