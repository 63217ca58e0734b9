"""A supervisor of Crisis Centre A finds that one woman was recorded twice: from the person tab
of one case she types the other case's number, compares both records side by side, takes the
given name from the second, confirms, sees the result and the organization's merges, then undoes
the merge. Screenshots go to test-output/browser/merge-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from opennrm.cases.models import Case
from tests.browser.test_case_flow import fits, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.conftest import build_world
from tests.linkage.merge_factories import first_case, second_case


@pytest.mark.browser
def test_merge_and_undo(live_server, browser: Browser, screenshots: Path) -> None:
    world = build_world()
    base = live_server.url
    errors: list[str] = []
    keep, absorb = first_case(world), second_case(world)
    page = watch(
        signed_in_context(
            browser, base, world.a["supervisor"], viewport={"width": 1280, "height": 900}
        ).new_page(),
        errors,
    )
    page.goto(f"{base}/cases/{keep.uuid}/person/")
    page.click("a:text-is('Merge with another case\\'s person…')")
    expect(page.locator("input[name=keep_number]")).to_have_value(keep.number)
    page.fill("input[name=absorb_number]", absorb.number)
    shot(page, screenshots / "merge-find.png")
    page.click("button:text-is('Compare')")
    expect(page.locator("table.merge-table")).to_contain_text("Dilnoza")
    assert absorb.number not in page.url.split("?")[1] and keep.number not in page.url
    page.check("#merge-given_name input[value=absorb]")
    fits(page, 1280)
    shot(page, screenshots / "merge-compare.png")
    page.click("button:text-is('Review the merge')")
    expect(page.locator("main")).to_contain_text("1 case will be re-attached to the kept person")
    shot(page, screenshots / "merge-confirm.png")
    page.click("button:text-is('Merge')")
    expect(page.locator("main")).to_contain_text("The persons were merged.")
    shot(page, screenshots / "merge-detail.png")
    assert Case.objects.get(pk=absorb.pk).person_id == keep.person_id
    page.click("a:text-is('Merges of the organization')")
    expect(page.locator("table.merge-list")).to_contain_text(absorb.number)
    shot(page, screenshots / "merge-list.png")
    page.click("table.merge-list a:text-is('Undo')")
    shot(page, screenshots / "merge-undo.png")
    page.click("button:text-is('Undo the merge')")
    expect(page.locator("main")).to_contain_text("The merge was undone.")
    assert Case.objects.get(pk=absorb.pk).person_id == absorb.person_id
    # The narrow screen of a phone: the comparison scrolls inside its table, not the page.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{base}/linkage/merge/?a={keep.uuid}&b={absorb.uuid}")
    fits(page, 390)
    shot(page, screenshots / "merge-compare-narrow.png")
    assert errors == []
