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

    One indexed query, written as SQL: a search sends some forty keys, and building the weight's
    forty-way CASE through the ORM cost as much as running it (bench/matching.py latency).
    """
    keys = query_keys(text)
    if not keys:
        return []
    table = connection.ops.quote_name(PersonName._meta.db_table)
    tokens = list(keys)
    weight = " ".join("WHEN %s THEN %s" for _token in tokens)
    params: list[Any] = [value for token in tokens for value in (token, keys[token])]
    where = [f"token IN ({', '.join(['%s'] * len(tokens))})"]
    params += tokens
    if organization_ids is not None:
        ids = [int(pk) for pk in organization_ids]
        if not ids:
            return []
        where.append(f"organization_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if within is not None:
        sql, within_params = within.query.sql_with_params()
        where.append(f"person_id IN ({sql})")
        params += list(within_params)
    # Only placeholders and the quoted table name are formatted in; every value is a parameter.
    query = (
        f"SELECT person_id, SUM(CASE token {weight} ELSE 0 END) AS weight FROM {table} "  # noqa: S608
        f"WHERE {' AND '.join(where)} GROUP BY person_id ORDER BY weight DESC, person_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, int(limit)])
        return [(int(pk), int(w)) for pk, w in cursor.fetchall()]
