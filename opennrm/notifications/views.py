"""The notifications page: one's own notifications, newest first; mark one or all read.

Marking read answers htmx with the row alone, and a plain form with a redirect back.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required, page_number, page_of

from . import selectors, services

PAGE_SIZE = 25


@never_cache
@actor_required(perms.HOME_VIEW)
def notification_list(request: ActorRequest) -> HttpResponse:
    """The signed-in member's notifications in the active organization, 25 a page."""
    actor = request.actor
    unread = request.GET.get("show") == "unread"
    page = page_of(
        selectors.notification_list(actor=actor, unread=unread),
        page_number(request.GET.get("page")),
        PAGE_SIZE,
    )
    return render(
        request,
        "notifications/notification_list.html",
        {
            "notifications": page.rows,
            "has_next": page.has_next,
            "page": page.number,
            "unread_only": unread,
        },
    )


@require_POST
@never_cache
@actor_required(perms.HOME_VIEW)
def notification_read(request: ActorRequest, notification_id: UUID) -> HttpResponse:
    """Mark one notification read."""
    notification = selectors.notification_get(actor=request.actor, notification_id=notification_id)
    notification = services.notification_mark_read(actor=request.actor, notification=notification)
    if request.headers.get("HX-Request") == "true":
        return render(request, "notifications/_row.html", {"n": notification})
    return redirect("notifications:list")


@require_POST
@never_cache
@actor_required(perms.HOME_VIEW)
def notification_read_all(request: ActorRequest) -> HttpResponse:
    """Mark every unread notification read."""
    count = services.notification_mark_all_read(actor=request.actor)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")
