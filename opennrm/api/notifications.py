"""The notifications API (filled in by the notifications work)."""

from ninja import Router

router = Router(tags=["notifications"])
