"""The audit actions of interop: TextChoices classes listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InteropAction(models.TextChoices):
    HTCDS_IMPORT = "interop.htcds_import", _("Cases imported from an HTCDS file")


ACTIONS: list[type[models.TextChoices]] = [InteropAction]
