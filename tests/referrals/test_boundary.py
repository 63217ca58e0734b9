"""The shared-field boundary, channel by channel: page, API, export, search, audit history.

Crisis Centre A refers Diana to Hotline B sharing her given name, citizenship, gender, age band
and languages: not her family name, patronymic, other names, passport or phone. B's case worker
accepts, which opens B's own case from the shared fields. B must never read a field A did not
share, and must lose the shared fields the moment Diana withdraws her consent at A: at read
time at once, and in B's case copy when the withdrawal is carried out.

There is no export of referrals yet (no interop app): the referral's JSON from the API is its
export, and is tested as such.
"""

from __future__ import annotations

import json

import pytest

from opennrm.accounts.permissions import REFERRALS_VIEW, Actor
from opennrm.cases import services as cases
from opennrm.cases.events import ConsentWithdrawn
from opennrm.referrals import selectors, services
from opennrm.referrals.models import Referral
from tests.cases.factories import REASON, open_diana
from tests.conftest import World
from tests.referrals.factories import UNSHARED_VALUES, consent_to, send
from tests.support.events import held_back
from tests.support.matrix import client_for

GIVEN = "Диана"
WITHDRAWN = "Consent withdrawn on"


@pytest.fixture
def shared(world: World):
    """Diana's referral from A to B, accepted by B's case worker; and her consent."""
    case = open_diana(world.a["case_worker"])
    consent = consent_to(world, case)
    referral = send(world, case)
    services.referral_accept(actor=world.actor(world.b["case_worker"]), referral=referral)
    referral.refresh_from_db()
    return case, consent, referral


def withdraw(world: World, consent, *, carry_out: bool) -> None:
    """Diana withdraws her consent at A. ``carry_out`` runs the clean-up, as the referrals'
    handler of ``ConsentWithdrawn`` does; without it (the handler held back) read time alone
    must hold the boundary."""
    actor = world.actor(world.a["case_worker"])
    with held_back(ConsentWithdrawn):
        cases.consent_withdraw(actor=actor, consent=consent, reason=REASON)
    if carry_out:
        services.referral_consent_withdrawn(actor=actor, consent=consent)


def assert_unshared_absent(text: str) -> None:
    for secret in UNSHARED_VALUES:
        assert secret not in text, secret


# --- Page.


@pytest.mark.parametrize("role", ["case_worker", "service_provider", "law_enforcement_liaison"])
def test_page_shows_only_the_shared_fields_then_nothing_after_withdrawal(world, shared, role):
    _case, consent, referral = shared
    b = client_for(world, "b:" + role)
    html = b.get(f"/referrals/{referral.uuid}/").content.decode()
    assert GIVEN in html and "Needs a lawyer" in html
    assert_unshared_absent(html)
    withdraw(world, consent, carry_out=False)
    html = b.get(f"/referrals/{referral.uuid}/").content.decode()
    assert WITHDRAWN in html
    assert GIVEN not in html and "Needs a lawyer" not in html
    assert_unshared_absent(html)


def test_b_case_page_holds_only_the_shared_fields_and_loses_them(world, shared):
    _case, consent, referral = shared
    b = client_for(world, "b:case_worker")
    url = f"/cases/{referral.to_case.uuid}/person/"
    html = b.get(url).content.decode()
    assert GIVEN in html
    assert_unshared_absent(html)
    withdraw(world, consent, carry_out=True)
    html = b.get(url).content.decode()
    assert GIVEN not in html
    assert_unshared_absent(html)


def test_the_sender_still_sees_what_it_shared_marked_withdrawn(world, shared):
    _case, consent, referral = shared
    withdraw(world, consent, carry_out=True)
    html = client_for(world, "a:case_worker").get(f"/referrals/{referral.uuid}/").content.decode()
    assert GIVEN in html and "the receiver no longer sees them" in html


# --- API, and the referral's JSON as its export.


def test_api_gives_only_the_shared_fields_then_withholds_them(world, shared):
    _case, consent, referral = shared
    b = client_for(world, "b:case_worker")
    body = b.get(f"/api/v1/referrals/{referral.uuid}").json()
    assert body["shared"]["available"] is True
    assert set(body["shared"]["values"]) == set(referral.shared_fields)
    assert body["shared"]["values"]["given_name"] == GIVEN
    assert body["from_case_id"] is None and body["override_reason"] is None
    assert_unshared_absent(json.dumps(body, ensure_ascii=False))
    withdraw(world, consent, carry_out=False)
    body = b.get(f"/api/v1/referrals/{referral.uuid}").json()
    assert body["shared"] == {
        "available": False,
        "withheld": "consent_withdrawn",
        "consent_withdrawn_on": consent.case.consents.get().withdrawn_on.isoformat(),
        "fields": referral.shared_fields,
        "values": {},
        "not_shown": [],
    }
    assert body["note"] is None
    assert GIVEN not in json.dumps(body, ensure_ascii=False)


def test_api_lists_carry_no_shared_value(world, shared):
    b = client_for(world, "b:case_worker")
    for box in ("inbox", "outbox"):
        text = b.get(f"/api/v1/referrals?box={box}").content.decode()
        assert GIVEN not in text
        assert_unshared_absent(text)


def test_b_case_person_api_loses_the_shared_name(world, shared):
    _case, consent, referral = shared
    b = client_for(world, "b:case_worker")
    url = f"/api/v1/cases/{referral.to_case.uuid}/person"
    person = b.get(url).json()
    assert person["given_name"] == GIVEN and person["family_name"] == ""
    assert person["documents"] == [] and person["phones"] == []
    withdraw(world, consent, carry_out=True)
    assert b.get(url).json()["given_name"] == ""


def test_identifying_shares_need_the_right_to_see_identifying_data(world, shared):
    """Every role that receives referrals may see identifying data today; an actor without that
    right would get the statistical shares only, told which fields were kept back."""
    _case, _consent, referral = shared
    membership = world.b["service_provider"]
    limited = Actor(
        user=membership.user, membership=membership, permissions=frozenset({REFERRALS_VIEW})
    )
    shares = selectors.referral_shares(actor=limited, referral=referral)
    assert shares.available and "given_name" not in shares.values
    assert shares.hidden_identifying == ["given_name"] and shares.values["citizenship"] == "UZ"
    analyst = client_for(world, "b:data_analyst")
    assert analyst.get(f"/api/v1/referrals/{referral.uuid}").status_code == 403


# --- Search.


def test_b_name_search_finds_only_by_what_was_shared(world, shared):
    _case, consent, referral = shared
    b = client_for(world, "b:case_worker")
    number = referral.to_case.number
    for name in ("Каримова", "Рустамовна", "Dilnoza", "Diana Karimova"):
        assert number not in b.post("/cases/", {"q": name}).content.decode()
        found = b.post(
            "/api/v1/cases/search", data=json.dumps({"q": name}), content_type="application/json"
        ).json()
        assert found["items"] == []
    assert number in b.post("/cases/", {"q": GIVEN}).content.decode()
    withdraw(world, consent, carry_out=True)
    assert number not in b.post("/cases/", {"q": GIVEN}).content.decode()
    found = b.post(
        "/api/v1/cases/search", data=json.dumps({"q": GIVEN}), content_type="application/json"
    ).json()
    assert found["items"] == []


def test_b_cannot_search_or_open_a_case(world, shared):
    case, _consent, _referral = shared
    b = client_for(world, "b:supervisor")
    assert case.number not in b.post("/cases/", {"q": "Каримова"}).content.decode()
    assert b.get(f"/cases/{case.uuid}/").status_code == 404
    assert b.get(f"/api/v1/cases/{case.uuid}/person").status_code == 404


# --- Audit history view.


def test_history_shows_the_referral_steps_never_values_nor_a_case_events(world, shared):
    case, consent, referral = shared
    withdraw(world, consent, carry_out=True)
    b = client_for(world, "b:case_worker")
    events = b.get(f"/api/v1/referrals/{referral.uuid}/history").json()
    assert [e["action"] for e in events] == [
        "referral.consent_withdrawn",
        "referral.accept",
        "referral.send",
    ]
    # A's people are not named to B: their events carry the organization, not the user.
    assert [e["actor_id"] is None for e in events] == [True, False, True]
    text = json.dumps(events, ensure_ascii=False)
    assert GIVEN not in text and "Needs a lawyer" not in text
    assert_unshared_absent(text)
    html = b.get(f"/referrals/{referral.uuid}/").content.decode()
    history = html.split('id="referral-history"')[1]
    assert "Case opened" not in history and "Crisis Centre A" in history
    assert world.a["case_worker"].user.email not in history
    assert b.get(f"/cases/{case.uuid}/history/").status_code == 404
    assert b.get(f"/api/v1/cases/{case.uuid}/history").status_code == 404


def test_a_referral_withdrawn_or_declined_is_closed_to_b(world):
    case = open_diana(world.a["case_worker"])
    consent_to(world, case)
    withdrawn = send(world, case)
    services.referral_withdraw(actor=world.actor(world.a["case_worker"]), referral=withdrawn)
    declined = send(world, case)
    services.referral_decline(
        actor=world.actor(world.b["service_provider"]), referral=declined, reason="Full."
    )
    b = client_for(world, "b:service_provider")
    for referral in (withdrawn, declined):
        html = b.get(f"/referrals/{referral.uuid}/").content.decode()
        assert GIVEN not in html and "closed to your organization" in html
        body = b.get(f"/api/v1/referrals/{referral.uuid}").json()
        assert body["shared"]["withheld"] == "closed" and body["shared"]["values"] == {}
    assert Referral.objects.count() == 2


def test_withdrawing_consent_on_the_case_carries_it_out(world, shared):
    _case, consent, referral = shared
    cases.consent_withdraw(
        actor=world.actor(world.a["case_worker"]), consent=consent, reason=REASON
    )
    referral.refresh_from_db()
    assert referral.shares_revoked_at is not None
    assert referral.to_case.person.given_name == ""


def test_the_clearing_is_named_in_the_reader_s_language(world, shared):
    """ "shares revoked" appeared in English on Russian pages: the field had no verbose name."""
    from django.conf import settings

    _case, consent, referral = shared
    withdraw(world, consent, carry_out=True)
    b = client_for(world, "b:case_worker")
    b.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    history = b.get(f"/referrals/{referral.uuid}/").content.decode()
    history = history.split('id="referral-history"')[1]
    assert "shares revoked" not in history and "shares_revoked" not in history
    assert "общие сведения удалены" in history
    b_case = referral.to_case
    page = b.get(f"/cases/{b_case.uuid}/history/").content.decode()
    assert "Shared details cleared" not in page and "shares" not in page
