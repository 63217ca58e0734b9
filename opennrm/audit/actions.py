"""What an audit event records: who acts, and the actions each app names with their labels.

Each app lists its actions as a ``TextChoices`` in its own ``audit.py`` (the value is stored, the
label is what a history page shows) and registers it in ``AppConfig.ready``. A page showing
events of several apps (the case history) asks ``action_label`` and names no other app's action.
Audit sits below accounts, so the actor is described here by what the audit needs of it:
``accounts.permissions.Actor`` is one.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _


class Acting(Protocol):
    """Who acts: a user, and the organization they act for (None for the platform or no one)."""

    @property
    def user(self) -> Any: ...

    @property
    def organization(self) -> Any: ...


class AuditAction(models.TextChoices):
    """The audit's own actions."""

    READ = "read", _("Record viewed")
    ACCESS_DENIED = "access.denied", _("Access refused")


_registry: dict[str, models.TextChoices] = {}


def actions_register(*choices: type[models.TextChoices]) -> None:
    """Make the actions of ``choices`` known; an action value belongs to one app only."""
    for enum in choices:
        for action in enum:
            known = _registry.get(action.value)
            if known is not None and type(known) is not enum:
                raise ValueError(
                    f"audit action {action.value!r} is named by both {type(known).__qualname__}"
                    f" and {enum.__qualname__}"
                )
            _registry[action.value] = action


def action_registered(action: object) -> bool:
    """Whether ``action`` is a member of a registered action enum (a bare string is not)."""
    return isinstance(action, models.TextChoices) and _registry.get(action.value) is action


def action_label(value: str) -> str:
    """What a history page calls the stored action ``value``; the value itself when unknown."""
    action = _registry.get(value)
    return str(action.label) if action is not None else value
