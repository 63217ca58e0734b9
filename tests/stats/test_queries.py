"""Every table of the query layer on data made by hand in two organizations: the counts are what
the test made, and the other organization's records are never counted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from opennrm.accounts.timezones import local_today
from opennrm.cases import services as cases
from opennrm.cases.models import Case
from opennrm.referrals import services as referrals
from opennrm.referrals.deliveries import referral_service_record
from opennrm.returns import services as returns
from opennrm.returns.models import ReintegrationFollowUp
from opennrm.stats import queries
from opennrm.stats.queries import Scope, ScopeError
from opennrm.stats.tables import Table
from tests.conftest import World
from tests.hotline.factories import record
from tests.referrals.factories import consent_to, send
from tests.returns.factories import arrive, record_return

PERSON = {"given_name": "Test", "family_name": "Person"}


def _open(world: World, org: str, opened_on: date, **case) -> Case:
    person = {**PERSON, **case.pop("person")}
    membership = getattr(world, org)["case_worker"]
    return cases.case_open(
        actor=world.actor(membership), person=person, opened_on=opened_on, **case
    )


def _cells(table: Table) -> dict[str, tuple[int | None, ...]]:
    return {row.label: row.values for row in table.rows}


def _scope(world: World, org: str = "a", **kwargs) -> Scope:
    organization = world.org_a if org == "a" else world.org_b
    return Scope.of_organization(
        organization, date(2024, 1, 1), local_today(organization), **kwargs
    )


@pytest.fixture
def made(world: World):
    """Three cases of Crisis Centre A in 2024 and one of Hotline B, never counted for A."""
    uz_woman = _open(
        world,
        "a",
        date(2024, 3, 5),
        person={"gender": "Feminine", "citizenship": "UZ"},
        exploitation_types=["SexualExploitation"],
        age_when_trafficked=28,
        country_of_origin="UZ",
        transit_countries=["KZ"],
        country_of_exploitation="RU",
    )
    tj_boy = _open(
        world,
        "a",
        date(2024, 3, 20),
        person={"gender": "Masculine", "citizenship": "TJ"},
        exploitation_types=["ForcedLabour"],
        age_when_trafficked=17,
        country_of_origin="TJ",
        country_of_exploitation="RU",
    )
    both = _open(
        world,
        "a",
        date(2024, 5, 1),
        person={"gender": "Feminine", "citizenship": "UZ"},
        exploitation_types=["SexualExploitation", "ForcedLabour"],
        country_of_origin="UZ",
        transit_countries=["KZ"],
        country_of_exploitation="RU",
    )
    _open(
        world,
        "b",
        date(2024, 3, 10),
        person={"gender": "Feminine", "citizenship": "KG"},
        exploitation_types=["SexualExploitation"],
        age_when_trafficked=28,
        country_of_origin="KG",
        country_of_exploitation="RU",
    )
    return {"uz_woman": uz_woman, "tj_boy": tj_boy, "both": both}


def test_cases_people_and_routes(world: World, made) -> None:
    supervisor = world.actor(world.a["supervisor"])
    cases.case_change_status(actor=supervisor, case=made["tj_boy"], status="Closed", reason="Home")
    scope = _scope(world)
    with translation.override("en"):
        headline = _cells(queries.headline(scope))
        assert headline["Cases opened"] == (3,) and headline["People assisted"] == (3,)
        assert headline["Cases closed"] == (1,)
        by_month = _cells(queries.cases_by_month(scope))
        assert by_month["March 2024"] == (2, 0) and by_month["May 2024"] == (1, 0)
        today = local_today(world.org_a)
        closed_in = by_month[today.strftime("%B %Y")]
        assert closed_in[1] == 1
        assert sum(v[0] for v in by_month.values()) == 3
        exploitation = _cells(queries.cases_by_exploitation_type(scope))
        assert exploitation == {
            "Forced labour": (2, 1, 1, 0),
            "Sexual exploitation": (2, 2, 0, 0),
        }
        assert _cells(queries.people_by_sex(scope)) == {"Female": (2,), "Male": (1,)}
        ages = _cells(queries.people_by_age_band(scope))
        assert ages["27–29"] == (1,) and ages["9–17"] == (1,) and ages["Unknown"] == (1,)
        assert sum(v[0] or 0 for v in ages.values()) == 3
        assert _cells(queries.people_by_citizenship(scope)) == {
            "Uzbekistan": (2,),
            "Tajikistan": (1,),
        }
        assert _cells(queries.cases_by_country_of_exploitation(scope)) == {"Russia": (3,)}
        assert _cells(queries.routes(scope)) == {
            "Uzbekistan → Kazakhstan → Russia": (2,),
            "Tajikistan → Russia": (1,),
        }
        # Hotline B's one case, counted for B alone.
        assert _cells(queries.people_by_citizenship(_scope(world, "b"))) == {"Kyrgyzstan": (1,)}


def test_a_table_takes_a_few_queries_however_many_cases(world: World, made) -> None:
    """The tables of cases read the counts kept ahead for the whole months and the cases of the
    days around them (two queries), the people tables also the persons counted with another case
    (one more); the others one grouped query each."""
    scope = _scope(world)
    bounds = {
        queries.cases_by_exploitation_type: 2,
        queries.routes: 2,
        queries.people_by_sex: 3,
        queries.people_by_age_band: 3,
        queries.people_by_citizenship: 3,
    }
    for table in (
        queries.cases_by_exploitation_type,
        queries.people_by_sex,
        queries.people_by_age_band,
        queries.people_by_citizenship,
        queries.routes,
        queries.identification_decisions,
        queries.signals_by_reason_and_channel,
    ):
        with CaptureQueriesContext(connection) as done:
            table(scope)
        assert len(done) <= bounds.get(table, 1), table.__name__


def test_identification_decisions_and_time_to_decision(world: World, made) -> None:
    worker, supervisor = world.actor(world.a["case_worker"]), world.actor(world.a["supervisor"])
    for case in (made["uz_woman"], made["tj_boy"]):
        decision = cases.identification_propose(
            actor=worker,
            case=case,
            stage="presumed",
            grounds="Passport taken.",
            decided_by_type="NGO",
        )
        cases.identification_review(actor=supervisor, decision=decision, approve=True)
    rejected = cases.identification_propose(
        actor=worker, case=made["both"], stage="presumed", grounds="Unsure.", decided_by_type="NGO"
    )
    cases.identification_review(actor=supervisor, decision=rejected, approve=False)
    scope = _scope(world)
    today = local_today(world.org_a)
    with translation.override("en"):
        decisions = _cells(queries.identification_decisions(scope))
        assert decisions["Possible victim of trafficking"] == (2, 0)
        assert sum(v[0] or 0 for v in decisions.values()) == 2
        waited = _cells(queries.time_to_decision(scope))
        days = sorted((today - made[k].opened_on).days for k in ("uz_woman", "tj_boy"))
        median = round(sum(days) / 2)
        # A stage without decisions has no row: None would read as a suppressed cell.
        assert waited == {"Presumed victim (reasonable grounds)": (2, median)}
        assert _cells(queries.identification_decisions(_scope(world, "b")))[
            "Possible victim of trafficking"
        ] == (0, 0)


def test_services_referrals_and_returns(world: World, made) -> None:
    a = world.a["case_worker"]
    actor = world.actor(a)
    case = made["uz_woman"]
    cases.service_add(
        actor=actor,
        case=case,
        service_type="Legal",
        status="completed",
        started_on=date(2024, 3, 6),
    )
    cases.service_add(
        actor=actor,
        case=case,
        service_type="Medical",
        status="in_progress",
        started_on=date(2024, 4, 1),
    )
    cases.service_add(actor=actor, case=case, service_type="Shelter", status="planned")
    consent_to(world, case)
    referral = send(world, case)
    declined = send(world, case)
    b = world.actor(world.b["supervisor"])
    referrals.referral_accept(actor=b, referral=referral)
    referrals.referral_decline(actor=b, referral=declined, reason="No lawyer free.")
    referral_service_record(
        actor=b,
        referral=referral,
        service_type="Legal",
        delivered_on=local_today(world.org_b),
        outcome="Passport requested.",
    )
    trip = record_return(a, case, travel_date=local_today(world.org_a) - timedelta(days=100))
    arrive(a, trip)
    three = ReintegrationFollowUp.objects.get(return_record=trip, months=3)
    returns.follow_up_record(
        actor=actor,
        follow_up=three,
        version=three.version,
        done_on=local_today(world.org_a),
        outcome="stable",
    )
    with translation.override("en"):
        a_scope, b_scope = _scope(world), _scope(world, "b")
        assert _cells(queries.services_by_type(a_scope)) == {"Legal": (1, 0), "Medical": (1, 0)}
        assert _cells(queries.services_by_type(b_scope)) == {"Legal": (0, 1)}
        sent = _cells(queries.referrals(a_scope))
        # total, awaiting, accepted, declined, withdrawn, overdue
        assert sent == {"Sent": (2, 0, 1, 1, 0, 0), "Received": (0, 0, 0, 0, 0, 0)}
        received = _cells(queries.referrals(b_scope))
        assert received["Received"] == (2, 0, 1, 1, 0, 0)
        # answered, per cent accepted, median hours (answered at once); no answer, no row
        assert _cells(queries.referral_answers(a_scope)) == {"Sent": (2, 50, 0)}
        assert _cells(queries.referral_answers(b_scope)) == {"Received": (2, 50, 0)}
        assert _cells(queries.referrals_by_partner(a_scope, "sent")) == {
            world.org_b.name: (2, 0, 1, 1, 0, 0)
        }
        assert _cells(queries.referrals_by_service(b_scope, "received"))["Legal"] == (
            2, 0, 1, 1, 0, 0,
        )  # fmt: skip
        assert _cells(queries.returns_by_destination(a_scope)) == {"Uzbekistan": (1,)}
        assert _cells(queries.returns_by_destination(b_scope)) == {}
        follow_ups = _cells(queries.follow_ups_done(a_scope))
        assert follow_ups["3 months after arrival"] == (1, 1, 0, 0, 0)
        assert follow_ups["6 months after arrival"] == (0, 0, 0, 0, 0)


def test_caseload_per_worker_stays_in_the_organization(world: World, made) -> None:
    supervisor = world.actor(world.a["supervisor"])
    cases.case_change_status(actor=supervisor, case=made["tj_boy"], status="Closed", reason="Home")
    scope = _scope(world)
    with translation.override("en"):
        caseload = queries.caseload_per_worker(scope)
    worker = world.a["case_worker"].user
    assert _cells(caseload) == {worker.full_name or worker.email: (2, 3)}
    with pytest.raises(ScopeError):
        queries.caseload_per_worker(_scope(world, statistical_consent_only=True))


def test_only_cases_with_statistical_consent_leave(world: World, made) -> None:
    cases.consent_record(
        actor=world.actor(world.a["case_worker"]),
        case=made["tj_boy"],
        purpose="statistics",
        method="verbal",
    )
    scope = _scope(world, statistical_consent_only=True)
    with translation.override("en"):
        assert _cells(queries.people_by_citizenship(scope)) == {"Tajikistan": (1,)}
        assert _cells(queries.headline(scope))["Cases opened"] == (1,)


def test_hotline_contacts_by_reason_and_channel(world: World) -> None:
    operator = world.a["hotline_operator"]
    now = timezone.now()
    record(operator, reason="safe_migration", channel="call", received_at=now)
    record(operator, reason="safe_migration", channel="call", received_at=now)
    record(operator, reason="job_offer_check", channel="chat", received_at=now)
    record(world.b["hotline_operator"], reason="missing_person", received_at=now)
    with translation.override("en"):
        table = queries.signals_by_reason_and_channel(_scope(world))
        cells = _cells(table)
        call, chat = table.columns.index("Call"), table.columns.index("Chat")
        assert cells["Safe-migration advice"][call] == 2
        assert cells["Job-offer check"][chat] == 1
        assert sum(sum(v) for v in cells.values()) == 3
        assert _cells(queries.signals_by(_scope(world), "reason"))["Missing person"] == (0, 0, 0)


def test_a_period_ending_before_it_starts_is_refused(world: World) -> None:
    with pytest.raises(ScopeError):
        Scope.of_organization(world.org_a, date(2025, 1, 2), date(2025, 1, 1))


def test_the_previous_period(world: World) -> None:
    year = Scope.of_organization(world.org_a, date(2005, 1, 1), date(2005, 12, 31))
    assert (year.previous().start, year.previous().end) == (date(2004, 1, 1), date(2004, 12, 31))
    so_far = Scope.of_organization(world.org_a, date(2024, 1, 1), date(2024, 2, 29))
    assert (so_far.previous().start, so_far.previous().end) == (date(2023, 1, 1), date(2023, 2, 28))
    days = Scope.of_organization(world.org_a, date(2024, 3, 10), date(2024, 3, 19))
    assert (days.previous().start, days.previous().end) == (date(2024, 2, 29), date(2024, 3, 9))


def test_months_and_years_are_the_organizations(world: World) -> None:
    """A contact at 01:00 on 1 January in Almaty is 20:00 on 31 December in UTC: it counts in
    Almaty's new year and month, not UTC's old one."""
    from zoneinfo import ZoneInfo

    from tests.support.clock import at

    almaty = ZoneInfo("Asia/Almaty")
    new_year = timezone.datetime(2026, 1, 1, 1, 0, tzinfo=almaty)
    with at(new_year + timedelta(hours=1)):
        record(world.a["hotline_operator"], reason="safe_migration", received_at=new_year)
    assert world.org_a.time_zone == "Asia/Almaty"

    def contacts(start: date, end: date) -> int:
        scope = Scope.of_organization(world.org_a, start, end)
        return sum(row.values[0] or 0 for row in queries.signals_by(scope, "reason").rows)

    assert contacts(date(2026, 1, 1), date(2026, 1, 31)) == 1
    assert contacts(date(2025, 1, 1), date(2025, 12, 31)) == 0
    days = queries.signals_per_period(
        Scope.of_organization(world.org_a, date(2025, 12, 31), date(2026, 1, 1)), "reason", "day"
    )
    assert [row.values[0] for row in days.rows] == [
        1,
        0,
    ]  # newest first: 1 January, then 31 December
