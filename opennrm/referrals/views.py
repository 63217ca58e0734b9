"""Pages of referrals: inbox and outbox, the supervisor's view, the referral form, the referral
page with its history and answers, and the figures.

URLs carry UUIDs only. The receiving organization reads the person's data only through the
referral's shared fields, as ``selectors.referral_shares`` allows at the moment of reading.
Pages with shared content are never stored by the browser (``Cache-Control: no-store``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet, TextChoices
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import OrganizationType
from opennrm.audit.actions import action_label
from opennrm.cases import selectors as case_selectors
from opennrm.cases.choices import (
    DecisionMakingOrganization,
    IdentificationStage,
    ServiceType,
    TraffickingStatus,
)
from opennrm.cases.fields import MultiChoiceField
from opennrm.cases.models import Case
from opennrm.errors import NotFound, ValidationFailed
from opennrm.locales import country_filter, country_name, language_filter
from opennrm.people.models import AgeBand, DocumentStatus, DocumentType, Gender, document_status
from opennrm.web import (
    ActorRequest,
    actor_required,
    page_number,
    page_of,
    perform,
    phone_display,
    submit,
)

from . import deliveries, recorded, selectors, services
from .choices import (
    EXPLOITATION_FIELDS,
    ReferralKind,
    ReferralReason,
    ReferralStatus,
    SharedField,
)
from .forms import (
    CompleteForm,
    DeclineForm,
    RecordedReferralEditForm,
    RecordedReferralForm,
    ReferralForm,
    ServiceDeliveryForm,
    add_errors,
)
from .models import Referral

FIELD_LABELS = {
    "from_case": gettext_lazy("case"),
    # Foreign keys without a translatable verbose_name (Django makes "to organization" of them).
    "from_organization": gettext_lazy("sending organization"),
    "to_organization": gettext_lazy("receiving organization"),
    "to_case": gettext_lazy("the receiver's case"),
    "consent": gettext_lazy("the consent"),
    "sent_by": gettext_lazy("sent by"),
    "answered_by": gettext_lazy("answered by"),
    "completed_by": gettext_lazy("completed by"),
    "withdrawn_by": gettext_lazy("withdrawn by"),
    "overridden_by": gettext_lazy("sent without consent by"),
    "shared_values": gettext_lazy("shared values"),
    # Fields without a verbose name would show Django's English default ("shares revoked at").
    "shares_revoked_at": gettext_lazy("shared details cleared at"),
    "overdue_notified_at": gettext_lazy("overdue notice sent at"),
}
TITLES = {
    ReferralKind.REFERRAL: gettext_lazy("Refer the case"),
    ReferralKind.TRANSFER: gettext_lazy("Transfer the case to another organization"),
    ReferralKind.ANONYMOUS: gettext_lazy("Notify law enforcement anonymously"),
}


# --- Lists.


def _tabs(request: ActorRequest, current: str) -> list[dict[str, Any]]:
    actor = request.actor
    tabs = [
        ("referrals:inbox", gettext_lazy("Received"), perms.REFERRALS_VIEW),
        ("referrals:outbox", gettext_lazy("Sent"), perms.CASES_VIEW),
        ("referrals:attention", gettext_lazy("Needs attention"), perms.CASES_VIEW_ALL),
        ("stats:referrals", gettext_lazy("Figures"), perms.REFERRALS_STATS_VIEW),
    ]
    return [
        {"name": name, "label": label, "current": name == current}
        for name, label, permission in tabs
        if actor.can(permission) and (actor.can(perms.REFERRALS_VIEW) or name == current)
    ]


def _render_list(
    request: ActorRequest, current: str, referrals: QuerySet[Referral], intro: str
) -> HttpResponse:
    page = page_of(referrals, page_number(request.GET.get("page")))
    return render(
        request,
        "referrals/list.html",
        {
            "tabs": _tabs(request, current),
            "page": page,
            "overdue": selectors.overdue_count(actor=request.actor)
            if request.actor.can(perms.REFERRALS_VIEW)
            else 0,
            "intro": intro,
            "current": current,
            "organization": request.actor.organization,
        },
    )


@never_cache
@actor_required(perms.REFERRALS_VIEW)
def inbox(request: ActorRequest) -> HttpResponse:
    """Referrals received by the organization; the overdue ones flagged."""
    referrals = selectors.referral_inbox(actor=request.actor)
    return _render_list(
        request, "referrals:inbox", referrals, _("Referrals and transfers sent to us.")
    )


@never_cache
@actor_required(perms.REFERRALS_VIEW)
def outbox(request: ActorRequest) -> HttpResponse:
    """Referrals sent from the cases the actor sees."""
    referrals = selectors.referral_outbox(actor=request.actor)
    return _render_list(
        request, "referrals:outbox", referrals, _("Referrals sent from the cases you see.")
    )


@never_cache
@actor_required(perms.CASES_VIEW_ALL)
def attention(request: ActorRequest) -> HttpResponse:
    """For supervisors: overdue referrals either way, and referrals sent without consent."""
    referrals = selectors.referral_attention(actor=request.actor)
    return _render_list(
        request,
        "referrals:attention",
        referrals,
        _("Overdue referrals, sent or received, and referrals sent without the person's consent."),
    )


# --- Sending.


def _render_form(
    request: ActorRequest, case: Case, kind: str, form: ReferralForm, status: int = 200
) -> HttpResponse:
    consents = selectors.referral_consents(actor=request.actor, case=case)
    return render(
        request,
        "referrals/new.html",
        {
            "case": case,
            "kind": kind,
            "title": TITLES[ReferralKind(kind)],
            "form": form,
            "consents": [
                (c, dict(OrganizationType.choices).get(c.recipient_type, c.recipient_type))
                for c in consents
            ],
            "needs_consent": kind != ReferralKind.ANONYMOUS,
        },
        status=status,
    )


def _send(request: ActorRequest, case_id: UUID, kind: str) -> HttpResponse:
    actor = request.actor
    case = case_selectors.case_get(actor=actor, case_id=case_id, audit=False)
    organizations = list(selectors.referral_recipients(actor=actor, kind=kind))
    covered = set()
    if kind != ReferralKind.ANONYMOUS:
        for organization in organizations:
            if selectors.covering_consent(case=case, organization=organization):
                covered.add(organization.pk)
    wanted = request.GET.get("to_organization") or request.GET.get("to") or ""
    form = ReferralForm(
        request.POST or None,
        kind=kind,
        organizations=organizations,
        covered=covered,
        can_override=actor.can(perms.REFERRALS_OVERRIDE_CONSENT),
        receiver=next((o for o in organizations if str(o.uuid) == wanted), None),
        for_return=request.GET.get("for") == "return",
        refresh_url=request.path,
    )

    def send() -> Referral:
        try:
            organization = selectors.referral_recipient_get(
                actor=actor, organization_id=form.cleaned_data["to_organization"], kind=kind
            )
        except NotFound:
            gone = _("This organization is no longer active.")
            raise ValidationFailed.of({"to_organization": [gone]}) from None
        return services.referral_send(
            actor=actor, case=case, to_organization=organization, **form.send_data()
        )

    done = submit(
        request,
        form,
        send,
        success=lambda referral: _("Referral %(number)s was sent.") % {"number": referral.number},
        redirect_to=_referral_url,
        errors=add_errors,
    )
    return done or _render_form(request, case, kind, form)


@never_cache
@actor_required(perms.REFERRALS_SEND)
def referral_new(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Refer a visible case: where to, why, and exactly which fields go with it."""
    return _send(request, case_id, ReferralKind.REFERRAL)


@never_cache
@actor_required(perms.CASES_TRANSFER)
def transfer_new(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Transfer a visible case to another organization (a supervisor)."""
    return _send(request, case_id, ReferralKind.TRANSFER)


@never_cache
@actor_required(perms.REFERRALS_SEND)
def anonymous_new(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Notify law enforcement without consent and without any identifying field."""
    return _send(request, case_id, ReferralKind.ANONYMOUS)


# --- The referral page.


def _labels(choices: type[TextChoices], values: list[str]) -> str:
    names = dict(choices.choices)
    return ", ".join(str(names.get(v, v)) for v in values)


def _label(choices: type[TextChoices], value: Any) -> str:
    return str(dict(choices.choices).get(value, value or "—"))


COUNTRY_FIELDS = ("country_of_origin", "transit_countries", "country_of_exploitation")


def _shown(name: str, value: Any) -> Any:
    """One shared value as the page shows it: text, or a list of (label, text)."""
    if name == SharedField.OTHER_NAMES:
        return ", ".join(value)
    if name == SharedField.LANGUAGES:
        return language_filter(value)
    if name == SharedField.CITIZENSHIP:
        return country_name(value)
    if name == SharedField.PHONES:
        return ", ".join(phone_display(p) for p in value)
    if name == SharedField.DOCUMENTS:
        kinds, statuses = dict(DocumentType.choices), dict(DocumentStatus.choices)
        return "; ".join(
            f"{kinds.get(d.get('type'), d.get('type'))} {d.get('number', '')}".strip()
            + (f" ({country_name(d['country'])})" if d.get("country") else "")
            + f" — {str(statuses.get(document_status(d), document_status(d))).lower()}"
            for d in value
        )
    if name == SharedField.BIRTH:
        value = value or {}
        if value.get("birth_date"):
            return value["birth_date"]
        if value.get("birth_year"):
            return _("born in %(year)s") % {"year": value["birth_year"]}
        if value.get("approximate_age"):
            return _("about %(age)s years old") % {"age": value["approximate_age"]}
        return ""
    if name == SharedField.GENDER:
        return dict(Gender.choices).get(value, value)
    if name == SharedField.AGE_BAND:
        return dict(AgeBand.choices).get(value, value)
    if name == SharedField.IDENTIFICATION:
        value = value or {}
        shown = [
            (_("Trafficking status"), _label(TraffickingStatus, value.get("trafficking_status")))
        ]
        if value.get("stage"):
            decided_by = _label(DecisionMakingOrganization, value.get("decided_by_type"))
            if value.get("decided_by_name"):
                decided_by = f"{decided_by} {value['decided_by_name']}"
            shown += [
                (_("Decision"), _label(IdentificationStage, value["stage"])),
                (_("Decided by"), decided_by),
                (_("Date of the decision"), value.get("decided_on") or "—"),
            ]
        return shown
    if name == SharedField.EXPLOITATION:
        rows = []
        for field_name in EXPLOITATION_FIELDS:
            field = Case._meta.get_field(field_name)
            assert isinstance(field, models.Field)  # the case's own fields
            item = (value or {}).get(field_name)
            if not item:
                continue
            if field_name in COUNTRY_FIELDS:
                item = country_filter(item)
            elif isinstance(field, MultiChoiceField) and field.choices_class is not None:
                item = _labels(field.choices_class, item)
            elif field.choices:
                item = dict(field.choices).get(item, item)
            elif isinstance(item, list):
                item = ", ".join(item)
            rows.append((field.verbose_name, item))
        return rows
    return value


def share_rows(shares: selectors.Shares) -> list[dict[str, Any]]:
    rows = []
    for name in shares.fields:
        label = SharedField(name).label
        if name in shares.values:
            value = _shown(name, shares.values[name])
            rows.append({"label": label, "value": value, "nested": isinstance(value, list)})
        else:
            rows.append({"label": label, "withheld": True})
    return rows


def _history(request: ActorRequest, referral: Referral) -> list[dict[str, Any]]:
    """The history: who (named only within one's own organization), what, which fields."""
    events = selectors.referral_history(actor=request.actor, referral=referral)[:200]
    own = request.actor.active_organization.pk
    rows = []
    for event in events:
        if event.organization_id == own and event.actor is not None:
            who = event.actor.full_name or event.actor.email
        elif event.organization is not None:
            who = event.organization.name
        else:
            who = _("OpenNRM")
        fields = [str(FIELD_LABELS.get(f) or _field_label(f)) for f in event.fields]
        rows.append(
            {
                "at": event.occurred_at,
                "who": who,
                "action": action_label(event.action),
                "fields": fields,
            }
        )
    return rows


def _field_label(name: str) -> str:
    try:
        field = Referral._meta.get_field(name)
    except FieldDoesNotExist:  # a field since renamed: show its name
        return name
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def _render_referral(
    request: ActorRequest,
    referral_id: UUID,
    *,
    decline_form: DeclineForm | None = None,
    complete_form: CompleteForm | None = None,
    service_form: ServiceDeliveryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.actor
    referral = selectors.referral_get(actor=actor, referral_id=referral_id)
    sender = selectors.is_sender(actor, referral)
    shares = selectors.referral_shares(actor=actor, referral=referral)
    respond, send = _respond_permission(referral), _send_permission(referral)
    pending = referral.status == ReferralStatus.PENDING
    can_answer = not sender and actor.can(respond)
    context = {
        "referral": referral,
        "sender": sender,
        "shares": shares,
        "rows": share_rows(shares),
        "show_note": selectors.referral_note_visible(actor=actor, referral=referral),
        "history": _history(request, referral),
        "services": _labels(ServiceType, referral.services_requested),
        "reason": dict(ReferralReason.choices).get(referral.reason, referral.reason),
        "can_accept": can_answer and pending and shares.consent_withdrawn_on is None,
        "decline_form": (decline_form or DeclineForm()) if can_answer and pending else None,
        "complete_form": (complete_form or CompleteForm())
        if can_answer
        and referral.status == ReferralStatus.ACCEPTED
        and referral.kind != ReferralKind.TRANSFER
        else None,
        "can_withdraw": sender and pending and actor.can(send),
        "from_case_url": sender and actor.can(perms.CASES_VIEW),
        "to_case_url": not sender and referral.to_case_id and actor.can(perms.CASES_VIEW),
        "opens_case": referral.kind == ReferralKind.TRANSFER
        or (referral.kind == ReferralKind.REFERRAL and actor.can(perms.CASES_CREATE)),
        **_services_context(request, referral, service_form),
    }
    return render(request, "referrals/detail.html", context, status=status)


@never_cache
@actor_required(perms.REFERRALS_VIEW)
def referral_detail(request: ActorRequest, referral_id: UUID) -> HttpResponse:
    """The referral: what was asked, the shared fields (while they may be read), the answers and
    the history. Each read is audited."""
    return _render_referral(request, referral_id)


def _for_write(request: ActorRequest, referral_id: UUID) -> Referral:
    return selectors.referral_get(actor=request.actor, referral_id=referral_id, audit=False)


def _answerable(request: ActorRequest, referral_id: UUID) -> Referral:
    """A received referral the actor may answer (checked before the form, as the service does)."""
    referral = _for_write(request, referral_id)
    if selectors.is_sender(request.actor, referral):
        raise NotFound(_("No such referral."))
    request.actor.require(_respond_permission(referral))
    return referral


def _respond_permission(referral: Referral) -> str:
    if referral.kind == ReferralKind.TRANSFER:
        return perms.CASES_TRANSFER
    return perms.REFERRALS_RESPOND


def _send_permission(referral: Referral) -> str:
    if referral.kind == ReferralKind.TRANSFER:
        return perms.CASES_TRANSFER
    return perms.REFERRALS_SEND


def _referral_url(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"referral_id": referral.uuid})


def _accepted(referral: Referral) -> str:
    if referral.to_case is not None:
        return _("Accepted: case %(number)s was opened with the shared fields.") % {
            "number": referral.to_case.number
        }
    return _("The referral was accepted.")


@require_POST
@never_cache
@actor_required(perms.REFERRALS_VIEW)
def referral_accept(request: ActorRequest, referral_id: UUID) -> HttpResponse:
    """Accept: a case worker's acceptance opens the organization's own case from the shares."""
    referral = _for_write(request, referral_id)
    return perform(
        request,
        lambda: services.referral_accept(actor=request.actor, referral=referral),
        success=_accepted,
        redirect_to=_referral_url(referral),
    )


@require_POST
@never_cache
@actor_required(perms.REFERRALS_VIEW)
def referral_decline(request: ActorRequest, referral_id: UUID) -> HttpResponse:
    """Decline, with a reason."""
    referral = _answerable(request, referral_id)
    form = DeclineForm(request.POST)
    done = submit(
        request,
        form,
        lambda: services.referral_decline(
            actor=request.actor, referral=referral, reason=form.cleaned_data["reason"]
        ),
        success=_("The referral was declined."),
        redirect_to=_referral_url(referral),
        errors=add_errors,
    )
    return done or _render_referral(request, referral_id, decline_form=form)


@require_POST
@never_cache
@actor_required(perms.REFERRALS_VIEW)
def referral_complete(request: ActorRequest, referral_id: UUID) -> HttpResponse:
    """Record the outcome of an accepted referral."""
    referral = _answerable(request, referral_id)
    form = CompleteForm(request.POST)
    done = submit(
        request,
        form,
        lambda: services.referral_complete(
            actor=request.actor, referral=referral, outcome=form.cleaned_data["outcome"]
        ),
        success=_("The referral was completed."),
        redirect_to=_referral_url(referral),
        errors=add_errors,
    )
    return done or _render_referral(request, referral_id, complete_form=form)


@require_POST
@never_cache
@actor_required(perms.REFERRALS_VIEW)
def referral_withdraw(request: ActorRequest, referral_id: UUID) -> HttpResponse:
    """The sender takes back a referral still awaiting an answer."""
    referral = _for_write(request, referral_id)
    return perform(
        request,
        lambda: services.referral_withdraw(actor=request.actor, referral=referral),
        success=_("The referral was withdrawn."),
        redirect_to=_referral_url(referral),
    )


# --- Services delivered by the receiving organization (decision 0018).


def _services_context(
    request: ActorRequest, referral: Referral, form: ServiceDeliveryForm | None
) -> dict[str, Any]:
    """The services delivered on the referral, and the provider's form while it may record."""
    actor = request.actor
    may_record = deliveries.may_record_service(actor, referral)
    return {
        "services_delivered": deliveries.referral_services(actor=actor, referral=referral),
        "service_form": (form or ServiceDeliveryForm()) if may_record else None,
    }


@require_POST
@never_cache
@actor_required(perms.REFERRALS_RESPOND)
def service_record(request: ActorRequest, referral_id: UUID) -> HttpResponse:
    """The provider records a service it delivered; "completed" completes the referral."""
    referral = _answerable(request, referral_id)
    form = ServiceDeliveryForm(request.POST)
    done = submit(
        request,
        form,
        lambda: deliveries.referral_service_record(
            actor=request.actor,
            referral=referral,
            service_type=form.cleaned_data["service_type"],
            delivered_on=form.cleaned_data["delivered_on"],
            outcome=form.cleaned_data["outcome"],
            next_appointment_on=form.cleaned_data["next_appointment_on"],
            completed=form.cleaned_data["completed"],
        ),
        success=lambda record: (
            _("The service was recorded; the referral is completed.")
            if record.completes_referral
            else _("The service was recorded.")
        ),
        redirect_to=_referral_url(referral),
        errors=add_errors,
    )
    return done or _render_referral(request, referral_id, service_form=form)


# --- Referrals recorded from the organization's own files, not sent through OpenNRM (issue 14).


def _recorded_render(
    request: ActorRequest,
    case: Case,
    *,
    form: RecordedReferralForm | None = None,
    editing: tuple[UUID, RecordedReferralEditForm] | None = None,
) -> HttpResponse:
    """The case's recorded referrals, the form to add one, and one open for a change."""
    actor = request.actor
    can_edit = actor.can(perms.CASES_UPDATE)
    identifying = actor.can(perms.IDENTIFYING_DATA_VIEW)
    if form is None and can_edit:
        form = RecordedReferralForm(identifying=identifying)
    context = {
        "case": case,
        "recorded": list(selectors.recorded_referral_list(actor=actor, case=case)),
        "recorded_form": form,
        "can_edit": can_edit,
        "identifying": identifying,
        "editing": editing,
    }
    return render(request, "referrals/recorded.html", context)


def _recorded_after(case: Case) -> str:
    return reverse("cases:case_detail", kwargs={"case_id": case.uuid}) + "#case-referrals"


@require_GET
@never_cache
@actor_required(perms.CASES_VIEW)
def recorded_list(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """The referrals of a case recorded from the organization's own files, with their forms."""
    case = case_selectors.case_get(actor=request.actor, case_id=case_id)
    return _recorded_render(request, case)


@require_POST
@never_cache
@actor_required(perms.CASES_UPDATE)
def recorded_add(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Record a referral made outside OpenNRM; refused, the page shows the errors by the fields."""
    case = case_selectors.case_get(actor=request.actor, case_id=case_id, audit=False)
    identifying = request.actor.can(perms.IDENTIFYING_DATA_VIEW)
    form = RecordedReferralForm(request.POST, identifying=identifying)
    done = submit(
        request,
        form,
        lambda: recorded.recorded_referral_add(
            actor=request.actor, case=case, data=form.data_for_service()
        ),
        success=_("The referral was recorded as made outside OpenNRM."),
        redirect_to=_recorded_after(case),
    )
    return done or _recorded_render(request, case, form=form)


@require_http_methods(["GET", "POST"])
@never_cache
@actor_required(perms.CASES_UPDATE)
def recorded_edit(request: ActorRequest, case_id: UUID, recorded_id: UUID) -> HttpResponse:
    """One recorded referral in its form (GET), or changed (POST)."""
    actor = request.actor
    case = case_selectors.case_get(actor=actor, case_id=case_id, audit=False)
    referral = selectors.recorded_referral_get(actor=actor, case=case, referral_id=recorded_id)
    identifying = actor.can(perms.IDENTIFYING_DATA_VIEW)
    if request.method != "POST":
        initial = RecordedReferralForm.initial_for(referral, identifying=identifying)
        form = RecordedReferralEditForm(
            initial=initial, identifying=identifying, prefix=referral.uuid.hex
        )
        return _recorded_render(request, case, editing=(referral.uuid, form))
    form = RecordedReferralEditForm(request.POST, identifying=identifying, prefix=referral.uuid.hex)
    done = submit(
        request,
        form,
        lambda: recorded.recorded_referral_update(
            actor=actor,
            case=case,
            referral_id=referral.uuid,
            version=form.cleaned_data["version"],
            data=form.data_for_service(),
        ),
        success=_("The recorded referral was saved."),
        redirect_to=_recorded_after(case),
    )
    return done or _recorded_render(request, case, editing=(referral.uuid, form))


@require_POST
@never_cache
@actor_required(perms.CASES_UPDATE)
def recorded_remove(request: ActorRequest, case_id: UUID, recorded_id: UUID) -> HttpResponse:
    """Remove a referral recorded in error: kept, marked removed, no longer shown."""
    case = case_selectors.case_get(actor=request.actor, case_id=case_id, audit=False)
    return perform(
        request,
        lambda: recorded.recorded_referral_remove(
            actor=request.actor, case=case, referral_id=recorded_id
        ),
        success=_("The recorded referral was removed."),
        redirect_to=_recorded_after(case),
    )
