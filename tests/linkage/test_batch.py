"""The batch duplicate search: the job finds the same person recorded twice and not people who
only share a name, shows its progress, stores links (ids only), audits, and the national page
shows counts and case numbers, never a name."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from opennrm.audit.models import AuditEvent
from opennrm.errors import Conflict, NotFound
from opennrm.linkage import batch
from opennrm.linkage.models_batch import (
    LinkageRun,
    LinkageScope,
    LinkageStatus,
    PersonCluster,
    PersonLink,
)
from tests.linkage.batch_factories import (
    NAMES,
    OTHERS,
    ZHANAR_CYRILLIC,
    ZHANAR_LATIN,
    finished_run,
    make_coordinator,
    open_case,
)


@pytest.fixture
def zhanar_twice(world):
    """Юсупова Жанар recorded twice by A, and three other people."""
    supervisor = world.a["supervisor"]
    first, second = open_case(supervisor, ZHANAR_CYRILLIC), open_case(supervisor, ZHANAR_LATIN)
    others = [open_case(supervisor, person) for person in OTHERS]
    return first, second, others


def test_the_job_finds_the_same_woman_recorded_twice_and_no_one_else(world, zhanar_twice):
    first, second, _ = zhanar_twice
    run = finished_run(world.org_a)
    assert run.status == LinkageStatus.DONE and run.progress == 1.0
    assert (run.records, run.pairs, run.clusters, run.persons) == (5, 1, 1, 4)
    link = PersonLink.objects.get(run=run)
    assert {link.person_a_id, link.person_b_id} == {first.person_id, second.person_id}
    assert link.probability >= 0.95
    assert not run.trained  # five records: fixed priors


def test_the_started_run_goes_through_the_queue_and_is_audited(
    world, zhanar_twice, django_capture_on_commit_callbacks
):
    actor = world.actor(world.a["supervisor"])
    with django_capture_on_commit_callbacks(execute=True):
        run = batch.linkage_run_start(actor=actor, scope=LinkageScope.ORGANIZATION)
    run.refresh_from_db()
    assert run.status == LinkageStatus.DONE and run.pairs == 1
    actions = list(AuditEvent.objects.filter(object_id=run.uuid).values_list("action", flat=True))
    assert actions == ["linkage.run_start", "linkage.run_finish"]


def test_one_run_at_a_time(world):
    actor = world.actor(world.a["supervisor"])
    batch.linkage_run_start(actor=actor, scope=LinkageScope.ORGANIZATION)  # queued (no commit)
    with pytest.raises(Conflict):
        batch.linkage_run_start(actor=actor, scope=LinkageScope.ORGANIZATION)


def test_progress_is_written_while_the_job_runs(world, zhanar_twice):
    run = batch.linkage_run_open(organization=world.org_a, scope=LinkageScope.ORGANIZATION)
    seen: list[tuple[float, float, str]] = []

    def watch(fraction: float) -> None:
        stored = LinkageRun.objects.get(pk=run.pk)
        seen.append((fraction, stored.progress, stored.status))

    batch.linkage_run_execute(run_id=run.uuid, on_progress=watch)
    assert len(seen) >= 3
    fractions = [f for f, _, _ in seen]
    assert fractions == sorted(fractions) and 0 < fractions[0] < fractions[-1] < 1
    assert all(stored == f and status == "running" for f, stored, status in seen)
    run.refresh_from_db()
    assert (run.status, run.progress) == (LinkageStatus.DONE, 1.0)


def test_the_page_polls_while_running_and_offers_a_plain_refresh(world, signed_in):
    actor = world.actor(world.a["supervisor"])
    run = batch.linkage_run_start(actor=actor, scope=LinkageScope.ORGANIZATION)  # stays queued
    client = signed_in(world.a["supervisor"].user, world.a["supervisor"])
    html = client.get(f"/linkage/runs/{run.uuid}/").content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="/linkage/runs/{run.uuid}/progress/"' in html
    assert f'href="/linkage/runs/{run.uuid}/"' in html  # the refresh link, without JavaScript
    LinkageRun.objects.filter(pk=run.pk).update(status=LinkageStatus.DONE, progress=1.0)
    fragment = client.get(f"/linkage/runs/{run.uuid}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    assert "every 2s" not in fragment.content.decode()


def test_the_supervisor_sees_the_pair_as_two_cases_to_review(world, zhanar_twice, signed_in):
    first, second, _ = zhanar_twice
    run = finished_run(world.org_a)
    client = signed_in(world.a["supervisor"].user, world.a["supervisor"])
    before = AuditEvent.objects.filter(action="linkage.results_view").count()
    html = client.get(f"/linkage/runs/{run.uuid}/").content.decode()
    for case in (first, second):
        assert f'href="/cases/{case.uuid}/"' in html and case.number in html
    a, b = sorted([first, second], key=lambda c: c.uuid == second.uuid)
    assert "/linkage/merge/?a=" in html
    link = re.search(r"/linkage/merge/\?a=([0-9a-f-]+)&amp;b=([0-9a-f-]+)", html)
    assert link and {link.group(1), link.group(2)} == {str(first.uuid), str(second.uuid)}
    assert "Very likely the same person" in html
    assert AuditEvent.objects.filter(action="linkage.results_view").count() == before + 1


def test_the_national_run_links_across_organizations_and_shows_no_names(world, signed_in):
    coordinator = make_coordinator(world.org_a)
    in_a = open_case(world.a["supervisor"], ZHANAR_CYRILLIC)
    in_b = open_case(world.b["supervisor"], ZHANAR_LATIN)
    other = open_case(world.b["supervisor"], OTHERS[0])
    run = finished_run(coordinator, LinkageScope.NATIONAL)
    assert (run.records, run.pairs, run.persons, run.organizations) == (3, 1, 2, 2)
    analyst = world.a["data_analyst"]
    html = signed_in(analyst.user, analyst).get(f"/linkage/national/{run.uuid}/").content.decode()
    assert in_a.number in html and in_b.number in html and other.number not in html
    assert world.org_a.name in html and world.org_b.name in html
    for name in NAMES:
        assert name not in html, name
    assert "/cases/" not in html and "/linkage/merge/" not in html
    for case in (in_a, in_b):
        assert str(case.uuid) not in html and str(case.person.uuid) not in html
    assert AuditEvent.objects.filter(action="linkage.results_view", object_id=run.uuid).count() == 1


def test_the_national_pool_leaves_out_organizations_that_opted_out(world):
    coordinator = make_coordinator(world.org_a)
    open_case(world.a["supervisor"], ZHANAR_CYRILLIC)
    open_case(world.b["supervisor"], ZHANAR_LATIN)
    world.org_b.match_hints = False
    world.org_b.save(update_fields=["match_hints"])
    run = finished_run(coordinator, LinkageScope.NATIONAL)
    assert (run.records, run.pairs, run.organizations) == (1, 0, 1)


def test_others_cannot_read_a_run_of_another_scope_or_organization(world):
    run = finished_run(world.org_a)
    b_supervisor = world.actor(world.b["supervisor"])
    with pytest.raises(NotFound):
        batch.linkage_run_get(actor=b_supervisor, scope=LinkageScope.ORGANIZATION, run_id=run.uuid)
    make_coordinator(world.org_a)
    analyst = world.actor(world.a["data_analyst"])
    with pytest.raises(NotFound):  # an organization run is not a national one
        batch.linkage_run_get(actor=analyst, scope=LinkageScope.NATIONAL, run_id=run.uuid)


def test_distinct_persons_counts_each_person_once_after_the_national_links(world):
    coordinator = make_coordinator(world.org_a)
    in_a = open_case(world.a["supervisor"], ZHANAR_CYRILLIC)
    in_a_again = open_case(world.a["supervisor"], ZHANAR_LATIN)
    in_b = open_case(world.b["supervisor"], {**ZHANAR_LATIN, "given_name": "Janar"})
    other = open_case(world.b["supervisor"], OTHERS[0])
    ids = [c.person_id for c in (in_a, in_a_again, in_b, other)]
    assert batch.distinct_persons(ids) == 4  # no national run yet: nothing joined
    finished_run(coordinator, LinkageScope.NATIONAL)
    assert batch.distinct_persons(ids) == 2
    assert batch.person_clusters(ids) == [sorted(ids[:3]), [other.person_id]]
    assert batch.distinct_persons([in_a.person_id, other.person_id]) == 2
    # The run stores its groups for the statistics: each member keyed by the group's lowest id.
    stored = dict(PersonCluster.objects.values_list("person_id", "cluster"))
    assert stored == {pk: min(ids[:3]) for pk in ids[:3]}


def test_the_command_prints_progress_and_counts(world, zhanar_twice, capsys):
    call_command("linkage_run", "--organization", world.org_a.name)
    out = capsys.readouterr().out
    assert "progress" in out and "5 records, 1 linked pairs" in out
    for name in NAMES:
        assert name not in out


def test_the_command_runs_nationally_only_with_a_coordinator(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("linkage_run", "--national")
    make_coordinator(world.org_a)
    call_command("linkage_run", "--national")
    assert LinkageRun.objects.filter(scope="national", status="done").count() == 1
