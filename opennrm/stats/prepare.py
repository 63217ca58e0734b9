"""A large national view, prepared in the background: its tables counted by the task worker into
the statistics cache (``stats/cache.py``), the progress shown on the page.

bench/stats.py measured the national view over every year at about 3 s cold per 100,000 cases on
SQLite (each table reads every consented case of the sharing organizations): over
``OPENNRM_STATS_PREPARE_ABOVE`` cases (200,000 by default) the page does not count while the
analyst waits. It offers "Prepare the figures" (a job, ``national_prepare_job``), shows how many
tables are counted (htmx polls every 2 seconds), and shows the figures once they are all in the
cache, read from it in a few milliseconds. A write to a counted record starts a new generation of
the cache: the figures and the progress of the old one are no longer read, and the page offers
to prepare them again.

The job acts as the analyst who asked (their membership, by id): the same permission checks and
the same scope as the page. It writes nothing in the database, only the cache, so it is not
audited; the national view's figures are counts, suppressed when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language
from django_tasks import task

from opennrm.accounts.models import Membership
from opennrm.accounts.permissions import Actor
from opennrm.cases.models import Case

from .cache import cache_key, cached, stats_cache
from .national import National, national_counted, national_scope, national_tables
from .queries import Scope

PROGRESS_SECONDS = 3600


@dataclass(frozen=True)
class Preparation:
    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def national_size(national: National) -> int:
    """Cases opened in the period at the sharing organizations, consent aside: one count read
    from the index of cases by organization and opening date."""
    scope = national.scope
    return (
        Case.objects.filter(
            organization_id__in=scope.organization_ids,
            opened_on__gte=scope.start,
            opened_on__lte=scope.end,
        )
        .order_by()
        .count()
    )


def needs_preparing(national: National) -> bool:
    """True when the figures are not in the cache and too many to count while the page waits."""
    if national_counted(national):
        return False
    return national_size(national) > settings.OPENNRM_STATS_PREPARE_ABOVE


def _progress(scope: Scope) -> None:
    """Marks the progress entry's key in the cache (never called)."""


def _progress_key(national: National) -> str:
    return cache_key(_progress, (national.scope,), {})


def preparation(national: National) -> Preparation | None:
    """The progress of the preparation of these figures in this generation, if one started."""
    found = stats_cache().get(_progress_key(national))
    return Preparation(*found) if found else None


def _total() -> int:
    return sum(len(functions) for _title, functions in national_tables())


def national_prepare_start(*, actor: Actor, start: date, end: date) -> National:
    """Queue the counting of the national view's tables of the period, unless already under way.
    NotFound for anyone but the coordinator's analyst (``national_scope``)."""
    found = national_scope(actor=actor, start=start, end=end)
    if actor.membership is None:
        return found
    if preparation(found) is None and not national_counted(found):
        stats_cache().set(_progress_key(found), (0, _total()), timeout=PROGRESS_SECONDS)
        national_prepare_job.enqueue(
            str(actor.membership.uuid), start.isoformat(), end.isoformat(), get_language() or ""
        )
    return found


@task()
def national_prepare_job(membership_id: str, start: str, end: str, language: str) -> int:
    """Count the national view's tables into the cache, one by one, noting the progress. The
    arguments are ids, dates and a language, never a record."""
    membership = Membership.objects.select_related("user", "organization").get(uuid=membership_id)
    actor = Actor.of(membership.user, membership)
    with translation.override(language or None):
        found = national_scope(
            actor=actor, start=date.fromisoformat(start), end=date.fromisoformat(end)
        )
        key = _progress_key(found)
        functions = [fn for _title, fns in national_tables() for fn in fns]
        for done, fn in enumerate(functions, start=1):
            cached(fn)(found.scope)
            stats_cache().set(key, (done, len(functions)), timeout=PROGRESS_SECONDS)
    return len(functions)
