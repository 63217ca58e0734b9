"""The hotline pages: the queue, logging a contact, the signal page, opening a case, figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opennrm.accounts.timezones import local_today
from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.hotline import services
from opennrm.hotline.models import Signal
from tests.cases.factories import open_diana
from tests.hotline.factories import DIANA_PHONE, record

# Diana's phone in every way it may be written, and the notes: never in a list's HTML.
PHONE_FORMS = ["+998901234567", "998901234567", "90 123 45 67", "901234567", "123 45 67"]


@pytest.fixture
def operator(world, signed_in):
    membership = world.b["hotline_operator"]
    return signed_in(membership.user, membership)


def quick_call(**changes) -> dict:
    """What an operator clicks and types for a call: who, why, the outcome, phone and notes."""
    data = {
        "channel": "call",
        "caller_type": "potential_victim",
        "reason": "job_offer_check",
        "outcome": "information_given",
        "phone": DIANA_PHONE,
        "language": "uz",
        "notes": "Offer of work in a Dubai hotel through an unlicensed agency.",
    }
    data.update(changes)
    return data


def test_the_new_signal_form_is_fast_to_fill(world, operator):
    html = operator.get("/hotline/new/").content.decode()
    assert html.count('type="radio"') >= 7 + 6 + 6 + 4
    assert 'name="channel" value="call"' in html and "checked" in html
    assert 'name="language"' in html and 'value="en" selected' in html  # the page's language
    russian = operator.get("/hotline/new/", headers={"accept-language": "ru"})
    assert 'value="ru" selected' in russian.content.decode()


def test_logging_a_call(world, operator):
    response = operator.post("/hotline/new/", quick_call())
    signal = Signal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hotline/{signal.uuid}/"
    assert signal.operator == world.b["hotline_operator"].user
    assert signal.phone == "+998901234567" and signal.language == "uz"
    assert signal.outcome == "information_given"
    page = operator.get(response["Location"]).content.decode()
    assert "+998 90 123 45 67" in page and "Dubai hotel" in page
    assert AuditEvent.objects.filter(action="read", object_id=signal.uuid).count() == 1


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("channel", {"channel": "fax"}),
        ("reason", {"reason": "smuggling"}),
        ("caller_type", {"caller_type": ""}),
        ("phone", {"phone": "12"}),
        ("notes", {"notes": "x" * (services.MAX_NOTES + 1)}),
        ("received_at", {"received_at": "2999-01-01T10:00"}),
        ("follow_up_on", {"received_at": "2026-01-10T10:00", "follow_up_on": "2026-01-09"}),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_saved(world, operator, field, changes):
    response = operator.post("/hotline/new/", quick_call(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Signal.objects.count() == 0


def test_the_queue_shows_the_known_caller_never_the_phone(world, operator):
    diana = open_diana(world.b["case_worker"])
    diana.team.add(world.b["hotline_operator"].user)  # the operator works on her case
    record(world.b["hotline_operator"], phone=DIANA_PHONE, outcome="referred")
    again = record(
        world.b["hotline_operator"],
        phone="+998 (90) 123-45-67",
        notes="Calls again: still no news of the daughter.",
    )
    html = operator.get("/hotline/").content.decode()
    assert "Known caller: 1 earlier contact, 1 case" in html
    assert f"/hotline/{again.uuid}/#known-caller" in html
    for form in PHONE_FORMS:
        assert form not in html
    assert "daughter" not in html
    page = operator.get(f"/hotline/{again.uuid}/").content.decode()
    assert f"/cases/{diana.uuid}/" in page and diana.number in page


def test_the_queue_has_its_sections_and_only_the_organization_s_signals(world, operator):
    today = local_today(world.org_b)
    tip = services.web_tip_receive(organization=world.org_b, reason="job_offer_check")
    due = record(world.b["hotline_operator"], outcome="referred", follow_up_on=today)
    later = record(
        world.b["hotline_operator"], outcome="referred", follow_up_on=today + timedelta(days=2)
    )
    other = record(world.a["hotline_operator"])
    queue = operator.get("/hotline/").context["queue"]
    assert [s.uuid for s in queue.unanswered] == [tip.uuid]
    assert [s.uuid for s in queue.follow_ups_due] == [due.uuid]
    assert {s.uuid for s in queue.recent} == {tip.uuid, due.uuid, later.uuid}
    assert other.uuid not in {s.uuid for s in queue.recent}
    html = operator.get("/hotline/").content.decode()
    assert f"/hotline/{tip.uuid}/take/" in html
    assert str(other.uuid) not in html


def test_the_queue_query_count_does_not_grow_with_the_signals(
    world, operator, django_assert_max_num_queries
):
    today = local_today(world.org_b)
    for _ in range(3):
        record(world.b["hotline_operator"], phone=DIANA_PHONE, follow_up_on=today)
    # 12, and the navigation's counts of what waits (one query, opennrm/worklist).
    with django_assert_max_num_queries(13) as few:
        operator.get("/hotline/")
    for i in range(40):
        record(world.b["hotline_operator"], phone=f"+998 90 123 45 {i:02d}", follow_up_on=today)
        services.web_tip_receive(organization=world.org_b, reason="other")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = operator.get("/hotline/")
    queue = response.context["queue"]
    assert len(queue.unanswered) == 50 and len(queue.follow_ups_due) == 43
    assert len(queue.recent) == 25 and queue.recent_has_next


def test_taking_a_web_tip(world, operator):
    tip = services.web_tip_receive(organization=world.org_b, reason="missing_person")
    response = operator.post(f"/hotline/{tip.uuid}/take/")
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.operator == world.b["hotline_operator"].user
    again = operator.post(f"/hotline/{tip.uuid}/take/", follow=True)
    assert "already taken" in again.content.decode()


def test_editing_a_signal_and_a_stale_edit(world, operator):
    signal = record(world.b["hotline_operator"])
    form = operator.get(f"/hotline/{signal.uuid}/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["received_at"] = data["received_at"].strftime("%Y-%m-%dT%H:%M")
    data.update(outcome="referred", notes="Referred to the legal aid centre.")
    response = operator.post(f"/hotline/{signal.uuid}/save/", data)
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.outcome == "referred" and signal.version == 2
    stale = operator.post(f"/hotline/{signal.uuid}/save/", {**data, "outcome": "no_action"})
    assert stale.status_code == 200 and "Someone else changed" in stale.content.decode()
    signal.refresh_from_db()
    assert signal.outcome == "referred"


def test_marking_a_follow_up_done(world, operator):
    today = local_today(world.org_b)
    signal = record(world.b["hotline_operator"], outcome="referred", follow_up_on=today)
    response = operator.post(
        f"/hotline/{signal.uuid}/followed-up/", {"version": 1, "next": "queue"}
    )
    assert response.status_code == 302 and response["Location"] == "/hotline/"
    signal.refresh_from_db()
    assert signal.followed_up_on == today
    assert operator.get("/hotline/").context["queue"].follow_ups_due == []


def test_opening_a_case_from_a_signal(world, operator):
    signal = record(world.b["hotline_operator"], phone=DIANA_PHONE, language="uz")
    form = operator.get(f"/hotline/{signal.uuid}/case/").context["form"]
    assert form.initial["phones"] == "+998901234567" and form.initial["languages"] == ["uz"]
    bad = operator.post(
        f"/hotline/{signal.uuid}/case/",
        {"version": 1, "given_name": "Dilnoza", "gender": "Feminine", "citizenship": "XX"},
    )
    assert bad.status_code == 200 and "citizenship" in bad.context["form"].errors
    assert Case.objects.count() == 0
    response = operator.post(
        f"/hotline/{signal.uuid}/case/",
        {
            "version": 1,
            "given_name": "Dilnoza",
            "family_name": "Karimova",
            "gender": "Feminine",
            "citizenship": "UZ",
            "languages": ["uz", "ru"],
            "phones": "+998 90 123 45 67",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.uuid}/"
    signal.refresh_from_db()
    assert signal.case == case and signal.outcome == "case_opened"
    page = operator.get(f"/hotline/{signal.uuid}/").content.decode()
    assert case.number in page and f"/hotline/{signal.uuid}/case/" not in page
    again = operator.get(f"/hotline/{signal.uuid}/case/")
    assert again.status_code == 302


def test_countries_and_languages_are_chosen_and_shown_by_name_in_russian(world, operator):
    """The pickers of the kit (opennrm/locales.py): names in the reader's language, codes posted
    and stored, names shown, never a code."""
    from django.conf import settings

    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = operator.get("/hotline/new/").content.decode()
    assert '<option value="uz">Узбекский</option>' in html
    assert (
        operator.post(
            "/hotline/new/",
            {
                "channel": "call",
                "caller_type": "family",
                "reason": "missing_person",
                "language": "ky",
            },
        ).status_code
        == 302
    )
    signal = Signal.objects.get(language="ky")
    page = operator.get(f"/hotline/{signal.uuid}/").content.decode()
    assert "Киргизский" in page and ">ky<" not in page
    form = operator.get(f"/hotline/{signal.uuid}/case/").content.decode()
    assert '<option value="UZ">Узбекистан</option>' in form
    operator.post(
        f"/hotline/{signal.uuid}/case/",
        {"version": 1, "given_name": "Dilnoza", "gender": "Feminine", "citizenship": "TJ"},
    )
    case = Case.objects.get()
    assert case.person.citizenship == "TJ"
    person = operator.get(f"/cases/{case.uuid}/person/").content.decode()
    assert "Таджикистан" in person and "Киргизский" in person
    assert "<dd>TJ</dd>" not in person and "<dd>ky</dd>" not in person
