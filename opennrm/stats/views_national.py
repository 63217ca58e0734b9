"""The national view's page: the coordinator's data analyst only; every other member gets the
answer of a page that does not exist. Counts only, suppressed; CSV and Excel of each table."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required

from . import ctdc_import, national
from .dashboard import PeriodForm, organization_today
from .downloads import download_response


@never_cache
@actor_required(perms.STATS_NATIONAL)
def national_page(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = PeriodForm(request.GET or None, today=organization_today(actor=actor))
    start, end = form.period()
    found = national.national_scope(actor=actor, start=start, end=end)
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
