"""Bad input through the pages: NUL bytes, a lone surrogate (as the bytes a browser could send),
over-long text, 10,000 aliases and implausible dates are shown beside their field; nothing saved.

A page form cannot carry a lone surrogate: the bytes ED A0 80 are not UTF-8, and Django decodes
them as U+FFFD. The kit refuses that replacement character, so broken text is never stored.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django import forms
from django.test import Client

from opennrm.audit.models import AuditEvent
from opennrm.cases.forms import PersonEditForm
from opennrm.cases.models import Case, Consent, IdentificationDecision, Note, SupportPlan
from opennrm.crypto.fields import EncryptedTextField
from opennrm.errors import ValidationFailed
from opennrm.hotline.models import Signal
from opennrm.people.models import Person
from tests.cases.factories import open_diana
from tests.cases.test_case_pages import form_data, open_form
from tests.conftest import World, sign_in
from tests.hotline.test_signal_pages import quick_call

SURROGATE_BYTES = "x%ED%A0%80y"  # "x\ud800y" as UTF-8 would have it, were it encodable
ALIASES = "\n".join(f"alias {i}" for i in range(10_000))


def rows() -> tuple[int, ...]:
    models = (Case, Person, SupportPlan, IdentificationDecision, Consent, Note, Signal)
    # Showing the page again reads the case (a "read" event); nothing else may be written.
    return (*(m.objects.count() for m in models), AuditEvent.objects.exclude(action="read").count())


def post(client: Client, url: str, data: dict, raw: dict[str, str] | None = None):
    """Post a form as a browser does; ``raw`` fields go in already percent-encoded."""
    body = urlencode(data, doseq=True)
    for name, encoded in (raw or {}).items():
        body += f"&{name}={encoded}"
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def form_errors(response) -> dict[str, list[str]]:
    """The errors of the bound forms the page was rendered with again."""
    assert response.status_code == 200, response.status_code
    errors: dict[str, list[str]] = {}
    for context in response.context:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound:
                for name, messages in value.errors.items():
                    errors.setdefault(name, []).extend(messages)
    return errors


@pytest.fixture
def worker(world: World) -> Client:
    member = world.a["case_worker"]
    return sign_in(Client(), member.user, member)


@pytest.fixture
def supervisor(world: World) -> Client:
    member = world.a["supervisor"]
    return sign_in(Client(), member.user, member)


@pytest.mark.parametrize(
    ("changes", "raw", "field", "message"),
    [
        ({"given_name": "Dia\x00na"}, {}, "given_name", "Null characters"),
        ({}, {"given_name": SURROGATE_BYTES}, "given_name", "not valid text"),
        ({}, {"family_name": SURROGATE_BYTES}, "family_name", "not valid text"),
        ({}, {"city_of_exploitation": SURROGATE_BYTES}, "city_of_exploitation", "not valid"),
        ({"address": "y" * 501}, {}, "address", "500"),
        ({"other_names": ALIASES}, {}, "other_names", "At most 20 entries"),
        ({"other_names": "Dilnoza\n" + "z" * 201}, {}, "other_names", "Line 2"),
        ({"opened_on": "1800-01-01"}, {}, "opened_on", "earliest is 2000-01-01"),
        ({"recruited_on": "1800-03-01"}, {}, "recruited_on", "earliest is 1900-01-01"),
        ({"birth_date": "1800-03-01", "birth_year": ""}, {}, "birth_date", "earliest"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_case_open_page_refuses_bad_input(worker, changes, raw, field, message):
    before = rows()
    data = {k: v for k, v in open_form(**changes).items() if k not in raw}
    errors = form_errors(post(worker, "/cases/new/", data, raw))
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert rows() == before


@pytest.mark.parametrize(
    ("changes", "raw", "field"),
    [
        ({}, {"given_name": SURROGATE_BYTES}, "given_name"),
        ({"other_names": ALIASES}, {}, "other_names"),
        ({"address": "Tash\x00kent"}, {}, "address"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_person_edit_page_refuses_bad_input(world, worker, changes, raw, field):
    case = open_diana(world.a["case_worker"])
    data = form_data(PersonEditForm.initial_for(case.person))
    data = {k: v for k, v in {**data, **changes}.items() if k not in raw}
    before = rows()
    errors = form_errors(post(worker, f"/cases/{case.uuid}/person/save/", data, raw))
    assert field in errors, errors
    person = Person.objects.get(pk=case.person_id)
    assert (rows(), person.version, person.given_name) == (before, 1, "Диана")
    assert len(person.names) == 2


@pytest.mark.parametrize(
    ("url", "data", "raw", "field"),
    [
        ("plan/create", {"plan_type": "Education"}, {"objectives": SURROGATE_BYTES}, "objectives"),
        ("plan/create", {"plan_type": "Education", "objectives": "o" * 5001}, {}, "objectives"),
        ("plan/create", {"plan_type": "Education", "action_plan": "a\x00"}, {}, "action_plan"),
        (
            "identification/propose",
            {"stage": "presumed", "decided_by_type": "NGO"},
            {"grounds": SURROGATE_BYTES},
            "grounds",
        ),
        (
            "consent/record",
            {"purpose": "assistance", "method": "written", "given_on": "2026-01-05"},
            {"guardian_name": SURROGATE_BYTES},
            "guardian_name",
        ),
        (
            "consent/record",
            {"purpose": "assistance", "method": "written", "given_on": "1800-01-05"},
            {},
            "given_on",
        ),
        ("notes/add", {}, {"body": SURROGATE_BYTES}, "body"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_case_part_pages_refuse_bad_input(world, supervisor, url, data, raw, field):
    case = open_diana(world.a["case_worker"])
    before = rows()
    errors = form_errors(post(supervisor, f"/cases/{case.uuid}/{url}/", data, raw))
    assert field in errors, errors
    assert rows() == before


@pytest.fixture
def operator(world: World) -> Client:
    member = world.b["hotline_operator"]
    return sign_in(Client(), member.user, member)


@pytest.mark.parametrize(
    ("changes", "raw", "field"),
    [
        ({"received_at": "0001-01-01T00:00"}, {}, "received_at"),
        ({"received_at": "1800-06-01T10:00"}, {}, "received_at"),
        ({"notes": "call\x00"}, {}, "notes"),
        ({}, {"notes": SURROGATE_BYTES}, "notes"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_hotline_page_refuses_bad_input(operator, changes, raw, field):
    before = rows()
    data = {k: v for k, v in quick_call(**changes).items() if k not in raw}
    errors = form_errors(post(operator, "/hotline/new/", data, raw))
    assert field in errors, errors
    assert rows() == before


@pytest.mark.django_db
def test_an_encrypted_field_refuses_a_lone_surrogate_as_bad_input_not_a_crash():
    """The last guard: whatever skipped the services, encryption never sees a lone surrogate."""
    field = Person._meta.get_field("address")
    assert isinstance(field, EncryptedTextField)
    with pytest.raises(ValidationFailed) as caught:
        field.get_prep_value("x\ud800y")
    assert list(caught.value.errors) == ["address"]
    names = Person._meta.get_field("names")
    with pytest.raises(ValidationFailed) as caught:
        names.get_prep_value([{"value": "x\ud800y"}])
    assert list(caught.value.errors) == ["names"]
