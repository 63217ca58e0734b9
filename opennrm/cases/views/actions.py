"""The case pages that change something (POST): opening a case, its status and owner, and each
part of the case; each through one service, answering with the fresh tab or a redirect to it.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from opennrm.accounts import permissions as perms
from opennrm.errors import Conflict, ValidationFailed
from opennrm.web import (
    ActorRequest,
    actor_required,
    add_errors,
    perform,
    problem_lines,
    submit,
)

from .. import selectors, services
from ..forms import (
    AssignForm,
    AuthorityDecisionForm,
    CaseEditForm,
    CaseOpenForm,
    ConsentForm,
    ConsentWithdrawForm,
    DecisionForm,
    NoteForm,
    PersonEditForm,
    PlanEndForm,
    PlanForm,
    ServiceForm,
    StatusForm,
    add_path_errors,
)
from ..models import Consent, Service
from ..services import DecisionEffect
from .tabs import (
    _after,
    _case_for_write,
    _case_url,
    _first_tab,
    _partner_or_error,
    _partners,
    _render_case,
    _require_identifying,
)


@never_cache
@actor_required(perms.CASES_CREATE)
def case_open(request: ActorRequest) -> HttpResponse:
    """Record a person and open their case; errors are shown beside the fields they concern."""
    form = CaseOpenForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda: services.case_open(
            actor=request.actor,
            person=form.person_data(),
            opened_on=form.cleaned_data["opened_on"],
            **form.case_data(),
        ),
        success=lambda case: _("Case %(number)s was opened.") % {"number": case.number},
        redirect_to=_case_url,
        errors=add_path_errors,
    )
    return done or render(request, "cases/case_open.html", {"form": form})


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def case_status(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Move the case to another status; closing and reopening are for supervisors."""
    actor = request.actor
    case = _case_for_write(request, case_id)
    form = StatusForm(request.POST, case=case, can_close=True)
    done = submit(
        request,
        form,
        lambda: services.case_change_status(
            actor=actor,
            case=case,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data.get("reason", ""),
        ),
        success=_("The status was changed."),
        redirect_to=_case_url(case),
    )
    return done or _render_case(request, case_id, _first_tab(request), status_form=form)


@never_cache
@actor_required(perms.CASES_VIEW_ALL)
def case_assign(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """A supervisor sets the case's owner and team within the organization."""
    case = _case_for_write(request, case_id)
    members = selectors.case_assignable_list(actor=request.actor)
    initial = {"owner": case.owner.uuid, "team": [u.uuid for u in case.team.all()]}
    form = AssignForm(request.POST or None, initial=initial, members=members)
    done = submit(
        request,
        form,
        lambda: services.case_assign(
            actor=request.actor,
            case=case,
            owner=form.cleaned_data["owner"],
            team=list(form.cleaned_data["team"]),
        ),
        success=_("The owner and team were saved."),
        redirect_to=_case_url(case),
        errors=add_path_errors,
    )
    return done or render(request, "cases/case_assign.html", {"case": case, "form": form})


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def person_save(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Change the person; the hidden ``version`` refuses to overwrite someone else's change."""
    _require_identifying(request)
    case = _case_for_write(request, case_id)
    form = PersonEditForm(request.POST)
    done = submit(
        request,
        form,
        lambda: services.person_update(
            actor=request.actor,
            case=case,
            version=form.cleaned_data["version"],
            **form.person_data(other_documents=case.person.documents[1:]),
        ),
        success=_("The person was saved."),
        redirect_to=lambda _person: _after(request, case, "person"),
        errors=add_path_errors,
    )
    return done or _render_case(request, case_id, "person", form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def trafficking_save(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Change exploitation, recruitment and route; ``version`` guards against lost updates."""
    case = _case_for_write(request, case_id)
    form = CaseEditForm(request.POST)
    done = submit(
        request,
        form,
        lambda: services.case_update(
            actor=request.actor,
            case=case,
            version=form.cleaned_data["version"],
            **form.case_data(),
        ),
        success=_("The case was saved."),
        redirect_to=lambda _case: _after(request, case, "trafficking"),
        errors=add_path_errors,
    )
    return done or _render_case(request, case_id, "trafficking", form=form)


def _confirmed(request: ActorRequest) -> bool:
    """The confirmation step's answer: a change is written only when the page asked first."""
    return request.POST.get("confirmed") == "yes"


def _preview(
    request: ActorRequest,
    case_id: UUID,
    form: DecisionForm | AuthorityDecisionForm,
    preview: Callable[[], DecisionEffect],
    action: str,
) -> HttpResponse:
    """The tab again: with what the decision will do and a button to confirm, or with the
    errors the service gave (checked exactly as the change will be)."""
    try:
        effect = preview()
    except (ValidationFailed, Conflict) as exc:
        add_errors(form, exc)
        if isinstance(form, DecisionForm):
            return _render_case(request, case_id, "identification", form=form)
        return _render_case(request, case_id, "identification", authority_form=form)
    confirm = {"effect": effect, "form": form, "action": action, "kind": _form_key(form)}
    return _render_case(request, case_id, "identification", confirm=confirm)


def _form_key(form: DecisionForm | AuthorityDecisionForm) -> str:
    return "form" if isinstance(form, DecisionForm) else "authority_form"


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def decision_propose(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Propose a decision (or a reconsideration) for another supervisor to review: first what it
    will do, then, once confirmed, the proposal."""
    case = _case_for_write(request, case_id)
    in_force = case.status_decision
    form = DecisionForm(request.POST, in_force=in_force)
    if not _confirmed(request) and form.is_valid():
        return _preview(
            request,
            case_id,
            form,
            lambda: services.identification_propose_preview(
                actor=request.actor, case=case, **form.service_data(in_force)
            ),
            reverse("cases:decision_propose", args=[case.uuid]),
        )
    done = submit(
        request,
        form,
        lambda: services.identification_propose(
            actor=request.actor, case=case, **form.service_data(in_force)
        ),
        success=_("The decision awaits a supervisor's approval."),
        redirect_to=lambda _decision: _after(request, case, "identification"),
    )
    return done or _render_case(request, case_id, "identification", form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def decision_record(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Record the competent authority's decision: first what it will do, then, once confirmed,
    the record (no second supervisor: nobody here decided)."""
    case = _case_for_write(request, case_id)
    form = AuthorityDecisionForm(request.POST)
    if not _confirmed(request) and form.is_valid():
        return _preview(
            request,
            case_id,
            form,
            lambda: services.identification_record_preview(
                actor=request.actor, case=case, **form.cleaned_data
            ),
            reverse("cases:decision_record", args=[case.uuid]),
        )
    done = submit(
        request,
        form,
        lambda: services.identification_record(actor=request.actor, case=case, **form.cleaned_data),
        success=_("The authority's decision was recorded."),
        redirect_to=lambda _decision: _after(request, case, "identification"),
    )
    return done or _render_case(request, case_id, "identification", authority_form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def decision_review(
    request: ActorRequest, case_id: UUID, decision_id: UUID, approve: bool
) -> HttpResponse:
    """A supervisor approves or rejects a proposed decision, after seeing what it will do."""
    case = _case_for_write(request, case_id)
    decision = selectors.case_decision_get(actor=request.actor, case=case, decision_id=decision_id)
    if not _confirmed(request):
        try:
            effect = services.identification_review_preview(
                actor=request.actor, decision=decision, approve=approve
            )
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, problem_lines(exc))
            return _after(request, case, "identification")
        name = "cases:decision_approve" if approve else "cases:decision_reject"
        confirm = {
            "effect": effect,
            "decision": decision,
            "approve": approve,
            "action": reverse(name, args=[case.uuid, decision.uuid]),
            "kind": "review",
        }
        return _render_case(request, case_id, "identification", confirm=confirm)
    return perform(
        request,
        lambda: services.identification_review(
            actor=request.actor, decision=decision, approve=approve
        ),
        success=_("The decision was approved.") if approve else _("The decision was rejected."),
        redirect_to=lambda: _after(request, case, "identification"),
    )


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def plan_create(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Start a support plan."""
    case = _case_for_write(request, case_id)
    form = PlanForm(request.POST)
    done = submit(
        request,
        form,
        lambda: services.support_plan_create(actor=request.actor, case=case, **form.cleaned_data),
        success=_("The support plan was created."),
        redirect_to=lambda _plan: _after(request, case, "plan"),
    )
    return done or _render_case(request, case_id, "plan", plan_form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def plan_end(request: ActorRequest, case_id: UUID, plan_id: UUID) -> HttpResponse:
    """End a support plan (today, or the day given)."""
    case = _case_for_write(request, case_id)
    plan = selectors.case_plan_get(actor=request.actor, case=case, plan_id=plan_id)
    form = PlanEndForm.of(plan, request.POST)
    done = submit(
        request,
        form,
        lambda: services.support_plan_end(actor=request.actor, plan=plan, **form.cleaned_data),
        success=_("The support plan was ended."),
        redirect_to=lambda _plan: _after(request, case, "plan"),
    )
    return done or _render_case(request, case_id, "plan", plan_end_form=form, ending=plan.uuid)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def service_add(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Add a service, given by the case's own organization or another active one."""
    case = _case_for_write(request, case_id)
    plans = list(selectors.case_plan_list(actor=request.actor, case=case))
    form = ServiceForm(request.POST, organizations=_partners(request), plans=plans)

    def add() -> Service:
        data = dict(form.cleaned_data)
        plan_id = data.pop("plan")
        return services.service_add(
            actor=request.actor,
            case=case,
            provider=_partner_or_error(request, data.pop("provider"), "provider"),
            plan=next((p for p in plans if str(p.uuid) == plan_id), None),
            **data,
        )

    done = submit(
        request,
        form,
        add,
        success=_("The service was added."),
        redirect_to=lambda _service: _after(request, case, "plan"),
    )
    return done or _render_case(request, case_id, "plan", service_form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def consent_record(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Record what the person agreed to, for one purpose."""
    case = _case_for_write(request, case_id)
    form = ConsentForm(request.POST, organizations=_partners(request))

    def record() -> Consent:
        data = dict(form.cleaned_data)
        recipient = data.pop("recipient_organization")
        return services.consent_record(
            actor=request.actor,
            case=case,
            recipient_organization=_partner_or_error(request, recipient, "recipient_organization"),
            **data,
        )

    done = submit(
        request,
        form,
        record,
        success=_("The consent was recorded."),
        redirect_to=lambda _consent: _after(request, case, "consent"),
    )
    return done or _render_case(request, case_id, "consent", form=form)


@require_http_methods(["GET", "POST"])
@never_cache
@actor_required(perms.CASES_VIEW)
def consent_withdraw(request: ActorRequest, case_id: UUID, consent_id: UUID) -> HttpResponse:
    """Withdraw a consent in two steps: the page says what will happen and asks why (GET), then
    the withdrawal is recorded (POST); it stays on record, marked withdrawn."""
    case = _case_for_write(request, case_id)
    consent = selectors.case_consent_get(actor=request.actor, case=case, consent_id=consent_id)
    form = ConsentWithdrawForm(request.POST if request.method == "POST" else None)
    done = submit(
        request,
        form,
        lambda: services.consent_withdraw(
            actor=request.actor, consent=consent, reason=form.cleaned_data["reason"]
        ),
        success=_("The consent was marked withdrawn."),
        redirect_to=lambda _consent: _after(request, case, "consent"),
    )
    return done or _render_case(
        request, case_id, "consent", withdrawing=consent, withdraw_form=form
    )


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def note_add(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Add a note to the case."""
    case = _case_for_write(request, case_id)
    form = NoteForm(request.POST)
    done = submit(
        request,
        form,
        lambda: services.note_add(actor=request.actor, case=case, body=form.cleaned_data["body"]),
        success=_("The note was added."),
        redirect_to=lambda _note: _after(request, case, "notes"),
    )
    return done or _render_case(request, case_id, "notes", form=form)
