"""The one router of /api/v1/cases, which every module of the package adds its operations to."""

from ninja import Router

router = Router(tags=["cases"])
