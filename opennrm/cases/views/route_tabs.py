"""What the route and files tabs of the case page show. The changes are in ``route.py``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils import formats

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, page_number, page_of

from .. import selectors
from ..choices import DatePrecision
from ..forms import AttachmentForm, RouteStopForm
from ..models import Case, HistoricEvent


def stop_when(event: HistoricEvent) -> str:
    """The date of a stop as far as it is known, in the reader's language ("March 2005")."""
    on = event.occurred_on
    if on is None:
        return ""
    if event.date_precision == DatePrecision.YEAR:
        return str(on.year)
    if event.date_precision == DatePrecision.MONTH:
        return formats.date_format(on, "YEAR_MONTH_FORMAT")
    return formats.date_format(on, "DATE_FORMAT")


def route_tab(
    request: ActorRequest,
    case: Case,
    form: RouteStopForm | None = None,
    edit: tuple[UUID, RouteStopForm] | None = None,
) -> dict[str, Any]:
    """The stops in route order; ``edit`` is the one stop being changed, with its form. Only
    that stop carries a form: each holds a list of every country, so one per stop would make
    the tab some 20 KB heavier per stop."""
    can_edit = request.actor.can(perms.CASES_UPDATE)
    stops = []
    for event in selectors.case_event_list(actor=request.actor, case=case):
        stop_form = edit[1] if can_edit and edit is not None and edit[0] == event.uuid else None
        stops.append({"event": event, "when": stop_when(event), "form": stop_form})
    context: dict[str, Any] = {"stops": stops, "can_edit": can_edit}
    if can_edit:
        context["form"] = form or RouteStopForm()
    return context


def files_tab(request: ActorRequest, case: Case, form: AttachmentForm | None = None) -> dict:
    """The case's files, newest first, a page at a time; the upload form for those who may."""
    files = selectors.case_attachment_list(actor=request.actor, case=case).select_related(
        "uploaded_by"
    )
    context: dict[str, Any] = {"page": page_of(files, page_number(request.GET.get("page")))}
    if request.actor.can(perms.CASES_UPDATE):
        context["form"] = form or AttachmentForm()
    return context
