"""A large national view prepared in the background, in a real Chromium: the page offers to
prepare the figures instead of counting, shows the progress bar while the job counts, and the
figures once it is done; no console error. Screenshots in
test-output/browser/stats-prepare-*.png."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from opennrm.accounts.permissions import Actor
from opennrm.cases import services as cases
from opennrm.stats import national, prepare
from opennrm.stats.cache import stats_cache
from opennrm.stats.models_sharing import SharingAgreement
from tests.browser.test_case_flow import fits, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.cases.factories import DIANA_CASE, DIANA_PERSON
from tests.conftest import build_world


@pytest.mark.browser
def test_the_national_view_prepared_in_the_background(
    live_server, browser: Browser, screenshots: Path, settings
) -> None:
    settings.OPENNRM_STATS_PREPARE_ABOVE = 0  # every period is "large"
    world = build_world()
    world.org_a.national_coordinator = True
    world.org_a.save(update_fields=["national_coordinator"])
    SharingAgreement.objects.create(
        organization=world.org_a,
        coordinator=world.org_a,
        starts_on=date(2000, 1, 1),
        recorded_by=world.a["organization_admin"].user,
    )
    worker = world.a["case_worker"]
    for opened_on in (date(2005, 3, 1), date(2005, 10, 3)):
        cases.case_open(
            actor=world.actor(worker), person=dict(DIANA_PERSON), opened_on=opened_on, **DIANA_CASE
        )
    analyst = world.a["data_analyst"]
    errors: list[str] = []
    context = signed_in_context(
        browser, live_server.url, analyst, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    watch(page, errors)
    url = f"{live_server.url}/stats/national/?preset=year&year=2005"
    page.goto(url)
    expect(page.locator("#stats-prepare")).to_contain_text("This period holds 2 cases")
    fits(page, 1366)
    shot(page, screenshots / "stats-prepare-offer.png")
    # Half-way, as the worker leaves it: the progress bar.
    found = national.national_scope(
        actor=Actor.of(analyst.user, analyst), start=date(2005, 1, 1), end=date(2005, 12, 31)
    )
    with_progress = prepare._progress_key(found)
    stats_cache().set(with_progress, (5, 12))
    page.goto(url)
    expect(page.locator("#stats-prepare progress")).to_have_attribute("value", "5")
    expect(page.locator("#stats-prepare")).to_contain_text("5 of 12 tables counted")
    shot(page, screenshots / "stats-prepare-progress.png")
    stats_cache().delete(with_progress)
    page.goto(url)
    page.click("button:text-is('Prepare the figures')")  # the tests' task backend runs it now
    expect(page.get_by_role("heading", name="People assisted")).to_be_visible()
    expect(page.locator("#stats-prepare")).to_have_count(0)
    shot(page, screenshots / "stats-prepare-done.png")
    context.close()
    assert not errors, errors
