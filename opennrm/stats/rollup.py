"""Counts of cases kept ahead of time (decision 0030), so that the national view, the dashboards and
the annual reports read a few thousand kept counts instead of every case (bench/stats.py: the
national view over every year at 1,000,000 cases took 90 s counting the cases themselves).

- **A fact per case** (``CaseFact``): the organization, the local month it was opened (and
  closed, while it is closed), whether its person consents to anonymous statistics, and one
  category key per measure (``MEASURES``): its sex, age band, citizenship, country of
  exploitation, route and kinds of exploitation, as the query layer groups them.
- **Counts as added rows** (``CaseCount``): when a case's fact changes, the old fact's rows are
  taken back (-1) and the new one's added (+1) in the same transaction as the change, so the kept
  counts are exact in every transaction that reads them, and a rollback takes them back too. Rows
  are only inserted: two writers never wait on one row. ``manage.py stats_rebuild`` recounts
  everything from the cases and folds the rows.
- **What keeps them**: ``post_save``/``post_delete`` of cases, persons and consents (connected in
  ``StatsConfig.ready``), and the cases moved by a merge (``linkage.events.CasesMoved``). A write
  that sends none of these (a bulk load, ``generate_population``) is followed by
  ``rebuild()``.
- **People once**: a count of people is the count of cases, corrected over the few cases whose
  person has another case (``SharedPerson``) or was grouped with others by the linkage run
  (``stats.queries.people_counts``).

Only full local months are kept; a period that starts or ends inside a month counts those days
from the cases themselves (``stats.queries``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum

from opennrm.cases.choices import CLOSED_STATUSES, ConsentPurpose
from opennrm.cases.models import Case, Consent
from opennrm.events import subscribe
from opennrm.linkage.events import CasesMoved
from opennrm.people.models import Person

from .models_rollup import CaseCount, CaseFact, SharedPerson

# CTDC's broad age bands (ctdc.md, ``ageBroad``): (label, lowest age, highest age or None).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0–8", 0, 8),
    ("9–17", 9, 17),
    ("18–20", 18, 20),
    ("21–23", 21, 23),
    ("24–26", 24, 26),
    ("27–29", 27, 29),
    ("30–38", 30, 38),
    ("39–47", 39, 47),
    ("48+", 48, None),
)
UNKNOWN = "unknown"

# Each measure: the fields of the case (``person__`` for its person) its key is made from. The
# query layer groups the cases of a part of a month by the same fields and makes the same keys.
MEASURES: dict[str, tuple[str, ...]] = {
    "opened": (),  # every case, in the month it was opened
    "closed": (),  # a closed case, in the month it was closed
    "sex": ("person__gender",),
    "age": ("age_when_trafficked",),
    "citizenship": ("person__citizenship",),
    "country": ("country_of_exploitation",),
    "route": ("country_of_origin", "transit_countries", "country_of_exploitation"),
    "exploitation": ("exploitation_types", "person__gender"),
}
# The fields a fact is made of: a save that writes none of them changes no count.
CASE_FIELDS = frozenset(
    {
        "organization",
        "organization_id",
        "person",
        "person_id",
        "opened_on",
        "closed_on",
        "status",
        *(name for fields in MEASURES.values() for name in fields if "__" not in name),
    }
)
PERSON_FIELDS = frozenset({"gender", "citizenship"})
_READ = (
    "pk",
    "organization_id",
    "person_id",
    "opened_on",
    "closed_on",
    "status",
    *sorted({name for fields in MEASURES.values() for name in fields}),
)


def age_band(age: int | None) -> str:
    """The CTDC band of an age when trafficked; ``UNKNOWN`` without one."""
    if age is None:
        return UNKNOWN
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return UNKNOWN


def key_of(measure: str, values: tuple[Any, ...]) -> str | None:
    """The category key of ``measure`` for the values of its fields (``MEASURES``), or None when
    the case does not count in it (a route with neither end recorded)."""
    if measure in ("opened", "closed"):
        return ""
    if measure == "age":
        return age_band(values[0])
    if measure == "route":
        origin, transit, exploitation = values
        if not origin and not exploitation:
            return None
        return json.dumps([origin or "", list(transit or []), exploitation or ""])
    if measure == "exploitation":
        types, gender = values
        return json.dumps([sorted(set(types or [])), gender or ""])
    return values[0] or ""


def decode(measure: str, key: str) -> Any:
    """A key back as its parts (a route, kinds of exploitation with the sex), else the key."""
    if measure in ("route", "exploitation"):
        return json.loads(key)
    return key


def _month(day: date) -> date:
    return date(day.year, day.month, 1)


# --- Facts.

Fact = tuple[int, int, date, date | None, bool, dict[str, str]]


def _fact(row: dict[str, Any]) -> Fact:
    closed = row["closed_on"] if row["status"] in CLOSED_STATUSES else None
    keys = {}
    for measure, fields in MEASURES.items():
        if measure == "closed" and closed is None:
            continue
        key = key_of(measure, tuple(row[name] for name in fields))
        if key is not None:
            keys[measure] = key
    return (
        row["organization_id"],
        row["person_id"],
        row["opened_on"],
        closed,
        bool(row["consented"]),
        keys,
    )


def _stored(fact: CaseFact) -> Fact:
    return (
        fact.organization_id,
        fact.person_id,
        fact.opened_on,
        fact.closed_on,
        fact.consented,
        dict(fact.keys),
    )


def _columns(fact: Fact) -> dict[str, Any]:
    """The fields of a ``CaseFact`` row holding ``fact``."""
    organization_id, person_id, opened_on, closed_on, consented, keys = fact
    return {
        "organization_id": organization_id,
        "person_id": person_id,
        "opened_on": opened_on,
        "closed_on": closed_on,
        "consented": consented,
        "keys": keys,
    }


def _counts_of(fact: Fact) -> Iterator[tuple[int, date, bool, str, str]]:
    organization_id, _person, opened_on, closed_on, consented, keys = fact
    for measure, key in keys.items():
        day = closed_on if measure == "closed" else opened_on
        if day is not None:
            yield (organization_id, _month(day), consented, measure, key)


def _consented() -> Exists:
    return Exists(
        Consent.objects.filter(
            case=OuterRef("pk"), purpose=ConsentPurpose.STATISTICS, withdrawn_on__isnull=True
        )
    )


def _rows(cases: Any) -> Iterator[dict[str, Any]]:
    return cases.annotate(consented=_consented()).values(*_READ, "consented").iterator(2000)


def refresh(case_ids: Iterable[int]) -> None:
    """Make the facts and counts of these cases what the cases are now (a deleted case's are
    taken back), in the caller's transaction."""
    ids = sorted({int(pk) for pk in case_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        now = {row["pk"]: _fact(row) for row in _rows(Case.objects.filter(pk__in=ids).order_by())}
        before = {f.case_id: f for f in CaseFact.objects.filter(case_id__in=ids)}
        delta: Counter[tuple[int, date, bool, str, str]] = Counter()
        persons: set[int] = set()
        for pk in ids:
            old = before.get(pk)
            new = now.get(pk)
            old_fact = _stored(old) if old is not None else None
            if old_fact == new:
                continue
            if old_fact is not None:
                delta.subtract(_counts_of(old_fact))
                persons.add(old_fact[1])
            if new is None:
                CaseFact.objects.filter(case_id=pk).delete()
                continue
            delta.update(_counts_of(new))
            persons.add(new[1])
            CaseFact.objects.update_or_create(case_id=pk, defaults=_columns(new))
        CaseCount.objects.bulk_create(
            CaseCount(
                organization_id=organization_id,
                month=month,
                consented=consented,
                measure=measure,
                key=key,
                n=n,
            )
            for (organization_id, month, consented, measure, key), n in delta.items()
            if n
        )
        _share(persons)


def _share(persons: set[int]) -> None:
    """Record which of these persons have more than one case now."""
    if not persons:
        return
    counts = Counter(
        CaseFact.objects.filter(person_id__in=persons).values_list("person_id", flat=True)
    )
    shared = {pk for pk in persons if counts[pk] > 1}
    SharedPerson.objects.filter(person_id__in=persons - shared).delete()
    known = set(
        SharedPerson.objects.filter(person_id__in=shared).values_list("person_id", flat=True)
    )
    SharedPerson.objects.bulk_create(SharedPerson(person_id=pk) for pk in shared - known)


def rebuild(*, batch: int = 5000) -> dict[str, int]:
    """Recount every case (after a bulk load, or to fold the added rows): one read of the cases,
    the counts summed here, written in batches; in one transaction."""
    with transaction.atomic():
        CaseCount.objects.all().delete()
        CaseFact.objects.all().delete()
        SharedPerson.objects.all().delete()
        totals: Counter[tuple[int, date, bool, str, str]] = Counter()
        persons: Counter[int] = Counter()
        facts: list[CaseFact] = []
        n = 0
        for row in _rows(Case.objects.order_by()):
            fact = _fact(row)
            totals.update(_counts_of(fact))
            persons[fact[1]] += 1
            facts.append(CaseFact(case_id=row["pk"], **_columns(fact)))
            n += 1
            if len(facts) >= batch:
                CaseFact.objects.bulk_create(facts)
                facts = []
        CaseFact.objects.bulk_create(facts)
        counts = [
            CaseCount(
                organization_id=organization_id,
                month=month,
                consented=consented,
                measure=measure,
                key=key,
                n=total,
            )
            for (organization_id, month, consented, measure, key), total in totals.items()
        ]
        CaseCount.objects.bulk_create(counts, batch_size=batch)
        SharedPerson.objects.bulk_create(
            (SharedPerson(person_id=pk) for pk, k in persons.items() if k > 1), batch_size=batch
        )
    return {"cases": n, "counts": len(counts)}


# --- Reading.


def kept(
    *,
    organization_ids: Iterable[int],
    first: date,
    last: date,
    measure: str,
    consented_only: bool,
    by_month: bool = False,
    by_organization: bool = False,
) -> Counter[tuple[Any, ...]]:
    """The kept counts of ``measure`` over the months ``first`` to ``last`` (first days, both
    included), summed by (month if ``by_month``, organization if ``by_organization``, key)."""
    rows = CaseCount.objects.filter(
        measure=measure,
        month__gte=first,
        month__lte=last,
        organization_id__in=list(organization_ids),
    )
    if consented_only:
        rows = rows.filter(consented=True)
    group = [
        *(["month"] if by_month else []),
        *(["organization_id"] if by_organization else []),
        "key",
    ]
    out: Counter[tuple[Any, ...]] = Counter()
    for *parts, total in rows.values(*group).annotate(total=Sum("n")).values_list(*group, "total"):
        if total:
            out[tuple(parts)] += total
    return out


# --- Keeping them: the writes that change a fact.


def case_written(sender: Any, instance: Case, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    fields = kwargs.get("update_fields")
    if fields is not None and not (set(fields) & CASE_FIELDS):
        return
    refresh([instance.pk])


def case_deleted(sender: Any, instance: Case, **kwargs: Any) -> None:
    refresh([instance.pk])


def person_written(sender: Any, instance: Person, **kwargs: Any) -> None:
    if kwargs.get("raw") or kwargs.get("created"):
        return  # a new person has no case yet
    fields = kwargs.get("update_fields")
    if fields is not None and not (set(fields) & PERSON_FIELDS):
        return
    refresh(Case.objects.filter(person_id=instance.pk).values_list("pk", flat=True))


def consent_written(sender: Any, instance: Consent, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if instance.purpose == ConsentPurpose.STATISTICS:
        refresh([instance.case_id])


@subscribe(CasesMoved)
def cases_moved(event: CasesMoved) -> None:
    refresh(event.case_ids)


def migrated(sender: Any, **kwargs: Any) -> None:
    """After ``migrate``: count the cases of a database that has cases and no kept counts yet
    (one upgraded from before them), so they never silently count nothing."""
    using = kwargs.get("using", "default")
    if CaseFact.objects.using(using).exists() or not Case.objects.using(using).exists():
        return
    rebuild()


def connect() -> None:
    """Connect the writes of cases, persons and consents to their facts, and ``migrate`` to the
    first count (``StatsConfig``)."""
    from django.db.models.signals import post_delete, post_migrate, post_save

    post_migrate.connect(migrated, dispatch_uid="stats-rollup-migrated")

    post_save.connect(case_written, sender=Case, dispatch_uid="stats-rollup-case")
    post_delete.connect(case_deleted, sender=Case, dispatch_uid="stats-rollup-case-delete")
    post_save.connect(person_written, sender=Person, dispatch_uid="stats-rollup-person")
    post_save.connect(consent_written, sender=Consent, dispatch_uid="stats-rollup-consent")
    post_delete.connect(consent_written, sender=Consent, dispatch_uid="stats-rollup-consent-del")
