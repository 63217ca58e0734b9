"""The self-answer mode completed in Russian on a phone, then confirmed by the case worker.

The worker starts the screening from Diana's case on a desktop; the phone (390 x 844) shows
one question at a time in Russian, with four large buttons (yes, no, don't know, rather not
say) and nothing of earlier answers; Diana would rather not say one. At the end it asks for
the device back. A session showing the person's pages is locked to them until the worker gives
their password. The worker reviews, confirms, and reads the result: the declined answer is
counted as not answered, and said so.
Screenshots: test-output/browser/screening-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from opennrm.screening.models import Screening, Status
from tests.browser.test_case_flow import fits, shot, signed_in_context
from tests.browser.test_login_language import watch
from tests.cases.factories import open_diana
from tests.conftest import PASSWORD, build_world
from tests.screening.helpers import ADULT_SEXUAL, DIANA_YES, definition

PHONE = {"width": 390, "height": 844}
DECLINED = "d6_dependency"  # abuse of vulnerability at destination: D5 decides already


@pytest.mark.browser
def test_self_answer_in_russian_on_a_phone(
    live_server, browser: Browser, screenshots: Path
) -> None:
    world = build_world()
    case = open_diana(world.a["case_worker"])
    base = live_server.url
    errors: list[str] = []
    questions = {i["code"]: i["question"]["ru"] for i in definition(ADULT_SEXUAL)["indicators"]}

    # --- The case worker starts the screening from the case's identification tab.
    desk = signed_in_context(
        browser, base, world.a["case_worker"], viewport={"width": 1280, "height": 900}
    )
    page = watch(desk.new_page(), errors)
    page.goto(f"{base}/cases/{case.uuid}/identification/")
    page.click("a:text-is('Start a screening')")
    page.select_option("#id_questionnaire", ADULT_SEXUAL)
    page.select_option("#id_language", "ru")  # Diana's Uzbek is proposed; she chooses Russian
    page.check("input[name=mode][value=self_answer]")
    shot(page, screenshots / "screening-start.png")
    page.click("button:text-is('Start the screening')")
    page.wait_for_url("**/self/")
    screening = Screening.objects.get()
    assert page.url == f"{base}/screenings/{screening.uuid}/self/"
    # This device now shows the person's pages only: a typed URL leads back to the questions.
    page.goto(f"{base}/cases/{case.uuid}/person/")
    assert page.url == f"{base}/screenings/{screening.uuid}/self/question/"

    # --- The phone is handed to Diana: everything in Russian, one question at a time.
    phone_context = signed_in_context(browser, base, world.a["case_worker"], viewport=PHONE)
    phone = watch(phone_context.new_page(), errors)
    phone.goto(f"{base}/screenings/{screening.uuid}/self/")
    expect(phone.locator("h1")).to_have_text("Вопросы для вас")
    assert phone.evaluate("document.documentElement.lang") == "ru"
    fits(phone, PHONE["width"])
    shot(phone, screenshots / "screening-phone-intro.png")
    phone.click("a:text-is('Начать')")

    seen: list[str] = []
    for number in range(1, len(questions) + 1):
        expect(phone.locator("#progress")).to_have_text(f"Вопрос {number} / {len(questions)}")
        code = phone.get_attribute("input[name=indicator]", "value")
        assert code is not None and code not in seen
        text = phone.inner_text("#question")
        assert text == questions[code]
        body = phone.inner_text("body")
        # Nothing of the earlier answers: no earlier question, no chosen button.
        assert all(questions[earlier] not in body for earlier in seen)
        assert phone.locator("button[aria-pressed], input:checked").count() == 0
        if number == 5:
            buttons = phone.locator(".answers button")
            assert buttons.count() == 4
            for i in range(4):
                box = buttons.nth(i).bounding_box()
                assert box and box["height"] >= 64 and box["width"] >= 300, box
            fits(phone, PHONE["width"])
            shot(phone, screenshots / "screening-phone-question-5.png")
        seen.append(code)
        if code == DECLINED:  # Diana would rather not say; the rule no longer depends on it
            phone.click(".answers button:text-is('Предпочитаю не отвечать')")
            continue
        phone.click(f".answers button:text-is('{'Да' if code in DIANA_YES else 'Не знаю'}')")

    expect(phone.locator("#give-back")).to_contain_text("верните устройство сотруднику")
    shot(phone, screenshots / "screening-phone-give-back.png")
    phone_context.close()

    # --- The worker has the device back: unlocks it, reviews, confirms, reads the result.
    page.goto(f"{base}/screenings/{screening.uuid}/self/done/")
    page.fill("#worker-password", "not the password")
    page.click("button:text-is('Unlock')")
    expect(page.locator("#unlock-error")).to_be_visible()
    page.fill("#worker-password", PASSWORD)
    page.click("button:text-is('Unlock')")
    page.wait_for_url(f"{base}/screenings/{screening.uuid}/")
    expect(page.locator("#draft")).to_contain_text("66 of 67 questions answered.")
    expect(page.locator("#declined-note")).to_contain_text("counts as not answered")
    page.click("button:text-is('Confirm the answers and save')")
    expect(page.locator(".messages")).to_contain_text("The screening was completed and saved.")
    expect(page.locator("#outcome")).to_have_text(
        "Possible victim of trafficking: the ILO/EC rule is met."
    )
    expect(page.locator("#dimension-D1")).to_contain_text("(b) one strong and one medium")
    expect(page.locator("#dimension-D4")).to_contain_text("(c) three medium indicators")
    expect(page.locator("#dimension-D5")).to_contain_text("(a) two strong indicators")
    shot(page, screenshots / "screening-result.png")
    screening.refresh_from_db()
    assert screening.status == Status.COMPLETED
    assert screening.answers[DECLINED] == "declined"
    assert screening.result["declined"] == [DECLINED]
    case.refresh_from_db()
    assert not case.decisions.exists()  # a suggestion; the supervisor decides
    desk.close()
    assert not errors, errors
