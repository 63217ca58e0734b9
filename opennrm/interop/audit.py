"""The audit actions of interop: TextChoices classes listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InteropAction(models.TextChoices):
    HTCDS_IMPORT = "interop.htcds_import", _("Cases imported from an HTCDS file")
    HTCDS_UPLOAD = "interop.htcds_upload", _("HTCDS file uploaded for import")


ACTIONS: list[type[models.TextChoices]] = [InteropAction]
