"""The audit actions on a person's record."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonAction(models.TextChoices):
    CREATE = "person.create", _("Person recorded")
    UPDATE = "person.update", _("Person changed")
    CONFIRM = "person.confirm", _("Details confirmed under own consent")
