"""Ending a support plan: on the day given or today, never in the future, once; audited; a
plan whose planned end passed leaves the follow-ups once ended. By the service, the plan tab
and the API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from opennrm.accounts.timezones import local_today
from opennrm.audit.models import AuditEvent
from opennrm.cases import selectors, services
from opennrm.errors import ValidationFailed
from tests.cases.factories import open_diana
from tests.conftest import sign_in


@pytest.fixture
def plan(world):
    case = open_diana(world.a["case_worker"])
    return services.support_plan_create(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        plan_type="Health",
        planned_end_on=local_today(world.org_a) - timedelta(days=2),
    )


def _plan_end_passed(world, plan):
    """The day the case's plan end passed, as the follow-ups list shows it; None: nothing due."""
    actor = world.actor(world.a["case_worker"])
    today = local_today(world.org_a)
    due = selectors.case_attention(actor=actor, today=today).filter(pk=plan.case_id)
    return next(iter(due.values_list("plan_end_passed_on", flat=True)), None)


def test_an_ended_plan_leaves_the_follow_ups_and_is_audited(world, plan):
    assert _plan_end_passed(world, plan) == plan.planned_end_on
    ended = services.support_plan_end(actor=world.actor(world.a["case_worker"]), plan=plan)
    assert ended.ended_on == local_today(world.org_a)  # today, when no day is given
    assert _plan_end_passed(world, plan) is None
    event = AuditEvent.objects.filter(action="support_plan.end").get()
    assert event.object_id == plan.uuid and event.fields == ["ended_on"]


@pytest.mark.parametrize(
    "days, message", [(1, "future"), (None, "already ended")], ids=["future", "twice"]
)
def test_a_future_day_or_a_second_end_is_refused_and_nothing_changes(world, plan, days, message):
    actor = world.actor(world.a["case_worker"])
    if days is None:
        services.support_plan_end(actor=actor, plan=plan)
        day = local_today(world.org_a)
    else:
        day = local_today(world.org_a) + timedelta(days=days)
    before = AuditEvent.objects.count()
    plan.refresh_from_db()
    ended_on = plan.ended_on
    with pytest.raises(ValidationFailed) as refused:
        services.support_plan_end(actor=actor, plan=plan, ended_on=day)
    assert message in " ".join(refused.value.errors["ended_on"])
    plan.refresh_from_db()
    assert plan.ended_on == ended_on and AuditEvent.objects.count() == before


def test_the_plan_tab_ends_a_plan_and_names_a_bad_day_beside_its_plan(world, plan):
    membership = world.a["case_worker"]
    client = sign_in(Client(), membership.user, membership)
    url = f"/cases/{plan.case.uuid}/plan/"
    page = client.get(url).content.decode()
    assert f'id="end-{plan.uuid}-ended_on"' in page and "End the plan" in page
    future = (local_today(world.org_a) + timedelta(days=3)).isoformat()
    refused = client.post(f"{url}{plan.uuid}/end/", {"ended_on": future})
    assert refused.status_code == 200
    assert f'id="end-{plan.uuid}-ended_on_error"' in refused.content.decode()
    done = client.post(f"{url}{plan.uuid}/end/", {"ended_on": "2005-12-01"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "ended on 2005-12-01" in page and "End the plan" not in page


def test_the_api_ends_a_plan_once(world, plan):
    membership = world.a["case_worker"]
    client = sign_in(Client(), membership.user, membership)
    url = f"/api/v1/cases/{plan.case.uuid}/plans/{plan.uuid}/end"
    first = client.post(url, data=json.dumps({}), content_type="application/json")
    assert first.status_code == 200 and first.json()["ended_on"] == str(local_today(world.org_a))
    again = client.post(url, data=json.dumps({}), content_type="application/json")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "ended_on"
