"""The directory API (filled in by the directory work)."""

from ninja import Router

router = Router(tags=["directory"])
