"""Typed phone numbers (HTCDS prs_MobilePhone, prs_HomePhone): each number may say what it is.

Checked by the person service (named by place, never by number; nothing half-saved), kept only
for numbers the person has, typed in the person form's mobile and home inputs, shown on the
person tab, read and written through the API, and united by a merge."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from opennrm.cases import services
from opennrm.cases.forms import PersonEditForm
from opennrm.cases.models import Case
from opennrm.errors import ValidationFailed
from opennrm.linkage.merge import person_merge, person_merge_undo
from opennrm.people.models import Person
from tests.cases.factories import open_diana
from tests.conftest import sign_in

MOBILE, HOME = "+998901234567", "+998712345678"


def _update(world, case, **changes):
    case.person.refresh_from_db()
    return services.person_update(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        version=case.person.version,
        **changes,
    )


def test_each_number_keeps_its_kind_written_as_people_write_it(world):
    case = open_diana(world.a["case_worker"])
    person = _update(
        world,
        case,
        citizenship="UZ",
        phones=["+998 90 123 45 67", "71 234 56 78"],
        phone_kinds={"+998 90 123 45 67": "mobile", "71 234 56 78": "home"},
    )
    assert person.phones == [MOBILE, HOME]
    assert person.phone_kinds == {MOBILE: "mobile", HOME: "home"}
    assert person.phones_kinded() == [(MOBILE, "Mobile"), (HOME, "Home")]


def test_a_removed_number_takes_its_kind_with_it(world):
    case = open_diana(world.a["case_worker"])
    _update(world, case, phones=[MOBILE, HOME], phone_kinds={MOBILE: "mobile", HOME: "home"})
    person = _update(world, case, phones=[HOME, "+77011234567"])
    assert person.phone_kinds == {HOME: "home"}
    # Changing only the kinds keeps the numbers.
    person = _update(world, case, phone_kinds={"+77011234567": "work"})
    assert person.phones == [HOME, "+77011234567"]
    assert person.phone_kinds == {"+77011234567": "work"}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"phones": [MOBILE], "phone_kinds": {HOME: "home"}}, "phone_kinds[0]", "not among"),
        ({"phones": [MOBILE], "phone_kinds": {MOBILE: "pager"}}, "phone_kinds[0]", "listed"),
        ({"phones": [MOBILE], "phone_kinds": {MOBILE: ""}}, "phone_kinds[0]", "Choose one"),
        ({"phones": [MOBILE], "phone_kinds": {"12": "home"}}, "phone_kinds[0]", "phone number"),
        ({"phones": [MOBILE], "phone_kinds": ["mobile"]}, "phone_kinds", "by its number"),
        (
            {"phones": [MOBILE], "phone_kinds": {f"+9989012345{i:02d}": "home" for i in range(30)}},
            "phone_kinds",
            "At most",
        ),
    ],
)
def test_bad_kinds_are_named_by_place_and_nothing_is_saved(world, changes, field, message):
    case = open_diana(world.a["case_worker"])
    version = case.person.version
    with pytest.raises(ValidationFailed) as refused:
        _update(world, case, **changes)
    errors = refused.value.errors
    assert message in " ".join(errors[f"person.{field}"]), errors
    assert "901234567" not in json.dumps(errors)  # never the number itself
    case.person.refresh_from_db()
    assert case.person.version == version and case.person.phone_kinds == {}


def test_a_bad_number_is_named_once_where_it_is_listed(world):
    case = open_diana(world.a["case_worker"])
    with pytest.raises(ValidationFailed) as refused:
        _update(world, case, phones=["12"], phone_kinds={"12": "mobile"})
    assert set(refused.value.errors) == {"person.phones[0]"}


def _form_post(world, case, **typed):
    data = PersonEditForm.initial_for(Person.objects.get(pk=case.person_id))
    posted = {k: ("" if v is None else v) for k, v in data.items()}
    posted.update(typed)
    membership = world.a["case_worker"]
    client = sign_in(Client(), membership.user, membership)
    return client, client.post(f"/cases/{case.uuid}/person/save/", posted)


def test_the_person_form_has_a_mobile_and_a_home_input(world):
    case = open_diana(world.a["case_worker"])  # one number, of no kind
    client, response = _form_post(
        world,
        case,
        mobile_phone="+998 90 111 22 33",
        home_phone="+998 71 234 56 78",
        phones="+998 90 123 45 67",
    )
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get(pk=case.person_id)
    assert person.phones == ["+998901112233", HOME, MOBILE]
    assert person.phone_kinds == {"+998901112233": "mobile", HOME: "home"}
    # The edit form puts each back in its input; the tab says what each is.
    initial = PersonEditForm.initial_for(person)
    assert (initial["mobile_phone"], initial["home_phone"]) == ("+998901112233", HOME)
    assert initial["phones"] == MOBILE
    html = client.get(f"/cases/{case.uuid}/person/").content.decode()
    assert "+998901112233 (mobile)" in html and f"{HOME} (home)" in html


def test_a_bad_typed_number_is_shown_beside_its_input(world):
    case = open_diana(world.a["case_worker"])
    _client, response = _form_post(
        world, case, mobile_phone="+998 90 111 22 33", home_phone="12", phones="+998 90\n+1 5"
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "home_phone" in errors and "mobile_phone" not in errors
    assert errors["phones"][0].startswith("Line 1:") and errors["phones"][1].startswith("Line 2:")
    assert Person.objects.get(pk=case.person_id).phone_kinds == {}


def test_the_api_reads_and_writes_the_kinds(world):
    case = open_diana(world.a["case_worker"])
    membership = world.a["case_worker"]
    client = sign_in(Client(), membership.user, membership)
    url = f"/api/v1/cases/{case.uuid}/person"
    body = {"version": 1, "phones": [MOBILE, HOME], "phone_kinds": {HOME: "home"}}
    response = client.patch(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["phone_kinds"] == {HOME: "home"}
    bad = {"version": 2, "phone_kinds": {HOME: "fax"}}
    response = client.patch(url, data=json.dumps(bad), content_type="application/json")
    assert response.status_code == 422
    assert client.get(url).json()["phone_kinds"] == {HOME: "home"}


def test_a_merge_of_both_unites_the_kinds_and_undo_restores_them(world):
    keep = open_diana(world.a["case_worker"])
    absorb = open_diana(world.a["case_worker"])
    _update(world, keep, phones=[MOBILE], phone_kinds={MOBILE: "mobile"})
    _update(world, absorb, phones=[HOME, MOBILE], phone_kinds={HOME: "home", MOBILE: "work"})
    supervisor = world.actor(world.a["supervisor"])
    keep, absorb = Case.objects.get(pk=keep.pk), Case.objects.get(pk=absorb.pk)
    merge = person_merge(
        actor=supervisor,
        keep=keep,
        absorb=absorb,
        keep_version=Person.objects.get(pk=keep.person_id).version,
        absorb_version=Person.objects.get(pk=absorb.person_id).version,
        choices={"phones": "both"},
    )
    kept = Person.objects.get(pk=keep.person_id)
    assert kept.phones == [MOBILE, HOME]
    assert kept.phone_kinds == {MOBILE: "mobile", HOME: "home"}  # the kept person's kind wins
    person_merge_undo(actor=supervisor, merge=merge)
    kept.refresh_from_db()
    assert kept.phone_kinds == {MOBILE: "mobile"}
