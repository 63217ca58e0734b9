"""The audit actions of cases and their parts, as the case history names them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseAction(models.TextChoices):
    OPEN = "case.open", _("Case opened")
    UPDATE = "case.update", _("Case changed")
    STATUS = "case.status", _("Status changed")
    ASSIGN = "case.assign", _("Owner or team changed")
    IDENTIFICATION_PROPOSE = "identification.propose", _("Identification proposed")
    IDENTIFICATION_APPROVE = "identification.approve", _("Identification approved")
    IDENTIFICATION_REJECT = "identification.reject", _("Identification rejected")
    IDENTIFICATION_RECORD = "identification.record", _("Authority's decision recorded")
    IDENTIFICATION_RECEIVE = "identification.receive", _("Decision received with a referral")
    IDENTIFICATION_SUPERSEDE = "identification.supersede", _("Decision superseded")
    HISTORIC_EVENT_ADD = "historic_event.add", _("Event recorded")
    HISTORIC_EVENT_UPDATE = "historic_event.update", _("Route stop changed")
    HISTORIC_EVENT_REMOVE = "historic_event.remove", _("Route stop removed")
    SUPPORT_PLAN_CREATE = "support_plan.create", _("Support plan created")
    SUPPORT_PLAN_END = "support_plan.end", _("Support plan ended")
    SERVICE_ADD = "service.add", _("Service added")
    CONSENT_RECORD = "consent.record", _("Consent recorded")
    CONSENT_WITHDRAW = "consent.withdraw", _("Consent withdrawn")
    NOTE_ADD = "note.add", _("Note added")
    ATTACHMENT_ADD = "attachment.add", _("Attachment added")
    PERPETRATOR_ADD = "perpetrator.add", _("Perpetrator recorded")
    PERPETRATOR_UPDATE = "perpetrator.update", _("Perpetrator changed")
    PERPETRATOR_REMOVE = "perpetrator.remove", _("Perpetrator removed")
    PERPETRATORS_SHARE = "perpetrators.share", _("Perpetrators shared with the police liaison")
    PERPETRATORS_UNSHARE = "perpetrators.unshare", _("Perpetrator sharing withdrawn")
    ASSESSMENT_RECORD = "assessment.record", _("Needs and risks assessed")
    ACCOUNT_RECORD = "account.record", _("The person's account recorded")
