"""The duplicate search pages in a real Chromium: a supervisor starts a search and opens the
pair; a queued search polls its progress; the coordinator's analyst sees the national counts
and case numbers, no names. Screenshots of each; any console error fails the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from opennrm.linkage.batch import linkage_run_open
from opennrm.linkage.models_batch import LinkageScope
from tests.conftest import build_world
from tests.linkage.batch_factories import (
    NAMES,
    OTHERS,
    ZHANAR_CYRILLIC,
    ZHANAR_LATIN,
    make_coordinator,
    open_case,
)
from tests.support.browser import shot, signed_in_context, watch


@pytest.mark.browser
def test_duplicate_search_pages(live_server, browser: Browser, screenshots: Path):
    world = build_world()
    supervisor = world.a["supervisor"]
    first, second = open_case(supervisor, ZHANAR_CYRILLIC), open_case(supervisor, ZHANAR_LATIN)
    for person in OTHERS:
        open_case(supervisor, person)
    open_case(world.b["supervisor"], {**ZHANAR_LATIN, "given_name": "Janar"})
    base = live_server.url
    errors: list[str] = []
    viewport = {"width": 1366, "height": 900}

    page = watch(signed_in_context(browser, base, supervisor, viewport=viewport).new_page(), errors)
    page.goto(f"{base}/linkage/runs/")
    shot(page, screenshots / "linkage-batch-runs-empty.png")
    page.get_by_role("button", name="Start a duplicate search").click()
    expect(page.locator("#linkage-pairs")).to_be_visible()
    expect(page.locator("#linkage-pairs")).to_contain_text(first.number)
    expect(page.locator("#linkage-pairs")).to_contain_text(second.number)
    expect(page.get_by_role("link", name="Review and merge")).to_have_count(1)
    shot(page, screenshots / "linkage-batch-run-results.png")

    queued = linkage_run_open(organization=world.org_a, scope=LinkageScope.ORGANIZATION)
    page.goto(f"{base}/linkage/runs/{queued.uuid}/")
    expect(page.locator("#linkage-progress progress")).to_be_visible()
    shot(page, screenshots / "linkage-batch-run-progress.png")
    page.goto(f"{base}/linkage/runs/")
    shot(page, screenshots / "linkage-batch-runs.png")

    make_coordinator(world.org_a)
    analyst = world.a["data_analyst"]
    page = watch(signed_in_context(browser, base, analyst, viewport=viewport).new_page(), errors)
    page.goto(f"{base}/linkage/national/")
    page.get_by_role("button", name="Start a duplicate search").click()
    expect(page.locator("#linkage-counts")).to_be_visible()
    html = page.content()
    for name in NAMES + ["Janar"]:
        assert name not in html, name
    shot(page, screenshots / "linkage-batch-national-run.png")
    assert not errors, errors
