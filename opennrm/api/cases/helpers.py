"""What the operations on cases share: the case for a write, an organization named in a body."""

from uuid import UUID

from django.http import HttpRequest

from opennrm.accounts.models import Organization
from opennrm.api import common
from opennrm.cases import selectors
from opennrm.cases.models import (
    Case,
)
from opennrm.errors import NotFound, ValidationFailed


def case_for_write(request: HttpRequest, case_id: UUID) -> Case:
    """The visible case, not audited as a read: the service audits the write itself."""
    return selectors.case_get(actor=common.actor(request), case_id=case_id, audit=False)


def partner(request: HttpRequest, organization_id: UUID | None, field: str) -> Organization | None:
    """The organization named in a body, or a 422 on that field (never a 404 for the URL)."""
    if organization_id is None:
        return None
    try:
        return selectors.partner_get(actor=common.actor(request), organization_id=organization_id)
    except NotFound:
        raise ValidationFailed(
            "Please correct the errors below.", errors={field: ["No such organization."]}
        ) from None
