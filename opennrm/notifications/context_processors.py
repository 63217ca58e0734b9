"""The unread count beside the page shell's "Notifications" link."""

from __future__ import annotations

from django.http import HttpRequest

from opennrm.accounts.middleware import two_factor_pending

from .selectors import notification_unread_count


def unread(request: HttpRequest) -> dict[str, int]:
    """How many of the member's notifications in the active organization are unread."""
    actor = getattr(request, "actor", None)
    if not actor or actor.membership is None or two_factor_pending(request):
        return {}
    return {"unread_notifications": notification_unread_count(actor=actor)}
