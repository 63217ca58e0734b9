"""The notifications API, /api/v1/notifications: the caller's own notifications, mark read.

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations of
paginated operations through its decorator, where string annotations cannot be resolved.
"""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from opennrm.accounts import permissions as perms
from opennrm.api import common
from opennrm.api.common import ERRORS, OneOf, Params, UuidOut
from opennrm.api.pagination import Page
from opennrm.notifications import selectors, services
from opennrm.notifications.models import Kind, Notification

router = Router(tags=["notifications"])


class NotificationOut(UuidOut):
    kind: Annotated[str, OneOf(Kind)]
    message: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_message(obj: Notification) -> str:
        return obj.text


class NotificationFilters(Params):
    unread: bool = False


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


@router.get("", response={200: list[NotificationOut], **ERRORS})
@paginate(Page)
def notification_list(
    request: HttpRequest, filters: Query[NotificationFilters]
) -> QuerySet[Notification]:
    """The caller's notifications in the active organization, newest first."""
    return selectors.notification_list(
        actor=common.actor(request, require=perms.HOME_VIEW), unread=filters.unread
    )


@router.get("/unread-count", response={200: UnreadCountOut, **ERRORS})
def notification_unread_count(request: HttpRequest) -> UnreadCountOut:
    """How many of the caller's notifications are unread."""
    return UnreadCountOut(
        unread=selectors.notification_unread_count(
            actor=common.actor(request, require=perms.HOME_VIEW)
        )
    )


@router.post("/read-all", response={200: MarkedOut, **ERRORS})
def notification_read_all(request: HttpRequest) -> MarkedOut:
    """Mark every unread notification of the caller read; says how many."""
    return MarkedOut(
        marked=services.notification_mark_all_read(
            actor=common.actor(request, require=perms.HOME_VIEW)
        )
    )


@router.post("/{notification_id}/read", response={200: NotificationOut, **ERRORS})
def notification_read(request: HttpRequest, notification_id: UUID) -> Notification:
    """Mark one of the caller's notifications read (404 for anyone else's)."""
    actor = common.actor(request, require=perms.HOME_VIEW)
    notification = selectors.notification_get(actor=actor, notification_id=notification_id)
    return services.notification_mark_read(actor=actor, notification=notification)
