"""The case pages: list and name search, opening a case, and the case page's tabs."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import quote, quote_plus

import pytest
from django.test import Client

from opennrm.accounts.timezones import local_today
from opennrm.audit.models import AuditEvent
from opennrm.cases import services
from opennrm.cases.forms import CaseOpenForm, add_path_errors
from opennrm.cases.models import Case, Consent, IdentificationDecision, Note, Service
from opennrm.errors import ValidationFailed
from opennrm.people.models import Person
from tests.cases.factories import open_diana
from tests.conftest import World

TABS = ["person", "trafficking", "identification", "plan", "consent", "notes", "history"]
URL_ATTRIBUTES = {"href", "action", "src", "hx-get", "hx-post", "hx-push-url", "formaction"}


def open_form(**changes) -> dict:
    """What a case worker types into the new-case form for Diana."""
    data = {
        "given_name": "Диана",
        "family_name": "Каримова",
        "patronymic": "Рустамовна",
        "other_names": "Diana Karimova\nDilnoza",
        "birth_year": "1977",
        "document_type": "passport",
        "document_number": "AA1234567",
        "document_country": "UZ",
        "phones": "+998 90 123 45 67",
        "gender": "Feminine",
        "citizenship": "UZ",
        "languages": ["uz", "ru"],
        "opened_on": "2005-10-03",
        "exploitation_types": ["SexualExploitation"],
        "methods_of_control": ["FalsePromises", "WithholdsDocuments"],
        "recruitment_methods": ["ThroughFriendsOrSocialEvents"],
        "relationship_to_trafficker": "Acquainted",
        "perpetrator_roles": ["RecruiterOrIntermediary", "Exploiter"],
        "country_of_origin": "UZ",
        "transit_countries": [],
        "country_of_exploitation": "KZ",
        "city_of_exploitation": "Almaty",
        "recruited_on": "2005-03-01",
        "exploitation_began_on": "2005-03-20",
        "exited_on": "2005-09-01",
    }
    data.update(changes)
    return data


def form_data(initial: dict) -> dict:
    """A form's initial values as a browser would post them back."""
    data = {}
    for name, value in initial.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif isinstance(value, list):
            data[name] = value
        else:
            data[name] = str(value)
    return data


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value or "" for name, value in attrs if name in URL_ATTRIBUTES]
        if tag == "form":
            self.forms.append(dict(attrs))


def urls_in(html: str) -> list[str]:
    parser = _Urls()
    parser.feed(html)
    return parser.urls


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), Person.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def worker(world: World, signed_in) -> Client:
    m = world.a["case_worker"]
    return signed_in(m.user, m)


@pytest.fixture
def supervisor(world: World, signed_in) -> Client:
    m = world.a["supervisor"]
    return signed_in(m.user, m)


@pytest.fixture
def diana(world: World) -> Case:
    return open_diana(world.a["case_worker"])


# --- Opening a case.


def test_open_a_case_with_good_data(world, worker):
    before = counts()
    page = worker.get("/cases/new/")
    assert page.status_code == 200
    assert 'name="exploitation_types"' in page.content.decode()
    response = worker.post("/cases/new/", open_form())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.uuid}/"
    assert counts()[:2] == (before[0] + 1, before[1] + 1)
    person = Person.objects.get()
    assert (person.given_name, person.family_name, person.citizenship) == (
        "Диана",
        "Каримова",
        "UZ",
    )
    assert person.names == [
        {"value": "Diana Karimova", "script": "Latn"},
        {"value": "Dilnoza", "script": "Latn"},
    ]
    assert person.documents == [
        {"type": "passport", "number": "AA1234567", "country": "UZ", "status": "held_by_person"}
    ]
    assert person.phones == ["+998901234567"] and person.languages == ["uz", "ru"]
    assert case.owner == world.a["case_worker"].user
    assert case.exploitation_types == ["SexualExploitation"]
    assert case.perpetrator_roles == ["RecruiterOrIntermediary", "Exploiter"]
    assert case.exited_on == date(2005, 9, 1) and case.opened_on == date(2005, 10, 3)
    shown = worker.get(response["Location"]).content.decode()
    assert case.number in shown and "Каримова" in shown


FUTURE = (date.today() + timedelta(days=3)).isoformat()

BAD_INPUT = [
    # (what is typed, the field the error is shown beside, part of the message)
    ({"birth_date": "2005-02-30"}, "birth_date", "valid date"),
    ({"birth_date": FUTURE}, "birth_date", "future"),
    ({"exited_on": "2005-01-01"}, "exited_on", "Cannot be before"),
    ({"recruited_on": FUTURE}, "recruited_on", "future"),
    ({"opened_on": FUTURE}, "opened_on", "future"),
    # Countries and languages are chosen from lists: a code not on them is refused by the form.
    ({"citizenship": "XX"}, "citizenship", "valid choice"),
    ({"country_of_origin": "Uzbekistan"}, "country_of_origin", "valid choice"),
    ({"document_country": "ZZ"}, "document_country", "valid choice"),
    ({"transit_countries": ["KZ", "QQ"]}, "transit_countries", "valid choice"),
    ({"gender": "Robot"}, "gender", "valid choice"),
    ({"exploitation_types": ["Slavery"]}, "exploitation_types", "valid choice"),
    ({"relationship_to_trafficker": "Cousin"}, "relationship_to_trafficker", "valid choice"),
    ({"given_name": "x" * 500}, "given_name", "at most 200"),
    ({"address": "y" * 600}, "address", "at most 500"),
    ({"city_of_exploitation": "z" * 150}, "city_of_exploitation", "at most 100"),
    ({"languages": ["ru", "zz"]}, "languages", "valid choice"),
    ({"phones": "+998 90 123 45 67\n12"}, "phones", "Line 2"),
    ({"document_type": "", "document_status": "lost"}, "document_type", "Unknown document type"),
    ({"document_status": "burnt"}, "document_status", "valid choice"),
    ({"birth_year": "1850"}, "birth_year", "between"),
    ({"number_of_children": "40"}, "number_of_children", "between"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT, ids=lambda v: str(v)[:30])
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(worker, changes, field, message):
    before = counts()
    response = worker.post("/cases/new/", open_form(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Please correct the errors below." in html
    assert counts() == before
    # Messages never repeat identifying values.
    assert "AA1234567" not in " ".join(" ".join(e) for e in form.errors.values())


def test_service_errors_map_to_form_fields_and_unknown_paths_go_on_top():
    form = CaseOpenForm(data={})
    form.is_valid()
    add_path_errors(
        form,
        ValidationFailed(
            "Please correct the errors below.",
            errors={
                "person.birth_date": ["a"],
                "exited_on": ["b"],
                "person.languages[0]": ["c"],
                "person.documents[0].number": ["d"],
                "person.phones[2]": ["e"],
                "person.names[0]": ["f"],
                "transit_countries[1]": ["g"],
                "person.documents[1].number": ["h"],
                "person.unheard_of": ["i"],
                "__all__": ["j"],
            },
        ),
    )
    assert form.errors["birth_date"] == ["a"]
    assert form.errors["exited_on"] == ["b"]
    assert form.errors["languages"] == ["c"]
    assert form.errors["document_number"] == ["d"]
    assert form.errors["phones"] == ["Line 3: e"]
    assert form.errors["other_names"] == ["Line 1: f"]
    assert form.errors["transit_countries"] == ["g"]
    assert form.non_field_errors() == ["h", "i", "j"]


# --- The list and the name search.


def test_list_shows_rows_with_the_name_only(diana, worker):
    """A case worker reads identifying data: the row names the person (decision 0016), and
    nothing else identifying (other names, documents) is shown."""
    response = worker.get("/cases/")
    html = response.content.decode()
    assert response.status_code == 200
    assert diana.number in html and "Sexual exploitation" in html and "Female" in html
    assert "UZ" in html and "2005-10-03" in html
    assert "Каримова Диана Рустамовна" in html
    for name in ("Diana", "Dilnoza", "AA1234567"):
        assert name not in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("query", ["Каримова", "Diana Karimova", "диана  каримова"])
def test_name_search_is_posted_and_never_lands_in_a_url(world, diana, worker, query):
    other = open_diana(
        world.a["case_worker"],
        city_of_exploitation="Shymkent",
    )
    services.person_update(
        actor=world.actor(world.a["case_worker"]),
        case=other,
        version=1,
        given_name="Айгерим",
        family_name="Бекова",
        names=[],
    )
    # The search box is a POST form: the browser never puts the name in the address.
    page = worker.get("/cases/").content.decode()
    parser = _Urls()
    parser.feed(page)
    search = [f for f in parser.forms if f.get("class") == "case-search"]
    assert search and search[0]["method"] == "post"

    response = worker.post("/cases/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert diana.number in html and other.number not in html
    assert not response.has_header("Location")
    for url in urls_in(html):
        for form in (query, quote(query), quote_plus(query), "Каримова", quote("Каримова")):
            assert form not in url, url
    # Every link of the result page is free of the name too (the language switch's "next").
    assert query not in response.request["PATH_INFO"] and not response.request["QUERY_STRING"]


def test_search_by_case_number_and_a_miss(diana, worker):
    assert diana.number in worker.post("/cases/", {"q": diana.number}).content.decode()
    missed = worker.post("/cases/", {"q": "Petrova"}).content.decode()
    assert diana.number not in missed and "No case of this name or number." in missed


def test_a_name_in_the_query_string_is_neither_searched_nor_carried_on(diana, world, worker):
    other = open_diana(world.a["case_worker"])
    html = worker.get("/cases/", {"q": "Nobody", "citizenship": "Karimova"}).content.decode()
    assert diana.number in html and other.number in html
    assert not [url for url in urls_in(html) if "Nobody" in url or "Karimova" in url]
    # The citizenship filter is a list: a name typed into the URL is refused, never echoed.
    assert 'value="Karimova"' not in html


def test_page_links_keep_the_filters(world, worker):
    for _ in range(51):
        open_diana(world.a["case_worker"])
    html = worker.get("/cases/", {"status": "Active", "gender": "", "page": "1"}).content.decode()
    assert 'href="/cases/?status=Active&amp;page=2"' in html
    assert 'action="/cases/?status=Active" class="case-search"' in html
    html = worker.get("/cases/", {"page": "2"}).content.decode()
    assert 'href="/cases/?page=1"' in html and "page=3" not in html


def test_filters_by_get(diana, worker):
    def listed(**params) -> bool:
        return diana.number in worker.get("/cases/", params).content.decode()

    assert listed(exploitation_type="SexualExploitation")
    assert not listed(exploitation_type="ForcedLabour")
    assert listed(citizenship="uz") and not listed(citizenship="KZ")
    assert listed(gender="Feminine") and not listed(gender="Masculine")
    assert listed(status="Active") and not listed(status="Closed")
    assert listed(opened_from="2005-10-01", opened_to="2005-10-31")
    assert not listed(opened_from="2006-01-01")
    assert listed(owner=str(diana.owner.uuid))
    bad = worker.get("/cases/", {"opened_from": "2005-13-45"})
    assert bad.status_code == 200 and "opened_from" in bad.context["filter_form"].errors
    assert diana.number in bad.content.decode()


def test_list_query_count_stays_the_same_with_more_rows(
    world, worker, django_assert_max_num_queries
):
    open_diana(world.a["case_worker"])
    # 12, and since the total and the names (decision 0016): the capped count, the names of
    # the page's rows, and their one read event (savepoint, last hash, insert, release; on
    # PostgreSQL also the lock on the chain's head), and the navigation's counts.
    with django_assert_max_num_queries(19):
        small = worker.get("/cases/")
    for _ in range(55):
        open_diana(world.a["case_worker"])
    with django_assert_max_num_queries(19):
        full = worker.get("/cases/")
    assert len(small.context["page"].rows) == 1
    assert len(full.context["page"].rows) == 50 and full.context["page"].has_next
    with django_assert_max_num_queries(19):
        second = worker.get("/cases/", {"page": 2})
    assert len(second.context["page"].rows) == 6 and not second.context["page"].has_next
    # A name search adds five keyed lookups, whatever the number of rows: the candidates by the
    # name's keys among her persons (a narrowed search skips the pairs step), their cases, the
    # visible ones, their names to score (decrypted in memory, up to NAME_CANDIDATES) and the
    # case number; the page is ordered by score.
    with django_assert_max_num_queries(24):
        searched = worker.post("/cases/", {"q": "Каримова"})
    assert len(searched.context["page"].rows) == 50
    more = worker.post("/cases/", {"q": "Каримова", "page": 2})
    assert len(more.context["page"].rows) == 6


# --- The case page and its tabs.


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_is_a_page_and_a_fragment_for_htmx(diana, worker, tab):
    url = f"/cases/{diana.uuid}/{tab}/"
    reads = AuditEvent.objects.filter(action="read", object_id=diana.uuid).count()
    full = worker.get(url)
    assert full.status_code == 200
    html = full.content.decode()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert f'id="tab-{tab}"' in html and 'aria-current="page"' in html
    assert f"<title>{diana.number} · OpenNRM</title>" in html
    assert "no-store" in full["Cache-Control"] and "HX-Request" in full["Vary"]

    fragment = worker.get(url, HTTP_HX_REQUEST="true")
    part = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in part and "<body" not in part
    assert f'id="tab-{tab}"' in part and 'class="tabs"' in part
    assert 'id="case-header"' in part and 'hx-swap-oob="true"' in part
    # Going back in history, htmx asks for the whole page again.
    restored = worker.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()
    assert AuditEvent.objects.filter(action="read", object_id=diana.uuid).count() == reads + 3


def test_case_page_opens_on_the_person_and_is_kept_out_of_htmx_history(diana, worker):
    html = worker.get(f"/cases/{diana.uuid}/").content.decode()
    assert 'id="tab-person"' in html and "Каримова" in html and "AA1234567" in html
    assert 'hx-history="false"' in html
    assert 'autocomplete="off"' in html


def test_person_edit_and_conflict(world, diana, worker):
    from opennrm.cases.forms import PersonEditForm

    data = form_data(PersonEditForm.initial_for(diana.person))
    data["family_name"] = "Karimova-Saidova"
    response = worker.post(f"/cases/{diana.uuid}/person/save/", data)
    assert response.status_code == 302 and response["Location"] == f"/cases/{diana.uuid}/person/"
    person = Person.objects.get(pk=diana.person_id)
    assert person.family_name == "Karimova-Saidova" and person.version == 2
    assert person.documents == diana.person.documents and person.phones == ["+998901234567"]
    assert diana.number in worker.post("/cases/", {"q": "Karimova-Saidova"}).content.decode()
    # The same form again, with the version read before that change: refused, nothing written.
    data["family_name"] = "Overwritten"
    stale = worker.post(f"/cases/{diana.uuid}/person/save/", data)
    assert stale.status_code == 200
    assert "Someone else changed this person" in stale.content.decode()
    assert Person.objects.get(pk=diana.person_id).family_name == "Karimova-Saidova"


def test_trafficking_edit_with_htmx_and_the_optimistic_lock(world, diana, worker):
    from opennrm.cases.forms import CaseEditForm

    data = form_data(CaseEditForm.initial_for(diana))
    assert data["version"] == "1"
    # A supervisor saves a change first.
    services.case_update(
        actor=world.actor(world.a["supervisor"]),
        case=diana,
        version=1,
        city_of_exploitation="Astana",
    )
    data["city_of_exploitation"] = "Shymkent"
    response = worker.post(f"/cases/{diana.uuid}/trafficking/save/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this case while you were editing" in html
    assert Case.objects.get(pk=diana.pk).city_of_exploitation == "Astana"

    data["version"] = "2"
    data["methods_of_control"] = ["DebtBondage"]
    data["transit_countries"] = ["KZ", "RU"]
    saved = worker.post(f"/cases/{diana.uuid}/trafficking/save/", data, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    part = saved.content.decode()
    assert "<html" not in part and "The case was saved." in part and "Shymkent" in part
    case = Case.objects.get(pk=diana.pk)
    assert case.city_of_exploitation == "Shymkent" and case.version == 3
    assert case.methods_of_control == ["DebtBondage"] and case.transit_countries == ["KZ", "RU"]

    data["version"] = "3"
    data["exited_on"] = "2004-01-01"
    bad = worker.post(f"/cases/{diana.uuid}/trafficking/save/", data, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and 'id="id_exited_on_error"' in bad.content.decode()
    assert Case.objects.get(pk=diana.pk).exited_on == date(2005, 9, 1)


def test_identification_proposed_then_approved(world, diana, worker, supervisor):
    url = f"/cases/{diana.uuid}/identification/"
    page = worker.get(url).content.decode()
    assert "Propose a decision" in page and "Approve" not in page
    missing = worker.post(url + "propose/", {"stage": "presumed", "decided_by_type": "NGO"})
    assert "grounds" in missing.context["form"].errors
    assert not IdentificationDecision.objects.exists()
    worker.post(
        url + "propose/",
        {
            "stage": "presumed",
            "decided_by_type": "NGO",
            "grounds": "Deceptive recruitment, passport taken.",
            "confirmed": "yes",
        },
    )
    decision = IdentificationDecision.objects.get()
    assert decision.state == "proposed"
    assert worker.post(f"{url}{decision.uuid}/approve/").status_code == 403

    page = supervisor.get(url).content.decode()
    assert "Awaiting approval" in page and f"{decision.uuid}/approve/" in page
    approved = supervisor.post(
        f"{url}{decision.uuid}/approve/", {"confirmed": "yes"}, HTTP_HX_REQUEST="true"
    )
    part = approved.content.decode()
    assert "The decision was approved." in part
    assert "Possible victim of trafficking" in part and "decided by NGO Crisis Centre A" in part
    decision.refresh_from_db()
    assert decision.state == "approved" and decision.reviewed_by == world.a["supervisor"].user
    again = supervisor.post(f"{url}{decision.uuid}/approve/", {"confirmed": "yes"})
    assert again.status_code == 302
    follow = supervisor.get(again["Location"]).content.decode()
    assert "already reviewed" in follow


def test_plan_and_service_with_another_provider(world, diana, worker):
    url = f"/cases/{diana.uuid}/plan/"
    page = worker.get(url).content.decode()
    assert "Hotline B" in page and "Crisis Centre A" in page
    future = worker.post(url + "create/", {"plan_type": "Legal", "ended_on": FUTURE})
    assert future.status_code == 200 and "ended_on" in future.context["plan_form"].errors
    assert not diana.plans.exists()
    ended = {"plan_type": "Legal", "ended_on": "2005-12-01"}
    assert worker.post(url + "create/", ended).status_code == 302
    assert "ended on 2005-12-01" in worker.get(url).content.decode()
    diana.plans.all().delete()
    assert worker.post(url + "create/", {"plan_type": "Health"}).status_code == 302
    plan = diana.plans.get()
    response = worker.post(
        f"/cases/{diana.uuid}/services/add/",
        {
            "service_type": "Medical",
            "provider": str(world.org_b.uuid),
            "plan": str(plan.uuid),
            "status": "planned",
            "started_on": "2005-10-04",
            "ended_on": "2005-10-01",
        },
    )
    assert response.status_code == 200 and "ended_on" in response.context["service_form"].errors
    assert not Service.objects.exists()
    response = worker.post(
        f"/cases/{diana.uuid}/services/add/",
        {
            "service_type": "Medical",
            "provider": str(world.org_b.uuid),
            "plan": str(plan.uuid),
            "status": "planned",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.provider == world.org_b and service.plan == plan
    assert "Hotline B" in worker.get(url).content.decode()


def test_consent_recorded_and_withdrawn(world, diana, worker):
    url = f"/cases/{diana.uuid}/consent/"
    referral = worker.post(url + "record/", {"purpose": "referral", "method": "written"})
    assert "recipient_organization" in referral.context["form"].errors
    assert (
        worker.post(url + "record/", {"purpose": "assistance", "method": "verbal"})["Location"]
        == url
    )
    consent = Consent.objects.get()
    assert consent.is_active and consent.given_on == local_today(world.org_a)
    assert "In force" in worker.get(url).content.decode()
    withdraw = f"{url}{consent.uuid}/withdraw/"
    # The tab's button leads to the confirmation, which says what will happen and asks why.
    assert f'href="{withdraw}"' in worker.get(url).content.decode()
    confirm = worker.get(withdraw, HTTP_HX_REQUEST="true").content.decode()
    assert "Withdraw this consent?" in confirm and 'name="reason"' in confirm
    assert "This case keeps everything" in confirm
    changes = AuditEvent.objects.exclude(action="read")
    events = changes.count()
    # No reason: the error beside the field, nothing changed.
    refused = worker.post(withdraw, {"reason": "  "}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    assert refused.context["withdraw_form"].errors["reason"] == [
        "Say why the consent is withdrawn."
    ]
    consent.refresh_from_db()
    assert consent.is_active and changes.count() == events
    too_long = worker.post(withdraw, {"reason": "x" * 2001})
    assert "reason" in too_long.context["withdraw_form"].errors
    consent.refresh_from_db()
    assert consent.is_active and changes.count() == events
    response = worker.post(withdraw, {"reason": "Moved away."}, HTTP_HX_REQUEST="true")
    assert "marked withdrawn" in response.content.decode()
    assert "Moved away." in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on == local_today(world.org_a)
    assert consent.withdrawal_reason == "Moved away."
    event = AuditEvent.objects.get(action="consent.withdraw")
    assert sorted(event.fields) == ["withdrawal_reason", "withdrawn_on"]
    # Withdrawn: no second confirmation is offered.
    assert "Withdraw this consent?" not in worker.get(withdraw).content.decode()


def test_notes_added_and_listed(world, diana, worker):
    url = f"/cases/{diana.uuid}/notes/"
    empty = worker.post(url + "add/", {"body": "   "})
    assert empty.status_code == 200 and "body" in empty.context["form"].errors
    assert worker.post(url + "add/", {"body": "Diana came on foot."}).status_code == 302
    assert Note.objects.get().body == "Diana came on foot."
    assert "Diana came on foot." in worker.get(url).content.decode()


def test_history_shows_who_did_what_to_which_fields(world, diana, worker):
    worker.post(f"/cases/{diana.uuid}/notes/add/", {"body": "Seen today."})
    html = worker.get(f"/cases/{diana.uuid}/history/").content.decode()
    assert "Case opened" in html and "Person recorded" in html and "Note added" in html
    # Authors by their name, not their e-mail address.
    user = world.a["case_worker"].user
    assert user.full_name and user.full_name in html and user.email not in html
    assert "family name" in html and "types of exploitation" in html
    history = html.split('id="case-header"', 1)[1].split("</section>", 1)[1]
    assert "Seen today." not in history and "Каримова" not in history


def test_status_changes_from_the_header(world, diana, worker, supervisor):
    url = f"/cases/{diana.uuid}/status/"
    page = worker.get(f"/cases/{diana.uuid}/").content.decode()
    assert 'value="FollowUp"' in page and 'value="Closed"' not in page
    assert worker.post(url, {"status": "FollowUp"}).status_code == 302
    assert worker.post(url, {"status": "Closed", "reason": "Done"}).status_code == 403
    no_reason = supervisor.post(url, {"status": "Closed", "reason": ""})
    assert no_reason.status_code == 200
    assert "reason" in no_reason.context["status_form"].errors
    assert supervisor.post(url, {"status": "Closed", "reason": "Returned home"}).status_code == 302
    case = Case.objects.get(pk=diana.pk)
    assert case.status == "Closed" and case.closure_reason == "Returned home"
    closed = worker.get(f"/cases/{diana.uuid}/").content.decode()
    assert "Returned home" in closed and 'action="' + url not in closed


def test_mutations_only_by_post(diana, worker):
    for action in ["person/save/", "trafficking/save/", "notes/add/", "status/"]:
        assert worker.get(f"/cases/{diana.uuid}/{action}").status_code == 405


def test_unknown_case_and_parts_are_not_found(diana, worker):
    import uuid

    assert worker.get(f"/cases/{uuid.uuid4()}/").status_code == 404
    bogus = uuid.uuid4()
    assert worker.post(f"/cases/{diana.uuid}/consent/{bogus}/withdraw/").status_code == 404
    assert worker.post(f"/cases/{diana.uuid}/identification/{bogus}/approve/").status_code == 404


def test_page_urls_hold_only_uuids(diana, worker):
    html = worker.get(f"/cases/{diana.uuid}/person/").content.decode()
    for url in urls_in(html):
        assert not re.search(r"[А-Яа-я]|Diana|Karimova", url), url


def test_the_largest_case_pages_stay_under_the_page_weight_budget(diana, worker):
    from tests.test_page_weight import BUDGET, page_weight, transferred

    for path in ["/cases/new/", f"/cases/{diana.uuid}/trafficking/"]:
        html, assets = page_weight(worker, path)
        assert all(assets.values()), assets.keys()
        total = transferred(html, assets)
        assert total < BUDGET, f"{path} transfers {total} bytes"


def test_history_includes_screenings_of_the_case_never_their_answers(world, diana, worker):
    from opennrm.screening import services as screening_services

    actor = world.actor(world.a["case_worker"])
    screening = screening_services.screening_start(
        actor=actor,
        case=diana,
        questionnaire_code="ilo-forced-labour-11",
        language="ru",
        mode="worker_led",
    )
    code = screening.questionnaire.indicators.order_by("pk").first().code
    screening_services.screening_answer(actor=actor, screening=screening, answers={code: "yes"})
    html = worker.get(f"/cases/{diana.uuid}/history/").content.decode()
    assert "Screening started" in html and "Screening answers saved" in html
    assert code not in html


def test_history_groups_consecutive_identical_events(world, diana, worker):
    """67 "screening answers saved" in a row were 67 rows: now one, with its count."""
    from opennrm.screening import services as screening_services

    actor = world.actor(world.a["case_worker"])
    screening = screening_services.screening_start(
        actor=actor,
        case=diana,
        questionnaire_code="ilo-forced-labour-11",
        language="ru",
        mode="worker_led",
    )
    codes = list(screening.questionnaire.indicators.order_by("pk").values_list("code", flat=True))
    for code in codes[:3]:
        screening_services.screening_answer(actor=actor, screening=screening, answers={code: "no"})
    html = worker.get(f"/cases/{diana.uuid}/history/").content.decode()
    assert html.count("Screening answers saved") == 1 and "3 times" in html
    rows = worker.get(f"/cases/{diana.uuid}/history/").context["rows"]
    assert [r["count"] for r in rows if r["action"] == "Screening answers saved"] == [3]


def test_history_includes_the_return_and_its_follow_ups(world, diana, worker):
    from tests.returns.factories import PASSPORT, arrive, record_return

    arrive(world.a["case_worker"], record_return(world.a["case_worker"], diana))
    html = worker.get(f"/cases/{diana.uuid}/history/").content.decode()
    assert "Return recorded" in html and "Arrival recorded" in html
    assert "Follow-up scheduled" in html and PASSPORT not in html


def test_a_supervisor_assigns_owner_and_team_from_the_case_page(world, diana, supervisor, worker):
    page = supervisor.get(f"/cases/{diana.uuid}/").content.decode()
    assert f"/cases/{diana.uuid}/assign/" in page
    own = worker.get(f"/cases/{diana.uuid}/").content.decode()
    assert f"/cases/{diana.uuid}/assign/" not in own
    other = world.b["case_worker"].user  # another organization's case worker: refused by field
    bad = supervisor.post(
        f"/cases/{diana.uuid}/assign/",
        {"owner": str(world.a["supervisor"].user.uuid), "team": [str(other.uuid)]},
    )
    assert bad.status_code == 200 and "team" in bad.context["form"].errors
    done = supervisor.post(
        f"/cases/{diana.uuid}/assign/",
        {
            "owner": str(world.a["supervisor"].user.uuid),
            "team": [str(world.a["case_worker"].user.uuid)],
        },
    )
    assert done.status_code == 302
    diana.refresh_from_db()
    assert diana.owner == world.a["supervisor"].user
    assert list(diana.team.all()) == [world.a["case_worker"].user]
    # The former owner stays on the team, so still sees the case.
    assert worker.get(f"/cases/{diana.uuid}/").status_code == 200
