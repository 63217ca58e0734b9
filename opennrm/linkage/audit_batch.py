"""The audit actions of the batch part of linkage: TextChoices classes listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkageAction(models.TextChoices):
    RUN_START = "linkage.run_start", _("Batch duplicate search started")
    RUN_FINISH = "linkage.run_finish", _("Batch duplicate search finished")
    RESULTS_VIEW = "linkage.results_view", _("Batch duplicate search results viewed")


ACTIONS: list[type[models.TextChoices]] = [LinkageAction]
