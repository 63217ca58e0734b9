"""The audit actions of the CTDC parts of stats: TextChoices classes listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CtdcAction(models.TextChoices):
    REFERENCE_IMPORT = "stats.reference_import", _("Reference data set imported")
    CTDC_EXPORT = "stats.ctdc_export", _("CTDC microdata exported")


ACTIONS: list[type[models.TextChoices]] = [CtdcAction]
