"""The returns API (filled in by the returns work)."""

from ninja import Router

router = Router(tags=["returns"])
