"""The counts kept ahead (``stats/rollup.py``) are the cases counted one by one: after opening,
editing, closing, a person's sex or citizenship changed, consent given and withdrawn, a merge
and its undoing, a case deleted, a rollback; for periods of whole months and cut ones, per
organization and consent; people counted once with a linkage run; and ``stats_rebuild`` gives
the same counts from nothing."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from opennrm.cases import services as cases
from opennrm.cases.models import Case
from opennrm.linkage.merge import person_merge, person_merge_undo
from opennrm.linkage.models_batch import LinkageRun, LinkageScope, LinkageStatus, PersonCluster
from opennrm.people.models import Person
from opennrm.stats import queries, rollup
from opennrm.stats.models_rollup import CaseCount, CaseFact, SharedPerson
from opennrm.stats.queries import Scope
from tests.conftest import World

MEASURES = tuple(rollup.MEASURES)
PEOPLE = ("opened", "sex", "age", "citizenship")
TYPES = ("SexualExploitation", "ForcedLabour", "ForcedMarriage")


def _live(scope: Scope, measure: str) -> Counter:
    return queries._counted_live(scope, measure, by_month=True, by_organization=True)


def _kept(scope: Scope, measure: str) -> Counter:
    found = queries.counted(scope, measure, by_month=True, by_organization=True)
    return Counter({k: n for k, n in found.items() if n})


def _people_live(scope: Scope, measure: str) -> dict[str, int]:
    """Distinct people per key, counted by the database over every case of the scope."""
    fields = rollup.MEASURES[measure]
    rows = (
        queries.cases_opened(scope)
        .annotate(person_key=queries.people_key(scope))
        .values_list("person_key", *fields)
    )
    people: dict[str, set[Any]] = {}
    for person_key, *values in rows:
        key = rollup.key_of(measure, tuple(values))
        if key is not None:
            people.setdefault(key, set()).add(person_key)
    return {key: len(found) for key, found in people.items()}


def _scopes(world: World, run: int | None = None) -> list[Scope]:
    both = (world.org_a.pk, world.org_b.pk)
    periods = [
        (date(2023, 1, 1), date(2025, 12, 31)),  # whole months only
        (date(2023, 2, 14), date(2025, 7, 9)),  # cut at both ends
        (date(2024, 3, 1), date(2024, 3, 31)),  # one month
        (date(2024, 3, 5), date(2024, 3, 20)),  # days inside one month
        (date(2024, 1, 31), date(2024, 2, 1)),  # two days across a month's end
    ]
    return [
        Scope(
            organization_ids=ids,
            start=start,
            end=end,
            statistical_consent_only=consent,
            time_zone="Asia/Almaty",
            linkage_run=run,
        )
        for ids in (both, (world.org_a.pk,))
        for start, end in periods
        for consent in (False, True)
    ]


def _assert_same(world: World, run: int | None = None) -> None:
    for scope in _scopes(world, run):
        for measure in MEASURES:
            assert _kept(scope, measure) == _live(scope, measure), (scope, measure)
        for measure in PEOPLE:
            assert queries.people_counts(scope, measure) == _people_live(scope, measure), (
                scope,
                measure,
            )


def _open(world: World, org: str, rng: random.Random) -> Case:
    day = date(2023, 1, 1) + timedelta(days=rng.randrange(3 * 365))
    origin = rng.choice(["UZ", "TJ", ""])
    return cases.case_open(
        actor=world.actor(getattr(world, org)["case_worker"]),
        person={
            "given_name": "Test",
            "family_name": f"Person{rng.randrange(10**6)}",
            "gender": rng.choice(["Feminine", "Masculine", "NonSpecifiedUnknown"]),
            "citizenship": rng.choice(["UZ", "TJ", "KG", ""]),
        },
        opened_on=day,
        exploitation_types=rng.sample(TYPES, rng.randrange(3)),
        age_when_trafficked=rng.choice([None, 8, 16, 17, 19, 25, 31, 50]),
        country_of_origin=origin,
        transit_countries=rng.sample(["KZ", "KG"], rng.randrange(2)) if origin else [],
        country_of_exploitation=rng.choice(["KZ", "RU", ""]),
    )


@pytest.fixture
def many(world: World) -> list[Case]:
    rng = random.Random(12)
    made = [_open(world, rng.choice("ab"), rng) for _ in range(40)]
    for case in made[::3]:
        worker = world.actor(
            getattr(world, "a" if case.organization == world.org_a else "b")["case_worker"]
        )
        cases.consent_record(
            actor=worker, case=case, purpose="statistics", method="written", given_on=case.opened_on
        )
    return made


def _worker(world: World, case: Case) -> Any:
    org = "a" if case.organization_id == world.org_a.pk else "b"
    return world.actor(getattr(world, org)["case_worker"])


def _supervisor(world: World, case: Case) -> Any:
    org = "a" if case.organization_id == world.org_a.pk else "b"
    return world.actor(getattr(world, org)["supervisor"])


def test_kept_counts_equal_the_cases_after_every_kind_of_write(world: World, many) -> None:
    _assert_same(world)
    case = many[0]
    # The case's categories and dates.
    case.refresh_from_db()
    cases.case_update(
        actor=_worker(world, case),
        case=case,
        version=case.version,
        exploitation_types=["ForcedLabour"],
        country_of_exploitation="TR",
        age_when_trafficked=12,
    )
    # The person's sex and citizenship.
    other = many[1]
    other.refresh_from_db()
    person = Person.objects.get(pk=other.person_id)
    cases.person_update(
        actor=_worker(world, other),
        case=other,
        version=person.version,
        gender="Masculine" if person.gender != "Masculine" else "Feminine",
        citizenship="AF",
    )
    # Closed, then a consent withdrawn.
    closed = many[2]
    cases.case_change_status(
        actor=_supervisor(world, closed), case=closed, status="Closed", reason="Home"
    )
    consented = many[3]
    consent = consented.consents.get(purpose="statistics")
    cases.consent_withdraw(actor=_worker(world, consented), consent=consent, reason="Asked.")
    _assert_same(world)


def test_a_merge_and_its_undoing_move_the_counted_person(world: World, many) -> None:
    ours = [c for c in many if c.organization_id == world.org_a.pk][:2]
    keep, absorb = (Case.objects.get(pk=c.pk) for c in ours)
    supervisor = _supervisor(world, keep)
    merge = person_merge(
        actor=supervisor,
        keep=keep,
        absorb=absorb,
        keep_version=keep.person.version,
        absorb_version=absorb.person.version,
    )
    assert SharedPerson.objects.filter(person_id=keep.person_id).exists()
    _assert_same(world)
    person_merge_undo(actor=supervisor, merge=merge)
    assert not SharedPerson.objects.filter(person_id=keep.person_id).exists()
    _assert_same(world)


def test_people_of_a_linkage_run_count_once(world: World, many, monkeypatch) -> None:
    monkeypatch.setattr(queries, "SHARED_CHUNK", 1)  # one query per person: the chunks join up
    a = next(c for c in many if c.organization_id == world.org_a.pk)
    b = next(c for c in many if c.organization_id == world.org_b.pk)
    run = LinkageRun.objects.create(
        scope=LinkageScope.NATIONAL, organization=world.org_a, status=LinkageStatus.DONE
    )
    low = min(a.person_id, b.person_id)
    for case in (a, b):
        PersonCluster.objects.create(run=run, person_id=case.person_id, cluster=low)
    _assert_same(world, run.pk)
    scope = _scopes(world, run.pk)[0]
    assert queries.linked_records(scope) == 1
    assert queries.linked_records(_scopes(world)[0]) == 0


def test_a_deleted_case_and_a_rollback_take_their_counts_back(world: World, many) -> None:
    before = CaseCount.objects.aggregate(n=Count("id"))["n"]
    with pytest.raises(RuntimeError), transaction.atomic():
        _open(world, "a", random.Random(3))
        raise RuntimeError("undone")
    assert CaseCount.objects.count() == before
    case = Case.objects.filter(consents__isnull=True).first()
    assert case is not None
    case.delete()  # what a test or an operator may do; the application closes cases
    assert not CaseFact.objects.filter(case_id=case.pk).exists()
    _assert_same(world)


def test_rebuild_gives_the_same_counts_from_nothing(world: World, many) -> None:
    def kept_all() -> dict[tuple[Any, ...], int]:
        return {
            (scope, measure): _kept(scope, measure)
            for scope in _scopes(world)
            for measure in MEASURES
        }

    before = kept_all()
    rows_before = CaseCount.objects.count()
    out = StringIO()
    call_command("stats_rebuild", stdout=out)
    assert f"{Case.objects.count()} cases read" in out.getvalue()
    assert kept_all() == before
    # Folded: one row per organization, month, consent, measure and key.
    assert CaseCount.objects.count() <= rows_before
    assert CaseFact.objects.count() == Case.objects.count()
