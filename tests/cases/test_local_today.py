"""A case's dates are checked against the organization's today, not UTC's: at 01:00 in Almaty
a case opened "today" is accepted by the page, the API and the services; at 23:30 in Istanbul
"today" is still that day there, and tomorrow is refused."""

from __future__ import annotations

from datetime import date

from django.test import Client

from opennrm.accounts.services import api_token_create
from opennrm.cases import services
from opennrm.cases.models import Case
from opennrm.errors import ValidationFailed
from tests.api.test_case_api import diana_body, field_errors, send
from tests.cases.factories import DIANA_CASE, DIANA_PERSON, REASON
from tests.cases.test_case_pages import open_form
from tests.conftest import World
from tests.support.clock import ALMATY_1AM, ISTANBUL_2330, at, istanbul_member

TODAY = date(2026, 3, 10)  # where the organizations are, at both moments
API = "/api/v1/cases"


def _worker(world: World, signed_in) -> Client:
    member = world.a["case_worker"]
    return signed_in(member.user, member)


def test_at_1am_in_almaty_the_new_case_page_offers_and_accepts_todays_date(world, signed_in):
    with at(ALMATY_1AM):
        client = _worker(world, signed_in)
        page = client.get("/cases/new/").content.decode()
        assert 'value="2026-03-10"' in page  # not UTC's 2026-03-09
        response = client.post("/cases/new/", open_form(opened_on="2026-03-10"))
        assert response.status_code == 302, response.content.decode()
        case = Case.objects.get()
        assert case.opened_on == TODAY
        assert case.number.split("-")[1] == "2026"

        refused = client.post("/cases/new/", open_form(opened_on="2026-03-11"))
    assert refused.status_code == 200
    assert "This date is in the future." in refused.content.decode()
    assert Case.objects.count() == 1


def test_at_1am_in_almaty_the_api_accepts_a_case_opened_today(world, signed_in):
    member = world.a["case_worker"]
    with at(ALMATY_1AM):
        client = _worker(world, signed_in)
        response = send(client, "post", API, diana_body(opened_on="2026-03-10"))
        assert response.status_code == 201, response.content
        assert response.json()["opened_on"] == "2026-03-10"
        # Without the date, the case opens on the organization's today.
        unset = {k: v for k, v in diana_body().items() if k != "opened_on"}
        assert send(client, "post", API, unset).json()["opened_on"] == "2026-03-10"
        assert field_errors(send(client, "post", API, diana_body(opened_on="2026-03-11"))) == {
            "opened_on"
        }
        # A bearer token acts in its organization's zone too.
        _token, raw = api_token_create(actor=world.actor(member), name="sync", days=5)
        by_token = send(
            Client(),
            "post",
            API,
            diana_body(opened_on="2026-03-10"),
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert by_token.status_code == 201, by_token.content
    assert Case.objects.count() == 3


def test_at_1am_in_almaty_the_services_count_in_the_organizations_day(world):
    worker, supervisor = world.actor(world.a["case_worker"]), world.actor(world.a["supervisor"])
    with at(ALMATY_1AM):
        case = services.case_open(actor=worker, person=dict(DIANA_PERSON), **DIANA_CASE)
        assert case.opened_on == TODAY
        consent = services.consent_record(
            actor=worker, case=case, purpose="referral", method="written", recipient_type="NGO"
        )
        assert consent.given_on == TODAY
        event = services.historic_event_add(
            actor=worker, case=case, event_type="Recruitment", occurred_on=TODAY
        )
        assert event.occurred_on == TODAY
        assert (
            services.consent_withdraw(actor=worker, consent=consent, reason=REASON).withdrawn_on
            == TODAY
        )
        closed = services.case_change_status(
            actor=supervisor, case=case, status="Closed", reason="Returned home."
        )
        assert closed.closed_on == TODAY


def test_a_birth_today_is_not_in_the_future_and_age_counts_in_the_organizations_day(world):
    worker = world.actor(world.a["case_worker"])
    with at(ALMATY_1AM):
        newborn = services.case_open(
            actor=worker, person={**DIANA_PERSON, "birth_date": "2026-03-10"}, **DIANA_CASE
        )
        assert newborn.person.birth_date == "2026-03-10"
        # Eighteen today in Almaty (still seventeen by UTC's date): an adult, not a child.
        adult = services.case_open(
            actor=worker,
            person={**DIANA_PERSON, "birth_year": None, "birth_date": "2008-03-10"},
            **DIANA_CASE,
        )
        assert (adult.person.age_band, adult.person.is_minor) == ("18-24", False)
        try:
            services.case_open(
                actor=worker, person={**DIANA_PERSON, "birth_date": "2026-03-11"}, **DIANA_CASE
            )
        except ValidationFailed as exc:
            assert set(exc.errors) == {"person.birth_date"}
        else:
            raise AssertionError("a birth tomorrow was accepted")


def test_at_2330_in_istanbul_today_is_still_that_day_and_tomorrow_is_refused(world, signed_in):
    member = istanbul_member(world)
    with at(ISTANBUL_2330):
        client = signed_in(member.user, member)
        assert 'value="2026-03-10"' in client.get("/cases/new/").content.decode()
        unset = {k: v for k, v in diana_body().items() if k != "opened_on"}
        assert send(client, "post", API, unset).json()["opened_on"] == "2026-03-10"
        accepted = send(client, "post", API, diana_body(opened_on="2026-03-10"))
        assert accepted.status_code == 201, accepted.content
        # Already the 11th in Almaty, but not in Istanbul.
        assert field_errors(send(client, "post", API, diana_body(opened_on="2026-03-11"))) == {
            "opened_on"
        }
        page = client.post("/cases/new/", open_form(opened_on="2026-03-11"))
        assert "This date is in the future." in page.content.decode()
    assert Case.objects.filter(organization=member.organization).count() == 2
