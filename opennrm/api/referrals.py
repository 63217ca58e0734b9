"""The referrals API (filled in by the referrals work)."""

from ninja import Router

router = Router(tags=["referrals"])
