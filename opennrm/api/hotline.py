"""The hotline API (filled in by the hotline work)."""

from ninja import Router

router = Router(tags=["hotline"])
