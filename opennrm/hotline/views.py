"""Pages of the hotline: the queue, logging a contact, the signal page, opening a case from a
signal, and the dashboard of counts.

URLs carry UUIDs only. The caller's phone is shown on the signal's own page alone, to those who
may see identifying data; lists show whether a caller is known, never the number. Pages with a
signal's content are never stored by the browser (``Cache-Control: no-store``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.accounts.timezones import local_today
from opennrm.cases.forms import add_path_errors
from opennrm.errors import Conflict, ValidationFailed
from opennrm.locales import country_name, language_name
from opennrm.web import (
    ActorRequest,
    actor_required,
    page_number,
    perform,
    phone_display,
    problem_lines,
    submit,
)

from . import selectors, services
from .forms import FollowedUpForm, SignalCaseForm, SignalEditForm, SignalForm
from .models import Signal

if TYPE_CHECKING:
    from opennrm.cases.models import Case


@never_cache
@actor_required(perms.SIGNALS_VIEW)
def queue(request: ActorRequest) -> HttpResponse:
    """Unanswered signals (new web tips among them), follow-ups due, and the latest signals."""
    actor = request.actor
    page = page_number(request.GET.get("page"))
    return render(
        request,
        "hotline/queue.html",
        {
            "queue": selectors.signal_queue(actor=actor, page=page),
            "page": page,
            "can_record": actor.can(perms.SIGNALS_RECORD),
            "can_see_figures": actor.can(perms.HOTLINE_STATS_VIEW),
        },
    )


@never_cache
@actor_required(perms.SIGNALS_RECORD)
def signal_new(request: ActorRequest) -> HttpResponse:
    """Log a contact: who, why and what came of it, in a few clicks; errors beside the fields."""
    form = SignalForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda: services.signal_record(actor=request.actor, **form.signal_data()),
        success=_("The contact was logged."),
        redirect_to=_signal_url,
    )
    return done or render(request, "hotline/signal_new.html", {"form": form})


def _signal_url(signal: Signal) -> str:
    return reverse("hotline:signal_detail", kwargs={"signal_id": signal.uuid})


def _facts(signal: Signal) -> list[tuple[str, str]]:
    return [
        (_("Channel"), signal.get_channel_display()),
        (_("Who contacted us"), signal.get_caller_type_display()),
        (_("Reason"), signal.get_reason_display()),
        (_("Language"), language_name(signal.language) if signal.language else "—"),
        (_("Country"), country_name(signal.country) if signal.country else "—"),
        (_("Outcome"), signal.get_outcome_display() or _("No outcome yet")),
    ]


def _render_signal(
    request: ActorRequest,
    signal_id: UUID,
    *,
    form: SignalEditForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.actor
    signal = selectors.signal_get(actor=actor, signal_id=signal_id)
    show_phone = actor.can(perms.IDENTIFYING_DATA_VIEW)
    can_record = actor.can(perms.SIGNALS_RECORD)
    if form is None and can_record and not signal.closed:
        form = SignalEditForm(
            initial=SignalEditForm.initial_for(signal), signal=signal, show_phone=show_phone
        )
    context: dict[str, Any] = {
        "signal": signal,
        "facts": _facts(signal),
        "show_phone": show_phone,
        "phone": phone_display(signal.phone) if show_phone and signal.phone else "",
        "known": selectors.known_caller(actor=actor, signal=signal),
        "form": form,
        "can_record": can_record,
        "can_open_case": can_record
        and actor.can(perms.CASES_CREATE)
        and not signal.case_id
        and not signal.closed,
        "can_hand_on": can_record
        and not signal.closed
        and (not signal.case_id or actor.can(perms.CASES_HAND_ON)),
        "retention_days": services.retention_days(),
        "follow_up_due": signal.follow_up_open
        and signal.follow_up_on is not None
        and signal.follow_up_on <= local_today(actor.organization),
    }
    return render(request, "hotline/signal_page.html", context, status=status)


@never_cache
@actor_required(perms.SIGNALS_VIEW)
def signal_detail(request: ActorRequest, signal_id: UUID) -> HttpResponse:
    """The signal: what was said, who is known by this phone, and what to do next. Audited."""
    return _render_signal(request, signal_id)


def _signal_for_write(request: ActorRequest, signal_id: UUID) -> Signal:
    """The visible signal, not audited as a read: the service audits the change itself."""
    return selectors.signal_get(actor=request.actor, signal_id=signal_id, audit=False)


@require_POST
@never_cache
@actor_required(perms.SIGNALS_RECORD)
def signal_save(request: ActorRequest, signal_id: UUID) -> HttpResponse:
    """Change the signal; the hidden ``version`` refuses to overwrite someone else's change."""
    actor = request.actor
    signal = _signal_for_write(request, signal_id)
    form = SignalEditForm(
        request.POST,
        initial=SignalEditForm.initial_for(signal),
        signal=signal,
        show_phone=actor.can(perms.IDENTIFYING_DATA_VIEW),
    )
    done = submit(
        request,
        form,
        lambda: services.signal_update(
            actor=actor, signal=signal, version=form.cleaned_data["version"], **form.signal_data()
        ),
        success=_("The contact was saved."),
        redirect_to=_signal_url,
    )
    return done or _render_signal(request, signal_id, form=form)


@require_POST
@never_cache
@actor_required(perms.SIGNALS_RECORD)
def signal_take(request: ActorRequest, signal_id: UUID) -> HttpResponse:
    """Take an unanswered web tip: it becomes the operator's to answer."""
    signal = _signal_for_write(request, signal_id)
    return perform(
        request,
        lambda: services.signal_take(actor=request.actor, signal=signal),
        success=_("The contact is yours to answer."),
        redirect_to=_signal_url(signal),
    )


@require_POST
@never_cache
@actor_required(perms.SIGNALS_RECORD)
def signal_followed_up(request: ActorRequest, signal_id: UUID) -> HttpResponse:
    """Mark the planned follow-up done today."""
    signal = _signal_for_write(request, signal_id)
    form = FollowedUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and retry."))
        return redirect("hotline:signal_detail", signal_id=signal.uuid)
    try:
        services.signal_update(
            actor=request.actor,
            signal=signal,
            version=form.cleaned_data["version"],
            followed_up_on=local_today(request.actor.organization),
        )
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, problem_lines(exc))
        return redirect("hotline:signal_detail", signal_id=signal.uuid)
    messages.success(request, _("The follow-up is marked done."))
    if request.POST.get("next") == "queue":
        return redirect("hotline:queue")
    return redirect("hotline:signal_detail", signal_id=signal.uuid)


@require_POST
@never_cache
@actor_required(perms.SIGNALS_RECORD)
def signal_hand_on(request: ActorRequest, signal_id: UUID) -> HttpResponse:
    """Hand the contact on and close the hotline's copy (and its case, closed as referred)."""
    signal = _signal_for_write(request, signal_id)
    form = FollowedUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and retry."))
        return redirect("hotline:signal_detail", signal_id=signal.uuid)
    return perform(
        request,
        lambda: services.signal_hand_on(
            actor=request.actor, signal=signal, version=form.cleaned_data["version"]
        ),
        success=_("The contact was handed on and closed."),
        redirect_to=_signal_url(signal),
    )


@never_cache
@actor_required(perms.SIGNALS_RECORD)
def signal_open_case(request: ActorRequest, signal_id: UUID) -> HttpResponse:
    """Record the person and open their case from the signal, which is linked to it."""
    actor = request.actor
    if not actor.can(perms.CASES_CREATE):
        raise DjangoPermissionDenied
    signal = _signal_for_write(request, signal_id)
    if signal.case_id:
        messages.error(request, _("A case was already opened from this contact."))
        return redirect("hotline:signal_detail", signal_id=signal.uuid)
    show_phone = actor.can(perms.IDENTIFYING_DATA_VIEW)
    form = SignalCaseForm(
        request.POST or None, initial=SignalCaseForm.initial_for(signal, with_phone=show_phone)
    )

    def open_case() -> Case:
        opened = services.signal_open_case(
            actor=actor,
            signal=signal,
            version=form.cleaned_data["version"],
            person=form.person_data(),
        )
        assert opened.case is not None  # signal_open_case links it
        return opened.case

    done = submit(
        request,
        form,
        open_case,
        success=lambda case: _("Case %(number)s was opened.") % {"number": case.number},
        redirect_to=lambda case: reverse("cases:case_detail", kwargs={"case_id": case.uuid}),
        errors=add_path_errors,
    )
    return done or render(
        request,
        "hotline/signal_open_case.html",
        {"signal": signal, "facts": _facts(signal), "form": form},
    )
