"""Batch duplicate search: services, selectors and the job body (decision 0021).

- A supervisor (``LINKAGE_RUN``) searches the own organization's persons; the results are pairs
  of cases the supervisor may open, each with a probability band.
- The national coordinator's data analyst (``LINKAGE_NATIONAL``, and the organization marked
  ``national_coordinator``) searches every active organization with matching hints on; the
  results are counts and pairs of (organization, case number): never a name, a person or a link
  to a case. Anyone else gets the answer of a page that does not exist.

The job decrypts the persons in memory only, in the worker, hands them to
``opennrm.matching.batch.link`` and stores the links (two person ids and a probability).

For the statistics: a finished run stores its groups (``PersonCluster``: each member keyed by
the group's lowest person id), by which stats counts people once. ``distinct_persons(person_ids)``
counts how many people a set of persons are once the latest finished national run's links join
the same person's records (union-find over the links); ``person_clusters(person_ids)`` gives the
groups themselves.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_visible
from opennrm.errors import Conflict, NotFound
from opennrm.matching import batch as matching
from opennrm.people.models import Person, other_names
from opennrm.people.search import COMPARED_FIELDS

from .audit_batch import LinkageAction
from .models_batch import LinkageRun, LinkageScope, LinkageStatus, PersonCluster, PersonLink

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=6)  # a run queued or running longer has lost its worker
PROGRESS_STEP = 0.05  # the job writes its progress when it moved at least this much
BANDS = [
    (0.95, "high", gettext_lazy("Very likely the same person")),
    (0.8, "medium", gettext_lazy("Likely the same person")),
    (0.0, "low", gettext_lazy("Possibly the same person")),
]


def band_of(probability: float) -> tuple[str, str]:
    """The band of a match probability: its key and its words."""
    for floor, key, label in BANDS:
        if probability >= floor:
            return key, str(label)
    return BANDS[-1][1], str(BANDS[-1][2])


# --- Who may


def national_allowed(actor: Actor) -> bool:
    """The national linkage acts only for the analyst of the national coordinator."""
    organization = actor.organization
    return (
        actor.can(perms.LINKAGE_NATIONAL)
        and organization is not None
        and organization.national_coordinator
    )


def _require_scope(actor: Actor, scope: str) -> None:
    if scope == LinkageScope.NATIONAL:
        if not national_allowed(actor):
            raise NotFound("No such duplicate search.")
    else:
        actor.require(perms.LINKAGE_RUN)


# --- Services


def linkage_run_start(*, actor: Actor, scope: str) -> LinkageRun:
    """Start a run for the actor's organization (or nationally) and queue its job; one run of a
    scope at a time per organization."""
    from .tasks import linkage_run_job

    if scope not in LinkageScope.values:
        raise NotFound("No such duplicate search.")
    _require_scope(actor, scope)
    organization = actor.active_organization
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        busy = LinkageRun.objects.filter(
            organization=organization,
            scope=scope,
            status__in=[LinkageStatus.QUEUED, LinkageStatus.RUNNING],
            created_at__gte=timezone.now() - STALE_AFTER,
        ).exists()
        if busy:
            raise Conflict(_("A duplicate search is already running; wait for it to finish."))
        run = LinkageRun.objects.create(
            scope=scope, organization=organization, started_by=actor.user
        )
        audit_record(actor=actor, action=LinkageAction.RUN_START, obj=run)
        run_id = str(run.uuid)
        transaction.on_commit(lambda: linkage_run_job.enqueue(run_id=run_id))
    return run


def linkage_run_open(*, organization: Organization, scope: str) -> LinkageRun:
    """A run started from the command line (``manage.py linkage_run``), by whoever may run
    commands on the server: no actor, recorded in the audit chain under the organization."""
    if scope == LinkageScope.NATIONAL and not organization.national_coordinator:
        raise NotFound("No such duplicate search.")
    with transaction.atomic():
        run = LinkageRun.objects.create(scope=scope, organization=organization, started_by=None)
        audit_record(actor=None, action=LinkageAction.RUN_START, obj=run, organization=organization)
    return run


def _records(run: LinkageRun) -> tuple[list[matching.Record], dict[int, int]]:
    """The persons of the run's pool, decrypted in memory; and each person's organization."""
    if run.scope == LinkageScope.NATIONAL:
        organizations = Organization.objects.filter(is_active=True, match_hints=True)
        persons = Person.objects.filter(organization__in=organizations)
    else:
        persons = Person.objects.filter(organization=run.organization)
    records, organization_of = [], {}
    columns = ("id", "organization_id", *COMPARED_FIELDS, "phones", "documents")
    for person in persons.only(*columns).iterator(chunk_size=2000):
        organization_of[person.pk] = person.organization_id
        records.append(_record(person))
    return records, organization_of


def _record(person: Person) -> matching.Record:
    documents = []
    for doc in person.documents or []:
        number = doc.get("number") if isinstance(doc, dict) else None
        if isinstance(number, str) and number.strip():
            documents.append("".join(number.split()).upper())
    year = str(person.birth_year or "").strip()
    return matching.Record(
        id=str(person.pk),
        organization=str(person.organization_id),
        given=person.given_name or "",
        family=person.family_name or "",
        patronymic=person.patronymic or "",
        others=tuple(other_names(person.names)),
        birth_date=person.birth_date or "",
        birth_year=int(year) if year.isdigit() else None,
        sex=person.gender or "",
        citizenship=person.citizenship or "",
        phones=tuple(p for p in person.phones or [] if isinstance(p, str)),
        documents=tuple(documents),
    )


def linkage_run_execute(
    *, run_id: UUID | str, on_progress: matching.Progress | None = None
) -> LinkageRun:
    """The job: link the run's pool and store the links. Progress is written as it goes; a
    failure is recorded as such, without the records' contents."""
    run = LinkageRun.objects.get(uuid=run_id)
    if run.status != LinkageStatus.QUEUED:
        return run
    LinkageRun.objects.filter(pk=run.pk).update(status=LinkageStatus.RUNNING, progress=0.0)
    written = [0.0]

    def progress(fraction: float) -> None:
        fraction = max(0.0, min(0.99, fraction * 0.9))  # the last tenth: storing the links
        if fraction - written[0] >= PROGRESS_STEP:
            written[0] = fraction
            LinkageRun.objects.filter(pk=run.pk).update(progress=fraction)
            if on_progress is not None:
                on_progress(fraction)

    try:
        records, organization_of = _records(run)
        result = matching.link(
            records,
            between_organizations=False,
            progress=progress,
        )
        with transaction.atomic():
            links = [
                PersonLink(
                    run=run,
                    person_a_id=a,
                    person_b_id=b,
                    probability=min(1.0, max(0.0, pair.probability)),
                    organization_a_id=organization_of[a],
                    organization_b_id=organization_of[b],
                )
                for pair in result.pairs
                for a, b in [sorted((int(pair.id_a), int(pair.id_b)))]
            ]
            PersonLink.objects.bulk_create(links, batch_size=1000)
            linked = {pk for link in links for pk in (link.person_a_id, link.person_b_id)}
            pairs = [(link.person_a_id, link.person_b_id) for link in links]
            PersonCluster.objects.bulk_create(
                (
                    PersonCluster(run=run, person_id=pk, cluster=group[0])
                    for group in groups(linked, pairs)
                    for pk in group
                ),
                batch_size=1000,
            )
            run.status = LinkageStatus.DONE
            run.progress = 1.0
            run.records = result.records
            run.pairs = len(links)
            run.clusters = len(result.clusters)
            run.persons = result.records - sum(len(c) - 1 for c in result.clusters)
            run.organizations = len(set(organization_of.values()))
            run.trained = result.trained
            run.finished_at = timezone.now()
            run.save()
            audit_record(
                actor=None,
                action=LinkageAction.RUN_FINISH,
                obj=run,
                organization=run.organization,
            )
    except Exception:
        # The message may quote a value: only the kind of error is logged.
        logger.error("linkage run %s failed", run.uuid, exc_info=False)
        LinkageRun.objects.filter(pk=run.pk).update(
            status=LinkageStatus.FAILED, finished_at=timezone.now()
        )
        run.refresh_from_db()
    return run


# --- Selectors


def linkage_run_list(*, actor: Actor, scope: str) -> QuerySet[LinkageRun]:
    """The organization's runs of one scope, newest first."""
    _require_scope(actor, scope)
    return LinkageRun.objects.filter(organization=actor.active_organization, scope=scope).order_by(
        "-created_at", "-id"
    )


def linkage_run_get(*, actor: Actor, scope: str, run_id: UUID | str) -> LinkageRun:
    """One run of the organization, of the scope the page shows; NotFound otherwise."""
    runs = linkage_run_list(actor=actor, scope=scope)
    run = runs.filter(uuid=run_id).first()
    if run is None:
        raise NotFound("No such duplicate search.")
    return run


@dataclass(frozen=True)
class CasePair:
    """A pair found within the organization: a case of each person, and the band."""

    case_a: Case | None
    case_b: Case | None
    probability: float
    band: str
    band_label: str


def linkage_pairs(*, actor: Actor, run: LinkageRun) -> list[CasePair]:
    """The pairs of an organization run as cases the actor may open (each person's first case);
    the view is audited."""
    _require_scope(actor, LinkageScope.ORGANIZATION)
    if (
        run.scope != LinkageScope.ORGANIZATION
        or run.organization_id != actor.active_organization.pk
    ):
        raise NotFound("No such duplicate search.")
    links = list(run.links.order_by("-probability", "id"))
    first_case = _first_cases(
        case_visible(actor=actor),
        {p for link in links for p in (link.person_a_id, link.person_b_id)},
    )
    pairs = []
    for link in links:
        band, label = band_of(link.probability)
        pairs.append(
            CasePair(
                first_case.get(link.person_a_id),
                first_case.get(link.person_b_id),
                link.probability,
                band,
                label,
            )
        )
    with transaction.atomic():
        audit_record(actor=actor, action=LinkageAction.RESULTS_VIEW, obj=run)
    return pairs


def _first_cases(cases: QuerySet[Case], person_ids: set[int]) -> dict[int, Case]:
    out: dict[int, Case] = {}
    if not person_ids:
        return out
    for case in (
        cases.filter(person_id__in=person_ids)
        .only("uuid", "number", "person_id", "opened_on")
        .order_by("opened_on", "id")
    ):
        out.setdefault(case.person_id, case)
    return out


@dataclass(frozen=True)
class NationalPair:
    organization_a: str
    case_a: str
    organization_b: str
    case_b: str
    band: str
    band_label: str


@dataclass
class NationalResults:
    records: int
    pairs: int
    persons: int
    organizations: int
    by_organizations: list[tuple[str, str, int]]  # (organization, organization, pairs)
    rows: list[NationalPair]


def linkage_national_results(*, actor: Actor, run: LinkageRun) -> NationalResults:
    """A national run as counts and pairs of (organization, case number); audited."""
    _require_scope(actor, LinkageScope.NATIONAL)
    if run.scope != LinkageScope.NATIONAL or run.organization_id != actor.active_organization.pk:
        raise NotFound("No such duplicate search.")
    links = list(run.links.order_by("-probability", "id"))
    names = dict(Organization.objects.values_list("pk", "name"))
    persons = {p for link in links for p in (link.person_a_id, link.person_b_id)}
    number = {}
    for person_id, case_number in (
        Case.objects.filter(person_id__in=persons)
        .order_by("-opened_on", "-id")
        .values_list("person_id", "number")
    ):
        number[person_id] = case_number  # the first case wins: the list goes newest first
    counts: Counter[tuple[str, str]] = Counter()
    rows = []
    for link in links:
        a = (names[link.organization_a_id], number.get(link.person_a_id, "—"))
        b = (names[link.organization_b_id], number.get(link.person_b_id, "—"))
        a, b = sorted((a, b))
        counts[(a[0], b[0])] += 1
        band, label = band_of(link.probability)
        rows.append(NationalPair(a[0], a[1], b[0], b[1], band, label))
    with transaction.atomic():
        audit_record(actor=actor, action=LinkageAction.RESULTS_VIEW, obj=run)
    return NationalResults(
        records=run.records,
        pairs=run.pairs,
        persons=run.persons,
        organizations=run.organizations,
        by_organizations=sorted(
            ((a, b, n) for (a, b), n in counts.items()), key=lambda x: (-x[2], x[0], x[1])
        ),
        rows=rows,
    )


# --- For the statistics: distinct persons across organizations


def latest_national_run() -> LinkageRun | None:
    """The latest finished national run, whose links the statistics count by."""
    return (
        LinkageRun.objects.filter(scope=LinkageScope.NATIONAL, status=LinkageStatus.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def groups(person_ids: Iterable[int], links: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The persons grouped into people by the links among them (transitively): each group
    sorted, singletons included, the groups in order of their lowest id."""
    ids = sorted(set(person_ids))
    parent = {i: i for i in ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    found: dict[int, list[int]] = {}
    for i in ids:
        found.setdefault(find(i), []).append(i)
    return sorted(found.values())


def person_clusters(person_ids: Iterable[int], *, run: LinkageRun | None = None) -> list[list[int]]:
    """The given persons grouped into people by the links of ``run`` (default: the latest
    finished national run) among them: each group sorted, singletons included. Ids only."""
    run = run or latest_national_run()
    if run is None:
        return groups(person_ids, [])
    links = PersonLink.objects.filter(run=run).values_list("person_a_id", "person_b_id")
    return groups(person_ids, links.iterator(chunk_size=5000))


def distinct_persons(person_ids: Iterable[int], *, run: LinkageRun | None = None) -> int:
    """How many people the given persons are, once the latest national run's links join the
    records of one person kept by several organizations (or twice by one)."""
    return len(person_clusters(person_ids, run=run))
