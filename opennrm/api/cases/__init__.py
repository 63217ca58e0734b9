"""The cases API, /api/v1/cases: thin over ``opennrm.cases`` selectors and services.

A person is reached only through a visible case, so the person's endpoints sit under the case.
URLs carry UUIDs only; names travel in request bodies, never in a URL or a query string.
``GET /cases/{id}`` and the lists give statistical fields and the person's UUID; the person's
identifying fields come only from ``/cases/{id}/person``.

One module per seam: ``cases`` (the case itself), ``persons``, ``parts`` (decisions, plans,
services, consents, notes, events), ``attachments``; their schemas in ``schemas``. Operation ids
stay ``opennrm_api_cases_<function>`` (``opennrm.api.common.Api``), whichever module holds them.

No ``from __future__ import annotations`` in these modules: django-ninja reads the parameter
annotations of paginated operations through its decorator, where string annotations cannot be
resolved.
"""

# Importing the modules adds their operations to the one router.
from . import attachments, cases, parts, persons, records  # noqa: F401
from .router import router

__all__ = ["router"]
