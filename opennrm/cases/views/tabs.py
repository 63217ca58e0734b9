"""The case pages that read: the case list and the case page with its tabs, and the helpers the
changes share (the case for a change, the answer after one).

A person's name never goes in a URL: the list's name search is a POST and the case pages' URLs
carry only UUIDs. Each tab of the case page is its own URL: asked by htmx (``HX-Request``) it
answers with the tab alone, otherwise with the whole page, so every tab works without JavaScript.
Pages with case content are never stored by the browser (``Cache-Control: no-store``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from django.apps import apps
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

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import IdentificationBy, Organization, OrganizationType
from opennrm.accounts.timezones import local_today
from opennrm.audit.actions import action_label
from opennrm.errors import NotFound, PermissionDenied, ValidationFailed
from opennrm.locales import country_filter
from opennrm.people.models import AgeBand, DocumentStatus, DocumentType, document_status
from opennrm.people.services import person_age
from opennrm.web import (
    ActorRequest,
    actor_required,
    page_number,
    page_of,
)

from .. import needs, selectors, services
from ..choices import ExploitationType
from ..fields import MultiChoiceField
from ..forms import (
    AuthorityDecisionForm,
    CaseEditForm,
    CaseFilterForm,
    CaseSearchForm,
    ConsentForm,
    ConsentWithdrawForm,
    DecisionForm,
    NoteForm,
    PersonEditForm,
    PlanEndForm,
    PlanForm,
    ServiceForm,
    StatusForm,
)
from ..models import Case, Consent
from . import record_tabs
from .route_tabs import files_tab, route_tab

# The tabs of the case page: (key, label). The key is the URL name and the template name.
TABS = [
    ("person", gettext_lazy("Person")),
    ("needs", gettext_lazy("Needs and risks")),
    ("trafficking", gettext_lazy("Trafficking")),
    ("route", gettext_lazy("Route")),
    ("perpetrators", gettext_lazy("Perpetrators")),
    ("account", gettext_lazy("Own account")),
    ("identification", gettext_lazy("Identification")),
    ("plan", gettext_lazy("Plan and services")),
    ("consent", gettext_lazy("Consent")),
    ("notes", gettext_lazy("Notes")),
    ("files", gettext_lazy("Files")),
    ("history", gettext_lazy("History")),
]
# Tabs that need more than seeing the case: shown, and answered, only to those who hold this.
TAB_PERMISSIONS = {
    "person": perms.IDENTIFYING_DATA_VIEW,
    "perpetrators": perms.PERPETRATORS_WORK,
}

# What the trafficking tab shows; the trafficking status is in the page header.
TRAFFICKING_FIELDS = [
    name
    for name in services.CASE_FIELDS
    if name not in ("trafficking_status", "trafficking_status_decided_by")
]


# --- Helpers.


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


# --- The tabs: what each shows, given the case (read once, audited) and any bound form.


def _person_tab(request: ActorRequest, case: Case, form: PersonEditForm | None = None) -> dict:
    person = case.person
    documents = [
        {
            **d,
            "type_label": _label(DocumentType, d.get("type", "")),
            "status_label": _label(DocumentStatus, document_status(d)),
        }
        for d in person.documents
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
        if name in ("country_of_origin", "transit_countries", "country_of_exploitation"):
            value = country_filter(value)
        elif isinstance(field, MultiChoiceField) and field.choices_class is not None:
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
    request: ActorRequest,
    case: Case,
    form: DecisionForm | None = None,
    authority_form: AuthorityDecisionForm | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict:
    """The decisions (superseded ones kept), the deadlines, and what this actor may do: propose
    (or reconsider) where the organization decides, record where an authority does."""
    actor = request.actor
    by_authority = case.organization.identification_by == IdentificationBy.AUTHORITY
    may_propose = actor.can(perms.IDENTIFICATION_PROPOSE) and confirm is None
    in_force = case.status_decision
    return {
        "decisions": selectors.case_decision_list(actor=actor, case=case),
        "deadlines": selectors.identification_deadlines(actor=actor, case=case),
        "by_authority": by_authority,
        "form": (form or DecisionForm(in_force=in_force))
        if may_propose and not by_authority
        else None,
        "authority_form": (authority_form or AuthorityDecisionForm())
        if may_propose and by_authority
        else None,
        "can_approve": actor.can(perms.IDENTIFICATION_APPROVE) and confirm is None,
        "confirm": confirm,
    }


def _plan_tab(
    request: ActorRequest,
    case: Case,
    plan_form: PlanForm | None = None,
    service_form: ServiceForm | None = None,
    plan_end_form: PlanEndForm | None = None,
    ending: UUID | None = None,
) -> dict:
    plans = list(selectors.case_plan_list(actor=request.actor, case=case))
    writes = request.actor.can(perms.CASES_UPDATE)
    # Each plan not ended has its form to end it (the one just refused, with its errors).
    ends = {
        p.uuid: plan_end_form if p.uuid == ending and plan_end_form else PlanEndForm.of(p)
        for p in plans
        if writes and p.ended_on is None
    }
    context: dict[str, Any] = {
        "plans": [(p, ends.get(p.uuid)) for p in plans],
        "services": selectors.case_service_list(actor=request.actor, case=case),
    }
    if writes:
        context["plan_form"] = plan_form or PlanForm()
        context["service_form"] = service_form or ServiceForm(
            organizations=_partners(request), plans=plans
        )
    return context


def _consent_tab(
    request: ActorRequest,
    case: Case,
    form: ConsentForm | None = None,
    withdrawing: Consent | None = None,
    withdraw_form: ConsentWithdrawForm | None = None,
) -> dict:
    consents = selectors.case_consent_list(actor=request.actor, case=case)
    context: dict[str, Any] = {
        "consents": [(c, _label(OrganizationType, c.recipient_type)) for c in consents],
    }
    if request.actor.can(perms.CASES_UPDATE):
        context["form"] = form or ConsentForm(organizations=_partners(request))
        if withdrawing is not None and withdrawing.is_active:
            # The confirmation step: what the withdrawal will do, and why it is made.
            context["withdrawing"] = withdrawing
            context["withdrawing_type"] = _label(OrganizationType, withdrawing.recipient_type)
            context["withdraw_form"] = withdraw_form or ConsentWithdrawForm()
    return context


def _notes_tab(request: ActorRequest, case: Case, form: NoteForm | None = None) -> dict:
    notes = selectors.case_note_list(actor=request.actor, case=case)
    context: dict[str, Any] = {"page": page_of(notes, page_number(request.GET.get("page")))}
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


def _author(event: Any, own_organization_id: int) -> str:
    """Who acted, by name within one's own organization; another organization by its name; a
    scheduled job as OpenNRM."""
    if event.actor is None:
        return (
            event.organization.name if event.organization_id != own_organization_id else "OpenNRM"
        )
    if event.organization_id == own_organization_id:
        return str(event.actor.full_name or event.actor.email)
    return event.organization.name if event.organization is not None else "—"


def _history_tab(request: ActorRequest, case: Case) -> dict:
    """The page's events, consecutive identical ones (same author, action and fields: 67
    "screening answers saved" in a row) as one row with their count and the latest time."""
    events = selectors.case_history(actor=request.actor, case=case)
    page = page_of(events, page_number(request.GET.get("page")))
    own = request.actor.active_organization.pk
    rows: list[dict[str, Any]] = []
    for event in page.rows:
        key = (event.actor_id, event.organization_id, event.action, tuple(event.fields))
        if rows and rows[-1]["key"] == key:
            rows[-1]["count"] += 1
            rows[-1]["first"] = event.occurred_at
            continue
        rows.append(
            {
                "key": key,
                "event": event,
                "first": event.occurred_at,
                "count": 1,
                "author": _author(event, own),
                "action": action_label(event.action),
                "fields": _field_labels(event.object_type, event.fields),
            }
        )
    return {"page": page, "rows": rows}


TAB_CONTEXT: dict[str, Callable[..., dict]] = {
    "person": _person_tab,
    "trafficking": _trafficking_tab,
    "identification": _identification_tab,
    "plan": _plan_tab,
    "consent": _consent_tab,
    "notes": _notes_tab,
    "route": route_tab,
    "files": files_tab,
    "history": _history_tab,
    "needs": record_tabs.needs_tab,
    "perpetrators": record_tabs.perpetrators_tab,
    "account": record_tabs.account_tab,
}


def _who(request: ActorRequest, case: Case) -> dict[str, Any]:
    """Who the case is about, for the header: the name and the age (or, without birth data, the
    age band), for those who read identifying data; nothing for anyone else."""
    if not request.actor.can(perms.IDENTIFYING_DATA_VIEW):
        return {}
    person = case.person
    name = " ".join(p for p in (person.family_name, person.given_name, person.patronymic) if p)
    age = person_age(person=person, on=local_today(request.actor.organization))
    return {
        "person_name": name,
        "person_age": age,
        "person_age_band": (
            person.get_age_band_display()
            if age is None and person.age_band != AgeBand.UNKNOWN
            else ""
        ),
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
    if tab in TAB_PERMISSIONS and not actor.can(TAB_PERMISSIONS[tab]):
        raise PermissionDenied(_("You do not have permission to do this."))
    case = selectors.case_get(actor=actor, case_id=case_id)
    if status_form is None and actor.can(perms.CASES_UPDATE):
        status_form = StatusForm(case=case, can_close=actor.can(perms.CASES_CLOSE))
    tabs = [
        {"key": key, "label": label, "url": reverse(f"cases:{key}", args=[case.uuid])}
        for key, label in TABS
        if key not in TAB_PERMISSIONS or actor.can(TAB_PERMISSIONS[key])
    ]
    htmx = _htmx(request)
    context = {
        "case": case,
        **_who(request, case),
        "tab": tab,
        "tabs": tabs,
        "tab_template": f"cases/tabs/{tab}.html",
        "status_form": status_form,
        "can_assign": actor.can(perms.CASES_VIEW_ALL),
        "htmx": htmx,
        "deadlines": selectors.identification_deadlines(actor=actor, case=case),
        # Any of those who see the case may call the person: how to do it safely is on top.
        "contact_alert": needs.case_contact_alert(actor=actor, case=case),
        **TAB_CONTEXT[tab](request, case, **forms),
    }
    response = render(request, "cases/_fragment.html" if htmx else "cases/case_page.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _after(request: ActorRequest, case: Case, tab: str) -> HttpResponse:
    """After a change: the fresh tab for htmx, else a redirect to it (so a reload never reposts)."""
    if _htmx(request):
        return _render_case(request, case.uuid, tab)
    return redirect(f"cases:{tab}", case_id=case.uuid)


def _case_url(case: Case) -> str:
    return reverse("cases:case_detail", kwargs={"case_id": case.uuid})


def _partner_or_error(
    request: ActorRequest, organization_id: str, field: str
) -> Organization | None:
    """The chosen partner organization; one no longer active is an error beside ``field``."""
    try:
        return _partner(request, organization_id)
    except NotFound:
        gone = _("This organization is no longer active.")
        raise ValidationFailed.of({field: [gone]}) from None


def _case_for_write(request: ActorRequest, case_id: UUID) -> Case:
    """The visible case, not audited as a read: the service audits the change itself."""
    return selectors.case_get(actor=request.actor, case_id=case_id, audit=False)


# --- The list and opening a case.

# Why a searched name matched (``selectors.NameHit.reason``), beside the case number.
MATCH_REASONS = {
    "transliterated": gettext_lazy("name in another script"),
    "spelling": gettext_lazy("name spelled differently"),
    "sound": gettext_lazy("name sounds alike"),
    "ending": gettext_lazy("name with another ending"),
    "similar": gettext_lazy("similar name"),
}


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
    page = page_of(cases, number)
    # Names for the rows of this page only, decrypted for those who read identifying data and
    # recorded as one read of those cases (decision 0016).
    names = selectors.case_person_names(actor=actor, cases=page.rows)
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
                (
                    case,
                    _labels(ExploitationType, case.exploitation_types),
                    names.get(case.pk, ""),
                    MATCH_REASONS.get(getattr(case, "name_match", ""), ""),
                )
                for case in page.rows
            ],
            "show_names": actor.can(perms.IDENTIFYING_DATA_VIEW),
            "total": selectors.case_list_total(cases=cases),
            "can_create": actor.can(perms.CASES_CREATE),
        },
    )


# --- The case page.


@never_cache
@actor_required(perms.CASES_VIEW)
def case_tab(request: ActorRequest, case_id: UUID, tab: str = "") -> HttpResponse:
    """The case page on one tab (the person's first); each read of the case is audited."""
    return _render_case(request, case_id, tab or _first_tab(request))
