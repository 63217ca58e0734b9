"""The audit actions of referrals, as the referral history names them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralAction(models.TextChoices):
    SEND = "referral.send", _("Sent")
    OVERRIDE_CONSENT = "referral.override_consent", _("Sent without consent (override)")
    ACCEPT = "referral.accept", _("Accepted")
    DECLINE = "referral.decline", _("Declined")
    COMPLETE = "referral.complete", _("Completed")
    WITHDRAW = "referral.withdraw", _("Withdrawn by the sender")
    CONSENT_WITHDRAWN = "referral.consent_withdrawn", _("Consent withdrawn: shared fields revoked")
    OVERDUE = "referral.overdue", _("Overdue: both sides notified")
    SHARES_REVOKED = "person.shares_revoked", _("Shared details cleared from the received copy")
    SERVICE_RECORD = "referral.service_record", _("Service delivered recorded")
    SERVICE_COMPLETE = "referral.service_complete", _("Service completed by the provider")
