"""Candidates for a name, found through the name keys alone (``matching.names``).

No visibility here: callers narrow the candidates to what the actor may see (cases selectors) or
to what may be offered across organizations (linkage), then decrypt those few and score them with
``matching.names.compare_name``. The persons sharing most key weight with the name come first.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from opennrm.matching.names import COMMON, NEAR_WHEN_FEWER, Lookup, query_tokens

from .models import PersonName

CANDIDATES = 200  # persons scored per search at most: the best by shared key weight
# The person's fields a candidate is scored on, loaded (and decrypted) for the candidates only.
COMPARED_FIELDS = (
    "given_name",
    "family_name",
    "patronymic",
    "names",
    "birth_date",
    "birth_year",
    "gender",
    "citizenship",
)


def persons_by_name(
    text: str,
    *,
    organization_ids: Iterable[int] | None = None,
    limit: int = CANDIDATES,
    within: QuerySet[Any] | None = None,
) -> list[tuple[int, int]]:
    """(person id, shared key weight) of the persons whose names share keys with ``text``, best
    first (then the lower id), at most ``limit``; within the given organizations, or across all
    when None.

    ``within``, a query of person ids (``.values("person_id")``), keeps the candidates among those
    persons before the ``limit`` is applied: a case worker who sees a hundred of an organization's
    cases still finds hers when thousands elsewhere in it bear a common name.

    How many persons share each key (in the organization searched, or anywhere when several
    are) is counted first, up to ``names.COMMON``; the candidates are those sharing a rarer key, or the heaviest common keys of
    two of the name's words, ranked by the weight of the rarer keys and of those common keys they
    share (``names.Lookup.plan``). Each step is one indexed query written as SQL: a search sends
    some forty keys, and building it through the ORM cost as much as running it.
    """
    lookup = query_tokens(text)
    where, params = _scope(organization_ids, within)
    if where is None or not lookup.keys():
        return []
    # Counted in the organization searched, or anywhere when several are (the check across
    # organizations): one index range per key.
    ids = list(organization_ids or ())
    plan = lookup.plan(*_shared(lookup, ids[0] if len(ids) == 1 else None))
    if not plan.both:  # no two common words to pair: the keys rank all they bring
        return _weighed(plan.bring, where, params, limit=limit)
    weights = dict(_weighed(plan.bring, where, params))
    known: dict[int, set[str]] = {}  # the common keys each candidate was found sharing
    for person, pair in _sharing_both(plan.both, where, params):
        known.setdefault(person, set()).update(plan.both[pair])
    for person, keys in known.items():
        weights[person] = weights.get(person, 0) + sum(plan.rank[key] for key in keys)
    return _best(weights, limit)


def _best(weights: dict[int, int], limit: int) -> list[tuple[int, int]]:
    return heapq.nsmallest(limit, weights.items(), key=lambda item: (-item[1], item[0]))


def _scope(
    organization_ids: Iterable[int] | None, within: QuerySet[Any] | None
) -> tuple[list[str] | None, list[Any]]:
    """The conditions on an index row ``n`` and their parameters; None when nothing is in scope."""
    where: list[str] = []
    params: list[Any] = []
    if organization_ids is not None:
        ids = [int(pk) for pk in organization_ids]
        if not ids:
            return None, []
        where.append(f"n.organization_id IN ({_marks(ids)})")
        params += ids
    if within is not None:
        sql, within_params = within.query.sql_with_params()
        # The unary plus keeps SQLite from probing the index once per key and person in scope
        # (18 keys times a case worker's 15,000 persons at 1,000,000): it reads each key's rows
        # and tests them against the list instead, twice as fast; PostgreSQL plans the same.
        where.append(f"+n.person_id IN ({sql})")
        params += list(within_params)
    return where, params


# Only placeholders, the quoted table name, aliases and constants are formatted into the queries
# below; every value is a parameter.


def _marks(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _table() -> str:
    return connection.ops.quote_name(PersonName._meta.db_table)


def _rows(query: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _shared(lookup: Lookup, organization_id: int | None) -> tuple[dict[str, int], ...]:
    """How many persons of the organization (anywhere when None) share each key, counted up to
    ``COMMON``, and how many anywhere share each sound, up to ``NEAR_WHEN_FEWER``: at most that
    many index entries read per key."""
    keys, sounds = sorted(lookup.keys()), sorted(lookup.sounds())
    scope, ids = "", [] if organization_id is None else [int(organization_id)]
    if ids:
        scope = "s.organization_id = %s AND "

    def counted(kind: int, table: str, where: str, up_to: int) -> str:
        return (
            f"SELECT {kind}, k.token, (SELECT COUNT(*) FROM (SELECT 1 FROM {_table()} s "  # noqa: S608
            f"WHERE {where}s.token = k.token LIMIT {up_to}) c) FROM {table} k"
        )

    tables = [f"k(token) AS (VALUES {', '.join(['(%s)'] * len(keys))})"]
    selects = [counted(0, "k", scope, COMMON)]
    if sounds:
        tables.append(f"v(token) AS (VALUES {', '.join(['(%s)'] * len(sounds))})")
        selects.append(counted(1, "v", "", NEAR_WHEN_FEWER))
    query = f"WITH {', '.join(tables)} {' UNION ALL '.join(selects)}"
    counts: tuple[dict[str, int], dict[str, int]] = ({}, {})
    for kind, token, n in _rows(query, [*keys, *sounds, *ids]):
        counts[int(kind)][token] = int(n)
    return counts


def _weighed(
    keys: dict[str, int],
    where: list[str],
    params: list[Any],
    *,
    limit: int | None = None,
) -> list[tuple[int, int]]:
    """(person, summed weight of the ``keys`` shared) of the persons in scope; the ``limit`` best
    (then the lower id) when given."""
    if not keys:
        return []
    values = ", ".join(["(%s, %s)"] * len(keys))
    arguments = [value for item in keys.items() for value in item] + list(params)
    query = (
        f"WITH k(token, weight) AS (VALUES {values}) "  # noqa: S608
        f"SELECT n.person_id, SUM(k.weight) FROM k JOIN {_table()} n ON n.token = k.token "
        f"{'WHERE ' + ' AND '.join(where) if where else ''} GROUP BY n.person_id"
    )
    if limit is not None:
        query += " ORDER BY 2 DESC, n.person_id LIMIT %s"
        arguments.append(int(limit))
    return [(int(person), int(weight)) for person, weight in _rows(query, arguments)]


def _sharing_both(
    pairs: list[tuple[str, str]], where: list[str], params: list[Any]
) -> list[tuple[int, int]]:
    """(person, index of the pair) of the persons in scope sharing both keys of a pair."""
    if not pairs:
        return []
    parts, arguments = [], []
    for i, (a, b) in enumerate(pairs):
        parts.append(
            f"SELECT n.person_id, {int(i)} FROM {_table()} n JOIN {_table()} b "  # noqa: S608
            "ON b.token = %s AND b.person_id = n.person_id "
            f"WHERE n.token = %s{''.join(' AND ' + c for c in where)}"
        )
        arguments += [b, a, *params]
    return [(int(person), int(i)) for person, i in _rows(" UNION ALL ".join(parts), arguments)]
