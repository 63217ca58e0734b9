"""The audit actions of hotline signals."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalAction(models.TextChoices):
    RECORD = "signal.record", _("Hotline contact logged")
    RECEIVE = "signal.receive", _("Web tip received")
    TAKE = "signal.take", _("Hotline contact taken")
    UPDATE = "signal.update", _("Hotline contact changed")
    OPEN_CASE = "signal.open_case", _("Case opened from a hotline contact")
    HAND_ON = "signal.hand_on", _("Hotline contact handed on and closed")
    CLEAR = "signal.clear", _("Identifying data of a closed hotline contact cleared")
