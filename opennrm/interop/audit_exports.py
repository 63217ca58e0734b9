"""The audit actions of HTCDS exports: each request, decision and download is an event."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportAction(models.TextChoices):
    REQUEST = "interop.export_request", _("HTCDS export requested")
    APPROVE = "interop.export_approve", _("HTCDS export approved")
    REFUSE = "interop.export_refuse", _("HTCDS export refused")
    DOWNLOAD = "interop.export_download", _("HTCDS export downloaded")
    EXPIRE = "interop.export_expire", _("HTCDS export expired")
