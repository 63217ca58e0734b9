"""Identity documents with where they are: held by the person, taken by the trafficker, lost, held
by the organization or by the authorities, the number optional; rows recorded before the status
read as held by the person. By page and API, checked by the same service."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from opennrm.cases.forms import PersonEditForm
from opennrm.people.models import Person
from tests.cases.factories import open_diana
from tests.cases.test_case_pages import form_data, open_form
from tests.conftest import World
from tests.referrals.factories import SHARED, diana_consenting, send

API = "/api/v1/cases"


@pytest.fixture
def worker(world: World, signed_in) -> Client:
    m = world.a["case_worker"]
    return signed_in(m.user, m)


def documents_cell(html: str, label: str = "Identity documents") -> str:
    start = html.index(f"{label}</dt><dd>") + len(f"{label}</dt><dd>")
    return html[start : html.index("</dd>", start)]


def test_a_passport_taken_by_the_trafficker_is_recorded_without_its_number_by_the_page(
    world, worker
):
    response = worker.post(
        "/cases/new/",
        open_form(document_number="", document_country="UZ", document_status="taken_by_trafficker"),
    )
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get()
    assert person.documents == [
        {"type": "passport", "number": "", "country": "UZ", "status": "taken_by_trafficker"}
    ]
    case = person.cases.get()
    html = worker.get(f"/cases/{case.uuid}/person/").content.decode()
    assert documents_cell(html) == "Passport (Uzbekistan) — taken by the trafficker"


def test_the_status_is_changed_on_the_person_tab(world, worker):
    case = open_diana(world.a["case_worker"])
    data = {
        **form_data(PersonEditForm.initial_for(case.person)),
        "document_status": "lost",
        "document_number": "",
    }
    assert data["document_status"] == "lost"
    response = worker.post(f"/cases/{case.uuid}/person/save/", data)
    assert response.status_code == 302
    case.person.refresh_from_db()
    assert case.person.documents[0]["status"] == "lost"
    assert case.person.documents[0]["number"] == ""


def test_a_status_alone_records_a_document_whose_type_is_then_asked_for(world, worker):
    case = open_diana(world.a["case_worker"])
    data = {
        **form_data(PersonEditForm.initial_for(case.person)),
        "document_type": "",
        "document_number": "",
        "document_country": "",
        "document_status": "taken_by_trafficker",
        "family_name": "Karimova",
    }
    response = worker.post(f"/cases/{case.uuid}/person/save/", data)
    assert response.status_code == 200
    assert "Unknown document type." in " ".join(response.context["form"].errors["document_type"])
    case.person.refresh_from_db()
    assert case.person.family_name == "Каримова"  # nothing half-saved


def test_old_rows_without_a_status_read_as_held_by_the_person(world, worker):
    case = open_diana(world.a["case_worker"])
    # A row stored before the status existed: written straight to the model, as the old code did.
    person = case.person
    person.documents = [{"type": "passport", "number": "AA1234567", "country": "UZ"}]
    person.save()
    html = worker.get(f"/cases/{case.uuid}/person/").content.decode()
    assert documents_cell(html) == "Passport AA1234567 (Uzbekistan) — held by the person"
    assert PersonEditForm.initial_for(person)["document_status"] == "held_by_person"
    body = worker.get(f"{API}/{case.uuid}/person").json()
    assert body["documents"] == [
        {"type": "passport", "number": "AA1234567", "country": "UZ", "status": "held_by_person"}
    ]
    # Saving the person tab unchanged keeps the document, now with its status written.
    response = worker.post(
        f"/cases/{case.uuid}/person/save/", form_data(PersonEditForm.initial_for(person))
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.documents[0]["status"] == "held_by_person"


def test_the_person_tab_names_the_status_in_russian(world, worker):
    case = open_diana(world.a["case_worker"])
    person = case.person
    person.documents = [{"type": "passport", "country": "UZ", "number": "", "status": "lost"}]
    person.save()
    worker.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = worker.get(f"/cases/{case.uuid}/person/").content.decode()
    assert (
        documents_cell(html, "Документы, удостоверяющие личность")
        == "Паспорт (Узбекистан) — утерян"
    )


def test_the_api_records_a_document_with_a_status_and_no_number(world, worker):
    case = open_diana(world.a["case_worker"])
    person = worker.get(f"{API}/{case.uuid}/person").json()
    response = worker.patch(
        f"{API}/{case.uuid}/person",
        {
            "version": person["version"],
            "documents": [
                {"type": "passport", "country": "UZ", "status": "taken_by_trafficker"},
                {"type": "birth_certificate", "status": "held_by_organization"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["documents"] == [
        {"type": "passport", "number": "", "country": "UZ", "status": "taken_by_trafficker"},
        {
            "type": "birth_certificate",
            "number": "",
            "country": "",
            "status": "held_by_organization",
        },
    ]


def test_the_api_refuses_an_unknown_status_by_field_and_saves_nothing(world, worker):
    case = open_diana(world.a["case_worker"])
    before = Person.objects.get(pk=case.person.pk).documents
    response = worker.patch(
        f"{API}/{case.uuid}/person",
        {"version": 1, "documents": [{"type": "passport", "status": "sold"}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["documents[0].status"]
    assert Person.objects.get(pk=case.person.pk).documents == before


def test_the_status_is_not_readable_in_the_database(world):
    case = open_diana(
        world.a["case_worker"],
    )
    person = case.person
    person.documents = [{"type": "passport", "status": "taken_by_trafficker"}]
    person.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT documents FROM people_person WHERE id = %s", [person.pk])
        raw = str(cursor.fetchone()[0])
    assert "taken_by_trafficker" not in raw and "passport" not in raw and raw


def test_a_referral_sharing_the_documents_says_where_the_passport_is(world, signed_in):
    case = diana_consenting(world)
    person = case.person
    person.documents = [
        {"type": "passport", "number": "", "country": "UZ"},
        {"type": "national_id", "number": "", "country": "UZ", "status": "taken_by_trafficker"},
    ]
    person.save()
    referral = send(world, case, shared_fields=[*SHARED, "documents"])
    receiver = signed_in(world.b["case_worker"].user, world.b["case_worker"])
    html = receiver.get(f"/referrals/{referral.uuid}/").content.decode()
    assert (
        "Passport (Uzbekistan) — held by the person; "
        "National identity card (Uzbekistan) — taken by the trafficker"
    ) in html
