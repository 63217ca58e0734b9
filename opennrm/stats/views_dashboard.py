"""The organization's dashboard, and the hotline and referral figures moved here from their apps
(decision 0022: every count comes from the query layer). Counts only."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required

from . import dashboard as figures
from .downloads import download_response
from .queries import SIGNAL_DIMENSIONS


@never_cache
@actor_required(perms.STATS_VIEW)
def dashboard(request: ActorRequest) -> HttpResponse:
    """The organization's figures over a period, beside the period before."""
    actor = request.actor
    form = figures.PeriodForm(request.GET or None, today=figures.organization_today(actor=actor))
    start, end = form.period()
    scope = figures.dashboard_scope(actor=actor, start=start, end=end)
    sections = figures.dashboard_sections(scope)
    tables = [table for section in sections for table in section.tables]
    download = download_response(request, figures.downloadable(tables))
    if download is not None:
        return download
    comparison = figures.compare(scope)
    return render(
        request,
        "stats/dashboard_page.html",
        {
            "form": form,
            "scope": scope,
            "previous": scope.previous(),
            "comparison": comparison,
            "sections": sections,
            "empty": figures.period_empty(comparison, sections),
        },
    )


@never_cache
@actor_required(perms.HOTLINE_STATS_VIEW)
def hotline(request: ActorRequest) -> HttpResponse:
    """The hotline's figures (formerly /hotline/figures/): contacts by reason, channel and
    language, per day and week. Counts of the organization's contacts, never their content."""
    dimension = request.GET.get("by", "reason")
    if dimension not in SIGNAL_DIMENSIONS:
        dimension = "reason"
    found = figures.hotline_figures(actor=request.actor, dimension=dimension)
    tables = [*found.summary, found.days, found.weeks]
    download = download_response(request, tables)
    if download is not None:
        return download
    return render(
        request,
        "stats/dashboard_hotline.html",
        {
            "figures": found,
            "dimension": dimension,
            "dimensions": [
                (t.key.removeprefix("contacts-by-"), t.row_heading) for t in found.summary
            ],
            "can_see_queue": request.actor.can(perms.SIGNALS_VIEW),
        },
    )


@never_cache
@actor_required(perms.REFERRALS_STATS_VIEW)
def referrals(request: ActorRequest) -> HttpResponse:
    """Referrals sent and received (formerly /referrals/figures/). Counts only."""
    found = figures.referral_figures(actor=request.actor)
    tables = [
        found.sent_by_partner,
        found.sent_by_service,
        found.received_by_partner,
        found.received_by_service,
    ]
    download = download_response(request, tables)
    if download is not None:
        return download
    return render(request, "stats/dashboard_referrals.html", {"figures": found})
