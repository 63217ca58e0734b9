"""The audit actions of the agency registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyAction(models.TextChoices):
    CREATE = "agency.create", _("Licensed agency added")
    UPDATE = "agency.update", _("Licensed agency changed")
    IMPORT = "agency.import", _("Agency registry imported from a file")
