"""The audit actions of differential privacy: TextChoices classes listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyAction(models.TextChoices):
    RELEASE_CREATE = "stats.release_create", _("Differentially private release published")


ACTIONS: list[type[models.TextChoices]] = [PrivacyAction]
