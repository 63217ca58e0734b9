"""The one pagination of the API: ``limit`` and ``offset`` in, a page without a total out.

A total would be a count of every matching row: at 100,000 cases in one organization that count
alone takes longer than the page (hundreds of milliseconds on SQLite and PostgreSQL alike).
Fetching one row more than asked tells whether a next page exists, and ``next_offset`` says where
it starts (``null`` on the last page).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE = 100
# Far beyond any real list, far within the 64-bit integers the databases count rows in.
MAX_OFFSET = 2**31 - 1


class Page(PaginationBase):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        items: list[Any]
        limit: int
        offset: int
        next_offset: int | None

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        limit, offset = pagination.limit, pagination.offset
        rows = list(queryset[offset : offset + limit + 1])
        return {
            "items": rows[:limit],
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if len(rows) > limit else None,
        }
