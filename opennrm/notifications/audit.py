"""The audit actions of notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationAction(models.TextChoices):
    READ = "notification.read", _("Notification read")
    READ_ALL = "notification.read_all", _("All notifications read")
