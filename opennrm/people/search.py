"""Candidates for a name, found through the name keys alone (``matching.names``).

No visibility here: callers narrow the candidates to what the actor may see (cases selectors) or
to what may be offered across organizations (linkage), then decrypt those few and score them with
``matching.names.compare_name``. The persons sharing most key weight with the name come first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from opennrm.matching.names import NEAR_WHEN_FEWER, WEIGHTS, query_tokens

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
    first, at most ``limit``; within the given organizations, or across all when None.

    ``within``, a query of person ids (``.values("person_id")``), keeps the candidates among those
    persons before the ``limit`` is applied: a case worker who sees a hundred of an organization's
    cases still finds hers when thousands elsewhere in it bear a common name.

    The pairs of the name's words first (``matching.names.Lookup``), unless ``within`` narrows the
    search: when at least ``limit`` persons share one, they are the candidates, found among a few
    hundred index rows. Else every key, where a common name's words bring tens of thousands. Each
    is one indexed query written as SQL: a search sends some forty keys, and building it through
    the ORM cost as much as running it (bench/matching_latency.py).
    """
    lookup = query_tokens(text)
    where, params = _scope(organization_ids, within)
    if where is None:
        return []
    # Within a narrowed scope (a case worker's persons) a pair is seldom shared by ``limit``
    # persons: the first step would only build the scope's list a second time.
    if lookup.pairs and within is None:
        found = _ranked(lookup.pairs, where, params, limit)
        if len(found) >= limit:
            return found
    keys = {**lookup.words, **lookup.pairs}
    # A near key already searched as a stronger one weighs as that one; each other is read when
    # one of the words it comes from has a sound few share.
    near = {
        (token, sound) for sound, tokens in lookup.near for token in tokens if token not in keys
    }
    return _ranked(keys, where, params, limit, near=sorted(near)) if keys or near else []


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
        where.append(f"n.organization_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if within is not None:
        sql, within_params = within.query.sql_with_params()
        # The unary plus keeps SQLite from probing the index once per key and person in scope
        # (18 keys times a case worker's 15,000 persons at 1,000,000): it reads each key's rows
        # and tests them against the list instead, twice as fast; PostgreSQL plans the same.
        where.append(f"+n.person_id IN ({sql})")
        params += list(within_params)
    return where, params


def _ranked(
    keys: dict[str, int],
    where: list[str],
    params: list[Any],
    limit: int,
    *,
    near: Sequence[tuple[str, str]] = (),
) -> list[tuple[int, int]]:
    """The persons sharing most weight of ``keys`` (token: weight) in scope, best first; and of
    ``near`` keys (token, the sound key of its word) whose sound fewer than ``NEAR_WHEN_FEWER``
    persons share anywhere (each counted up to that many index rows), weighing ``WEIGHTS["near"]``.
    """
    table = connection.ops.quote_name(PersonName._meta.db_table)
    # The keys and their weights as a table of their own, joined to the index: each key read
    # from the index once, and a row's weight found by the join, not by a CASE of forty WHENs
    # evaluated on each of the (at 1,000,000 persons) hundred thousand rows read.
    rows = [*("(%s, %s, '')" for _token in keys), *("(%s, %s, %s)" for _pair in near)]
    values: list[Any] = [value for item in keys.items() for value in item]
    for token, sound in near:
        values += [token, WEIGHTS["near"], sound]
    rare = (
        "WHERE k.sound = '' OR (SELECT COUNT(*) FROM "  # noqa: S608
        f"(SELECT 1 FROM {table} s WHERE s.token = k.sound LIMIT {NEAR_WHEN_FEWER}) c) "
        f"< {NEAR_WHEN_FEWER}"
    )
    # Only placeholders, the quoted table name and constants are formatted in; every value is a
    # parameter.
    query = (
        f"WITH k(token, weight, sound) AS (VALUES {', '.join(rows)}), "  # noqa: S608
        f"r AS (SELECT DISTINCT k.token, k.weight FROM k {rare}) "
        f"SELECT n.person_id, SUM(r.weight) AS weight FROM r JOIN {table} n ON n.token = r.token "
        f"{'WHERE ' + ' AND '.join(where) if where else ''} "
        "GROUP BY n.person_id ORDER BY weight DESC, n.person_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*values, *params, int(limit)])
        return [(int(pk), int(w)) for pk, w in cursor.fetchall()]
