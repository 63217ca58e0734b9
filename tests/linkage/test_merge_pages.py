"""The merge pages as a supervisor uses them: type two case numbers, compare and choose, confirm,
see the result, list the merges and undo one; and the merge API's answers."""

from __future__ import annotations

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opennrm.cases.models import Case
from opennrm.linkage.merge import person_merge
from opennrm.linkage.models_merge import PersonMerge
from opennrm.people.models import Person
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in
from tests.linkage.merge_factories import case_of_b, first_case, second_case, supervisor
from tests.linkage.test_merge_permissions import confirm


def _supervisor(world: World) -> Client:
    membership = world.a["supervisor"]
    return sign_in(Client(), membership.user, membership)


def test_typed_case_numbers_lead_to_the_comparison_without_a_number_in_the_url(world):
    client = _supervisor(world)
    keep, absorb = first_case(world), second_case(world)
    response = client.post(
        "/linkage/merge/",
        {"step": "find", "keep_number": keep.number.lower(), "absorb_number": absorb.number},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/linkage/merge/?a={keep.uuid}&b={absorb.uuid}"
    missing = client.post(
        "/linkage/merge/",
        {"step": "find", "keep_number": keep.number, "absorb_number": case_of_b(world).number},
    )
    assert missing.status_code == 200
    assert "No case of that number." in missing.content.decode()


def test_the_case_number_is_filled_in_when_coming_from_a_case(world):
    keep = first_case(world)
    text = _supervisor(world).get(f"/linkage/merge/?a={keep.uuid}").content.decode()
    assert f'value="{keep.number}"' in text


def test_the_comparison_shows_both_values_with_the_defaults_checked(world):
    keep, absorb = first_case(world), second_case(world)
    response = _supervisor(world).get(f"/linkage/merge/?a={keep.uuid}&b={absorb.uuid}")
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "Диана" in text and "Dilnoza" in text
    assert "1 case will be re-attached" in text
    # Diana has no address recorded: the other record's is proposed.
    assert 'name="address" value="absorb" checked' in text
    assert 'name="given_name" value="keep" checked' in text
    assert 'name="phones" value="both" checked' in text


def test_review_then_confirm_merges_and_the_result_page_lists_the_cases(world):
    client = _supervisor(world)
    keep, absorb = first_case(world), second_case(world)
    url = f"/linkage/merge/?a={keep.uuid}&b={absorb.uuid}"
    review = client.post(url, {**confirm(world), "step": "review"})
    text = review.content.decode()
    assert review.status_code == 200 and "Confirm the merge" in text
    assert "1 case will be re-attached to the kept person" in text
    assert not PersonMerge.objects.exists()
    done = client.post(url, confirm(world))
    merge = PersonMerge.objects.get()
    assert done["Location"] == f"/linkage/merges/{merge.uuid}/"
    assert Person.objects.get(pk=keep.person_id).given_name == "Dilnoza"
    detail = client.get(done["Location"]).content.decode()
    assert absorb.number in detail and "The persons were merged." in detail
    listing = client.get("/linkage/merges/").content.decode()
    assert keep.number in listing and absorb.number in listing
    assert "Dilnoza" not in listing and "Диана" not in listing


def test_a_stale_form_is_refused_with_a_message_and_nothing_merged(world):
    client = _supervisor(world)
    keep, absorb = first_case(world), second_case(world)
    url = f"/linkage/merge/?a={keep.uuid}&b={absorb.uuid}"
    response = client.post(url, {**confirm(world), "keep_version": 99})
    assert response.status_code == 200
    assert "Someone changed one of these persons meanwhile" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_the_same_person_twice_is_said_plainly(world):
    keep = first_case(world)
    text = _supervisor(world).get(f"/linkage/merge/?a={keep.uuid}&b={keep.uuid}").content
    assert "Both cases are of the same person already." in text.decode()


def test_undo_from_the_page_and_a_second_undo_is_refused_with_a_message(world):
    client = _supervisor(world)
    keep, absorb = first_case(world), second_case(world)
    client.post(f"/linkage/merge/?a={keep.uuid}&b={absorb.uuid}", confirm(world))
    merge = PersonMerge.objects.get()
    page = client.get(f"/linkage/merges/{merge.uuid}/undo/").content.decode()
    assert "Undo the merge" in page
    undone = client.post(f"/linkage/merges/{merge.uuid}/undo/", follow=True)
    assert "The merge was undone." in undone.content.decode()
    assert Case.objects.get(pk=absorb.pk).person_id == absorb.person_id
    again = client.post(f"/linkage/merges/{merge.uuid}/undo/", follow=True)
    assert "This merge was already undone." in again.content.decode()


# --- The API.


def _post(client: Client, url: str, data: dict):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def _body(world: World, **changes) -> dict:
    keep, absorb = first_case(world), second_case(world)
    return {
        "keep": str(keep.uuid),
        "absorb": str(absorb.uuid),
        "keep_version": keep.person.version,
        "absorb_version": absorb.person.version,
        "choices": {"given_name": "absorb"},
        **changes,
    }


def test_api_merge_list_and_undo(world):
    client = _supervisor(world)
    created = _post(client, "/api/v1/linkage/merges", _body(world))
    assert created.status_code == 201, created.content
    merge = created.json()
    assert merge["kept_case_number"] == first_case(world).number
    assert merge["moved_case_ids"] == [str(second_case(world).uuid)]
    assert merge["choices"]["given_name"] == "absorb" and merge["undone_at"] is None
    assert "Dilnoza" not in created.content.decode()
    listed = client.get("/api/v1/linkage/merges").json()["items"]
    assert [m["id"] for m in listed] == [merge["id"]]
    undone = _post(client, f"/api/v1/linkage/merges/{merge['id']}/undo", {})
    assert undone.status_code == 200 and undone.json()["undone_at"]
    again = _post(client, f"/api/v1/linkage/merges/{merge['id']}/undo", {})
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"


def test_api_problems_name_the_field(world):
    client = _supervisor(world)
    bad = _post(client, "/api/v1/linkage/merges", _body(world, choices={"birth": "both"}))
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["choices.birth"]
    same = _post(client, "/api/v1/linkage/merges", _body(world, absorb=str(first_case(world).uuid)))
    assert same.status_code == 422 and same.json()["errors"][0]["field"] == "absorb"
    stale = _post(client, "/api/v1/linkage/merges", _body(world, keep_version=99))
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    other = _post(client, "/api/v1/linkage/merges", _body(world, absorb=str(case_of_b(world).uuid)))
    missing = _post(
        client,
        "/api/v1/linkage/merges",
        _body(world, absorb="00000000-0000-0000-0000-000000000000"),
    )
    assert other.status_code == missing.status_code == 404
    assert other.json()["title"] == missing.json()["title"]
    assert not PersonMerge.objects.exists()


def test_api_undo_refused_after_an_edit_says_why(world):
    client = _supervisor(world)
    merge = _post(client, "/api/v1/linkage/merges", _body(world)).json()
    kept = Person.objects.get(pk=first_case(world).person_id)
    response = client.patch(
        f"/api/v1/cases/{first_case(world).uuid}/person",
        data=json.dumps({"version": kept.version, "address": "Tashkent"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    refused = _post(client, f"/api/v1/linkage/merges/{merge['id']}/undo", {})
    assert refused.status_code == 409
    assert "changed after the merge" in refused.json()["title"]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_merge_lists_read_the_same_number_of_queries_whatever_their_length(world):
    client = _supervisor(world)
    _post(client, "/api/v1/linkage/merges", _body(world))
    one = _queries(client, "/linkage/merges/"), _queries(client, "/api/v1/linkage/merges")
    for _ in range(3):
        keep, absorb = open_diana(world.a["case_worker"]), open_diana(world.a["case_worker"])
        person_merge(
            actor=supervisor(world), keep=keep, absorb=absorb, keep_version=1, absorb_version=1
        )
    four = _queries(client, "/linkage/merges/"), _queries(client, "/api/v1/linkage/merges")
    assert one == four
    assert one[0] <= 11 and one[1] <= 8, one
