"""The statistics cache: a table counted once is read again with no query; a write to a counted
record (a case opened, a consent, a linkage run) makes the next call count again; a language, a
scope and a function each have their own entries; the caseload per worker is never cached."""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from opennrm.accounts.timezones import local_today
from opennrm.cases import services as cases
from opennrm.cases.models import Case
from opennrm.linkage.models_batch import LinkageRun, LinkageScope, LinkageStatus
from opennrm.stats import cache, dashboard, national, queries
from opennrm.stats.queries import Scope
from tests.conftest import World

PERSON = {"given_name": "Test", "family_name": "Person", "gender": "Feminine"}


def _open(world: World, org: str = "a", **case) -> Case:
    membership = getattr(world, org)["case_worker"]
    organization = world.org_a if org == "a" else world.org_b
    return cases.case_open(
        actor=world.actor(membership),
        person=PERSON,
        opened_on=case.pop("opened_on", local_today(organization)),
        exploitation_types=["ForcedLabour"],
        **case,
    )


def _scope(world: World) -> Scope:
    today = local_today(world.org_a)
    return Scope.of_organization(world.org_a, date(today.year, 1, 1), today)


def _national(world: World) -> national.National:
    today = local_today(world.org_a)
    scope = Scope(
        organization_ids=(world.org_a.pk, world.org_b.pk),
        start=date(today.year, 1, 1),
        end=today,
        statistical_consent_only=True,
    )
    return national.National(scope, organizations=2, linked_records=0)


def _queries(call) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured.captured_queries)


def _opened(comparison: list[dashboard.Comparison]) -> int:
    (cases_opened,) = [c for c in comparison if c.key == "cases"]
    return cases_opened.current


def test_a_second_call_reads_no_query(world: World) -> None:
    _open(world)
    scope = _scope(world)
    with translation.override("en"):
        first, counted = _queries(lambda: dashboard.compare(scope))
        again, read = _queries(lambda: dashboard.compare(scope))
        assert counted > 0 and read == 0
        assert again == first and _opened(again) == 1


def test_the_dashboard_reads_only_the_caseload_again(world: World) -> None:
    _open(world)
    scope = _scope(world)
    with translation.override("en"):
        first, counted = _queries(lambda: dashboard.dashboard_sections(scope))
        again, read = _queries(lambda: dashboard.dashboard_sections(scope))
        _caseload, caseload = _queries(lambda: queries.caseload_per_worker(scope))
    assert again == first
    assert read == caseload < counted  # the workers' names never go into the cache


def test_the_national_view_is_read_from_the_cache(world: World) -> None:
    found = _national(world)
    with translation.override("en"):
        first, counted = _queries(lambda: national.national_sections(found))
        again, read = _queries(lambda: national.national_sections(found))
    assert counted > 0 and read == 0
    assert again == first


def test_a_case_opened_makes_the_next_call_count_again(world: World) -> None:
    _open(world)
    scope = _scope(world)
    with translation.override("en"):
        assert _opened(dashboard.compare(scope)) == 1
        _open(world)
        comparison, counted = _queries(lambda: dashboard.compare(scope))
    assert counted > 0 and _opened(comparison) == 2


def test_another_organizations_write_also_makes_it_count_again(world: World) -> None:
    """One generation for every table: a write anywhere is a new generation (simple, and the
    writes of an NRM are few next to the readings of its figures)."""
    scope = _scope(world)
    dashboard.compare(scope)
    _open(world, "b")
    _result, counted = _queries(lambda: dashboard.compare(scope))
    assert counted > 0


def test_a_linkage_run_finished_makes_the_national_view_count_again(world: World) -> None:
    found = _national(world)
    national.national_sections(found)
    LinkageRun.objects.create(
        scope=LinkageScope.NATIONAL, organization=world.org_a, status=LinkageStatus.DONE
    )
    _result, counted = _queries(lambda: national.national_sections(found))
    assert counted > 0


def test_two_languages_do_not_share_an_entry(world: World) -> None:
    _open(world)
    scope = _scope(world)
    with translation.override("en"):
        english = queries.headline(scope)
        assert cache.cached(queries.headline)(scope) == english
    with translation.override("ru"):
        russian, counted = _queries(lambda: cache.cached(queries.headline)(scope))
        assert counted > 0
        assert russian.columns != english.columns and russian.rows[0].values == (1,)
        _again, read = _queries(lambda: cache.cached(queries.headline)(scope))
        assert read == 0
    with translation.override("en"):
        assert cache.cached(queries.headline)(scope) == english


def test_each_scope_and_function_has_its_own_entry(world: World) -> None:
    _open(world)
    scope = _scope(world)
    with translation.override("en"):
        keys = {
            cache.cache_key(queries.headline, (scope,), {}),
            cache.cache_key(queries.headline, (scope.previous(),), {}),
            cache.cache_key(queries.cases_by_month, (scope,), {}),
            cache.cache_key(
                queries.headline, (Scope.of_organization(world.org_b, scope.start, scope.end),), {}
            ),
            cache.cache_key(
                queries.headline,
                (
                    Scope.of_organization(
                        world.org_a, scope.start, scope.end, statistical_consent_only=True
                    ),
                ),
                {},
            ),
        }
    assert len(keys) == 5


def test_the_generation_is_replaced_at_once_and_again_at_commit(
    world: World, django_capture_on_commit_callbacks
) -> None:
    """At once, so the writer never reads a table made before its write; at commit, so a table
    counted by another reader before the rows were visible is left behind too."""
    before = cache.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        _open(world)
        during = cache.generation()
    assert during != before
    assert cache.bump in callbacks
    for callback in callbacks:
        callback()
    assert cache.generation() != during


def test_a_lost_generation_never_brings_back_old_entries(world: World) -> None:
    scope = _scope(world)
    with translation.override("en"):
        old = cache.cache_key(queries.headline, (scope,), {})
        cache.stats_cache().delete(cache.GENERATION_KEY)  # evicted, or the cache restarted
        assert cache.cache_key(queries.headline, (scope,), {}) != old


def test_one_bump_at_commit_however_many_rows(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        _open(world)
        _open(world)
    assert [c for c in callbacks if c is cache.bump] == [cache.bump]
