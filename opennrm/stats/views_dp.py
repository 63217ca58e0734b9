"""Pages of differentially private releases, for the organization's data analyst
(``STATS_RELEASE``): the privacy budget of each data set, the releases made, and the form of a
new one. Only noisy counts are shown here: no person, case number or worker."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required, page_number, page_of, submit

from . import dp
from .downloads import download_response
from .forms_dp import ReleaseForm
from .models_dp import Release


def _release_url(release: Release) -> str:
    return reverse("stats:dp_release", kwargs={"release_id": release.uuid})


@never_cache
@actor_required(perms.STATS_RELEASE)
def releases(request: ActorRequest) -> HttpResponse:
    """The budgets, the releases, and the form of a new release (posted here)."""
    actor = request.actor
    first, last = dp.release_years(actor.active_organization)
    form = ReleaseForm(
        request.POST or None, initial={"first_year": first, "last_year": last, "epsilon": "1"}
    )
    done = submit(
        request,
        form,
        lambda: dp.release_create(actor=actor, **form.release_data()),
        success=_("The release was made; its noisy tables are below."),
        redirect_to=_release_url,
    )
    if done is not None:
        return done
    page = page_of(dp.release_list(actor=actor), page_number(request.GET.get("page")), size=20)
    return render(
        request,
        "stats/dp_releases.html",
        {"budgets": dp.budget_list(actor=actor), "page": page, "form": form},
    )


@never_cache
@actor_required(perms.STATS_RELEASE)
def release(request: ActorRequest, release_id: UUID) -> HttpResponse:
    """One release: its noisy tables and how they were made; each table as CSV or Excel."""
    found = dp.release_get(actor=request.actor, release_id=release_id)
    tables = dp.release_tables_of(found)
    download = download_response(request, tables)
    if download is not None:
        return download
    noise = found.metadata.get("tables", {})
    parameters = [(table.title, noise.get(table.key, {})) for table in tables]
    return render(
        request,
        "stats/dp_release.html",
        {"release": found, "tables": tables, "meta": found.metadata, "parameters": parameters},
    )
