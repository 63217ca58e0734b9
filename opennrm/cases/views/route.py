"""The changes of the route and files tabs: a stop added, changed or removed, a file uploaded,
and a file downloaded (always as a download, named by its UUID, never by its original name)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required, perform, submit

from .. import attachments, selectors, services
from ..forms import AttachmentForm, RouteStopForm, add_stop_errors
from .tabs import _after, _case_for_write, _render_case


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def route_add(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Add a stop to the route: where, when (as far as known) and what happened there."""
    case = _case_for_write(request, case_id)
    form = RouteStopForm(request.POST)
    done = submit(
        request,
        form,
        lambda: services.historic_event_add(actor=request.actor, case=case, **form.stop_data()),
        success=_("The stop was added to the route."),
        redirect_to=lambda _event: _after(request, case, "route"),
        errors=add_stop_errors,
    )
    return done or _render_case(request, case_id, "route", form=form)


@require_http_methods(["GET", "POST"])
@never_cache
@actor_required(perms.CASES_VIEW)
def route_edit(request: ActorRequest, case_id: UUID, event_id: UUID) -> HttpResponse:
    """The route tab with one stop's form open (GET), or that stop changed (POST); a refused
    change comes back open with the errors beside the fields."""
    case = _case_for_write(request, case_id)
    event = selectors.case_event_get(actor=request.actor, case=case, event_id=event_id)
    if request.method == "GET":
        form = RouteStopForm(prefix=event.uuid.hex, initial=RouteStopForm.initial_for(event))
        return _render_case(request, case_id, "route", edit=(event.uuid, form))
    form = RouteStopForm(request.POST, prefix=event.uuid.hex)
    done = submit(
        request,
        form,
        lambda: services.historic_event_update(
            actor=request.actor, event=event, **form.stop_data()
        ),
        success=_("The stop was saved."),
        redirect_to=lambda _event: _after(request, case, "route"),
        errors=add_stop_errors,
    )
    return done or _render_case(request, case_id, "route", edit=(event.uuid, form))


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def route_remove(request: ActorRequest, case_id: UUID, event_id: UUID) -> HttpResponse:
    """Take a stop off the route (kept on record, marked removed)."""
    case = _case_for_write(request, case_id)
    event = selectors.case_event_get(actor=request.actor, case=case, event_id=event_id)
    return perform(
        request,
        lambda: services.historic_event_remove(actor=request.actor, event=event),
        success=_("The stop was removed from the route."),
        redirect_to=lambda: _after(request, case, "route"),
    )


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def file_add(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Upload a file through the API's service and content checks; a refused file saves nothing."""
    case = _case_for_write(request, case_id)
    form = AttachmentForm(request.POST, request.FILES)
    done = submit(
        request,
        form,
        lambda: attachments.attachment_add(
            actor=request.actor,
            case=case,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        ),
        success=_("The file was added."),
        redirect_to=lambda _attachment: _after(request, case, "files"),
    )
    return done or _render_case(request, case_id, "files", form=form)


@require_GET
@never_cache
@actor_required(perms.CASES_VIEW)
def file_download(request: ActorRequest, case_id: UUID, attachment_id: UUID) -> HttpResponse:
    """The file as a download named by its UUID, never shown inline or kept by the browser."""
    case = _case_for_write(request, case_id)
    attachment, data = attachments.attachment_open(
        actor=request.actor, attachment_id=attachment_id, case=case
    )
    return attachments.download_response(attachment, data)
