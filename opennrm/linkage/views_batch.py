"""Pages of the batch duplicate search: within the organization (supervisor) and national (the
national coordinator's analyst: counts and case numbers only, no names, no links to cases).

The national pages answer every other member with the page-not-found answer, so they do not
reveal that the national search exists. Progress is polled by htmx every 2 seconds; without
JavaScript, a plain link reloads the page.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required, page_number, page_of, perform

from . import batch
from .models_batch import LinkageRun, LinkageScope, LinkageStatus

ORGANIZATION, NATIONAL = LinkageScope.ORGANIZATION.value, LinkageScope.NATIONAL.value
_URLS = {
    ORGANIZATION: {
        "list": "linkage:batch_runs",
        "start": "linkage:batch_run_start",
        "run": "linkage:batch_run",
        "progress": "linkage:batch_run_progress",
    },
    NATIONAL: {
        "list": "linkage:batch_national",
        "start": "linkage:batch_national_start",
        "run": "linkage:batch_national_run",
        "progress": "linkage:batch_national_progress",
    },
}


def _list(request: ActorRequest, scope: str) -> HttpResponse:
    runs = batch.linkage_run_list(actor=request.actor, scope=scope)
    page = page_of(runs, page_number(request.GET.get("page")), size=20)
    return render(
        request,
        "linkage/batch_runs.html",
        {"scope": scope, "urls": _URLS[scope], "page": page, "busy": _busy(page.rows)},
    )


def _busy(runs: list[LinkageRun]) -> bool:
    return any(r.status in (LinkageStatus.QUEUED, LinkageStatus.RUNNING) for r in runs)


def _start(request: ActorRequest, scope: str) -> HttpResponse:
    started: list[LinkageRun] = []

    def start() -> LinkageRun:
        run = batch.linkage_run_start(actor=request.actor, scope=scope)
        started.append(run)
        return run

    return perform(
        request,
        start,
        success=_("Duplicate search started."),
        redirect_to=lambda: (
            reverse(_URLS[scope]["run"], args=[started[0].uuid])
            if started
            else reverse(_URLS[scope]["list"])
        ),
    )


def _run(request: ActorRequest, scope: str, run_id: UUID) -> HttpResponse:
    run = batch.linkage_run_get(actor=request.actor, scope=scope, run_id=run_id)
    context: dict[str, object] = {"scope": scope, "urls": _URLS[scope], "run": run}
    if run.status == LinkageStatus.DONE:
        number = page_number(request.GET.get("page"))
        if scope == NATIONAL:
            results = batch.linkage_national_results(actor=request.actor, run=run)
            context["results"] = results
            context["page"] = page_of(results.rows, number)
        else:
            context["page"] = page_of(batch.linkage_pairs(actor=request.actor, run=run), number)
    return render(request, "linkage/batch_run.html", context)


def _progress(request: ActorRequest, scope: str, run_id: UUID) -> HttpResponse:
    run = batch.linkage_run_get(actor=request.actor, scope=scope, run_id=run_id)
    response = render(
        request, "linkage/batch_progress.html", {"scope": scope, "urls": _URLS[scope], "run": run}
    )
    if request.headers.get("HX-Request") and run.status in (
        LinkageStatus.DONE,
        LinkageStatus.FAILED,
    ):
        response["HX-Refresh"] = "true"  # show the results: the whole page changes
    return response


# --- Within the organization: the supervisor.


@never_cache
@actor_required(perms.LINKAGE_RUN)
def runs(request: ActorRequest) -> HttpResponse:
    """The organization's duplicate searches, and the button to start one."""
    return _list(request, ORGANIZATION)


@require_POST
@actor_required(perms.LINKAGE_RUN)
def run_start(request: ActorRequest) -> HttpResponse:
    """Start a duplicate search of the organization's persons."""
    return _start(request, ORGANIZATION)


@never_cache
@actor_required(perms.LINKAGE_RUN)
def run(request: ActorRequest, run_id: UUID) -> HttpResponse:
    """One search: its progress, then the pairs as the two cases, for review and merge."""
    return _run(request, ORGANIZATION, run_id)


@never_cache
@actor_required(perms.LINKAGE_RUN)
def run_progress(request: ActorRequest, run_id: UUID) -> HttpResponse:
    """The progress of one search (the fragment htmx polls)."""
    return _progress(request, ORGANIZATION, run_id)


# --- National: the coordinator's analyst; everyone else is answered "not found".


@never_cache
@actor_required(perms.HOME_VIEW)
def national(request: ActorRequest) -> HttpResponse:
    """The national duplicate searches, and the button to start one."""
    return _list(request, NATIONAL)


@require_POST
@actor_required(perms.HOME_VIEW)
def national_start(request: ActorRequest) -> HttpResponse:
    """Start a duplicate search across the organizations with matching hints on."""
    return _start(request, NATIONAL)


@never_cache
@actor_required(perms.HOME_VIEW)
def national_run(request: ActorRequest, run_id: UUID) -> HttpResponse:
    """One national search: counts and pairs of (organization, case number)."""
    return _run(request, NATIONAL, run_id)


@never_cache
@actor_required(perms.HOME_VIEW)
def national_progress(request: ActorRequest, run_id: UUID) -> HttpResponse:
    """The progress of one national search (the fragment htmx polls)."""
    return _progress(request, NATIONAL, run_id)
