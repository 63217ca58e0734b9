"""The analyst's differentially private releases in a real Chromium: the budget, a release of
two tables, its noisy tables and how they were made; on a phone too. Screenshots of each; any
console error fails the test."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import build_world
from tests.stats.dp_factories import open_case
from tests.support.browser import shot, signed_in_context, watch


@pytest.mark.browser
def test_release_pages(live_server, browser: Browser, screenshots: Path):
    world = build_world()
    for n, (gender, citizenship) in enumerate(
        [("Feminine", "UZ"), ("Feminine", "TJ"), ("Masculine", "TJ"), ("Feminine", "KZ")]
    ):
        open_case(world, gender=gender, citizenship=citizenship, opened_on=date(2025, 2, 1 + n))
    base = live_server.url
    errors: list[str] = []
    analyst = world.a["data_analyst"]
    context = signed_in_context(browser, base, analyst, viewport={"width": 1366, "height": 900})
    page = watch(context.new_page(), errors)
    page.goto(f"{base}/stats/releases/")
    expect(page.locator("#privacy-budgets")).to_contain_text("3")
    shot(page, screenshots / "stats-dp-releases-empty.png")

    page.get_by_label("People assisted by year and sex").check()
    page.get_by_label("People assisted by year and citizenship").check()
    page.get_by_label("Epsilon (privacy loss) of this release").fill("1")
    page.get_by_role("button", name="Make the release").click()
    expect(page.locator("#figure-year_sex")).to_be_visible()
    expect(page.locator("#figure-year_citizenship")).to_contain_text("Uzbekistan")
    expect(page.locator("#dp-release-parameters")).to_contain_text("2.000")
    shot(page, screenshots / "stats-dp-release.png")

    page.goto(f"{base}/stats/releases/")
    expect(page.locator("#privacy-budgets")).to_contain_text("2")
    expect(page.locator("#dp-releases tbody tr")).to_have_count(1)
    page.get_by_label("Epsilon (privacy loss) of this release").fill("5")
    page.get_by_label("People assisted by year and sex").check()
    page.get_by_role("button", name="Make the release").click()
    expect(page.locator("#id_epsilon-error")).to_contain_text("has 2 left (1 of 3 spent)")
    shot(page, screenshots / "stats-dp-releases-over-budget.png")

    phone = watch(
        signed_in_context(
            browser, base, analyst, viewport={"width": 390, "height": 844}
        ).new_page(),
        errors,
    )
    phone.goto(f"{base}/stats/releases/")
    phone.locator("#dp-releases a").first.click()
    expect(phone.locator("#figure-year_sex")).to_be_visible()
    shot(phone, screenshots / "stats-dp-release-phone.png")
    assert not errors, errors
