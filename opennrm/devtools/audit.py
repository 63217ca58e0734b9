"""The audit actions of the development tools."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DevtoolsAction(models.TextChoices):
    POPULATION_GENERATE = "population.generate", _("Invented population written")
