"""The audit actions of the intake part of linkage: TextChoices classes listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeAction(models.TextChoices):
    # Recorded under both organizations: the asking one and the one whose record was offered.
    HINT_SHOWN = "match_hint.shown", _("Possible record at another organization shown")
    REQUEST_SEND = "contact_request.send", _("Asked another organization to get in touch")
    REQUEST_ANSWER = "contact_request.answer", _("Request to get in touch answered")


ACTIONS: list[type[models.TextChoices]] = [IntakeAction]
