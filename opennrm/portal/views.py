"""The portal's pages: public, no sign-in, nothing about any case or person."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from opennrm.directory.selectors import hotline_number_public_list
from opennrm.web import phone_display

from . import selectors
from .models import ADVICE, PageSlug

if TYPE_CHECKING:
    from opennrm.directory.models import HotlineNumber


SameSite = Literal["Lax", "Strict", "None"] | None


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"section": "home"})


def advice(request: HttpRequest) -> HttpResponse:
    """The four parts of the advice on one page: one request on a slow connection."""
    pages = selectors.portal_pages_public(slugs=tuple(ADVICE), language=_language())
    return render(request, "portal/advice.html", {"pages": pages, "section": "advice"})


def safe_browsing(request: HttpRequest) -> HttpResponse:
    page = selectors.portal_page_public(slug=PageSlug.BROWSE_SAFELY, language=_language())
    return render(request, "portal/page.html", {"page": page, "section": "safe-browsing"})


@dataclass
class CountryNumbers:
    country: str
    numbers: list[tuple[HotlineNumber, str]] = field(default_factory=list)  # and as shown


def numbers(request: HttpRequest) -> HttpResponse:
    """The listed hotline numbers by country, with tap-to-call links. A demo install lists its
    invented numbers, marked as such; any other lists only real ones."""
    demo = bool(settings.DEMO_MODE)
    countries: list[CountryNumbers] = []
    for hotline in hotline_number_public_list(include_demo=demo):
        if not countries or countries[-1].country != hotline.country:
            countries.append(CountryNumbers(hotline.country))
        countries[-1].numbers.append((hotline, phone_display(hotline.number)))
    return render(
        request,
        "portal/numbers.html",
        {"countries": countries, "demo": demo and bool(countries), "section": "numbers"},
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The portal's own "not found" on its host: the staff site's page links to the staff
    application, whose URLs that host does not have."""
    return render(request, "portal/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/500.html", status=500)


@csrf_exempt
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the portal's language: Django's ``set_language``, without the CSRF cookie that
    its form needs (decision 0026: the portal issues none). A forged switch can only change a
    visitor's language; the one cookie written is the language the visitor chose."""
    code = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = redirect(target)
    if code in dict(settings.LANGUAGES) and translation.check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=cast(SameSite, settings.LANGUAGE_COOKIE_SAMESITE),
        )
    return response
