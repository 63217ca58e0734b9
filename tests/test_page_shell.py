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
    assert ('href="/referrals/figures/"' in nav) is shown
    # The home page lists the same places.
    assert (html.count('href="/referrals/figures/"') >= 2) is shown
