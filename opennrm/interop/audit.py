"""The audit actions of interop: TextChoices classes listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InteropAction(models.TextChoices):
    HTCDS_IMPORT = "interop.htcds_import", _("Cases imported from an HTCDS file")
    HTCDS_UPLOAD = "interop.htcds_upload", _("HTCDS file uploaded for import")
    HTCDS_REJECTED_DOWNLOAD = (
        "interop.htcds_rejected_download",
        _("Rows left out of an HTCDS import downloaded"),
    )
    HTCDS_REJECTED_FORGET = (
        "interop.htcds_rejected_forget",
        _("Rows left out of an HTCDS import deleted after their time"),
    )


ACTIONS: list[type[models.TextChoices]] = [InteropAction]
