"""The CTDC pages in a real Chromium: the coordinator's analyst imports a CTDC file through the
upload form, reads the counts of records exploited in Kazakhstan, sees a bad file refused with
its line and column; the export page with its report. Screenshots; any console error fails."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from opennrm.accounts.permissions import Actor
from opennrm.cases import services
from tests.conftest import build_world
from tests.linkage.batch_factories import make_coordinator
from tests.stats.ctdc_files import generate, v6_file, v6_text
from tests.support.browser import fits, shot, signed_in_context, watch


@pytest.mark.browser
def test_ctdc_pages(live_server, browser: Browser, screenshots: Path, tmp_path: Path):
    world = build_world()
    make_coordinator(world.org_a)
    worker = Actor.of(world.a["case_worker"].user, world.a["case_worker"])
    for i in range(24):
        case = services.case_open(
            actor=worker,
            person={
                "given_name": "Madina",
                "family_name": "Karimova",
                "birth_year": 1995,
                "gender": "Feminine",
                "citizenship": "UZ" if i % 2 else "TJ",
            },
            opened_on=date(2023, 5, 1),
            exploitation_types=["SexualExploitation"],
            country_of_exploitation="KZ",
        )
        services.consent_record(actor=worker, case=case, purpose="statistics", method="verbal")
    good = tmp_path / "CTDC_global_dataset.csv"
    good.write_bytes(v6_file(generate(300)))
    bad = tmp_path / "with_commas.csv"
    bad.write_text(v6_text(generate(5)).replace(";", ","), encoding="utf-8")
    base = live_server.url
    errors: list[str] = []
    analyst = world.a["data_analyst"]

    for width, suffix in ((1366, ""), (390, "-phone")):
        context = signed_in_context(
            browser, base, analyst, viewport={"width": width, "height": 900}
        )
        page = watch(context.new_page(), errors)
        page.goto(f"{base}/stats/reference/")
        page.get_by_label("Name of the data set").fill(f"CTDC global data set{suffix}")
        page.get_by_label("File").set_input_files(str(good))
        page.get_by_role("button", name="Import").click()
        expect(page.locator(".stats-table caption")).to_contain_text("Kazakhstan")
        fits(page, width)
        shot(page, screenshots / f"ctdc-reference-dataset{suffix}.png")
        page.get_by_label("Counted by").select_option("exploitation")
        page.get_by_role("button", name="Show").click()
        expect(page.locator(".stats-table caption")).to_contain_text("type of exploitation")

        page.goto(f"{base}/stats/reference/")
        page.get_by_label("Name of the data set").fill("Bad")
        page.get_by_label("File").set_input_files(str(bad))
        page.get_by_role("button", name="Import").click()
        expect(page.locator(".field.has-error")).to_contain_text("separated by commas")
        shot(page, screenshots / f"ctdc-reference-refused{suffix}.png")

        page.goto(f"{base}/stats/ctdc/")
        expect(page.get_by_role("link", name="Download the CSV")).to_be_visible()
        assert "Madina" not in page.content()
        fits(page, width)
        shot(page, screenshots / f"ctdc-export{suffix}.png")
        context.close()
    assert not errors, errors
