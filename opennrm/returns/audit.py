"""The audit actions of returns and their follow-ups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnAction(models.TextChoices):
    CREATE = "return.create", _("Return recorded")
    UPDATE = "return.update", _("Return changed")
    ARRIVAL = "return.arrival", _("Arrival recorded")
    FOLLOW_UP_SCHEDULE = "follow_up.schedule", _("Follow-up scheduled")
    FOLLOW_UP_RESCHEDULE = "follow_up.reschedule", _("Follow-up moved")
    FOLLOW_UP_RECORD = "follow_up.record", _("Follow-up recorded")
    FOLLOW_UP_NOTIFY = "follow_up.notify", _("Follow-up reminder sent")
