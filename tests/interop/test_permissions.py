"""Who may import: case workers and supervisors (who open cases and answer for them; not the
hotline operator), each into their own organization only."""

from __future__ import annotations

import io

import pytest

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Role
from opennrm.errors import NotFound, PermissionDenied
from opennrm.interop.services import import_preview, import_run
from tests.support.matrix import changed, snapshot

from .support import person, template

pytestmark = pytest.mark.django_db
IMPORTERS = {role for role in Role if perms.HTCDS_IMPORT in perms.role_permissions(role)}


def test_the_importers_are_case_workers_and_supervisors() -> None:
    assert {Role.CASE_WORKER, Role.SUPERVISOR} == IMPORTERS
    for role in IMPORTERS:  # the rows are written under the case permissions
        assert {perms.CASES_CREATE, perms.CASES_UPDATE} <= perms.role_permissions(role)


@pytest.mark.parametrize("key", ["a", "b"])
@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_both_organizations(world, role, key) -> None:
    actor = world.actor(getattr(world, key)[role])
    data = template([person(1)])
    before = snapshot()
    if role not in IMPORTERS:
        for call in (import_preview, import_run):
            with pytest.raises(PermissionDenied):
                call(actor=actor, organization=world.org_a, file=io.BytesIO(data), name="x.xlsx")
        assert changed(before, snapshot()) == []
        return
    if key == "b":  # a member of B importing into A: as if A did not exist
        with pytest.raises(NotFound):
            import_run(actor=actor, organization=world.org_a, file=io.BytesIO(data), name="x.xlsx")
        assert changed(before, snapshot()) == []
        return
    result = import_run(actor=actor, organization=world.org_a, file=io.BytesIO(data), name="x.xlsx")
    assert result.saved and result.cases_create == 1


def test_the_platform_admin_may_not_import(world) -> None:
    with pytest.raises(PermissionDenied):
        import_run(
            actor=world.platform,
            organization=world.org_a,
            file=io.BytesIO(template([person(1)])),
            name="x.xlsx",
        )
