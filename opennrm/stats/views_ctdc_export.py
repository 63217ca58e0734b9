"""The CTDC microdata export of the organization: what it would release and generalize, and the
k-anonymous CSV itself (the analyst, STATS_RELEASE)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required

from . import ctdc_export


@require_GET
@never_cache
@actor_required(perms.STATS_RELEASE)
def export_page(request: ActorRequest) -> HttpResponse:
    """The export's report: rows released and suppressed, what each column was generalized to."""
    report = ctdc_export.ctdc_export_preview(request.actor)
    return render(request, "stats/ctdc_export_report.html", {"report": report})


@require_GET
@never_cache
@actor_required(perms.STATS_RELEASE)
def export_download(request: ActorRequest) -> HttpResponse:
    """The k-anonymous rows as CTDC's ;-separated CSV, as a download; audited."""
    result = ctdc_export.ctdc_export(request.actor)
    response = HttpResponse(result.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ctdc-microdata.csv"'
    return response
