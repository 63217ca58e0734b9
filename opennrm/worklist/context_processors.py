"""The numbers beside the navigation: what waits for the signed-in member, by entry."""

from __future__ import annotations

from django.http import HttpRequest

from opennrm.accounts.middleware import two_factor_pending

from .selectors import worklist_counts


def counts(request: HttpRequest) -> dict[str, dict[str, int]]:
    """``nav_counts``: the worklist's counts by the URL name of the navigation entry (one query
    per page, only for the actor's permissions); nothing before two-factor or without a
    membership."""
    actor = getattr(request, "actor", None)
    if not actor or actor.membership is None or two_factor_pending(request):
        return {}
    return {"nav_counts": worklist_counts(actor=actor)}
