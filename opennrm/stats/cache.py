"""Cached tables: the dashboard's and the national view's counts, kept until a write changes them.

``cached(fn)(scope, ...)`` returns what ``fn(scope, ...)`` returns, from Django's cache under a key
made of the function, the `Scope` (every field of it), the other arguments, the active language
(labels and months are translated) and the **stats generation**; on a miss it counts and stores.

The generation is a token in the cache, replaced (never incremented: no lost update, whatever the
backend) whenever a counted record is saved or deleted: ``post_save`` and ``post_delete`` of the
models below, connected when this module is imported (``StatsConfig.ready``). It is replaced twice:

- at once, inside the writing transaction, so the writer's own process never reads a table made
  before its write (a service that writes, then shows figures; tests, whose transactions never
  commit);
- when the transaction commits (``transaction.on_commit``): a reader that counted between the
  first replacement and the commit, without the uncommitted rows, stored its table under a
  generation that is gone by the time the rows are visible.

An entry also expires after ``OPENNRM_STATS_CACHE_SECONDS`` (settings; 10 minutes by default):
the bound on what no signal reports, namely

- writes that send no signal: ``QuerySet.update()`` and ``bulk_create``. In the code today:
  ``linkage/batch.py`` stores a run's ``PersonLink`` rows with ``bulk_create`` and marks the run
  running or failed with ``update()``, but finishes a run with ``run.save()`` in the transaction
  of the links, which replaces the generation (a failed run changes no count); ``linkage/merge.py``
  moves cases between persons with ``update()``, in the transaction where it saves the kept person,
  which replaces it. ``manage.py generate_population`` and the bench insert rows by SQL: clear the
  cache after them (a new process starts with an empty local cache);
- time passing: a pending referral becomes overdue with no write (the referrals table);
- another process's writes while the cache is local memory (below).

Where the cache lives (``CACHES["stats"]``, ``OPENNRM_STATS_CACHE_URL``): files under var/ by
default, shared by every process of the host (gunicorn's workers, and the task worker that
prepares a large national view, ``stats/prepare.py``), so a write in any of them invalidates the
tables for all. Redis or Memcached may replace it; a cache in one process's memory (the tests')
would leave the other processes' tables stale until they expire. The alias is separate from
``default`` so that tables never crowd out the rate-limit counters.

What is never cached: the caseload per worker (it holds workers' names, decrypted: they stay out of
any cache, on disk or in a shared server). Everything cached is counts under category labels, and
the national view's list of person records counted elsewhere (internal ids, no content).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from opennrm.accounts.models import Organization
from opennrm.cases.models import Case, Consent, IdentificationDecision, Service
from opennrm.hotline.models import Signal
from opennrm.linkage.models_batch import LinkageRun, PersonLink
from opennrm.people.models import Person
from opennrm.referrals.models import Referral, ServiceDelivery
from opennrm.returns.models import ReintegrationFollowUp, ReturnRecord

from .models_sharing import SharingAgreement
from .queries import Scope

logger = logging.getLogger(__name__)

ALIAS = "stats"
GENERATION_KEY = "stats:generation"
DEFAULT_SECONDS = 600
# Every model whose rows a count of the dashboard or the national view reads. A model added to a
# query must be added here.
COUNTED_MODELS: tuple[type, ...] = (
    Case,
    Person,
    Consent,
    IdentificationDecision,
    Service,
    ServiceDelivery,
    Referral,
    ReturnRecord,
    ReintegrationFollowUp,
    Signal,
    SharingAgreement,
    PersonLink,
    LinkageRun,
    Organization,  # the country and time zone of an organization label and cut its counts
)

P = ParamSpec("P")
T = TypeVar("T")
_MISSING = object()


def stats_cache() -> BaseCache:
    return caches[ALIAS] if ALIAS in settings.CACHES else caches["default"]


def _seconds() -> int:
    return int(getattr(settings, "OPENNRM_STATS_CACHE_SECONDS", DEFAULT_SECONDS))


# --- The generation.


def generation() -> str:
    """The current generation: a token, made afresh when missing (evicted, cache cleared), so an
    entry stored under an earlier token is never read again."""
    store = stats_cache()
    token = store.get(GENERATION_KEY)
    if token is None:
        store.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        token = store.get(GENERATION_KEY) or "none"
    return str(token)


def bump() -> None:
    """A new generation: every table stored so far is out of date. Never fails the write that
    called it: an unreachable cache is logged (entries still expire)."""
    try:
        stats_cache().set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # noqa: BLE001  (the cache's failure must not undo a case's save)
        logger.warning("the statistics cache could not be invalidated", exc_info=False)


def counted_record_written(**kwargs: Any) -> None:
    """``post_save`` / ``post_delete`` of a counted model: a new generation now and at commit."""
    if kwargs.get("raw"):  # loaddata: fixtures, not the application's writes
        return
    bump()
    connection = transaction.get_connection(kwargs.get("using"))
    if not connection.in_atomic_block:
        return  # autocommit: the row is already visible, the bump above came after it
    # Once per transaction, however many counted rows it writes.
    if not any(entry[1] is bump for entry in connection.run_on_commit):
        transaction.on_commit(bump, using=kwargs.get("using"), robust=True)


for _model in COUNTED_MODELS:
    post_save.connect(
        counted_record_written, sender=_model, dispatch_uid=f"stats-cache-save-{_model}"
    )
    post_delete.connect(
        counted_record_written, sender=_model, dispatch_uid=f"stats-cache-delete-{_model}"
    )


# --- The key and the wrapper.


def _plain(value: Any) -> Any:
    """A value as JSON the same in every process (no ``hash()``: it is salted per process)."""
    if isinstance(value, Scope):  # every field, so a field added to Scope keys the cache too
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (frozenset, set)):
        return sorted(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot key a cached table on a {type(value).__name__}")


def cache_key(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    described = json.dumps(
        {
            "fn": f"{fn.__module__}.{fn.__qualname__}",
            "args": [_plain(a) for a in args],
            "kwargs": {k: _plain(v) for k, v in sorted(kwargs.items())},
            "language": get_language() or "",
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(described.encode()).hexdigest()
    return f"stats:{generation()}:{digest}"


def cached(fn: Callable[P, T]) -> Callable[P, T]:
    """``fn`` whose results come from the statistics cache while no counted record changed."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        store = stats_cache()
        key = cache_key(fn, args, kwargs)
        found = store.get(key, _MISSING)
        if found is not _MISSING:
            return found
        result = fn(*args, **kwargs)
        store.set(key, result, timeout=_seconds())
        return result

    return wrapper


def is_cached(fn: Callable[..., Any], *args: Any) -> bool:
    """True when ``cached(fn)(*args)`` would read no database."""
    return stats_cache().get(cache_key(fn, args, {}), _MISSING) is not _MISSING


def clear() -> None:
    """Empty the statistics cache (after a bulk load; the bench's cold runs)."""
    stats_cache().clear()
