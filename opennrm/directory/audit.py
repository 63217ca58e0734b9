"""The audit actions of the service directory."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectoryAction(models.TextChoices):
    ENTRY_CREATE = "directory_entry.create", _("Directory entry added")
    ENTRY_UPDATE = "directory_entry.update", _("Directory entry changed")
    ENTRY_WITHDRAW = "directory_entry.withdraw", _("Directory entry taken off the list")
    ENTRY_RELIST = "directory_entry.relist", _("Directory entry listed again")
    HOTLINE_CREATE = "hotline_number.create", _("Hotline number added")
    HOTLINE_UPDATE = "hotline_number.update", _("Hotline number changed")
    HOTLINE_WITHDRAW = "hotline_number.withdraw", _("Hotline number taken off the list")
