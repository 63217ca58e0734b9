"""The audit actions of the annual report part of stats: TextChoices listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAction(models.TextChoices):
    ANNUAL_REPORT = "stats.annual_report", _("Annual report written as a file")


ACTIONS: list[type[models.TextChoices]] = [ReportAction]
