"""The whole story of issue 10, played in Russian by the people who do it, each in their browser.

The scenario of ../shared/reference/scenario.md: a woman from Uzbekistan lured to Kazakhstan by a
fake job, her passport taken. A relative calls the hotline; the operator opens a case, refers it to
the crisis centre and closes the hotline's copy. The centre's case worker, from the worklist,
accepts and completes the case (the passport taken by the trafficker, the route Tashkent →
Shymkent → Almaty, needs and risks with "do not call back", the recruiter), records her consent
and proposes identification; a supervisor approves from the worklist (four eyes: the proposer is
offered no approval). The case is referred to IOM Almaty (the decision shared) and to the HIV/AIDS
dispensary. IOM accepts, records its own consent, organizes the return to Tashkent and refers her
to the Tashkent centre from the return; the dispensary records the check-up, which completes the
referral. A hundred days later (the clock moved) the Tashkent centre records the arrival and the
3-month follow-up, which IOM sees; a supervisor proposes the conclusive decision and a second
supervisor approves it; the crisis centre withdraws, with a reason, the consent to share with IOM,
and IOM's and Tashkent's copies keep what IOM confirmed under its own consent.

Every user works in Russian (a ru-RU browser, and Russian chosen in the language switcher as a user
would), in the organizations and with the users of the demo (plus an IOM case worker and a second
supervisor). Each step saves a screenshot (test-output/browser/story-ru-NN-<step>.png), asserts a
Russian text of the catalogue, finds no English UI word, no console error, no page or table wider
than a 1366 px screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, BrowserContext, Page, expect

from opennrm.accounts import services as accounts
from opennrm.accounts.demo import DemoWorld, load_demo
from opennrm.accounts.models import Membership, Role
from opennrm.accounts.permissions import Actor
from opennrm.cases.models import Case
from opennrm.hotline.models import Signal
from opennrm.referrals.models import Referral
from opennrm.returns.models import ReturnRecord
from tests.conftest import PASSWORD
from tests.support.browser import fits, shot, signed_in_context, watch
from tests.support.today import world_today

WIDTH = 1366
WARNING = "Не перезванивать: телефон проверяют."
ACCEPTED = "Accepted: case %(number)s was opened with the shared fields."
PHONE = "+998 90 765 43 21"

# English words of the UI that a Russian page must not show (whole words, case-sensitive). The
# data (organization and user names, e-mail addresses, case numbers) is taken out first.
ENGLISH_UI = [
    "Home", "Cases", "Case", "Referral", "Referrals", "Hotline", "Directory", "Notifications",
    "Follow-ups", "Your account", "Sign out", "Language", "Switch", "Save", "Cancel", "Search",
    "Open", "Accept", "Decline", "Approve", "Reject", "Propose", "Withdraw", "Record", "Edit",
    "Consent", "Person", "Trafficking", "Identification", "History", "Notes", "Plan", "Status",
    "Sent", "Received", "Pending", "Accepted", "Completed", "Withdrawn", "Awaiting", "Approved",
    "Service", "Services", "Medical", "Legal", "Shelter", "Return", "Arrived", "Outcome", "Reason",
    "Urgency", "Normal", "Urgent", "Other", "Feminine", "Female", "Given name", "Family name",
    "Phone", "Date", "Due", "months", "overdue", "done", "Possible", "victim", "Presumed",
    "the", "and", "of", "with", "for", "to", "by", "was", "is", "not", "no", "yet", "this",
    "from", "on", "in", "or",
]  # fmt: skip
ENGLISH_RE = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH_UI)) + r")(?![\w-])")
EMAIL_RE = re.compile(r"\S+@\S+")
# Tables wider than their scrolling box: at 1366 px nothing (a button, a column) may be cut off.
CUT_TABLES = """[...document.querySelectorAll('.table-scroll')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => ({box: e.clientWidth, table: e.scrollWidth,
              columns: [...e.querySelectorAll('tr:first-child > *')].map(c => c.offsetWidth)}))"""


@dataclass
class Story:
    """The live server, the demo's people and what each step leaves behind."""

    browser: Browser
    base: str
    screenshots: Path
    world: DemoWorld
    data: list[str] = field(default_factory=list)  # names that are data, not UI
    errors: list[str] = field(default_factory=list)
    step_number: int = 0

    def member(self, key: str, email: str) -> Membership:
        return self.world.memberships[key, f"{email}@demo.opennrm.org"]

    def open(self, membership: Membership) -> tuple[BrowserContext, Page]:
        """A ru-RU browser signed in as ``membership``, switched to Russian by its user."""
        context = signed_in_context(
            self.browser,
            self.base,
            membership,
            locale="ru-RU",
            viewport={"width": WIDTH, "height": 900},
        )
        page = watch(context.new_page(), self.errors)
        page.goto(self.base + "/")
        page.select_option("#language-switch", "ru")
        page.click("form:has(#language-switch) button[type=submit]")
        page.wait_for_selector("html[lang=ru]")
        return context, page

    def step(self, page: Page, name: str, *russian: str) -> None:
        """The checks of every step, then its screenshot: ``russian`` are texts (from the
        catalogue, see ``ru``) the page must show."""
        self.step_number += 1
        page.wait_for_load_state("networkidle")
        assert page.get_attribute("html", "lang") == "ru", page.url
        body = page.inner_text("body")
        for text in russian:
            assert text in body, f"step {self.step_number} ({name}): no {text!r} on {page.url}"
        english = untranslated(page.title() + "\n" + body, self.data)
        assert not english, f"step {self.step_number} ({name}), {page.url}: English {english}"
        fits(page, WIDTH)
        cut = page.evaluate(CUT_TABLES)
        assert not cut, f"step {self.step_number} ({name}), {page.url}: tables cut off {cut}"
        shot(page, self.screenshots / f"story-ru-{self.step_number:02d}-{name}.png")
        assert not self.errors, f"step {self.step_number} ({name}): {self.errors}"


def ru(message: str, **values: object) -> str:
    """``message`` as the Russian catalogue has it (never the English text itself)."""
    with translation.override("ru"):
        text = translation.gettext(message)
    assert text != message, f"no Russian for {message!r}"
    return text % values if values else text


def in_days(days: int) -> date:
    """A date of the story, ``days`` from (the story's) today."""
    return world_today() + timedelta(days=days)


def untranslated(text: str, data: list[str]) -> list[str]:
    """The English UI words of a page's visible text, its data taken out."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = EMAIL_RE.sub(" ", text)
    return sorted({text[max(0, m.start() - 30) : m.end() + 30] for m in ENGLISH_RE.finditer(text)})


def confirm(page: Page, done: str, story: Story | None = None, name: str = "") -> None:
    """Identification asks to confirm what the decision will do: confirm it (after the step
    ``name`` of ``story`` when given)."""
    page.wait_for_selector("#decision-confirm")
    if story is not None:
        story.step(page, name, ru("Confirm"))
    page.click("#decision-confirm button[type=submit]")
    page.wait_for_selector(done)


def add_stop(page: Page, kind: str, city: str, country: str, day: str, month: str) -> None:
    """A stop of the route, on the route tab (its form is swapped in by htmx)."""
    before = page.locator("ol.route > li").count()
    adding = page.locator("#tab-route details.edit").last
    if adding.get_attribute("open") is None:
        adding.locator("summary").click()
    form = adding.locator("form")
    form.locator("select[name=event_type]").select_option(kind)
    form.locator("input[name=city]").fill(city)
    form.locator("select[name=country]").select_option(country)
    form.locator("input[name=day]").fill(day)
    form.locator("select[name=month]").select_option(month)
    form.locator("input[name=year]").fill(str(in_days(0).year - 1))
    form.locator("button[type=submit]").click()
    expect(page.locator("ol.route > li")).to_have_count(before + 1)


def choose_organization(page: Page, selector: str, name: str) -> None:
    """The option of a list of organizations whose label starts with ``name``."""
    value = page.locator(selector).evaluate(
        "(e, name) => [...e.options].find(o => o.text.trim().startsWith(name)).value", name
    )
    page.select_option(selector, value)


def open_tab(page: Page, key: str) -> None:
    page.click(f"nav.tabs a[href$='/{key}/']")
    page.wait_for_selector(f"#tab-{key}")


def inbox_open(page: Page, base: str, referral: Referral) -> None:
    """The referral, from the home page's worklist: it waits for the organization's answer."""
    page.goto(base + "/")
    page.click(f"#work-referrals-in a[href$='/referrals/{referral.uuid}/']")
    page.wait_for_selector("#shared-fields")


def accept(page: Page) -> None:
    page.click("form[action$='/accept/'] button[type=submit]")
    page.wait_for_selector(".messages")


def record_consent(
    page: Page, purpose: str, method: str, *, organization: str = "", kind: str = ""
) -> None:
    """On the consent tab: her consent, for a purpose, to one organization or to a type."""
    in_force = page.locator("#tab-consent .badge.state-approved")
    before = in_force.count()
    page.select_option("#consent-purpose", purpose)
    page.select_option("#consent-method", method)
    if organization:
        choose_organization(page, "#consent-recipient_organization", organization)
    if kind:
        page.select_option("#consent-recipient_type", kind)
    page.click("form[action$='/consent/record/'] button[type=submit]")
    expect(in_force).to_have_count(before + 1)


def refer(
    page: Page,
    organization: str,
    services: list[str],
    identifying: list[str],
    note: str,
    statistical: tuple[str, ...] = (),
    link: str = "#case-referrals a[href*='/referrals/from/']:not([href*='transfer'])",
) -> None:
    """The referral form, opened by ``link`` (the case page's referral box by default)."""
    page.click(link)
    page.wait_for_selector("#referral-to_organization")
    chosen = page.locator("#referral-to_organization option:checked").inner_text()
    if not chosen.strip().startswith(organization):
        choose_organization(page, "#referral-to_organization", organization)
        page.wait_for_load_state("networkidle")  # the form redraws with the receiver's defaults
    for service in services:
        page.check(f"input[name=services_requested][value={service}]")
    for name in identifying:
        page.check(f"input[name=share_identifying][value={name}]")
    for name in statistical:
        page.check(f"input[name=share_statistical][value={name}]")
    page.fill("#referral-note", note)
    page.click("form:has(#referral-to_organization) button[type=submit]")
    page.wait_for_selector("#referral-history, form .error")
    refused = page.locator("form .error").all_inner_texts()
    assert not refused, refused


@pytest.mark.browser
def test_the_whole_story_in_russian(
    live_server, settings, time_machine, browser: Browser, screenshots: Path
) -> None:
    with translation.override("ru"):
        assert translation.gettext("Home") != "Home", "locale/ru is not compiled (compilemessages)"
    settings.DEMO_MODE = True  # the demo's users are made only in demo mode
    for old in screenshots.glob("story-ru-*.png"):  # an earlier run's steps may be numbered apart
        old.unlink()
    world = DemoWorld()
    load_demo(world)
    platform = Actor.of(
        accounts.platform_admin_create(email="p@example.org", password=PASSWORD), None
    )
    iom_worker = accounts.membership_create(
        actor=platform,
        organization=world.organizations["iom-almaty"],
        email="iom.caseworker@demo.opennrm.org",
        full_name="Айгуль Сериковна",
        role=Role.CASE_WORKER,
        password=PASSWORD,
    )
    # Four eyes on a supervisor's own proposal need a second supervisor at the centre.
    second_supervisor = accounts.membership_create(
        actor=platform,
        organization=world.organizations["crisis"],
        email="second.supervisor@demo.opennrm.org",
        full_name="Жанна Ахметова",
        role=Role.SUPERVISOR,
        password=PASSWORD,
    )
    story = Story(browser, live_server.url, screenshots, world)
    base = story.base
    story.data += [o.name for o in world.organizations.values()]
    story.data += [m.user.full_name for m in world.memberships.values()]

    # --- 1. The hotline: a relative calls about a woman whose passport was taken.
    context, page = story.open(story.member("hotline", "operator"))
    page.goto(base + "/hotline/new/")
    page.click("label.choice:has(input[name=caller_type][value=family])")
    page.click("label.choice:has(input[name=reason][value=possible_trafficking])")
    page.fill("input[name=phone]", PHONE)
    page.fill(
        "textarea[name=notes]",
        "Звонит сестра: её забрали в Алматы на работу продавцом, паспорт отобрали. "
        "Не перезванивать: телефон проверяют.",
    )
    page.click("form.signal-form button[type=submit]")
    page.wait_for_selector(".signal-header")
    story.step(page, "hotline-call", ru("The contact was logged."))

    page.click("a[href$='/case/']")
    page.fill("input[name=given_name]", "Диана")
    page.fill("input[name=family_name]", "Каримова")
    page.select_option("select[name=gender]", "Feminine")
    page.select_option("#id_citizenship", "UZ")
    page.click("form.case-form button[type=submit]")
    page.wait_for_selector("#tab-person")
    hotline_case = Case.objects.get(organization=world.organizations["hotline"])
    story.data.append(hotline_case.number)
    expect(page.locator("#tab-person")).to_contain_text("Каримова")
    open_tab(page, "consent")
    record_consent(page, "referral", "verbal", organization="Almaty Crisis Support Centre")
    refer(
        page,
        "Almaty Crisis Support Centre",
        ["Shelter"],
        ["given_name", "family_name"],
        "Сестра просит помочь; не звонить на её телефон.",
    )
    to_crisis = Referral.objects.get(from_case=hotline_case)
    story.data.append(to_crisis.number)
    story.step(page, "hotline-refers", ru("Referral %(number)s was sent.", number=to_crisis.number))
    signal = Signal.objects.get(case=hotline_case)
    page.goto(f"{base}/hotline/{signal.uuid}/")
    # The hotline hands the contact on and closes its copy.
    page.click("details.hand-on summary")
    page.click("details.hand-on button[type=submit]")
    page.wait_for_selector(".messages")
    signal.refresh_from_db()
    assert signal.closed_on is not None
    story.step(page, "hotline-hands-on", ru("Closed on"))
    context.close()

    # --- 2. The crisis centre's case worker accepts and completes the case.
    worker = story.member("crisis", "caseworker")
    context, page = story.open(worker)
    inbox_open(page, base, to_crisis)
    expect(page.locator("#shared-fields")).to_contain_text("Каримова")
    accept(page)
    to_crisis.refresh_from_db()
    case = to_crisis.to_case
    assert case is not None and case.organization == world.organizations["crisis"]
    story.data.append(case.number)
    story.step(page, "crisis-accepts", ru(ACCEPTED, number=case.number))

    page.goto(f"{base}/cases/{case.uuid}/")
    page.click("#tab-person details > summary")
    page.fill("input[name=patronymic]", "Рустамовна")
    page.fill("input[name=birth_year]", "1998")
    page.select_option("#id_citizenship", "UZ")
    page.select_option("[name=languages]", ["uz", "ru"])
    # Her passport, taken by the trafficker, its number unknown.
    page.select_option("select[name=document_type]", "passport")
    page.select_option("[name=document_country]", "UZ")
    page.select_option("select[name=document_status]", "taken_by_trafficker")
    page.click("form[action$='/person/save/'] button[type=submit]")
    expect(page.locator("#tab-person")).to_contain_text("Рустамовна")
    story.step(page, "crisis-person", ru("The person was saved."))

    open_tab(page, "trafficking")
    page.click("#tab-trafficking details > summary")
    page.check("input[name=exploitation_types][value=SexualExploitation]")
    page.check("input[name=methods_of_control][value=WithholdsDocuments]")
    page.check("input[name=recruitment_methods][value=ThroughFriendsOrSocialEvents]")
    page.select_option("#id_country_of_origin", "UZ")
    page.select_option("#id_country_of_exploitation", "KZ")
    page.fill("input[name=city_of_exploitation]", "Алматы")
    page.select_option("select[name=relationship_to_trafficker]", "Acquainted")
    page.fill("input[name=age_when_trafficked]", "28")
    page.click("form[action$='/trafficking/save/'] button[type=submit]")
    expect(page.locator("#tab-trafficking")).to_contain_text("Алматы")
    story.step(page, "crisis-trafficking", ru("The case was saved."))

    # Recruited in Tashkent, via Shymkent, Almaty.
    open_tab(page, "route")
    add_stop(page, "Recruitment", "Ташкент", "UZ", "14", "2")
    add_stop(page, "Transit", "Шымкент", "KZ", "1", "3")
    add_stop(page, "Exploitation", "Алматы", "KZ", "", "3")
    story.step(page, "crisis-route", "Шымкент, Казахстан")

    # Needs and risks: do not call back.
    open_tab(page, "needs")
    page.select_option("#assessment-contact_safety", "with_care")
    page.fill("#assessment-contact_warning", WARNING)
    page.select_option("#assessment-trafficker_risk", "high")
    page.fill("#assessment-health_needs", "Обследование, анализ на ВИЧ.")
    page.select_option("#assessment-accommodation_need", "emergency")
    page.check("#assessment-interpreter_needed")
    page.select_option("#assessment-interpreter_language", "uz")
    page.click("form[action$='/needs/record/'] button[type=submit]")
    expect(page.locator("#contact-alert")).to_contain_text(WARNING)
    story.step(page, "crisis-needs", WARNING)

    # The recruiter.
    open_tab(page, "perpetrators")
    page.fill("#perpetrator-name", "Гуля, знакомая из Ташкента")
    page.check("input[name=roles][value=RecruiterOrIntermediary]")
    page.select_option("#perpetrator-relationship", "Acquainted")
    page.select_option("#perpetrator-sex", "Feminine")
    page.fill("#perpetrator-actions", "Обещала работу продавцом косметики, забрала паспорт.")
    page.click("form[action$='/perpetrators/add/'] button[type=submit]")
    expect(page.locator("article.perpetrator")).to_contain_text("Гуля")
    story.step(page, "crisis-perpetrators", "Гуля, знакомая из Ташкента")

    open_tab(page, "consent")
    record_consent(page, "assistance", "written")
    record_consent(page, "referral", "written", organization="IOM Kazakhstan, Almaty office")
    record_consent(page, "referral", "written", kind="HealthServiceOrganisation")
    story.step(page, "crisis-consent", ru("The consent was recorded."))

    open_tab(page, "identification")
    page.select_option("#decision-stage", "presumed")
    page.fill("#decision-grounds", "Обманная вербовка, паспорт отобран, насилие.")
    page.click("form[action$='/propose/'] button[type=submit]")
    confirm(page, "#tab-identification .badge.state-proposed")
    # Four eyes: the proposer is offered no approval.
    expect(page.locator("form[action$='/approve/']")).to_have_count(0)
    story.step(page, "crisis-proposes", ru("Awaiting approval"))

    # --- 3. A supervisor of the centre, not the proposer, approves.
    supervisor_context, supervisor = story.open(story.member("crisis", "supervisor"))
    waiting = f"#work-decisions a[href$='/cases/{case.uuid}/identification/']"
    # The home worklist says a decision waits for approval; it leads to it.
    story.step(
        supervisor, "supervisor-worklist", ru("Identification decisions awaiting your approval")
    )
    supervisor.click(waiting)
    supervisor.click("form[action$='/approve/'] button[type=submit]")
    confirm(supervisor, "#tab-identification .badge.state-approved", story, "supervisor-confirms")
    case.refresh_from_db()
    assert case.trafficking_status == "PossibleVictimOfTrafficking"
    story.step(supervisor, "supervisor-approves", ru("The decision was approved."))
    supervisor_context.close()

    # --- 4. Referrals: to IOM (return, legal help) and to the dispensary (medical).
    page.goto(f"{base}/cases/{case.uuid}/")
    refer(
        page,
        "IOM Kazakhstan, Almaty office",
        ["Legal", "ReturnTravel"],
        ["given_name", "family_name", "birth"],
        "Хочет вернуться домой в Ташкент; паспорт у вербовщицы.",
        statistical=("languages", "exploitation"),
    )
    # The identification decision travels with it (chosen by default for IOM).
    assert "identification" in Referral.objects.get(from_case=case).shared_fields
    expect(page.locator("#shared-fields")).to_contain_text(ru("Possible victim of trafficking"))
    to_iom = Referral.objects.get(from_case=case, to_organization__name__startswith="IOM")
    story.data.append(to_iom.number)
    story.step(page, "refer-iom", ru("Referral %(number)s was sent.", number=to_iom.number))
    page.goto(f"{base}/cases/{case.uuid}/")
    refer(
        page,
        "Almaty City HIV/AIDS Dispensary",
        ["Medical"],
        ["given_name"],
        "Обследование; говорит по-узбекски и по-русски.",
    )
    to_clinic = Referral.objects.get(
        from_case=case, to_organization__name__startswith="Almaty City"
    )
    story.data.append(to_clinic.number)
    story.step(
        page, "refer-dispensary", ru("Referral %(number)s was sent.", number=to_clinic.number)
    )
    context.close()

    # --- 5. IOM accepts, records its own consent, and organizes the return to Tashkent.
    context, page = story.open(iom_worker)
    inbox_open(page, base, to_iom)
    expect(page.locator("#shared-fields")).to_contain_text("Диана")
    assert "Рустамовна" not in page.content()
    accept(page)
    to_iom.refresh_from_db()
    iom_case = to_iom.to_case
    assert iom_case is not None
    story.data.append(iom_case.number)
    story.step(page, "iom-accepts", ru(ACCEPTED, number=iom_case.number))

    page.goto(f"{base}/cases/{iom_case.uuid}/consent/")
    record_consent(page, "assistance", "written")
    record_consent(page, "referral", "written", organization="Tashkent Reintegration Centre")

    page.goto(f"{base}/returns/cases/{iom_case.uuid}/")
    page.select_option("select[name=document_type]", "return_certificate")
    page.fill("input[name=document_number]", "RC-0042")
    page.fill("input[name=travel_date]", in_days(7).isoformat())
    page.select_option("[name=destination_country]", "UZ")
    page.fill("input[name=destination_city]", "Ташкент")
    page.fill("input[name=route]", "Алматы – Шымкент – Ташкент, поездом")
    choose_organization(page, "select[name=receiving_organization]", "Tashkent Reintegration")
    page.click("form[action$='/returns/cases/" + str(iom_case.uuid) + "/'] button[type=submit]")
    page.wait_for_selector("#return")
    assert ReturnRecord.objects.filter(case=iom_case).exists()
    story.step(page, "iom-return", ru("The return was recorded."))

    # IOM refers her to the receiving centre for reintegration, from the return: the
    # identification decision goes with it.
    refer(
        page,
        "Tashkent Reintegration Centre",
        ["Reintegration"],
        ["given_name", "family_name"],
        "Прибывает поездом; просим встретить.",
        link="#return a[href*='for=return']",
    )
    to_tashkent = Referral.objects.get(from_case=iom_case)
    assert "identification" in to_tashkent.shared_fields
    story.data.append(to_tashkent.number)
    story.step(
        page, "iom-refers-tashkent", ru("Referral %(number)s was sent.", number=to_tashkent.number)
    )
    context.close()

    # --- 6. The dispensary accepts, records the check-up done, and so completes the referral.
    context, page = story.open(story.member("dispensary", "clinic"))
    inbox_open(page, base, to_clinic)
    expect(page.locator("#shared-fields")).to_contain_text("Диана")
    assert "Каримова" not in page.content()
    accept(page)
    page.select_option("#service-service_type", "Medical")
    page.fill("#service-delivered_on", in_days(0).isoformat())
    page.fill("#service-outcome", "Обследована; лечение начато.")
    page.fill("#service-next_appointment_on", in_days(14).isoformat())
    page.check("#service-completed")
    page.click("form[action$='/services/'] button[type=submit]")
    expect(page.locator("#services-delivered")).to_contain_text("лечение начато")
    to_clinic.refresh_from_db()
    assert to_clinic.status == "completed"
    story.step(
        page, "dispensary-service", ru("The service was recorded; the referral is completed.")
    )
    context.close()

    # The crisis centre sees it as a service of its case, the dispensary named.
    context, page = story.open(worker)
    page.goto(f"{base}/cases/{case.uuid}/plan/")
    services = page.locator("#services-by-providers + div")
    expect(services).to_contain_text("Almaty City HIV/AIDS Dispensary")
    expect(services).to_contain_text("лечение начато")
    story.step(
        page, "crisis-sees-service", ru("Services delivered by the organizations referred to")
    )
    context.close()

    # --- 7. The Tashkent centre takes her on, and sees the return IOM organizes.
    centre = story.member("uz-ngo", "uzbek")
    context, page = story.open(centre)
    inbox_open(page, base, to_tashkent)
    accept(page)
    to_tashkent.refresh_from_db()
    assert to_tashkent.to_case is not None
    story.data.append(to_tashkent.to_case.number)
    story.step(page, "tashkent-accepts", ru(ACCEPTED, number=to_tashkent.to_case.number))
    page.goto(base + "/returns/received/")
    expect(page.locator("#returns-received")).to_contain_text("IOM Kazakhstan, Almaty office")
    story.step(page, "tashkent-returns-received", ru("Returns received"))
    context.close()

    # A hundred days later (each comes back to work and signs in again): she arrived the day
    # after the train left, and the 3-month follow-up is due; Tashkent records both.
    arrived_on = in_days(8)
    time_machine.move_to(timezone.now() + timedelta(days=100), tick=True)
    context, page = story.open(centre)
    page.goto(base + "/returns/received/")
    page.click("#returns-received a[href*='/returns/']")
    page.fill("#arrival input[name=arrived_on]", arrived_on.isoformat())
    page.fill("#arrival input[name=received_by]", "Сотрудники центра в Ташкенте")
    page.click("#arrival button[type=submit]")
    page.wait_for_selector("#follow-up-3")
    page.click("#follow-up-3 summary")
    page.select_option("#follow-up-3 select[name$=outcome]", "stable")
    page.fill("#follow-up-3 textarea[name$=notes]", "Живёт с семьёй, учится на курсах швей.")
    page.click("#follow-up-3 button[type=submit]")
    expect(page.locator("#follow-up-3 .badge.state-approved")).to_have_count(1)
    story.step(page, "tashkent-follow-up", ru("The follow-up was recorded."))
    context.close()

    # IOM sees the results on its own return page.
    context, page = story.open(iom_worker)
    page.goto(f"{base}/returns/cases/{iom_case.uuid}/")
    expect(page.locator("#follow-up-3 .badge.state-approved")).to_have_count(1)
    story.step(page, "iom-sees-follow-up", ru("Reintegration follow-ups"))
    context.close()

    # --- After the recovery and reflection period, the conclusive decision. The supervisor
    # proposes it, so is offered no approval: the second supervisor approves.
    context, page = story.open(story.member("crisis", "supervisor"))
    page.goto(f"{base}/cases/{case.uuid}/identification/")
    page.select_option("#decision-stage", "identified")
    page.fill("#decision-grounds", "Беседы с социальным работником; показания подтверждены.")
    page.click("form[action$='/propose/'] button[type=submit]")
    confirm(page, "#tab-identification .badge.state-proposed")
    expect(page.locator("form[action$='/approve/']")).to_have_count(0)
    story.step(
        page, "supervisor-proposes-conclusive", ru("Another supervisor reviews your proposal.")
    )
    context.close()
    context, page = story.open(second_supervisor)
    page.click(f"#work-decisions a[href$='/cases/{case.uuid}/identification/']")
    page.click("form[action$='/approve/'] button[type=submit]")
    confirm(page, "#case-tabs .messages")
    expect(page.locator("#trafficking-status")).to_contain_text(ru("Actual victim of trafficking"))
    case.refresh_from_db()
    assert case.trafficking_status == "ActualVictimOfTrafficking"
    story.step(page, "second-supervisor-approves", ru("Actual victim of trafficking"))
    context.close()

    # --- 8. The crisis centre withdraws her consent to share with IOM.
    context, page = story.open(worker)
    page.goto(f"{base}/cases/{case.uuid}/consent/")
    row = page.locator("#tab-consent tbody tr", has_text="IOM Kazakhstan, Almaty office")
    row.locator("a[href*='/withdraw/']").click()
    page.wait_for_selector("#consent-withdraw")  # it asks for confirmation and a reason
    story.step(page, "crisis-withdraw-confirm", ru("Withdraw this consent?"))
    page.fill("#withdraw-reason", "Боится, что данные увидят в Узбекистане.")
    page.click("#consent-withdraw button[type=submit]")
    expect(row.locator(".badge.state-rejected")).to_have_count(1)
    story.step(page, "crisis-withdraws", ru("The consent was marked withdrawn."))
    context.close()

    # IOM's copy follows the rule: it keeps what it confirmed under its own consent of the
    # person (recorded on acceptance), and so does Tashkent's copy, passed on under IOM's.
    context, page = story.open(iom_worker)
    page.goto(f"{base}/cases/{iom_case.uuid}/")
    expect(page.locator("#tab-person")).to_contain_text("Каримова")
    story.step(
        page,
        "iom-after-withdrawal",
        ru(
            "This case came by referral %(number)s from %(organization)s.",
            number=to_iom.number,
            organization="Almaty Crisis Support Centre",
        ),
    )
    context.close()

    context, page = story.open(centre)
    page.goto(f"{base}/cases/{to_tashkent.to_case.uuid}/")
    expect(page.locator("#tab-person")).to_contain_text("Каримова")
    story.step(page, "tashkent-after-withdrawal", "Каримова")
    context.close()
    assert not story.errors, story.errors
