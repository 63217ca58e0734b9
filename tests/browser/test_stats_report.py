"""The demo's statistics as its users see them, in a real Chromium: IOM Almaty's supervisor on
the organization's dashboard and its annual report for 2005, the coordinator's analyst on the
national view and the national report; no console error; screenshots, and each report's PDF
downloaded and turned into PNG pages (pdftoppm), saved beside them in test-output/browser/."""

from __future__ import annotations

import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from opennrm.accounts.models import Membership
from tests.support.browser import fits, shot, signed_in_context, watch

IOM = "IOM Kazakhstan, Almaty office"


def _pdf_pages(page: Page, link_name: str, out: Path, stem: str) -> list[Path]:
    with page.expect_download() as downloading:
        page.get_by_role("link", name=link_name).click()
    pdf = out / f"{stem}.pdf"
    downloading.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: make browser-deps")
    for old in out.glob(f"{stem}-page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(pdf), str(out / f"{stem}-page")], check=True
    )
    pages = sorted(out.glob(f"{stem}-page-*.png"))
    assert pages
    return pages


@pytest.mark.browser
def test_the_demo_s_dashboards_and_annual_reports(
    live_server, settings, browser: Browser, screenshots: Path
) -> None:
    settings.DEMO_MODE = True
    call_command("load_demo", stdout=StringIO())
    supervisor = Membership.objects.get(
        user__email="supervisor@demo.opennrm.org", organization__name=IOM
    )
    analyst = Membership.objects.get(user__email="analyst@demo.opennrm.org")
    base = live_server.url
    errors: list[str] = []

    context = signed_in_context(browser, base, supervisor, viewport={"width": 1366, "height": 900})
    page = watch(context.new_page(), errors)
    page.goto(f"{base}/stats/?preset=year&year=2005")
    expect(page.locator(".stats-comparison")).to_contain_text("49 people assisted in 2005")
    shot(page, screenshots / "demo-stats-dashboard.png")
    page.get_by_role("link", name="The annual report, to send to a donor").click()
    page.fill("input[name=year]", "2005")
    page.click("button:text-is('Show')")
    figures = page.locator(".report-figures")
    expect(figures).to_contain_text("People assisted")
    expect(figures.locator("tr", has_text="People assisted")).to_contain_text("49")
    expect(figures.locator("tr", has_text="Women and girls")).to_contain_text("38")
    expect(page.locator(".annual-report")).to_contain_text("Uzbekistan (16)")
    fits(page, 1366)
    shot(page, screenshots / "demo-annual-report.png")
    _pdf_pages(page, "Download PDF", screenshots, "demo-annual-report")
    context.close()

    context = signed_in_context(browser, base, analyst, viewport={"width": 1366, "height": 900})
    page = watch(context.new_page(), errors)
    page.goto(f"{base}/stats/national/?preset=year&year=2005")
    expect(page.locator("#figure-cases-by-organization-country")).to_contain_text("Tajikistan")
    shot(page, screenshots / "demo-stats-national.png")
    page.get_by_role("link", name="The annual report, to send to a donor").click()
    page.fill("input[name=year]", "2005")
    page.click("button:text-is('Show')")
    row = page.locator("#figure-cases-by-organization-country tr", has_text="Tajikistan")
    expect(row).to_contain_text("41")
    expect(row).to_contain_text("93")
    shot(page, screenshots / "demo-national-report.png")
    _pdf_pages(page, "Download PDF", screenshots, "demo-national-report")
    context.close()

    context = signed_in_context(browser, base, supervisor, viewport={"width": 390, "height": 844})
    page = watch(context.new_page(), errors)
    page.goto(f"{base}/stats/report/?year=2005")
    fits(page, 390)
    shot(page, screenshots / "demo-annual-report-phone.png")
    context.close()
    assert not errors, errors
