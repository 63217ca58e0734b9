"""The identification decision travels with a referral (issue 10, decision 0014): A shares the
status, who decided and when; B's case starts at that status, recorded as decided by A's side,
not again at "possible victim". Chosen by default for an international organization."""

from __future__ import annotations

from datetime import date

from opennrm.accounts import services as accounts
from opennrm.accounts.models import Organization, OrganizationType, Role
from opennrm.cases import services as cases
from opennrm.cases.choices import DecisionSource, DecisionState, TraffickingStatus
from opennrm.cases.models import Case
from opennrm.referrals import services
from opennrm.referrals.choices import MINIMUM_SHARED_FIELDS, SharedField
from tests.conftest import PASSWORD, World
from tests.referrals.factories import consent_to, diana_consenting, send


def _identified(world: World, case: Case) -> None:
    """A's presumed-victim decision, then the conclusive one (the person asked for it early)."""
    worker = world.actor(world.a["case_worker"])
    supervisor = world.actor(world.a["supervisor"])
    for stage in ("presumed", "identified"):
        decision = cases.identification_propose(
            actor=worker,
            case=case,
            stage=stage,
            grounds="Act, means and purpose.",
            decided_by_type="NGO",
            requested_early=stage == "identified",
        )
        cases.identification_review(actor=supervisor, decision=decision, approve=True)
    case.refresh_from_db()


def test_b_starts_at_the_shared_status_decided_by_a(world: World) -> None:
    case = diana_consenting(world)
    _identified(world, case)
    referral = send(world, case, shared_fields=[*MINIMUM_SHARED_FIELDS, "identification"])
    shared = referral.shared_values["identification"]
    decided_on = case.status_decision.decided_on.isoformat()
    assert shared == {
        "trafficking_status": "ActualVictimOfTrafficking",
        "stage": "identified",
        "decided_by_type": "NGO",
        "decided_by_name": "Crisis Centre A",
        "decided_on": decided_on,
    }
    assert "grounds" not in str(shared)  # who and when, never why

    accepted = services.referral_accept(
        actor=world.actor(world.b["case_worker"]), referral=referral
    )
    b_case = accepted.to_case
    assert b_case is not None and b_case.organization == world.org_b
    b_case.refresh_from_db()
    assert b_case.trafficking_status == TraffickingStatus.ACTUAL
    decision = b_case.status_decision
    assert decision.source == DecisionSource.REFERRAL
    assert decision.state == DecisionState.RECORDED
    assert decision.decided_by_name == "Crisis Centre A"
    assert decision.decided_on.isoformat() == decided_on
    assert b_case.identification_due_on is None  # decided: nothing due at B


def test_b_shows_who_decided_on_its_case_page(world: World, signed_in) -> None:
    case = diana_consenting(world)
    _identified(world, case)
    referral = send(world, case, shared_fields=[*MINIMUM_SHARED_FIELDS, "identification"])
    b_case = services.referral_accept(
        actor=world.actor(world.b["case_worker"]), referral=referral
    ).to_case
    client = signed_in(world.b["case_worker"].user, world.b["case_worker"])
    page = client.get(f"/cases/{b_case.uuid}/trafficking/").content.decode()
    assert "Actual victim of trafficking — decided by NGO Crisis Centre A" in page
    received = client.get(f"/referrals/{referral.uuid}/").content.decode()
    assert "Identification decision (status, who decided, date)" in received
    assert "Actual victim of trafficking" in received


def test_a_presumed_decision_starts_the_reflection_period_at_b(world: World) -> None:
    case = diana_consenting(world)
    worker = world.actor(world.a["case_worker"])
    decision = cases.identification_propose(
        actor=worker, case=case, stage="presumed", grounds="x", decided_by_type="NGO"
    )
    cases.identification_review(
        actor=world.actor(world.a["supervisor"]), decision=decision, approve=True
    )
    referral = send(world, case, shared_fields=["identification"])
    b_case = services.referral_accept(
        actor=world.actor(world.b["case_worker"]), referral=referral
    ).to_case
    b_case.refresh_from_db()
    decision.refresh_from_db()
    assert b_case.trafficking_status == TraffickingStatus.POSSIBLE
    assert b_case.reflection_ends_on == date.fromordinal(decision.decided_on.toordinal() + 30)


def test_without_the_field_b_starts_at_possible_victim(world: World) -> None:
    case = diana_consenting(world)
    _identified(world, case)
    referral = send(world, case)
    b_case = services.referral_accept(
        actor=world.actor(world.b["case_worker"]), referral=referral
    ).to_case
    b_case.refresh_from_db()
    assert b_case.trafficking_status == TraffickingStatus.POSSIBLE
    assert b_case.status_decision is None


def _iom(world: World) -> Organization:
    iom = accounts.organization_create(
        actor=world.platform,
        name="IOM Kazakhstan",
        org_type=OrganizationType.INTERNATIONAL,
        country="KZ",
        city="Almaty",
    )
    accounts.membership_create(
        actor=world.platform,
        organization=iom,
        email="case_worker.iom@example.org",
        full_name="IOM Worker",
        role=Role.CASE_WORKER,
        password=PASSWORD,
    )
    return iom


def test_an_international_organization_gets_the_decision_by_default(world: World) -> None:
    case = diana_consenting(world)
    iom = _iom(world)
    consent_to(world, case, iom)
    _identified(world, case)
    to_iom = send(world, case, to_organization=iom, shared_fields=None)
    assert SharedField.IDENTIFICATION in to_iom.shared_fields
    to_b = send(world, case, shared_fields=None)
    assert SharedField.IDENTIFICATION not in to_b.shared_fields


def test_the_form_preselects_the_decision_for_iom_and_a_return(world: World, signed_in) -> None:
    case = diana_consenting(world)
    iom = _iom(world)
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    url = f"/referrals/from/{case.uuid}/"

    def ticked(query: str) -> list[str]:
        form = client.get(url + query).context["form"]
        return list(form["share_statistical"].value())

    assert SharedField.IDENTIFICATION not in ticked("")
    assert SharedField.IDENTIFICATION in ticked(f"?to_organization={iom.uuid}")
    assert SharedField.IDENTIFICATION not in ticked(f"?to_organization={world.org_b.uuid}")
    assert SharedField.IDENTIFICATION in ticked(f"?to={world.org_b.uuid}&for=return")
    page = client.get(url).content.decode()
    assert f'hx-get="{url}"' in page  # choosing the receiver redraws the defaults


def test_b_keeps_the_shared_age_band_without_birth_data(world: World) -> None:
    """The minimum a referral shares is for figures: B's person has A's age band even when no
    birth data was shared (seen in the Russian story: B's case said "unknown")."""
    case = diana_consenting(world)
    band = case.person.age_band
    assert band not in ("", "unknown")
    referral = send(world, case, shared_fields=list(MINIMUM_SHARED_FIELDS))
    assert "birth" not in referral.shared_values
    accepted = services.referral_accept(
        actor=world.actor(world.b["case_worker"]), referral=referral
    )
    assert accepted.to_case is not None
    person = accepted.to_case.person
    person.refresh_from_db()
    assert (person.age_band, person.birth_year, person.birth_date) == (band, "", "")
