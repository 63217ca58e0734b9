"""A name typed in Latin finds the person recorded in Cyrillic, in the case list and in the
hotline's known-caller hint; screenshots go to test-output/browser/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_case_flow import shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.cases.test_name_search import open_named
from tests.conftest import build_world


@pytest.mark.browser
def test_a_latin_name_finds_the_cyrillic_record_ranked(
    live_server, browser: Browser, screenshots: Path
) -> None:
    world = build_world()
    worker = world.a["case_worker"]
    dilnoza = open_named(worker, "Дильноза", "Юсупова", day=20)
    zhanar = open_named(worker, "Жанар", "Юсупова", day=10)
    open_named(worker, "Айгерим", "Бекова", day=1)
    errors: list[str] = []
    context = signed_in_context(
        browser, live_server.url, worker, viewport={"width": 1280, "height": 800}
    )
    page = watch(context.new_page(), errors)
    page.goto(live_server.url + "/cases/")
    page.fill("input[name=q]", "Zhanar Yusupova")
    page.click("form.case-search button[type=submit]")
    page.wait_for_selector(".case-table")
    rows = page.locator(".case-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(zhanar.number)
    expect(rows.nth(0)).to_contain_text("name in another script")
    expect(rows.nth(1)).to_contain_text(dilnoza.number)
    assert "Zhanar" not in page.url and "Yusupova" not in page.url
    shot(page, screenshots / "name-search-ranked.png")
    assert not errors, errors


@pytest.mark.browser
def test_the_hotline_hint_lists_the_case_of_the_same_name(
    live_server, browser: Browser, screenshots: Path
) -> None:
    world = build_world()
    operator = world.b["hotline_operator"]
    case = open_named(world.b["case_worker"], "Жанар", "Юсупова")
    case.team.add(operator.user)
    errors: list[str] = []
    context = signed_in_context(
        browser, live_server.url, operator, viewport={"width": 1280, "height": 900}
    )
    page = watch(context.new_page(), errors)
    page.goto(live_server.url + "/hotline/new/")
    page.locator("fieldset.choice-group:has(input[name=caller_type])").get_by_text(
        "Potential victim", exact=True
    ).click()
    page.locator("fieldset.choice-group:has(input[name=reason])").get_by_text(
        "Possible trafficking", exact=True
    ).click()
    page.fill("input[name=caller_name]", "Zhanar Yusupova")
    page.click("button:text-is('Save the contact')")
    page.wait_for_selector(".signal-header")
    hint = page.locator("#known-caller")
    expect(hint).to_contain_text("1 case of a person of the same name")
    expect(hint.locator(".known-case")).to_contain_text(case.number)
    expect(hint.locator(".badge.same-name")).to_have_count(1)
    expect(page.locator(".signal-header")).to_contain_text("Zhanar Yusupova")
    shot(page, screenshots / "hotline-caller-name-hint.png")
    assert not errors, errors
