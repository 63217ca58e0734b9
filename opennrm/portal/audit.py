"""The audit actions of the portal's content pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalAction(models.TextChoices):
    DRAFT_SAVE = "portal.page_draft", _("Portal page draft saved")
    PUBLISH = "portal.page_publish", _("Portal page published")
