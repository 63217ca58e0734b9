"""Candidates for a name, found through the name keys alone (``matching.names``).

No visibility here: callers narrow the candidates to what the actor may see (cases selectors) or
to what may be offered across organizations (linkage), then decrypt those few and score them with
``matching.names.compare_name``. The persons sharing most key weight with the name come first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from opennrm.matching.names import query_keys

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

    One indexed query, written as SQL: a search sends some forty keys, and building its query
    through the ORM cost as much as running it (bench/matching.py latency).
    """
    keys = query_keys(text)
    if not keys:
        return []
    table = connection.ops.quote_name(PersonName._meta.db_table)
    # The keys and their weights as a table of their own, joined to the index: each key read
    # from the index once, and a row's weight found by the join, not by a CASE of forty WHENs
    # evaluated on each of the (at 1,000,000 persons) hundred thousand rows read.
    searched = ", ".join("(%s, %s)" for _token in keys)
    params: list[Any] = [value for item in keys.items() for value in item]
    where = []
    if organization_ids is not None:
        ids = [int(pk) for pk in organization_ids]
        if not ids:
            return []
        where.append(f"n.organization_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if within is not None:
        sql, within_params = within.query.sql_with_params()
        where.append(f"n.person_id IN ({sql})")
        params += list(within_params)
    # Only placeholders and the quoted table name are formatted in; every value is a parameter.
    query = (
        f"WITH k(token, weight) AS (VALUES {searched}) "  # noqa: S608
        f"SELECT n.person_id, SUM(k.weight) AS weight FROM k JOIN {table} n ON n.token = k.token "
        f"{'WHERE ' + ' AND '.join(where) if where else ''} "
        "GROUP BY n.person_id ORDER BY weight DESC, n.person_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, int(limit)])
        return [(int(pk), int(w)) for pk, w in cursor.fetchall()]
