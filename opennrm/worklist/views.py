"""The home page: what is waiting for the signed-in member (decision 0015)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest

from .selectors import worklist


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """The worklist of the active membership; the platform admin's start page; a member without
    an active membership is told so."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    actor = cast(ActorRequest, request).actor
    if actor.membership is None and request.user.is_superuser:
        return render(request, "worklist/home.html", {"work": None})
    if actor.membership is None or not actor.can(perms.HOME_VIEW):
        return render(request, "accounts/no_membership.html", status=403)
    return render(request, "worklist/home.html", {"work": worklist(actor=actor)})
