"""The duplicate check at intake, hints across organizations, and contact requests.

Who sees what (decision 0021, as built here):

- **Within the organization** (``PERSONS_MATCH``): the persons of the cases the actor may already
  see (``case_visible``), by case number; their names only with ``IDENTIFYING_DATA_VIEW``, and
  that read is audited like a list page's.
- **Across organizations** (``MATCH_HINTS_VIEW``: case workers and supervisors; never a service
  provider, the police liaison, an analyst or an admin): only "a possible record exists at X",
  the band and the kinds of attributes that matched, behind a ``MatchHint`` uuid. Offered only
  when both organizations take part (``match_hints``; reciprocal opt-out) and neither is a
  law-enforcement organization: a victim's record never reaches the police, nor theirs an NGO,
  through a hint. Only "medium" and "high" likeness is offered across organizations: a weak
  likeness would tell another organization something on too little.
- **A contact request** asks X, through the hint, to get in touch; X's members who answer
  requests (``MATCH_REQUESTS_RESPOND``) see their own matched case, if they may see it, and either
  decline or say they will get in touch, then refer their person through the referral form,
  where the person's consent rules hold. Both sides' audit logs record the hint and the request,
  never a value.

Latency: one query for the other organizations, one for the candidates of both sides (name keys,
``people.search``, the best ``INTAKE_CANDIDATES`` by key weight), two for our visible cases among
them, one load of the persons to score; phones add one query when given; the first showing of a
hint writes it and its audit events (bench/matching.py latency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization, OrganizationType
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import AuditEntry, audit_read_many, audit_record, audit_record_many
from opennrm.cases.models import Case
from opennrm.cases.selectors import NAME_FIELDS, case_visible
from opennrm.errors import Conflict, NotFound, PermissionDenied
from opennrm.matching.score import LOW, MEDIUM, Match, Probe, score
from opennrm.notifications.services import notification_send
from opennrm.people.models import Person, PersonPhone, other_names
from opennrm.people.search import COMPARED_FIELDS, persons_by_name
from opennrm.people.services import MAX_TEXT, PERSON_FIELDS, phone_token
from opennrm.validation import EARLIEST_BIRTH, MAX_ITEMS, Checker

from .audit_intake import IntakeAction
from .models_intake import ContactRequest, ContactRequestStatus, MatchHint

MAX_OWN = 10  # own-organization matches shown
# Candidates scored per side, the best by shared name-key weight: a person sharing the name's
# keys ranks near the top, and scoring (decrypting) more costs the typist time (bench/intake_check).
INTAKE_CANDIDATES = 80
MAX_HINTS = 5  # other organizations named at most
MAX_MESSAGE = 500
_FIELDS = (*PERSON_FIELDS, "sex")  # the API and bench may say "sex" for "gender"
_PERSON_COLUMNS = ("pk", "organization_id", *COMPARED_FIELDS)


@dataclass
class OwnMatch:
    """A person of a case the actor may see: the case, its number, the name if they read names."""

    case_uuid: UUID
    case_number: str
    name: str  # "" without IDENTIFYING_DATA_VIEW
    match: Match


@dataclass
class Hint:
    """A possible record at another organization: its name, the band, what kinds matched."""

    uuid: UUID
    organization_name: str
    band: str
    kinds: list[str]
    request_status: str = ""  # of a request already sent through this hint

    @property
    def band_label(self) -> str:
        return Match(band=self.band).band_label

    @property
    def kind_labels(self) -> list[str]:
        return Match(kinds=self.kinds).kind_labels

    @property
    def request_status_label(self) -> str:
        if not self.request_status:
            return ""
        return str(ContactRequestStatus(self.request_status).label)


@dataclass
class Matches:
    checked: bool = False  # a name was given, so the check ran
    own: list[OwnMatch] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)


# --- The check.


def probe_from(data: dict[str, Any], *, today: date) -> Probe:
    """The person's values as compared, from the person form or API fields. Raises
    ``ValidationFailed`` naming each bad field, with the same bounds as saving the person."""
    check = Checker()
    check.unknown(data, _FIELDS)
    given, family, patronymic = (
        check.text(name, data.get(name), max_length=MAX_TEXT, multiline=False)
        for name in ("given_name", "family_name", "patronymic")
    )
    others = []
    for i, item in enumerate(check.list_size("names", data.get("names"), max_items=MAX_ITEMS)):
        value = item.get("value", "") if isinstance(item, dict) else item
        text = check.text(f"names[{i}]", value, max_length=MAX_TEXT, multiline=False)
        if text:
            others.append(text)
    born = check.date("birth_date", data.get("birth_date"), earliest=EARLIEST_BIRTH, latest=today)
    year = check.integer(
        "birth_year", data.get("birth_year"), low=EARLIEST_BIRTH.year, high=today.year
    )
    sex_field = "sex" if "sex" in data else "gender"
    sex = data.get(sex_field) or ""
    if not isinstance(sex, str) or len(sex) > 30:
        check.add(sex_field, _("Choose one of the listed values."))
        sex = ""
    citizenship = check.country("citizenship", data.get("citizenship"))
    phones = set()
    for i, raw in enumerate(check.list_size("phones", data.get("phones"), max_items=MAX_ITEMS)):
        number = check.phone(f"phones[{i}]", raw, region=citizenship or None)
        if number:
            phones.add(phone_token(number))
    check.raise_if_errors()
    return Probe(
        given=given,
        family=family,
        patronymic=patronymic,
        others=tuple(others),
        birth_date=born.isoformat() if born else "",
        birth_year=year,
        sex=sex,
        citizenship=citizenship,
        phones=frozenset(phones),
    )


def _record(person: Person, phones: frozenset[str]) -> Probe:
    year = person.birth_year
    return Probe(
        given=person.given_name or "",
        family=person.family_name or "",
        patronymic=person.patronymic or "",
        others=tuple(other_names(person.names)),
        birth_date=person.birth_date or "",
        birth_year=int(year) if year and str(year).isdigit() else None,
        sex=person.gender or "",
        citizenship=person.citizenship or "",
        phones=phones,
    )


def _candidates(probe: Probe, organization_ids: list[int]) -> tuple[list[int], dict[int, set]]:
    """The ids of the persons sharing name keys (best first) or a phone with the probe, within
    the organizations; and, per person, the phone tokens shared."""
    text = " ".join(probe.name_texts())
    ranked = persons_by_name(text, organization_ids=organization_ids, limit=INTAKE_CANDIDATES)
    ids = [pk for pk, _weight in ranked]
    shared: dict[int, set] = {}
    if probe.phones:
        rows = PersonPhone.objects.filter(
            organization_id__in=organization_ids, token__in=sorted(probe.phones)
        ).values_list("person_id", "token")[:INTAKE_CANDIDATES]
        for pk, token in rows:
            shared.setdefault(pk, set()).add(token)
            if pk not in ids:
                ids.append(pk)
    return ids, shared


def _scored(
    probe: Probe, persons: list[Person], shared: dict[int, set], floor: float
) -> dict[int, tuple[Person, Match]]:
    out = {}
    for person in persons:
        m = score(probe, _record(person, frozenset(shared.get(person.pk, ()))))
        if m.score >= floor:
            out[person.pk] = (person, m)
    return out


def possible_matches(
    *,
    actor: Actor,
    data: dict[str, Any],
    exclude_case: Case | None = None,
    across: bool = True,
) -> Matches:
    """The possible matches of a person being recorded or edited: the actor's organization's
    (as the actor may already see them) and hints of other organizations' records, best first.

    ``data`` holds the person form or API fields; bad values raise ``ValidationFailed``. Returns
    an empty ``Matches`` (``checked`` False) when no name is given. ``across`` False leaves the
    other organizations out (no hint is offered or recorded).
    """
    actor.require(perms.PERSONS_MATCH)
    organization = actor.active_organization
    probe = probe_from(data, today=local_today(organization))
    result = Matches()
    if not probe.has_name():
        return result
    result.checked = True
    # ``across`` False: the organization's own records only (an import matching its rows).
    taking_part = across and _takes_part(actor, organization)
    offering = _offering(organization) if taking_part else {}
    # One candidates query for both sides: the best by key weight, here and at the others.
    ids, shared = _candidates(probe, [organization.pk, *offering])
    if not ids:
        return result
    # Our cases of those persons that the actor sees: the keys by the person index, then the
    # visible ones among those few (as the case list's name search does).
    keys = Case.objects.filter(person_id__in=ids)
    if exclude_case is not None:
        keys = keys.exclude(pk=exclude_case.pk).exclude(person_id=exclude_case.person_id)
    rows = list(
        case_visible(actor=actor)
        .filter(pk__in=list(keys.values_list("pk", flat=True)))
        .order_by("-opened_on")
        .values_list("uuid", "number", "person_id")
    )
    # One load, decrypting only persons of visible cases and other organizations' offered ones.
    visible = {person_id for _uuid, _number, person_id in rows}
    wanted = [pk for pk in ids if pk in visible] if not offering else ids
    persons = Person.objects.filter(pk__in=wanted)
    if offering:
        persons = persons.filter(Q(pk__in=visible) | Q(organization_id__in=list(offering)))
    loaded = list(persons.only(*_PERSON_COLUMNS))
    own = [p for p in loaded if p.organization_id == organization.pk]
    others = [p for p in loaded if p.organization_id != organization.pk]
    ours = _scored(probe, own, shared, LOW)
    theirs = _scored(probe, others, shared, MEDIUM) if offering and others else {}
    if not ours and not theirs:
        return result
    # The read of our names and the first showing of hints are audited in one transaction: one
    # commit per check, not two.
    with transaction.atomic():
        result.own = _own_matches(actor, probe, rows, ours)
        if theirs:
            result.hints = _hints(actor, organization, offering, theirs)
    return result


def _own_matches(
    actor: Actor,
    probe: Probe,
    rows: list[tuple[UUID, str, int]],
    scored: dict[int, tuple[Person, Match]],
) -> list[OwnMatch]:
    names = actor.can(perms.IDENTIFYING_DATA_VIEW)
    found = []
    for case_uuid, number, person_id in rows:
        if person_id in scored:
            person, m = scored[person_id]
            name = " ".join(
                p for p in (person.family_name, person.given_name, person.patronymic) if p
            )
            found.append(OwnMatch(case_uuid, number, name if names else "", m))
    found.sort(key=lambda o: -o.match.score)
    found = found[:MAX_OWN]
    if names and found:
        audit_read_many(
            actor=actor,
            object_type=Case._meta.label_lower,
            object_ids=[o.case_uuid for o in found],
            fields=NAME_FIELDS,
        )
    return found


def _takes_part(actor: Actor, organization: Organization) -> bool:
    """Whether the actor sees hints of other organizations: the right role, in an organization
    that takes part and is not law enforcement."""
    return (
        actor.can(perms.MATCH_HINTS_VIEW)
        and organization.match_hints
        and organization.org_type != OrganizationType.LAW_ENFORCEMENT
    )


def _offering(organization: Organization) -> dict[int, Organization]:
    """The other organizations whose persons may be offered: active, taking part, not law
    enforcement; by id."""
    others = (
        Organization.objects.filter(is_active=True, match_hints=True)
        .exclude(pk=organization.pk)
        .exclude(org_type=OrganizationType.LAW_ENFORCEMENT)
    )
    return {o.pk: o for o in others.only("pk", "uuid", "name")}


def _hints(
    actor: Actor,
    organization: Organization,
    offering: dict[int, Organization],
    scored: dict[int, tuple[Person, Match]],
) -> list[Hint]:
    """The best match of each offering organization as a hint; the hints shown for the first time
    recorded with their audit events, in the caller's transaction."""
    best: dict[int, tuple[Person, Match]] = {}  # one per organization: its best
    for person, m in scored.values():
        current = best.get(person.organization_id)
        if current is None or m.score > current[1].score:
            best[person.organization_id] = (person, m)
    chosen = sorted(best.values(), key=lambda pm: -pm[1].score)[:MAX_HINTS]
    if not chosen:
        return []
    existing = {
        h.person_id: h
        for h in MatchHint.objects.filter(
            organization=organization,
            asked_by=actor.user,
            person_id__in=[p.pk for p, _m in chosen],
        ).select_related("request")
    }
    hints, changed, created = [], [], []
    for person, m in chosen:
        hint = existing.get(person.pk)
        if hint is None:
            hint = MatchHint(
                organization=organization,
                asked_by=actor.user,
                offered_organization_id=person.organization_id,
                person=person,
                band=m.band,
                kinds=m.kinds,
            )
            created.append(hint)
        elif hint.band != m.band or hint.kinds != m.kinds:
            hint.band, hint.kinds = m.band, m.kinds
            changed.append(hint)
        hints.append(hint)
    MatchHint.objects.bulk_create(created)
    if changed:
        MatchHint.objects.bulk_update(changed, ["band", "kinds", "updated_at"])
    fresh = {id(h) for h in created}
    # The first showing, under both organizations: one event per organization naming the
    # hints (their own uuids), no value.
    label = MatchHint._meta.label_lower
    if created:
        audit_record_many(
            actor=actor,
            action=IntakeAction.HINT_SHOWN,
            entries=[
                AuditEntry(object_type=label, object_ids=[h.uuid for h in created]),
                *(
                    AuditEntry(
                        object_type=label,
                        object_id=h.uuid,
                        organization=offering[h.offered_organization_id],
                    )
                    for h in created
                ),
            ],
        )
    return [
        Hint(
            uuid=h.uuid,
            organization_name=offering[h.offered_organization_id].name,
            band=h.band,
            kinds=list(h.kinds),
            request_status="" if id(h) in fresh else _request_status(h),
        )
        for h in hints
    ]


def _request_status(hint: MatchHint) -> str:
    try:
        return hint.request.status
    except ContactRequest.DoesNotExist:
        return ""


# --- Contact requests.


def _hint_get(actor: Actor, hint_id: UUID | str) -> MatchHint:
    """One of the actor's own hints; NotFound for any other, or when either organization has
    stopped taking part since it was shown."""
    try:
        hint = MatchHint.objects.select_related("offered_organization").get(
            uuid=hint_id, asked_by=actor.user, organization=actor.active_organization
        )
    except (MatchHint.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such hint.")) from None
    other = hint.offered_organization
    if (
        not other.is_active
        or not other.match_hints
        or other.org_type == OrganizationType.LAW_ENFORCEMENT
    ):
        raise NotFound(_("No such hint."))
    return hint


def hint_get(*, actor: Actor, hint_id: UUID | str) -> Hint:
    """A hint the actor was shown, as they may see it: the organization, band and kinds."""
    actor.require(perms.MATCH_HINTS_VIEW)
    if not _takes_part(actor, actor.active_organization):
        raise PermissionDenied(
            _("You do not have permission to do this."), rule=perms.MATCH_HINTS_VIEW
        )
    hint = _hint_get(actor, hint_id)
    return Hint(
        uuid=hint.uuid,
        organization_name=hint.offered_organization.name,
        band=hint.band,
        kinds=list(hint.kinds),
        request_status=ContactRequest.objects.filter(hint=hint)
        .values_list("status", flat=True)
        .first()
        or "",
    )


@transaction.atomic
def contact_request_send(*, actor: Actor, hint_id: UUID | str, message: str = "") -> ContactRequest:
    """Ask the organization of a hint to get in touch; its members who answer requests are
    notified. One request per hint. Audited under both organizations."""
    actor.require(perms.MATCH_HINTS_VIEW)
    organization = actor.active_organization
    if not _takes_part(actor, organization):
        raise PermissionDenied(
            _("You do not have permission to do this."), rule=perms.MATCH_HINTS_VIEW
        )
    hint = _hint_get(actor, hint_id)
    check = Checker()
    message = check.text("message", message, max_length=MAX_MESSAGE)
    check.raise_if_errors()
    if ContactRequest.objects.filter(hint=hint).exists():
        raise Conflict(_("You have already asked this organization to get in touch."))
    request = ContactRequest.objects.create(
        hint=hint,
        from_organization=organization,
        to_organization=hint.offered_organization,
        sent_by=actor.user,
        message=message,
    )
    audit_record(actor=actor, action=IntakeAction.REQUEST_SEND, obj=request)
    audit_record(
        actor=actor,
        action=IntakeAction.REQUEST_SEND,
        obj=request,
        organization=hint.offered_organization,
    )
    notification_send(
        organization=hint.offered_organization,
        kind="contact_request.new",
        message=gettext_noop(
            "%(organization)s asks you to get in touch about a possible shared record."
        ),
        params={"organization": organization.name},
        url=reverse("linkage:requests"),
        permission=perms.MATCH_REQUESTS_RESPOND,
    )
    return request


@dataclass
class ReceivedRequest:
    """A request received, with the matched case of ours when the actor may see it."""

    request: ContactRequest
    case_uuid: UUID | None
    case_number: str


def contact_requests_received(*, actor: Actor) -> list[ReceivedRequest]:
    """Requests to get in touch received by the actor's organization, newest first, each with
    the matched case if the actor may see it."""
    actor.require(perms.MATCH_REQUESTS_RESPOND)
    organization = actor.active_organization
    requests = list(
        ContactRequest.objects.filter(to_organization=organization)
        .select_related("from_organization", "hint")
        .order_by("-created_at")[:200]
    )
    person_ids = {r.hint.person_id for r in requests}
    cases: dict[int, tuple[UUID, str]] = {}
    if person_ids:
        for uuid, number, person_id in (
            case_visible(actor=actor)
            .filter(person_id__in=person_ids)
            .order_by("opened_on")
            .values_list("uuid", "number", "person_id")
        ):
            cases[person_id] = (uuid, number)
    out = []
    for r in requests:
        case = cases.get(r.hint.person_id)
        out.append(ReceivedRequest(r, case[0] if case else None, case[1] if case else ""))
    return out


def contact_requests_sent(*, actor: Actor) -> QuerySet[ContactRequest]:
    """Requests sent by the actor's organization, newest first: to whom, and their status."""
    actor.require(perms.MATCH_HINTS_VIEW)
    return (
        ContactRequest.objects.filter(from_organization=actor.active_organization)
        .select_related("to_organization")
        .defer("message")
        .order_by("-created_at")[:200]
    )


def contact_request_received_get(*, actor: Actor, request_id: UUID | str) -> ReceivedRequest:
    """One request received by the actor's organization; NotFound for any other."""
    for item in contact_requests_received(actor=actor):
        if str(item.request.uuid) == str(request_id):
            return item
    raise NotFound(_("No such request."))


ANSWERS = {"accept": ContactRequestStatus.ACCEPTED, "decline": ContactRequestStatus.DECLINED}


@transaction.atomic
def contact_request_answer(*, actor: Actor, request_id: UUID | str, answer: str) -> ContactRequest:
    """Answer a request received: "accept" (we will get in touch) or "decline". The asking
    organization is notified. Audited under both organizations."""
    actor.require(perms.MATCH_REQUESTS_RESPOND)
    organization = actor.active_organization
    try:
        request = (
            ContactRequest.objects.select_for_update(of=("self",))
            .select_related("from_organization")
            .get(uuid=request_id, to_organization=organization)
        )
    except (ContactRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such request.")) from None
    check = Checker()
    status = check.choice("answer", answer, list(ANSWERS), required=True)
    check.raise_if_errors()
    if request.status != ContactRequestStatus.PENDING:
        raise Conflict(_("This request has already been answered."))
    request.status = ANSWERS[status]
    request.answered_by = actor.user
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_by", "answered_at"])
    audit_record(actor=actor, action=IntakeAction.REQUEST_ANSWER, obj=request, fields=["status"])
    audit_record(
        actor=actor,
        action=IntakeAction.REQUEST_ANSWER,
        obj=request,
        fields=["status"],
        organization=request.from_organization,
    )
    notification_send(
        organization=request.from_organization,
        kind="contact_request.answered",
        message=(
            gettext_noop("%(organization)s will get in touch about the possible shared record.")
            if request.status == ContactRequestStatus.ACCEPTED
            else gettext_noop("%(organization)s declined the request to get in touch.")
        ),
        params={"organization": organization.name},
        url=reverse("linkage:requests") + "?tab=sent",
        permission=perms.MATCH_HINTS_VIEW,
    )
    return request
