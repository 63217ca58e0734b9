"""The page shell (base.html): the language switcher names the page's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings


@pytest.mark.parametrize(
    "language, shown",
    [("uz-latn", "Oʻzbek tili"), ("ru", "Русский"), ("kk", "Қазақ"), ("en", "English")],
)
def test_the_language_switcher_shows_the_page_s_language(world, signed_in, language, shown):
    """On Uzbek pages it showed "English": Django's language info turns "uz-latn" into "uz",
    which matched no option, so the browser showed the first one."""
    client = signed_in(world.a["case_worker"].user, world.a["case_worker"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/").content.decode()
    switch = html[html.index('id="language-switch"') : html.index("</select>")]
    selected = re.findall(r'<option value="([^"]+)" selected>([^<]+)</option>', switch)
    assert selected == [(language, shown)]
    assert re.findall(r'<option value="([^"]+)"', switch) == [c for c, _n in settings.LANGUAGES]


@pytest.mark.parametrize(
    "role, shown", [("data_analyst", True), ("supervisor", True), ("case_worker", False)]
)
def test_the_referral_figures_are_in_the_navigation_of_those_who_may_see_them(
    world, signed_in, role, shown
):
    membership = world.a[role]
    html = signed_in(membership.user, membership).get("/").content.decode()
    nav = html[html.index('class="mainnav"') : html.index("</nav>")]
    assert ('href="/stats/referrals/"' in nav) is shown


def test_one_word_for_a_hotline_contact_and_neutral_wording_about_the_person(world, signed_in):
    """ "Contact" and "Signal" named the same thing; "Record her consent" assumed a woman. The
    English source says "contact" and "the person" everywhere a user reads it."""
    from pathlib import Path

    from tests.hotline.factories import record

    signal = record(world.a["hotline_operator"], phone="+998 90 123 45 67")
    record(world.a["hotline_operator"], phone="+998 90 123 45 67")
    client = signed_in(world.a["hotline_operator"].user, world.a["hotline_operator"])
    for url in ("/hotline/", f"/hotline/{signal.uuid}/", "/stats/hotline/"):
        html = client.get(url).content.decode()
        visible = re.sub(r"<[^>]+>", " ", html)
        assert not re.search(r"\b[Ss]ignals?\b", visible), url
    sources = Path(__file__).resolve().parents[1] / "opennrm"
    gendered = re.compile(r"\b(her|she|hers|herself)\b", re.IGNORECASE)
    for template in sources.rglob("templates/**/*.html"):
        for text in re.findall(r"translate \"([^\"]+)\"", template.read_text()):
            assert not gendered.search(text), (template.name, text)


@pytest.mark.parametrize("organization, shown", [("a", True), ("b", False)])
def test_the_national_pages_are_in_the_navigation_of_the_coordinator_s_analyst_only(
    world, signed_in, organization, shown
):
    """Both analysts hold the national permission; it acts only at the national coordinator (A),
    so only there does the navigation lead to the national duplicate search."""
    world.org_a.national_coordinator = True
    world.org_a.save(update_fields=["national_coordinator"])
    membership = getattr(world, organization)["data_analyst"]
    html = signed_in(membership.user, membership).get("/").content.decode()
    nav = html[html.index('class="mainnav"') : html.index("</nav>")]
    assert ('href="/linkage/national/"' in nav) is shown
