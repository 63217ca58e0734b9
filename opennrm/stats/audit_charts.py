"""The audit actions of the charts and downloads part of stats: TextChoices listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DownloadAction(models.TextChoices):
    TABLE_DOWNLOAD = "stats.table_download", _("Statistics table downloaded")


ACTIONS: list[type[models.TextChoices]] = [DownloadAction]
