"""Pages of the cases app: the case list, opening a case, and the case page with its tabs.

A person's name never goes in a URL: the list's name search is a POST and the case pages' URLs
carry only UUIDs. Each tab of the case page is its own URL: asked by htmx (``HX-Request``) it
answers with the tab alone, otherwise with the whole page, so every tab works without JavaScript.
Pages with case content are never stored by the browser (``Cache-Control: no-store``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet, TextChoices
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization, OrganizationType
from opennrm.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.people.models import DocumentType
from opennrm.web import ActorRequest, actor_required, add_errors, page_number

from . import selectors, services
from .choices import ExploitationType
from .fields import MultiChoiceField
from .forms import (
    AssignForm,
    CaseEditForm,
    CaseFilterForm,
    CaseOpenForm,
    CaseSearchForm,
    ConsentForm,
    DecisionForm,
    NoteForm,
    PersonEditForm,
    PlanForm,
    ServiceForm,
    StatusForm,
    add_path_errors,
)
from .models import Case

PAGE_SIZE = 50

# The tabs of the case page: (key, label). The key is the URL name and the template name.
TABS = [
    ("person", gettext_lazy("Person")),
    ("trafficking", gettext_lazy("Trafficking")),
    ("identification", gettext_lazy("Identification")),
    ("plan", gettext_lazy("Plan and services")),
    ("consent", gettext_lazy("Consent")),
    ("notes", gettext_lazy("Notes")),
    ("history", gettext_lazy("History")),
]

# Audit actions as the history tab names them.
ACTIONS = {
    "case.open": gettext_lazy("Case opened"),
    "case.update": gettext_lazy("Case changed"),
    "case.status": gettext_lazy("Status changed"),
    "case.assign": gettext_lazy("Owner or team changed"),
    "person.create": gettext_lazy("Person recorded"),
    "person.update": gettext_lazy("Person changed"),
    "identification.propose": gettext_lazy("Identification proposed"),
    "identification.approve": gettext_lazy("Identification approved"),
    "identification.reject": gettext_lazy("Identification rejected"),
    "historic_event.add": gettext_lazy("Event recorded"),
    "support_plan.create": gettext_lazy("Support plan created"),
    "service.add": gettext_lazy("Service added"),
    "consent.record": gettext_lazy("Consent recorded"),
    "consent.withdraw": gettext_lazy("Consent withdrawn"),
    "note.add": gettext_lazy("Note added"),
    "attachment.add": gettext_lazy("Attachment added"),
    "screening.start": gettext_lazy("Screening started"),
    "screening.answer": gettext_lazy("Screening answers saved"),
    "screening.complete": gettext_lazy("Screening completed"),
    "signal.record": gettext_lazy("Hotline contact logged"),
    "signal.receive": gettext_lazy("Web tip received"),
    "signal.take": gettext_lazy("Hotline contact taken"),
    "signal.update": gettext_lazy("Hotline contact changed"),
    "signal.open_case": gettext_lazy("Case opened from a hotline contact"),
    "return.create": gettext_lazy("Return recorded"),
    "return.update": gettext_lazy("Return changed"),
    "return.arrival": gettext_lazy("Arrival recorded"),
    "follow_up.schedule": gettext_lazy("Follow-up scheduled"),
    "follow_up.reschedule": gettext_lazy("Follow-up moved"),
    "follow_up.record": gettext_lazy("Follow-up recorded"),
    "follow_up.notify": gettext_lazy("Follow-up reminder sent"),
}

# What the trafficking tab shows; the trafficking status is in the page header.
TRAFFICKING_FIELDS = [
    name
    for name in services.CASE_FIELDS
    if name not in ("trafficking_status", "trafficking_status_decided_by")
]


# --- Helpers.


@dataclass
class Page:
    """One page of a list, found without counting the rows (a COUNT over a million is slow)."""

    rows: list[Any]
    number: int
    has_next: bool

    @property
    def next(self) -> int:
        return self.number + 1

    @property
    def previous(self) -> int:
        return self.number - 1


def _page(queryset: QuerySet, number: int) -> Page:
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return Page(rows=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)


def _htmx(request: ActorRequest) -> bool:
    """A swap by htmx wants the tab alone; a history restore by htmx wants the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and "HX-History-Restore-Request" not in request.headers
    )


def _labels(choices: type[TextChoices], values: list[str]) -> str:
    names = dict(choices.choices)
    return ", ".join(str(names.get(value, value)) for value in values)


def _label(choices: type[TextChoices], value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _require_identifying(request: ActorRequest) -> None:
    if not request.actor.can(perms.IDENTIFYING_DATA_VIEW):
        raise PermissionDenied(_("You do not have permission to do this."))


def _first_tab(request: ActorRequest) -> str:
    return "person" if request.actor.can(perms.IDENTIFYING_DATA_VIEW) else "trafficking"


def _partners(request: ActorRequest) -> QuerySet[Organization]:
    return selectors.partner_list(actor=request.actor)


def _partner(request: ActorRequest, organization_id: str) -> Organization | None:
    if not organization_id:
        return None
    return selectors.partner_get(actor=request.actor, organization_id=organization_id)


def _problem(error: ApplicationError) -> str:
    """One line for a message: a button has no field to show an error beside."""
    return " ".join(m for messages_ in error.errors.values() for m in messages_) or error.message


# --- The tabs: what each shows, given the case (read once, audited) and any bound form.


def _person_tab(request: ActorRequest, case: Case, form: PersonEditForm | None = None) -> dict:
    person = case.person
    documents = [
        {**d, "type_label": _label(DocumentType, d.get("type", ""))} for d in person.documents
    ]
    return {
        "person": person,
        "documents": documents,
        "form": form or PersonEditForm(initial=PersonEditForm.initial_for(person)),
    }


def _trafficking_tab(request: ActorRequest, case: Case, form: CaseEditForm | None = None) -> dict:
    facts = []
    for name in TRAFFICKING_FIELDS:
        field = Case._meta.get_field(name)
        assert isinstance(field, models.Field)  # the case's own fields
        value = getattr(case, name)
        if isinstance(field, MultiChoiceField) and field.choices_class is not None:
            value = _labels(field.choices_class, value)
        elif field.choices:
            value = getattr(case, f"get_{name}_display")()
        elif isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, date):
            value = value.isoformat()
        facts.append((field.verbose_name, value))
    return {
        "facts": facts,
        "form": form or CaseEditForm(initial=CaseEditForm.initial_for(case)),
    }


def _identification_tab(
    request: ActorRequest, case: Case, form: DecisionForm | None = None
) -> dict:
    actor = request.actor
    return {
        "decisions": selectors.case_decision_list(actor=actor, case=case),
        "form": (form or DecisionForm()) if actor.can(perms.IDENTIFICATION_PROPOSE) else None,
        "can_approve": actor.can(perms.IDENTIFICATION_APPROVE),
    }


def _plan_tab(
    request: ActorRequest,
    case: Case,
    plan_form: PlanForm | None = None,
    service_form: ServiceForm | None = None,
) -> dict:
    plans = list(selectors.case_plan_list(actor=request.actor, case=case))
    context: dict[str, Any] = {
        "plans": plans,
        "services": selectors.case_service_list(actor=request.actor, case=case),
    }
    if request.actor.can(perms.CASES_UPDATE):
        context["plan_form"] = plan_form or PlanForm()
        context["service_form"] = service_form or ServiceForm(
            organizations=_partners(request), plans=plans
        )
    return context


def _consent_tab(request: ActorRequest, case: Case, form: ConsentForm | None = None) -> dict:
    consents = selectors.case_consent_list(actor=request.actor, case=case)
    context: dict[str, Any] = {
        "consents": [(c, _label(OrganizationType, c.recipient_type)) for c in consents],
    }
    if request.actor.can(perms.CASES_UPDATE):
        context["form"] = form or ConsentForm(organizations=_partners(request))
    return context


def _notes_tab(request: ActorRequest, case: Case, form: NoteForm | None = None) -> dict:
    notes = selectors.case_note_list(actor=request.actor, case=case)
    context: dict[str, Any] = {"page": _page(notes, page_number(request.GET.get("page")))}
    if request.actor.can(perms.CASES_UPDATE):
        context["form"] = form or NoteForm()
    return context


def _field_labels(object_type: str, names: list[str]) -> list[str]:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return names
    labels = []
    for name in names:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return labels


def _history_tab(request: ActorRequest, case: Case) -> dict:
    events = selectors.case_history(actor=request.actor, case=case)
    page = _page(events, page_number(request.GET.get("page")))
    rows = [
        (
            event,
            ACTIONS.get(event.action, event.action),
            _field_labels(event.object_type, event.fields),
        )
        for event in page.rows
    ]
    return {"page": page, "rows": rows}


TAB_CONTEXT: dict[str, Callable[..., dict]] = {
    "person": _person_tab,
    "trafficking": _trafficking_tab,
    "identification": _identification_tab,
    "plan": _plan_tab,
    "consent": _consent_tab,
    "notes": _notes_tab,
    "history": _history_tab,
}


def _render_case(
    request: ActorRequest,
    case_id: UUID,
    tab: str,
    *,
    status_form: StatusForm | None = None,
    **forms: Any,
) -> HttpResponse:
    """The case page on ``tab``, or the tab alone for htmx (with the header swapped alongside)."""
    actor = request.actor
    if tab == "person":
        _require_identifying(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    if status_form is None and actor.can(perms.CASES_UPDATE):
        status_form = StatusForm(case=case, can_close=actor.can(perms.CASES_CLOSE))
    tabs = [
        {"key": key, "label": label, "url": reverse(f"cases:{key}", args=[case.uuid])}
        for key, label in TABS
        if key != "person" or actor.can(perms.IDENTIFYING_DATA_VIEW)
    ]
    htmx = _htmx(request)
    context = {
        "case": case,
        "tab": tab,
        "tabs": tabs,
        "tab_template": f"cases/tabs/{tab}.html",
        "status_form": status_form,
        "can_assign": actor.can(perms.CASES_VIEW_ALL),
        "htmx": htmx,
        **TAB_CONTEXT[tab](request, case, **forms),
    }
    response = render(request, "cases/_fragment.html" if htmx else "cases/case_page.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _done(request: ActorRequest, case: Case, tab: str, message: str) -> HttpResponse:
    """After a change: the fresh tab for htmx, else a redirect to it (so a reload never reposts)."""
    messages.success(request, message)
    if _htmx(request):
        return _render_case(request, case.uuid, tab)
    return redirect(f"cases:{tab}", case_id=case.uuid)


def _case_for_write(request: ActorRequest, case_id: UUID) -> Case:
    """The visible case, not audited as a read: the service audits the change itself."""
    return selectors.case_get(actor=request.actor, case_id=case_id, audit=False)


# --- The list and opening a case.


@never_cache
@actor_required(perms.CASES_VIEW)
def case_list(request: ActorRequest) -> HttpResponse:
    """Statistical filters by GET; the name search by POST, so a name never lands in a URL."""
    actor = request.actor
    filter_form = CaseFilterForm(request.GET or None, owners=selectors.case_owner_list(actor=actor))
    search_form = CaseSearchForm(request.POST or None)
    searching = request.method == "POST"
    q, number = "", page_number(request.GET.get("page"))
    if searching and search_form.is_valid():
        q, number = search_form.cleaned_data["q"], search_form.cleaned_data["page"] or 1
    cases = selectors.case_list(actor=actor, filters=filter_form.filters(q=q))
    page = _page(cases, number)
    query = filter_form.query_string()
    return render(
        request,
        "cases/case_list.html",
        {
            "filter_form": filter_form,
            "list_url": reverse("cases:case_list") + (f"?{query}" if query else ""),
            "page_url": reverse("cases:case_list") + f"?{query}{'&' if query else ''}page=",
            "search_form": search_form,
            "searching": bool(q),
            "q": q,
            "page": page,
            "rows": [
                (case, _labels(ExploitationType, case.exploitation_types)) for case in page.rows
            ],
            "can_create": actor.can(perms.CASES_CREATE),
        },
    )


@never_cache
@actor_required(perms.CASES_CREATE)
def case_open(request: ActorRequest) -> HttpResponse:
    """Record a person and open their case; errors are shown beside the fields they concern."""
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                actor=request.actor,
                person=form.person_data(),
                opened_on=form.cleaned_data["opened_on"],
                **form.case_data(),
            )
        except ValidationFailed as exc:
            add_path_errors(form, exc)
        else:
            messages.success(request, _("Case %(number)s was opened.") % {"number": case.number})
            return redirect("cases:case_detail", case_id=case.uuid)
    return render(request, "cases/case_open.html", {"form": form})


# --- The case page.


@never_cache
@actor_required(perms.CASES_VIEW)
def case_tab(request: ActorRequest, case_id: UUID, tab: str = "") -> HttpResponse:
    """The case page on one tab (the person's first); each read of the case is audited."""
    return _render_case(request, case_id, tab or _first_tab(request))


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def case_status(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Move the case to another status; closing and reopening are for supervisors."""
    actor = request.actor
    case = _case_for_write(request, case_id)
    form = StatusForm(request.POST, case=case, can_close=True)
    if form.is_valid():
        try:
            services.case_change_status(
                actor=actor,
                case=case,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("cases:case_detail", case_id=case.uuid)
    return _render_case(request, case_id, _first_tab(request), status_form=form)


@never_cache
@actor_required(perms.CASES_VIEW_ALL)
def case_assign(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """A supervisor sets the case's owner and team within the organization."""
    case = _case_for_write(request, case_id)
    members = selectors.case_assignable_list(actor=request.actor)
    initial = {"owner": case.owner.uuid, "team": [u.uuid for u in case.team.all()]}
    form = AssignForm(request.POST or None, initial=initial, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assign(
                actor=request.actor,
                case=case,
                owner=form.cleaned_data["owner"],
                team=list(form.cleaned_data["team"]),
            )
        except ValidationFailed as exc:
            add_path_errors(form, exc)
        else:
            messages.success(request, _("The owner and team were saved."))
            return redirect("cases:case_detail", case_id=case.uuid)
    return render(request, "cases/case_assign.html", {"case": case, "form": form})


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def person_save(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Change the person; the hidden ``version`` refuses to overwrite someone else's change."""
    _require_identifying(request)
    case = _case_for_write(request, case_id)
    form = PersonEditForm(request.POST)
    if form.is_valid():
        try:
            services.person_update(
                actor=request.actor,
                case=case,
                version=form.cleaned_data["version"],
                **form.person_data(other_documents=case.person.documents[1:]),
            )
        except (ValidationFailed, Conflict) as exc:
            add_path_errors(form, exc)
        else:
            return _done(request, case, "person", _("The person was saved."))
    return _render_case(request, case_id, "person", form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def trafficking_save(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Change exploitation, recruitment and route; ``version`` guards against lost updates."""
    case = _case_for_write(request, case_id)
    form = CaseEditForm(request.POST)
    if form.is_valid():
        try:
            services.case_update(
                actor=request.actor,
                case=case,
                version=form.cleaned_data["version"],
                **form.case_data(),
            )
        except (ValidationFailed, Conflict) as exc:
            add_path_errors(form, exc)
        else:
            return _done(request, case, "trafficking", _("The case was saved."))
    return _render_case(request, case_id, "trafficking", form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def decision_propose(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Propose a presumed-victim or identified-victim decision for a supervisor to review."""
    case = _case_for_write(request, case_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.identification_propose(actor=request.actor, case=case, **form.cleaned_data)
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            return _done(
                request, case, "identification", _("The decision awaits a supervisor's approval.")
            )
    return _render_case(request, case_id, "identification", form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def decision_review(
    request: ActorRequest, case_id: UUID, decision_id: UUID, approve: bool
) -> HttpResponse:
    """A supervisor approves or rejects a proposed decision."""
    case = _case_for_write(request, case_id)
    decision = selectors.case_decision_get(actor=request.actor, case=case, decision_id=decision_id)
    try:
        services.identification_review(actor=request.actor, decision=decision, approve=approve)
    except ValidationFailed as exc:
        messages.error(request, _problem(exc))
        if _htmx(request):
            return _render_case(request, case_id, "identification")
        return redirect("cases:identification", case_id=case.uuid)
    done = _("The decision was approved.") if approve else _("The decision was rejected.")
    return _done(request, case, "identification", done)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def plan_create(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Start a support plan."""
    case = _case_for_write(request, case_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.support_plan_create(actor=request.actor, case=case, **form.cleaned_data)
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            return _done(request, case, "plan", _("The support plan was created."))
    return _render_case(request, case_id, "plan", plan_form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def service_add(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Add a service, given by the case's own organization or another active one."""
    case = _case_for_write(request, case_id)
    plans = list(selectors.case_plan_list(actor=request.actor, case=case))
    form = ServiceForm(request.POST, organizations=_partners(request), plans=plans)
    if form.is_valid():
        data = dict(form.cleaned_data)
        plan_id = data.pop("plan")
        try:
            services.service_add(
                actor=request.actor,
                case=case,
                provider=_partner(request, data.pop("provider")),
                plan=next((p for p in plans if str(p.uuid) == plan_id), None),
                **data,
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        except NotFound:
            form.add_error("provider", _("This organization is no longer active."))
        else:
            return _done(request, case, "plan", _("The service was added."))
    return _render_case(request, case_id, "plan", service_form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def consent_record(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Record what the person agreed to, for one purpose."""
    case = _case_for_write(request, case_id)
    form = ConsentForm(request.POST, organizations=_partners(request))
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.consent_record(
                actor=request.actor,
                case=case,
                recipient_organization=_partner(request, data.pop("recipient_organization")),
                **data,
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        except NotFound:
            form.add_error("recipient_organization", _("This organization is no longer active."))
        else:
            return _done(request, case, "consent", _("The consent was recorded."))
    return _render_case(request, case_id, "consent", form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def consent_withdraw(request: ActorRequest, case_id: UUID, consent_id: UUID) -> HttpResponse:
    """Record that the person withdrew a consent (today); it stays on record, marked withdrawn."""
    case = _case_for_write(request, case_id)
    consent = selectors.case_consent_get(actor=request.actor, case=case, consent_id=consent_id)
    try:
        services.consent_withdraw(actor=request.actor, consent=consent)
    except ValidationFailed as exc:
        messages.error(request, _problem(exc))
        if _htmx(request):
            return _render_case(request, case_id, "consent")
        return redirect("cases:consent", case_id=case.uuid)
    return _done(request, case, "consent", _("The consent was marked withdrawn."))


@require_POST
@never_cache
@actor_required(perms.CASES_VIEW)
def note_add(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Add a note to the case."""
    case = _case_for_write(request, case_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(actor=request.actor, case=case, body=form.cleaned_data["body"])
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            return _done(request, case, "notes", _("The note was added."))
    return _render_case(request, case_id, "notes", form=form)
