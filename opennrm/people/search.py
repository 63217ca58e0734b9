"""Candidates for a name, found through the name keys alone (``matching.names``).

No visibility here: callers narrow the candidates to what the actor may see (cases selectors) or
to what may be offered across organizations (linkage), then decrypt those few and score them with
``matching.names.compare_name``. The persons sharing most key weight with the name come first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When

from opennrm.matching.names import query_keys

from .models import PersonName

CANDIDATES = 200  # persons scored per search at most: the best by shared key weight


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
    """
    keys = query_keys(text)
    if not keys:
        return []
    rows = PersonName.objects.filter(token__in=list(keys))
    if organization_ids is not None:
        rows = rows.filter(organization_id__in=list(organization_ids))
    if within is not None:
        rows = rows.filter(person_id__in=within)
    weight = Case(
        *(When(token=token, then=Value(w)) for token, w in keys.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    ranked = (
        rows.values("person_id")
        .annotate(weight=Sum(weight))
        .order_by("-weight", "person_id")
        .values_list("person_id", "weight")
    )
    return list(ranked[:limit])
