"""The public lookup: by name or licence number, in either script; empty, too long and not found
each get a clear answer; never who updated the registry."""

from __future__ import annotations

from django.test import Client

from opennrm.portal import agencies
from tests.portal.registry import ORIENT, orient, regulator


def _get(query: str):
    return Client().get("/help/agencies/", {"q": query})


def test_found_by_name_in_latin_or_cyrillic_and_by_licence_number(world):
    orient(world)
    for query in ("orient-tur", "ОРИЕНТ", "Orient Tur", "kz0012", "KZ-0012"):
        page = _get(query)
        assert page.status_code == 200
        text = page.content.decode()
        assert "ТОО «Ориент-Тур»" in text, query
    text = _get("orient").content.decode()
    assert "Licensed until June 30, 2030" in text
    assert "Ministry of Labour and Social Protection" in text
    assert "Registry last updated" in text
    assert regulator(world).user.full_name not in text


def test_a_revoked_licence_is_said_plainly(world):
    agency = orient(world)
    agencies.agency_update(
        actor=regulator(world),
        agency_id=agency.uuid,
        data={**ORIENT, "status": "revoked"},
        version=agency.version,
    )
    assert "Licence revoked: the agency may not recruit" in _get("KZ-0012").content.decode()


def test_an_active_licence_past_its_end_is_shown_expired(world):
    from datetime import date

    agency = orient(world)
    agencies.agency_update(
        actor=regulator(world),
        agency_id=agency.uuid,
        data={**ORIENT, "valid_until": date(2020, 1, 31)},
        version=agency.version,
    )
    text = _get("KZ-0012").content.decode()
    assert "Licence expired on Jan. 31, 2020: the agency may not recruit" in text


def test_not_found_says_what_it_means_and_what_to_do(world):
    orient(world)
    text = _get("Golden Future Abroad").content.decode()
    assert "No licensed agency found" in text
    assert "it has no licence to recruit" in text
    assert "Call the hotline" in text and "/help/numbers/" in text


def test_an_empty_query_prompts_and_lists_nothing(world, django_assert_max_num_queries):
    orient(world)
    with django_assert_max_num_queries(1):  # the registry's last update, no search
        text = _get("").content.decode()
    assert "Type at least two letters" in text
    assert "Ориент" not in text


def test_a_10_kb_query_is_refused_without_a_search(world, django_assert_max_num_queries):
    orient(world)
    with django_assert_max_num_queries(1):
        page = _get("orient " * 1500)
    text = page.content.decode()
    assert page.status_code == 200
    assert "That is too long to search" in text
    assert "Ориент" not in text and "orient orient" not in text


def test_one_letter_or_control_characters_are_refused(world):
    assert "Type at least 2 letters" in _get("o").content.decode()
    assert "in letters and digits" in _get("ori\x00ent").content.decode()


def test_at_most_twenty_results(world):
    from tests.portal.registry import HEADER, csv_bytes

    rows = [f"Travel Star {i},KZ-5{i:03d},travel,active,,Ministry" for i in range(25)]
    agencies.agency_import(actor=regulator(world), content=csv_bytes(HEADER, *rows))
    page = _get("travel star")
    assert len(page.context["rows"]) == 20
    assert "Only the first 20 are shown" in page.content.decode()
