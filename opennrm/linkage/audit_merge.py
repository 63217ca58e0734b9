"""The audit actions of the merge part of linkage: TextChoices classes listed in ACTIONS."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MergeAction(models.TextChoices):
    """A merge is recorded on the merge, naming both persons by id; the kept person's changed
    fields and the cases moved by id. Never a value."""

    MERGE = "linkage.person_merge", _("Persons merged")
    UNDO = "linkage.person_merge_undo", _("Merge of persons undone")
    CASES_MOVED = "linkage.cases_reattached", _("Cases re-attached to another person")


ACTIONS: list[type[models.TextChoices]] = [MergeAction]
