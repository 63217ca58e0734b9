"""The caller's name: encrypted on the signal, and compared with the persons' names (any script or
spelling) so the known-caller hint lists cases "of the same name" beside those "of the same
phone"; cleared with the phone after the retention (tests/hotline/test_hand_on.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection

from opennrm.accounts.permissions import Actor
from opennrm.audit.models import AuditEvent
from opennrm.cases import services as case_services
from opennrm.cases.models import Case
from opennrm.errors import ValidationFailed
from opennrm.hotline import selectors
from opennrm.hotline.models import Signal
from tests.cases.factories import DIANA_CASE
from tests.hotline.factories import DIANA_PHONE, record


def open_person(membership, given: str, family: str, phones: list[str] | None = None) -> Case:
    actor = Actor.of(membership.user, membership)
    person = {"given_name": given, "family_name": family, "phones": phones or []}
    return case_services.case_open(
        actor=actor, person=person, opened_on=date(2025, 5, 1), **DIANA_CASE
    )


@pytest.fixture
def cases(world) -> dict[str, Case]:
    worker = world.b["case_worker"]
    found = {
        "zhanar": open_person(worker, "Жанар", "Юсупова"),
        "dilnoza": open_person(worker, "Дильноза", "Юсупова"),
        "phone": open_person(worker, "Нигора", "Рахимова", phones=[DIANA_PHONE]),
        "elsewhere": open_person(world.a["case_worker"], "Жанар", "Юсупова"),
    }
    for case in found.values():
        if case.organization_id == world.org_b.pk:
            case.team.add(world.b["hotline_operator"].user)
    return found


def hint(world, signal: Signal, role: str = "hotline_operator") -> selectors.KnownCaller:
    return selectors.known_caller(actor=world.actor(world.b[role]), signal=signal)


def test_the_caller_s_name_is_stored_encrypted_and_audited_by_field(world):
    signal = record(world.b["hotline_operator"], caller_name="Жанар Юсупова")
    signal.refresh_from_db()
    assert signal.caller_name == "Жанар Юсупова"
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_name FROM hotline_signal WHERE id = %s", [signal.pk])
        raw = cursor.fetchone()[0]
    assert "Юсупова" not in str(raw) and "Жанар" not in str(raw)
    event = AuditEvent.objects.get(action="signal.record", object_id=signal.uuid)
    assert "caller_name" in event.fields and "Юсупова" not in str(event.fields)


@pytest.mark.parametrize("name", ["Жанар\x00", "x" * 201, "Жа\ud800нар"])
def test_a_bad_caller_s_name_is_refused_by_field(world, name):
    with pytest.raises(ValidationFailed) as refused:
        record(world.b["hotline_operator"], caller_name=name)
    assert "caller_name" in refused.value.errors
    assert not Signal.objects.exists()


def test_a_caller_s_name_is_kept_on_one_line(world):
    signal = record(world.b["hotline_operator"], caller_name="  Жанар\n Юсупова ")
    assert signal.caller_name == "Жанар Юсупова"


def test_cases_of_the_same_name_in_any_script(world, cases):
    signal = record(world.b["hotline_operator"], caller_name="Zhanar Yusupova")
    known = hint(world, signal)
    assert known.name_cases == [cases["zhanar"]]  # not Дильноза, nor another organization's
    assert known.cases == [] and known.signals == []
    assert bool(known)
    assert known.hints == [(cases["zhanar"], False, True)]
    # The reverse: a Cyrillic caller's name for a Latin person's name.
    latin = open_person(world.b["case_worker"], "Malika", "Yusupova")
    latin.team.add(world.b["hotline_operator"].user)
    signal = record(world.b["hotline_operator"], caller_name="Малика Юсупова")
    assert hint(world, signal).name_cases == [latin]


def test_same_phone_and_same_name_are_marked_apart(world, cases):
    signal = record(world.b["hotline_operator"], phone=DIANA_PHONE, caller_name="Rakhimova Nigora")
    known = hint(world, signal)
    assert known.cases == [cases["phone"]] and known.name_cases == [cases["phone"]]
    assert known.hints == [(cases["phone"], True, True)]
    signal = record(world.b["hotline_operator"], phone=DIANA_PHONE, caller_name="Жанар Юсупова")
    assert hint(world, signal).hints == [
        (cases["phone"], True, False),
        (cases["zhanar"], False, True),
    ]


def test_only_cases_the_actor_sees(world, cases):
    cases["zhanar"].team.remove(world.b["hotline_operator"].user)
    signal = record(world.b["hotline_operator"], caller_name="Zhanar Yusupova")
    assert hint(world, signal).name_cases == []
    assert hint(world, signal, "supervisor").name_cases == [cases["zhanar"]]


def test_no_name_no_hint_and_odd_names_are_harmless(world, cases):
    assert not hint(world, record(world.b["hotline_operator"]))
    for name in ("Ж", "محمد", "12345", "Yusupова", "Юсупова " * 20):
        signal = record(world.b["hotline_operator"], caller_name=name.strip())
        assert cases["elsewhere"] not in hint(world, signal).name_cases


# --- The page and the API.


@pytest.fixture
def operator(world, signed_in):
    membership = world.b["hotline_operator"]
    return signed_in(membership.user, membership)


def test_the_page_records_shows_and_marks_the_caller_s_name(world, cases, operator):
    form = operator.get("/hotline/new/").content.decode()
    assert 'name="caller_name"' in form
    response = operator.post(
        "/hotline/new/",
        {
            "channel": "call",
            "caller_type": "potential_victim",
            "reason": "job_offer_check",
            "caller_name": "Zhanar Yusupova",
            "phone": DIANA_PHONE,
            "language": "uz",
        },
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.caller_name == "Zhanar Yusupova"
    page = operator.get(response["Location"]).content.decode()
    assert "Zhanar Yusupova" in page
    assert cases["zhanar"].number in page and cases["phone"].number in page
    assert "same name" in page and "same phone" in page
    assert cases["dilnoza"].number not in page and cases["elsewhere"].number not in page
    # The list shows neither the name nor the phone.
    queue = operator.get("/hotline/").content.decode()
    assert "Yusupova" not in queue
    # Edited through the signal's form.
    data = {
        "channel": "call",
        "caller_type": "potential_victim",
        "reason": "job_offer_check",
        "caller_name": "Дильноза Юсупова",
        "phone": DIANA_PHONE,
        "language": "uz",
        "version": signal.version,
    }
    saved = operator.post(f"/hotline/{signal.uuid}/save/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    signal.refresh_from_db()
    assert signal.caller_name == "Дильноза Юсупова"
    page = operator.get(f"/hotline/{signal.uuid}/").content.decode()
    assert cases["dilnoza"].number in page and cases["zhanar"].number not in page


def test_the_api_takes_and_gives_the_caller_s_name(world, cases, operator):
    def call(method: str, url: str, body: dict | None = None):
        return getattr(operator, method)(
            f"/api/v1/signals{url}",
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
        )

    made = call(
        "post",
        "",
        {"caller_type": "family", "reason": "missing_person", "caller_name": "Юсупова Жанар"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["caller_name"] == "Юсупова Жанар"
    assert body["known_caller"]["name_case_ids"] == [str(cases["zhanar"].uuid)]
    assert body["known_caller"]["case_ids"] == []
    listed = call("get", "").json()["items"][0]
    assert "caller_name" not in listed and "Жанар" not in json.dumps(listed, ensure_ascii=False)
    changed = call("patch", f"/{body['id']}", {"version": body["version"], "caller_name": "Malika"})
    assert changed.status_code == 200 and changed.json()["caller_name"] == "Malika"
    assert changed.json()["known_caller"]["name_case_ids"] == []
    bad = call("post", "", {"caller_type": "family", "reason": "other", "caller_name": "x" * 201})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"caller_name"}
