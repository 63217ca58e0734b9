"""The audit actions of the intake part of linkage: TextChoices classes listed in ACTIONS."""

from django.db import models

ACTIONS: list[type[models.TextChoices]] = []
