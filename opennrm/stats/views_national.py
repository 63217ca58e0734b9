"""The national view's page: the coordinator's data analyst only; every other member gets the
answer of a page that does not exist. Counts only, suppressed; CSV and Excel of each table."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required, perform

from . import ctdc_import, national, prepare
from .dashboard import PeriodForm, organization_today
from .downloads import download_response


@never_cache
@actor_required(perms.STATS_NATIONAL)
def national_page(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = PeriodForm(request.GET or None, today=organization_today(actor=actor))
    start, end = form.period()
    found = national.national_scope(actor=actor, start=start, end=end)
    if prepare.needs_preparing(found):
        # Too many cases to count while the page waits: prepared in the background.
        return render(
            request,
            "stats/national.html",
            {
                "form": form,
                "national": found,
                "scope": found.scope,
                "sections": [],
                **_preparing(request, found),
            },
        )
    sections = national.national_sections(found)
    tables = [table for section in sections for table in section.tables]
    reference = ctdc_import.reference_latest(actor=actor)
    country = actor.active_organization.country
    reference_table = (
        ctdc_import.reference_table(actor, reference, country_of_exploitation=country)
        if reference is not None
        else None
    )
    if reference_table is not None:
        tables.append(reference_table)
    return download_response(request, tables) or render(
        request,
        "stats/national.html",
        {
            "form": form,
            "national": found,
            "scope": found.scope,
            "sections": sections,
            "reference": reference,
            "reference_table": reference_table,
            "country": country,
        },
    )


def _preparing(request: ActorRequest, found: national.National) -> dict[str, object]:
    return {
        "prepare": True,
        "preparing": prepare.preparation(found),
        "size": prepare.national_size(found),
        "query": request.GET.urlencode(),
    }


def _period(request: ActorRequest) -> tuple[PeriodForm, national.National]:
    actor = request.actor
    form = PeriodForm(request.GET or None, today=organization_today(actor=actor))
    start, end = form.period()
    return form, national.national_scope(actor=actor, start=start, end=end)


@require_POST
@actor_required(perms.STATS_NATIONAL)
def national_prepare(request: ActorRequest) -> HttpResponse:
    """Count the period's national figures in the background (the period in the query)."""
    form = PeriodForm(request.GET or None, today=organization_today(actor=request.actor))
    start, end = form.period()
    query = request.GET.urlencode()
    return perform(
        request,
        lambda: prepare.national_prepare_start(actor=request.actor, start=start, end=end),
        success=_("The figures are being prepared."),
        redirect_to=reverse("stats:national") + (f"?{query}" if query else ""),
    )


@never_cache
@actor_required(perms.STATS_NATIONAL)
def national_prepare_progress(request: ActorRequest) -> HttpResponse:
    """How far the preparation is (htmx polls it); the whole page again once it is done."""
    _form, found = _period(request)
    response = render(request, "stats/national_prepare.html", _preparing(request, found))
    if request.headers.get("HX-Request") and national.national_counted(found):
        response["HX-Refresh"] = "true"  # the figures are ready: the whole page changes
    return response
