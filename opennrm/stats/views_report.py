"""The annual report's pages: the organization's (``stats.view``) and the country's (the
national coordinator's analyst; anyone else gets the answer of a page that does not exist, as
on /stats/national/). The same document as HTML, or as a PDF (``?format=pdf``), audited as a
file that left the system. A bad year: the page says what was wrong, no report."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from opennrm.accounts import permissions as perms
from opennrm.errors import NotFound, ValidationFailed
from opennrm.validation import EARLIEST_RECORD
from opennrm.web import ActorRequest, actor_required

from . import national, report
from .dashboard import organization_today
from .downloads import download_response


def _page(
    request: ActorRequest, make: Callable[[int], report.Report], *, is_national: bool
) -> HttpResponse:
    today = organization_today(actor=request.actor)
    raw = request.GET.get("year") or report.default_year(today)
    try:
        year = report.report_year(raw, today=today)
    except ValidationFailed as error:
        return render(
            request,
            "stats/report_page.html",
            {
                "report": None,
                "errors": error.errors.get("year", [error.message]),
                "year": raw,
                "today": today,
                "first_year": EARLIEST_RECORD.year,
                "is_national": is_national,
            },
        )
    found = make(year)
    download = download_response(request, found.tables)
    if download is not None:
        return download
    if request.GET.get("format") == "pdf":
        report.report_written_record(actor=request.actor, report=found, file_format="pdf")
        response = HttpResponse(report.render_pdf(found), content_type="application/pdf")
        scope = "national" if found.is_national else "organization"
        response["Content-Disposition"] = (
            f'attachment; filename="annual-report-{scope}-{found.year}.pdf"'
        )
        return response
    query = request.GET.copy()
    query["year"] = str(year)
    query["format"] = "pdf"
    return render(
        request,
        "stats/report_page.html",
        {
            "report": found,
            "pdf_url": f"{request.path}?{query.urlencode()}",
            "year": year,
            "today": today,
            "first_year": EARLIEST_RECORD.year,
            "is_national": is_national,
        },
    )


@never_cache
@actor_required(perms.STATS_VIEW)
def organization_report(request: ActorRequest) -> HttpResponse:
    return _page(
        request,
        lambda year: report.organization_report(actor=request.actor, year=year),
        is_national=False,
    )


@never_cache
@actor_required(perms.STATS_NATIONAL)
def national_report(request: ActorRequest) -> HttpResponse:
    if not national.national_allowed(request.actor):  # as /stats/national/: no such page
        raise NotFound(_("Page not found."))
    return _page(
        request,
        lambda year: report.national_report(actor=request.actor, year=year),
        is_national=True,
    )
