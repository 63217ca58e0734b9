"""Identification decisions (issue 10, decision 0014): the confirmation step, the deadlines in the
organization's local days, the recovery and reflection period, reconsideration with four eyes,
the competent authority's decisions, and the notification of the other supervisors."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opennrm.accounts import services as account_services
from opennrm.accounts.models import IdentificationBy, Membership, Organization, Role
from opennrm.audit.models import AuditEvent
from opennrm.cases import selectors, services
from opennrm.cases.audit import CaseAction
from opennrm.cases.choices import DecisionSource, DecisionState, TraffickingStatus
from opennrm.cases.models import Case, IdentificationDecision
from opennrm.errors import PermissionDenied, ValidationFailed
from opennrm.notifications.models import Notification
from tests.api.test_case_api import field_errors, send
from tests.cases.factories import open_diana
from tests.conftest import PASSWORD, World
from tests.support.clock import ALMATY, ALMATY_1AM, at

GROUNDS = "Deceptive recruitment, passport taken, violence."


def _second_supervisor(world: World) -> Membership:
    return world.once(
        "second_supervisor",
        lambda: account_services.membership_create(
            actor=world.platform,
            organization=world.org_a,
            email="second.supervisor.a@example.org",
            full_name="Second Supervisor A",
            role=Role.SUPERVISOR,
            password=PASSWORD,
        ),
    )


def _propose(world: World, case: Case, **data) -> IdentificationDecision:
    values = {"stage": "presumed", "grounds": GROUNDS, "decided_by_type": "NGO", **data}
    return services.identification_propose(
        actor=world.actor(world.a["case_worker"]), case=case, **values
    )


def _approve(world: World, decision: IdentificationDecision) -> IdentificationDecision:
    return services.identification_review(
        actor=world.actor(world.a["supervisor"]), decision=decision, approve=True
    )


def _by_authority(organization: Organization) -> None:
    Organization.objects.filter(pk=organization.pk).update(
        identification_by=IdentificationBy.AUTHORITY
    )
    organization.refresh_from_db()


def _writes() -> tuple[int, int]:
    return IdentificationDecision.objects.count(), AuditEvent.objects.exclude(action="read").count()


# --- The confirmation step.


def test_a_proposal_by_page_shows_what_it_will_do_and_writes_nothing_until_confirmed(
    world: World, signed_in
) -> None:
    case = open_diana(world.a["case_worker"])
    worker = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/cases/{case.uuid}/identification/propose/"
    data = {"stage": "presumed", "decided_by_type": "NGO", "grounds": GROUNDS}
    before = _writes()
    preview = worker.post(url, data)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert 'id="decision-confirm"' in page
    assert (
        "the status becomes Possible victim of trafficking; decided by NGO Crisis Centre A" in page
    )
    assert 'name="confirmed" value="yes"' in page
    assert _writes() == before  # nothing written, nothing audited
    assert not Notification.objects.exists()

    confirmed = worker.post(url, {**data, "confirmed": "yes"})
    assert confirmed.status_code == 302
    decision = IdentificationDecision.objects.get()
    assert decision.state == DecisionState.PROPOSED and decision.grounds == GROUNDS


def test_the_confirmation_step_refuses_what_the_service_refuses(world: World, signed_in) -> None:
    case = open_diana(world.a["case_worker"])
    worker = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/cases/{case.uuid}/identification/propose/"
    response = worker.post(url, {"stage": "identified", "decided_by_type": "NGO", "grounds": "x"})
    assert response.status_code == 200
    assert "follows an approved presumed-victim decision" in response.content.decode()
    assert 'id="decision-confirm"' not in response.content.decode()
    assert not IdentificationDecision.objects.exists()


@pytest.mark.parametrize("verb", ["approve", "reject"])
def test_a_review_by_page_asks_for_confirmation_first(world: World, signed_in, verb) -> None:
    case = open_diana(world.a["case_worker"])
    decision = _propose(world, case)
    supervisor = signed_in(world.a["supervisor"].user, world.a["supervisor"])
    url = f"/cases/{case.uuid}/identification/{decision.uuid}/{verb}/"
    preview = supervisor.post(url)
    page = preview.content.decode()
    assert preview.status_code == 200 and 'id="decision-confirm"' in page
    if verb == "approve":
        assert "the status becomes Possible victim of trafficking" in page
    else:
        assert "The proposal is rejected" in page
    decision.refresh_from_db()
    assert decision.state == DecisionState.PROPOSED and decision.reviewed_by is None

    assert supervisor.post(url, {"confirmed": "yes"}).status_code == 302
    decision.refresh_from_db()
    expected = DecisionState.APPROVED if verb == "approve" else DecisionState.REJECTED
    assert decision.state == expected


# --- Deadlines, in the organization's local days.


def test_deadlines_are_counted_in_the_organizations_local_days(world: World, signed_in) -> None:
    # 01:00 in Almaty on 10 March is still 9 March in UTC: the days count from Almaty's 10th.
    with at(ALMATY_1AM):
        case = services.case_open(
            actor=world.actor(world.a["case_worker"]), person={"given_name": "Диана"}
        )
        assert case.opened_on == date(2026, 3, 10)
        assert case.identification_due_on == date(2026, 3, 15)  # the default 5 days
        decision = _propose(world, case)
        _approve(world, decision)
        case.refresh_from_db()
        decision.refresh_from_db()
        assert decision.decided_on == date(2026, 3, 10)
        assert case.reflection_ends_on == date(2026, 4, 9)  # 30 days
        assert case.identification_due_on == date(2026, 4, 23)  # + 14 days
        assert case.status_decision == decision

    # The conclusive decision is overdue from the first local day after it was due.
    on_time = datetime(2026, 4, 23, 23, 30, tzinfo=ALMATY)
    late = datetime(2026, 4, 24, 0, 30, tzinfo=ALMATY)  # still 23 April in UTC
    supervisor = world.actor(world.a["supervisor"])
    with at(on_time):
        assert not selectors.identification_overdue(actor=supervisor).exists()
    with at(late):
        assert list(selectors.identification_overdue(actor=supervisor)) == [case]
        client = signed_in(world.a["supervisor"].user, world.a["supervisor"])
        page = client.get(f"/cases/{case.uuid}/identification/").content.decode()
    assert "2026-04-23" in page and "Overdue" in page and "2026-04-09" in page


def test_the_organizations_periods_are_used(world: World) -> None:
    Organization.objects.filter(pk=world.org_a.pk).update(
        reasonable_grounds_days=3, reflection_days=45
    )
    world.org_a.refresh_from_db()
    case = open_diana(world.a["case_worker"])
    assert case.identification_due_on == date(2005, 10, 6)
    decision = _propose(world, case)
    with at(datetime(2026, 3, 10, 12, tzinfo=ALMATY)):
        _approve(world, decision)
    case.refresh_from_db()
    assert case.reflection_ends_on == date(2026, 4, 24)
    assert case.identification_due_on == date(2026, 5, 8)


def test_overdue_lists_only_visible_open_cases_in_constant_queries(world: World) -> None:
    worker = world.actor(world.a["case_worker"])
    for _ in range(2):
        open_diana(world.a["case_worker"])
    supervisor_b = world.actor(world.b["supervisor"])
    supervisor_a = world.actor(world.a["supervisor"])
    with CaptureQueriesContext(connection) as few:
        rows = [
            (c.number, c.identification_due_on)
            for c in selectors.identification_overdue(actor=supervisor_a)
        ]
    assert len(rows) == 2
    for _ in range(3):
        open_diana(world.a["case_worker"])
    with CaptureQueriesContext(connection) as many:
        rows = [
            (c.number, c.identification_due_on)
            for c in selectors.identification_overdue(actor=supervisor_a)
        ]
    assert len(rows) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not selectors.identification_overdue(actor=supervisor_b).exists()
    # A closed case is not waiting for a decision.
    closing = Case.objects.filter(organization=world.org_a).first()
    assert closing is not None
    services.case_change_status(actor=supervisor_a, case=closing, status="Closed", reason="Left")
    assert selectors.identification_overdue(actor=supervisor_a).count() == 4
    assert selectors.identification_overdue(actor=worker).count() == 4  # the worker's own


# --- The recovery and reflection period.


def test_a_conclusive_proposal_before_the_reflection_period_ends_is_refused(
    world: World, signed_in
) -> None:
    case = open_diana(world.a["case_worker"])
    with at(datetime(2026, 3, 10, 12, tzinfo=ALMATY)):
        _approve(world, _propose(world, case))
    case.refresh_from_db()
    assert case.reflection_ends_on == date(2026, 4, 9)
    with at(datetime(2026, 4, 8, 23, 30, tzinfo=ALMATY)):
        with pytest.raises(ValidationFailed) as refused:
            _propose(world, case, stage="identified", grounds="Interview.")
        assert "runs until 2026-04-09" in refused.value.errors["stage"][0]
        # By page and API alike.
        worker = signed_in(world.a["case_worker"].user, world.a["case_worker"])
        page = worker.post(
            f"/cases/{case.uuid}/identification/propose/",
            {"stage": "identified", "decided_by_type": "NGO", "grounds": "Interview."},
        ).content.decode()
        assert "runs until 2026-04-09" in page
        api = send(
            worker,
            "post",
            f"/api/v1/cases/{case.uuid}/decisions",
            {"stage": "identified", "decided_by_type": "NGO", "grounds": "Interview."},
        )
        assert field_errors(api) == {"stage"}
    assert IdentificationDecision.objects.filter(stage="identified").count() == 0
    # When the person asks for it earlier, the proposal is taken, and says so.
    with at(datetime(2026, 4, 8, 23, 30, tzinfo=ALMATY)):
        early = _propose(
            world, case, stage="identified", grounds="Interview.", requested_early=True
        )
    assert early.requested_early
    early.delete()
    with at(datetime(2026, 4, 9, 0, 30, tzinfo=ALMATY)):  # the period's last day has come
        on_time = _propose(world, case, stage="identified", grounds="Interview.")
    assert not on_time.requested_early
    _approve(world, on_time)
    case.refresh_from_db()
    assert case.trafficking_status == TraffickingStatus.ACTUAL
    assert case.identification_due_on is None  # decided


# --- Reconsideration.


def test_reconsideration_keeps_the_history_and_needs_four_eyes(world: World, signed_in) -> None:
    case = open_diana(world.a["case_worker"])
    first = _approve(world, _propose(world, case))
    case.refresh_from_db()
    supervisor = world.actor(world.a["supervisor"])

    with pytest.raises(ValidationFailed) as again:
        _propose(world, case)  # a second decision of the same stage: reconsider instead
    assert "reconsider" in again.value.errors["stage"][0]
    with pytest.raises(ValidationFailed) as silent:
        _propose(world, case, reconsiders=first, grounds="New facts.")
    assert set(silent.value.errors) == {"new_information"}

    # The supervisor proposes the reconsideration: another supervisor must approve it.
    reconsideration = services.identification_propose(
        actor=supervisor,
        case=case,
        stage="presumed",
        outcome=TraffickingStatus.NOT_A_VICTIM,
        grounds="The employer's contract was genuine.",
        decided_by_type="NGO",
        reconsiders=first,
        new_information="The labour inspectorate found the contract and wages paid.",
    )
    with pytest.raises(PermissionDenied):
        services.identification_review(actor=supervisor, decision=reconsideration, approve=True)
    first.refresh_from_db()
    assert first.state == DecisionState.APPROVED

    second = world.actor(_second_supervisor(world))
    services.identification_review(actor=second, decision=reconsideration, approve=True)
    first.refresh_from_db()
    reconsideration.refresh_from_db()
    case.refresh_from_db()
    assert first.state == DecisionState.SUPERSEDED and first.superseded_by == reconsideration
    assert reconsideration.state == DecisionState.APPROVED
    assert case.trafficking_status == TraffickingStatus.NOT_A_VICTIM
    assert case.status_decision == reconsideration
    assert AuditEvent.objects.filter(
        action=CaseAction.IDENTIFICATION_SUPERSEDE, object_id=first.uuid
    ).exists()

    # Both stay on the tab, the earlier one marked superseded, with the new information.
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    page = client.get(f"/cases/{case.uuid}/identification/").content.decode()
    assert f'id="decision-{first.uuid}"' in page and "Superseded" in page
    assert f'id="decision-{reconsideration.uuid}"' in page
    assert "The labour inspectorate found the contract" in page
    assert "Reconsiders the decision of" in page

    # Only the decision in force can be reconsidered.
    with pytest.raises(ValidationFailed) as stale:
        _propose(world, case, reconsiders=first, new_information="More.")
    assert set(stale.value.errors) == {"reconsiders"}


def test_a_reconsideration_by_api_names_the_decision_in_force(world: World, signed_in) -> None:
    case = open_diana(world.a["case_worker"])
    first = _approve(world, _propose(world, case))
    worker = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/api/v1/cases/{case.uuid}/decisions"
    body = {"stage": "presumed", "decided_by_type": "NGO", "grounds": "Again."}
    assert field_errors(send(worker, "post", url, {**body, "reconsiders_id": str(first.uuid)})) == {
        "new_information"
    }
    other = open_diana(world.a["case_worker"])
    alien = _propose(world, other)
    assert field_errors(
        send(
            worker, "post", url, {**body, "reconsiders_id": str(alien.uuid), "new_information": "x"}
        )
    ) == {"reconsiders_id"}
    made = send(
        worker,
        "post",
        url,
        {**body, "reconsiders_id": str(first.uuid), "new_information": "A new witness."},
    )
    assert made.status_code == 201, made.content
    assert made.json()["reconsiders_id"] == str(first.uuid)
    assert made.json()["new_information"] == "A new witness."


def test_new_information_and_reference_are_not_readable_in_the_database(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    first = _approve(world, _propose(world, case))
    made = _propose(
        world, case, reconsiders=first, new_information="Witness Aigerim Nurlanovna saw it."
    )
    _by_authority(world.org_a)
    other = open_diana(world.a["case_worker"])
    recorded = services.identification_record(
        actor=world.actor(world.a["case_worker"]),
        case=other,
        stage="presumed",
        outcome=TraffickingStatus.POSSIBLE,
        authority_name="Commission",
        decided_by_type="Police",
        reference="KZ-ALM-77415",
        decided_on=date(2005, 10, 5),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT new_information, reference FROM cases_identificationdecision WHERE id IN"
            " (%s, %s)",
            [made.pk, recorded.pk],
        )
        raw = str(cursor.fetchall())
    assert "Aigerim" not in raw and "KZ-ALM-77415" not in raw
    made.refresh_from_db()
    recorded.refresh_from_db()
    assert "Aigerim" in made.new_information and recorded.reference == "KZ-ALM-77415"


# --- The competent authority.


def test_where_an_authority_decides_the_ngo_records_its_decision(world: World, signed_in) -> None:
    _by_authority(world.org_a)
    case = open_diana(world.a["case_worker"])
    with pytest.raises(ValidationFailed) as own:
        _propose(world, case)
    assert "competent authority" in own.value.errors["stage"][0]

    worker = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/cases/{case.uuid}/identification/record/"
    data = {
        "stage": "identified",
        "outcome": TraffickingStatus.ACTUAL,
        "authority_name": "Interdepartmental Commission of Almaty",
        "decided_by_type": "NonPoliceGovernmentalOrganization",
        "reference": "IC-2026/117",
        "decided_on": "2005-11-20",
    }
    page = worker.get(f"/cases/{case.uuid}/identification/").content.decode()
    assert "Record the authority's decision" in page and "Propose a decision" not in page
    preview = worker.post(url, data).content.decode()
    assert "decided by Non-police governmental organization Interdepartmental Commission" in (
        preview
    )
    assert not IdentificationDecision.objects.exists()
    assert worker.post(url, {**data, "confirmed": "yes"}).status_code == 302

    decision = IdentificationDecision.objects.get()
    assert decision.source == DecisionSource.AUTHORITY
    assert decision.state == DecisionState.RECORDED and decision.reviewed_by is None
    assert decision.reference == "IC-2026/117"
    case.refresh_from_db()
    assert case.trafficking_status == TraffickingStatus.ACTUAL
    header = worker.get(f"/cases/{case.uuid}/trafficking/").content.decode()
    assert (
        "Actual victim of trafficking — decided by Non-police governmental organization "
        "Interdepartmental Commission of Almaty, 2005-11-20, ref. IC-2026/117"
    ) in header
    api = worker.get(f"/api/v1/cases/{case.uuid}").json()
    assert api["trafficking_status"] == "ActualVictimOfTrafficking"
    assert api["trafficking_status_decision"] == {
        "id": str(decision.uuid),
        "source": "authority",
        "stage": "identified",
        "decided_by_type": "NonPoliceGovernmentalOrganization",
        "decided_by_name": "Interdepartmental Commission of Almaty",
        "decided_on": "2005-11-20",
        "reference": "IC-2026/117",
    }
    assert AuditEvent.objects.filter(
        action=CaseAction.IDENTIFICATION_RECORD, object_id=decision.uuid
    ).exists()
    event = AuditEvent.objects.get(action=CaseAction.IDENTIFICATION_RECORD)
    assert "IC-2026/117" not in str(event.fields)  # names, never values


def test_the_authoritys_later_decision_supersedes_its_earlier_one(world: World) -> None:
    _by_authority(world.org_a)
    case = open_diana(world.a["case_worker"])
    worker = world.actor(world.a["case_worker"])
    common = {
        "stage": "presumed",
        "authority_name": "Commission",
        "decided_by_type": "NonPoliceGovernmentalOrganization",
    }
    first = services.identification_record(
        actor=worker,
        case=case,
        outcome=TraffickingStatus.NOT_A_VICTIM,
        reference="1",
        decided_on=date(2005, 10, 5),
        **common,
    )
    later = services.identification_record(
        actor=worker,
        case=case,
        outcome=TraffickingStatus.POSSIBLE,
        reference="2",
        decided_on=date(2005, 10, 20),
        **common,
    )
    first.refresh_from_db()
    case.refresh_from_db()
    assert first.state == DecisionState.SUPERSEDED and first.superseded_by == later
    assert case.trafficking_status == TraffickingStatus.POSSIBLE
    assert case.reflection_ends_on == date(2005, 11, 19)


def test_recording_is_refused_where_the_organization_decides_itself(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    with pytest.raises(ValidationFailed) as refused:
        services.identification_record(
            actor=world.actor(world.a["case_worker"]),
            case=case,
            stage="presumed",
            outcome=TraffickingStatus.POSSIBLE,
            authority_name="Commission",
            decided_by_type="Police",
            reference="1",
            decided_on=date(2005, 10, 5),
        )
    assert "propose a decision" in refused.value.errors["stage"][0]
    assert not IdentificationDecision.objects.exists()


AUTHORITY = {
    "stage": "identified",
    "outcome": "ActualVictimOfTrafficking",
    "authority_name": "Commission",
    "decided_by_type": "Police",
    "reference": "IC-1",
    "decided_on": "2005-11-20",
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reference": ""}, "reference"),
        ({"reference": "R" * 101}, "reference"),
        ({"authority_name": ""}, "authority_name"),
        ({"authority_name": "A" * 201}, "authority_name"),
        ({"decided_on": "2099-01-01"}, "decided_on"),
        ({"decided_on": "1999-12-31"}, "decided_on"),
        ({"decided_on": None}, "decided_on"),
        ({"stage": "presumed"}, "outcome"),  # a presumed decision is not "actual victim"
        ({"grounds": "g" * 5001}, "grounds"),
        ({"reference": "IC\x00-1"}, "reference"),
    ],
)
def test_bad_authority_decisions_are_refused_by_page_and_api(
    world: World, signed_in, change, field
) -> None:
    _by_authority(world.org_a)
    case = open_diana(world.a["case_worker"])
    worker = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    body = {**AUTHORITY, **change}
    assert field_errors(
        send(worker, "post", f"/api/v1/cases/{case.uuid}/decisions/authority", body)
    ) == {field}
    form = {k: ("" if v is None else v) for k, v in body.items()}
    for confirmed in ({}, {"confirmed": "yes"}):
        page = worker.post(f"/cases/{case.uuid}/identification/record/", {**form, **confirmed})
        assert page.status_code == 200
        assert page.context["authority_form"].errors.get(field), page.context[
            "authority_form"
        ].errors
    assert not IdentificationDecision.objects.exists()
    case.refresh_from_db()
    assert case.trafficking_status == TraffickingStatus.POSSIBLE


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"grounds": "g" * 5001}, "grounds"),
        ({"grounds": ""}, "grounds"),
        ({"new_information": "n" * 5001}, "new_information"),
        ({"new_information": "Only for a reconsideration."}, "new_information"),
        ({"outcome": "ActualVictimOfTrafficking"}, "outcome"),
    ],
)
def test_bad_proposals_are_refused_by_page_and_api(world: World, signed_in, change, field) -> None:
    case = open_diana(world.a["case_worker"])
    worker = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    body = {"stage": "presumed", "decided_by_type": "NGO", "grounds": GROUNDS, **change}
    assert field_errors(send(worker, "post", f"/api/v1/cases/{case.uuid}/decisions", body)) == {
        field
    }
    page = worker.post(f"/cases/{case.uuid}/identification/propose/", body)
    assert page.status_code == 200 and page.context["form"].errors.get(field)
    assert not IdentificationDecision.objects.exists()


# --- The notification of the other supervisors.


def test_the_other_supervisors_are_told_a_decision_awaits_them(world: World) -> None:
    second = _second_supervisor(world)
    case = open_diana(world.a["case_worker"])
    supervisor = world.a["supervisor"]
    # Proposed by a supervisor: the other supervisor hears of it, the proposer does not.
    services.identification_propose(
        actor=world.actor(supervisor),
        case=case,
        stage="presumed",
        grounds=GROUNDS,
        decided_by_type="NGO",
    )
    notified = set(
        Notification.objects.filter(kind="identification.proposed").values_list(
            "recipient", flat=True
        )
    )
    assert notified == {second.user.pk}
    note = Notification.objects.get(kind="identification.proposed")
    assert note.url == f"/cases/{case.uuid}/identification/"
    assert note.organization == world.org_a
    assert case.number in note.params.values()
    assert "Diana" not in note.message + str(note.params)


def test_a_case_workers_proposal_reaches_every_supervisor_and_nobody_else(world: World) -> None:
    second = _second_supervisor(world)
    case = open_diana(world.a["case_worker"])
    _propose(world, case)
    notified = set(
        Notification.objects.filter(kind="identification.proposed").values_list(
            "recipient", flat=True
        )
    )
    assert notified == {world.a["supervisor"].user.pk, second.user.pk}
    assert world.a["case_worker"].user.pk not in notified
    assert not notified & {m.user.pk for m in world.b.values()}


def test_a_case_from_before_the_deadlines_gets_them_at_its_first_decision(world: World) -> None:
    # A case opened before the feature keeps working: no deadline, no refusal.
    case = open_diana(world.a["case_worker"])
    Case.objects.filter(pk=case.pk).update(identification_due_on=None, reflection_ends_on=None)
    case.refresh_from_db()
    decision = _approve(world, _propose(world, case))
    case.refresh_from_db()
    assert case.reflection_ends_on == decision.decided_on + timedelta(days=30)
