"""Fuzzing every API operation with schemathesis: no server error, no answer outside the document.

Each operation gets a few generated requests (valid and invalid), sent through the WSGI
application as a signed-in case worker of organization A (bearer token), with every check
schemathesis has for one response (see CHECKS): not a server error; status code, content type,
headers and body as documented; invalid data refused; authentication not ignored; wrong methods
answered 405 with ``Allow``.
Path parameters naming a case point at a real case of the caller, so the operations behind them
run rather than stopping at "no such case".
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from opennrm.accounts.services import api_token_create
from opennrm.api.api import api
from tests.cases.factories import open_diana
from tests.conftest import World

# Every single-response check but positive_data_acceptance: the document gives each field's type
# and picklist, while the services check more than a schema says (a language is an ISO 639 code,
# a country an ISO 3166 one, a date plausible), and answer 422 naming the field, as they should.
CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.missing_required_header,
    openapi_checks.unsupported_method,
    openapi_checks.allow_header_conformance,
    openapi_checks.ignored_auth,
    openapi_checks.use_after_free,
    openapi_checks.ensure_resource_availability,
]


schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """The application runs inside the test's transaction: like Django's test client, do not let
    the request signals close the database connection (PostgreSQL would lose the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def caller(world: World) -> dict[str, str]:
    member = world.a["case_worker"]
    _, raw = api_token_create(actor=world.actor(member), name="fuzz", days=1)
    case = open_diana(member)
    return {"token": raw, "case_id": str(case.uuid)}


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_operation(case, caller):
    if "case_id" in (case.path_parameters or {}):
        case.path_parameters["case_id"] = caller["case_id"]
    case.call_and_validate(headers={"Authorization": f"Bearer {caller['token']}"}, checks=CHECKS)
