"""The screening API (filled in by the screening work)."""

from ninja import Router

router = Router(tags=["screening"])
