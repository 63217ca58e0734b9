"""The person of a case: reached only through a visible case, with the identifying fields."""

from uuid import UUID

from django.http import HttpRequest

from opennrm.accounts import permissions as perms
from opennrm.api import common
from opennrm.api.common import ERRORS
from opennrm.cases import selectors, services
from opennrm.errors import PermissionDenied, ValidationFailed
from opennrm.people.models import Person

from .helpers import case_for_write
from .router import router
from .schemas import (
    PersonOut,
    PersonPatch,
)


def _require_identifying(request: HttpRequest) -> None:
    if not common.actor(request).can(perms.IDENTIFYING_DATA_VIEW):
        raise PermissionDenied("You do not have permission to do this.")


@router.get("/{case_id}/person", response={200: PersonOut, **ERRORS})
def person_get(request: HttpRequest, case_id: UUID) -> Person:
    """The person of a visible case, with the identifying fields (an audited read)."""
    _require_identifying(request)
    return selectors.case_get(actor=common.actor(request), case_id=case_id).person


@router.patch("/{case_id}/person", response={200: PersonOut, **ERRORS})
def person_update(request: HttpRequest, case_id: UUID, payload: PersonPatch) -> Person:
    """Change the person; ``version`` must be the person's version read (409 otherwise)."""
    _require_identifying(request)
    case = case_for_write(request, case_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    try:
        return services.person_update(
            actor=common.actor(request), case=case, version=version, **changes
        )
    except ValidationFailed as exc:
        # The service names person fields as in the case-opening body ("person.birth_date");
        # this body is the person itself, so the paths drop that prefix.
        exc.errors = {k.removeprefix("person."): v for k, v in exc.errors.items()}
        raise
