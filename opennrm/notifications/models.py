"""In-app notifications: a short message and a link for one member of one organization.

A notification names what happened (a referral number, an organization, a kind), never a person:
the message may also go out by e-mail, outside the system's protection. It is kept as its English
source and values, and read in each reader's language.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REFERRAL_NEW = "referral.new", _("New referral")
    REFERRAL_ANSWERED = "referral.answered", _("Referral answered")
    REFERRAL_OVERDUE = "referral.overdue", _("Referral overdue")
    REFERRAL_WITHDRAWN = "referral.withdrawn", _("Referral withdrawn")
    CONSENT_WITHDRAWN = "consent.withdrawn", _("Consent withdrawn")
    TRANSFER_NEW = "transfer.new", _("New case transfer")
    TRANSFER_ANSWERED = "transfer.answered", _("Case transfer answered")
    FOLLOWUP_DUE = "followup.due", _("Follow-up due")
    ROLE_GRANT = "role_grant", _("Role request")
    IDENTIFICATION_PROPOSED = "identification.proposed", _("Identification awaiting approval")
    CONTACT_REQUEST_NEW = "contact_request.new", _("Request to get in touch")
    CONTACT_REQUEST_ANSWERED = "contact_request.answered", _("Request to get in touch answered")


class Notification(models.Model):
    """One message to one user, in the organization it concerns; read once ``read_at`` is set."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    message = models.CharField(_("message"), max_length=500)  # the English source (a msgid)
    params = models.JSONField(_("values in the message"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notification_kind"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "organization", "-created_at", "-id"],
                name="notification_inbox",
            ),
            models.Index(
                fields=["recipient", "organization"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"notification {self.uuid}"

    @property
    def text(self) -> str:
        """The message in the active language, its values filled in."""
        return render_message(self.message, self.params)


def render_message(message: str, params: dict) -> str:
    """``message`` translated and filled with ``params``; the English source if a translation
    does not fit its values."""
    for template in (gettext(message), message):
        try:
            return template % params if params else template
        except (KeyError, TypeError, ValueError):
            continue
    return message
