"""The audit actions of screenings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreeningAction(models.TextChoices):
    START = "screening.start", _("Screening started")
    ANSWER = "screening.answer", _("Screening answers saved")
    COMPLETE = "screening.complete", _("Screening completed")
