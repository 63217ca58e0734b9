"""HTCDS in and out in a real Chromium: a case worker uploads a filled-in template, sees the
problem of a row, uploads the corrected file, imports it while the page follows the progress to
the end; then asks for an export, her supervisor approves it, and she downloads the sealed file
and opens it with the password the page shows. Screenshots of each step; any console error
fails the test."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
import pyzipper
from playwright.sync_api import Browser, expect

from opennrm.cases.models import Case
from opennrm.interop import jobs
from opennrm.interop.models import ImportJob
from tests.conftest import build_world
from tests.interop.support import person, template
from tests.support.browser import shot, signed_in_context, watch


@pytest.mark.browser
def test_import_then_export(
    live_server, browser: Browser, screenshots: Path, monkeypatch, tmp_path
):
    world = build_world()
    base = live_server.url
    errors: list[str] = []
    viewport = {"width": 1280, "height": 900}
    worker = world.a["case_worker"]
    page = watch(signed_in_context(browser, base, worker, viewport=viewport).new_page(), errors)

    # 1. A file with a misspelt gender in its second row: read, nothing saved, the row named.
    bad = tmp_path / "cases.xlsx"
    bad.write_bytes(template([person(1), person(2, prs_Gender="Femenine")]))
    page.goto(f"{base}/htcds/import/")
    shot(page, screenshots / "htcds-import-upload.png")
    page.get_by_label("HTCDS file").set_input_files(str(bad))
    page.get_by_role("button", name="Read the file").click()
    expect(page.locator("#import-problems")).to_contain_text("row 4")
    expect(page.locator("#import-problems")).to_contain_text("Feminine")
    expect(page.locator("#import-confirm")).to_have_count(0)
    shot(page, screenshots / "htcds-import-problems.png")
    assert not Case.objects.filter(organization=world.org_a).exists()

    # 2. The corrected file: the preview, then the import, which the page follows to the end.
    good = tmp_path / "cases-fixed.xlsx"
    good.write_bytes(template([person(1), person(2)]))
    page.get_by_role("link", name="Upload a file").click()
    page.get_by_label("HTCDS file").set_input_files(str(good))
    page.get_by_role("button", name="Read the file").click()
    expect(page.locator("#import-counts")).to_contain_text("2")
    shot(page, screenshots / "htcds-import-preview.png")
    # The worker is another process in production: here the job waits until the test runs it.
    monkeypatch.setattr(jobs, "import_run_job", SimpleNamespace(enqueue=lambda **kw: None))
    page.get_by_role("button", name="Import every row").click()
    expect(page.locator("#import-progress progress")).to_be_visible()
    shot(page, screenshots / "htcds-import-progress.png")
    job = ImportJob.objects.get(status="importing")
    jobs._run(str(job.uuid), commit=True)
    expect(page.locator("#import-status")).to_have_text("Imported", timeout=15_000)
    shot(page, screenshots / "htcds-import-done.png")
    numbers = list(Case.objects.filter(organization=world.org_a).values_list("number", flat=True))
    assert len(numbers) == 2

    # 3. An export of both, with identifying data, asked for by the case worker.
    page.goto(f"{base}/htcds/exports/new/")
    page.get_by_label("Case numbers").fill(" ".join(numbers))
    page.get_by_label("With identifying data").check()
    page.get_by_label("What is it for, and for whom?").fill("Transfer to the shelter in Shymkent")
    shot(page, screenshots / "htcds-export-request.png")
    page.get_by_role("button", name="Ask for the export").click()
    expect(page.locator("#export-status")).to_contain_text("Waiting for approval")
    url = page.url

    # 4. The supervisor approves it.
    boss = watch(
        signed_in_context(browser, base, world.a["supervisor"], viewport=viewport).new_page(),
        errors,
    )
    boss.goto(f"{base}/htcds/exports/")
    shot(boss, screenshots / "htcds-export-list-supervisor.png")
    boss.goto(url)
    boss.get_by_role("button", name="Approve the export").click()
    expect(boss.locator("#export-status")).to_contain_text("Approved")
    expect(boss.locator("#export-password")).to_have_count(0)
    shot(boss, screenshots / "htcds-export-approved.png")

    # 5. The case worker downloads the sealed file and opens it with the password shown.
    page.goto(url)
    password = page.locator("#export-password").inner_text()
    shot(page, screenshots / "htcds-export-download.png")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the file").click()
    sealed = Path(download.value.path()).read_bytes()
    with pyzipper.AESZipFile(io.BytesIO(sealed)) as archive:
        archive.setpassword(password.encode())
        content = archive.read(archive.namelist()[0])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    first_names = {sheet.cell(r, 4).value for r in (3, 4)}
    assert first_names == {"Person1", "Person2"}
    assert not errors, errors
