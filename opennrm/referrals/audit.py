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
    UPSTREAM_WITHDRAWN = (
        "referral.upstream_withdrawn",
        _("Consent withdrawn earlier in the chain: details received under it removed"),
    )
    OVERDUE = "referral.overdue", _("Overdue: both sides notified")
    SHARES_REVOKED = "person.shares_revoked", _("Shared details cleared from the received copy")
    SERVICE_RECORD = "referral.service_record", _("Service delivered recorded")
    SERVICE_COMPLETE = "referral.service_complete", _("Service completed by the provider")


class RecordedReferralAction(models.TextChoices):
    """Referrals recorded from the organization's own files, not sent through OpenNRM."""

    ADD = "recorded_referral.add", _("Referral made outside OpenNRM recorded")
    UPDATE = "recorded_referral.update", _("Referral made outside OpenNRM changed")
    REMOVE = "recorded_referral.remove", _("Referral made outside OpenNRM removed")
