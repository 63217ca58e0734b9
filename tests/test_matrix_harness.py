"""The permission-matrix harness itself (tests/support/matrix.py): its rule for the expected
answer, and that it catches a refusal that wrote something, or an API refusal that is not
problem+json."""

from __future__ import annotations

import pytest
from django.http import JsonResponse

from opennrm.accounts import services as account_services
from opennrm.accounts.models import Organization
from opennrm.audit.services import audit_denial
from opennrm.errors import PermissionDenied
from tests.conftest import World
from tests.support import matrix
from tests.support.matrix import (
    EVERY_MEMBER,
    IN_A,
    PLATFORM,
    Route,
    changed,
    check,
    snapshot,
)


def _url(world: World) -> str:
    return "/x/"


def test_the_expected_answer_follows_the_rules_in_order() -> None:
    route = Route(
        "r",
        "post",
        _url,
        frozenset({"case_worker", "supervisor", "data_analyst"}),
        ok=201,
        sees=frozenset({"a:case_worker", "a:data_analyst"}),
        needs=frozenset({"case_worker"}),
        hidden=422,
    )
    assert route.expected("anonymous", api=True) == 401
    assert route.expected("anonymous", api=False) == 302
    assert route.expected("platform", api=True) == 403  # not allowed
    assert route.expected("a:hotline_operator", api=True) == 403  # not allowed
    assert route.expected("b:case_worker", api=True) == 422  # allowed, does not see it
    assert route.expected("a:supervisor", api=True) == 422
    assert route.expected("a:data_analyst", api=True) == 403  # sees it, may not do this
    assert route.expected("a:case_worker", api=True) == 201
    owned = Route("o", "post", _url, EVERY_MEMBER | PLATFORM, owner="a:case_worker", sees=IN_A)
    assert owned.expected("a:supervisor", api=False) == 404
    assert owned.expected("platform", api=False) == 404
    assert owned.expected("a:case_worker", api=False) == 200


def test_the_snapshot_sees_a_change_but_not_the_record_of_a_refusal(world: World) -> None:
    before = snapshot()
    member = world.a["case_worker"]
    audit_denial(actor=world.actor(member), object_type="case", rule="x")
    assert changed(before, snapshot()) == []
    Organization.objects.filter(pk=world.org_b.pk).update(city="Samarkand")
    assert changed(before, snapshot()) == ["accounts.Organization (2 → 2 rows)"]


def test_a_refusal_that_wrote_something_fails_the_check(world: World, monkeypatch) -> None:
    """The service writes, then refuses; the request is not one transaction, so the write stays."""

    def write_then_refuse(**kwargs):
        Organization.objects.filter(pk=world.org_b.pk).update(city="Samarkand")
        raise PermissionDenied("refused after a write", rule="members.change_role")

    monkeypatch.setattr(account_services, "membership_change_role", write_then_refuse)
    route = Route(
        "member role",
        "post",
        lambda w: f"/members/{w.a['case_worker'].uuid}/role/",
        frozenset(),  # nobody may: the organization admin's 403 is the expected answer
        ok=302,
        data=lambda w: {"role": "supervisor"},
    )
    with pytest.raises(AssertionError, match=r"was refused \(403\) but changed accounts\.Org"):
        check(world, route, "a:organization_admin")


def test_an_api_refusal_must_be_problem_json(world: World, monkeypatch) -> None:
    def plain_refusal(*args, **kwargs) -> JsonResponse:
        return JsonResponse({"detail": "no"}, status=403)

    monkeypatch.setattr(matrix, "send", plain_refusal)
    route = Route("api me", "get", lambda w: "/api/v1/me", frozenset())
    with pytest.raises(AssertionError, match="not problem\\+json"):
        check(world, route, "a:case_worker")
