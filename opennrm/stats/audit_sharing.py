"""The audit actions of data-sharing agreements."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SharingAction(models.TextChoices):
    START = "stats.sharing_start", _("Statistics shared with the national coordinator")
    WITHDRAW = "stats.sharing_withdraw", _("Sharing of statistics withdrawn")


ACTIONS: list[type[models.TextChoices]] = [SharingAction]
