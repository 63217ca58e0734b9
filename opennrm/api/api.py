"""The REST API, /api/v1/: thin over the services and selectors, one function per operation."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from opennrm.accounts import permissions as perms
from opennrm.accounts import selectors, services
from opennrm.accounts.models import Membership, Organization
from opennrm.audit.denials import denial_log_anonymous, denial_record, refusing_rule
from opennrm.errors import ApplicationError, NotFound, PermissionDenied
from opennrm.web import ActorRequest

from .auth import SessionAuth, TokenAuth
from .cases import router as cases_router
from .common import ERRORS, Api, problem_for_status, problem_response
from .directory import router as directory_router
from .hotline import router as hotline_router
from .linkage_intake import router as linkage_intake_router
from .linkage_merge import router as linkage_merge_router
from .members import router as members_router
from .notifications import router as notifications_router
from .pagination import Page
from .referrals import router as referrals_router
from .renderers import UtcJSONRenderer
from .returns import router as returns_router
from .schemas import (
    MembershipOut,
    MeOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    OrganizationSettingsOut,
    OrganizationSettingsPatch,
)
from .screening import router as screening_router
from .stats import router as stats_router

api = Api(
    title="OpenNRM API",
    version="1",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
    docs_url=None,
    renderer=UtcJSONRenderer(),
)

api.add_router("/cases", cases_router)
api.add_router("/signals", hotline_router)
api.add_router("/screenings", screening_router)
api.add_router("/referrals", referrals_router)
api.add_router("/directory", directory_router)
api.add_router("/notifications", notifications_router)
api.add_router("/returns", returns_router)
api.add_router("/members", members_router)
api.add_router("/linkage/merges", linkage_merge_router)
api.add_router("/stats", stats_router)
api.add_router("/", linkage_intake_router)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    if isinstance(exc, NotFound | PermissionDenied):
        denial_record(request, rule=refusing_rule(exc), status=exc.status)
    errors = [{"field": f, "message": m} for f, msgs in exc.errors.items() for m in msgs]
    return problem_response(
        status=exc.status,
        code=exc.code,
        title=exc.message or exc.code,
        errors=errors,
    )


@api.exception_handler(NinjaValidationError)
def request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        loc = list(error.get("loc", []))
        if loc and loc[0] == "body":
            loc = loc[2:]  # body, the parameter name, then the field path
        elif loc:
            loc = loc[1:]
        # The services' notation: person.documents[0].number, not person.documents.0.number.
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        errors.append({"field": field, "message": error.get("msg", "invalid")})
    return problem_response(
        status=422, code="validation_failed", title=_("The request is invalid"), errors=errors
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    denial_log_anonymous(request, status=401)
    return problem_for_status(401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(status=exc.status_code, code="http_error", title=str(exc))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_for_status(404)


@api.exception_handler(RequestDataTooBig)
def request_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem_for_status(413)


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(MultiPartParserError)
def request_unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A request Django refuses to parse (a malformed or oversized multipart header, ...)."""
    return problem_for_status(400)


@api.exception_handler(UnicodeError)
def text_unstorable(request: HttpRequest, exc: UnicodeError) -> HttpResponse:
    """Text that no encoder takes (a lone surrogate) that got past the input schemas."""
    return problem_response(
        status=422,
        code="validation_failed",
        title=_("The text contains characters that cannot be stored."),
    )


@api.exception_handler(OverflowError)
def number_too_large(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """A number beyond what the database stores that got past the input schemas."""
    return problem_response(
        status=422, code="validation_failed", title=_("The number is too large.")
    )


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Django logs it and answers 500; ApiResponseMiddleware makes that a problem, even in
    debug mode, where django-ninja would have sent the traceback."""
    raise exc


def _membership_out(membership: Membership) -> MembershipOut:
    return MembershipOut(
        id=membership.uuid,
        organization_id=membership.organization.uuid,
        organization_name=membership.organization.name,
        role=membership.role,
    )


def _organization_out(organization: Organization) -> OrganizationOut:
    return OrganizationOut(
        id=organization.uuid,
        name=organization.name,
        org_type=organization.org_type,
        country=organization.country,
        city=organization.city,
        phone=organization.phone,
        time_zone=organization.time_zone,
        is_active=organization.is_active,
        version=organization.version,
        created_at=organization.created_at,
    )


@api.get("/me", response={200: MeOut, **ERRORS}, tags=["accounts"])
def me(request: ActorRequest) -> MeOut:
    """Who is calling, through which membership, and what they may do."""
    actor = request.actor
    user = actor.user
    # A token is bound to its membership; a session may switch among the user's memberships.
    if getattr(request, "api_token_auth", False):
        memberships = [actor.membership]
    else:
        memberships = list(selectors.membership_list_for_user(user=user))
    return MeOut(
        id=user.uuid,
        email=user.email,
        full_name=user.full_name,
        is_platform_admin=user.is_superuser,
        active_membership=_membership_out(actor.membership) if actor.membership else None,
        permissions=sorted(actor.permissions),
        memberships=[_membership_out(m) for m in memberships if m is not None],
    )


@api.get("/organizations", response={200: list[OrganizationOut], **ERRORS}, tags=["platform"])
@paginate(Page)
def organization_list(request: ActorRequest) -> list[OrganizationOut]:
    """Every organization (platform admin)."""
    return [_organization_out(o) for o in selectors.organization_list(actor=request.actor)]


@api.post("/organizations", response={201: OrganizationOut, **ERRORS}, tags=["platform"])
def organization_create(request: ActorRequest, payload: OrganizationIn) -> Status:
    organization = services.organization_create(actor=request.actor, **payload.dict())
    return Status(201, _organization_out(organization))


@api.get(
    "/organizations/{organization_id}", response={200: OrganizationOut, **ERRORS}, tags=["platform"]
)
def organization_get(request: ActorRequest, organization_id: UUID) -> OrganizationOut:
    return _organization_out(
        selectors.organization_get(actor=request.actor, organization_id=organization_id)
    )


@api.patch(
    "/organizations/{organization_id}", response={200: OrganizationOut, **ERRORS}, tags=["platform"]
)
def organization_update(
    request: ActorRequest, organization_id: UUID, payload: OrganizationPatch
) -> OrganizationOut:
    """Change an organization; ``version`` must be the one read (409 otherwise)."""
    organization = selectors.organization_get(actor=request.actor, organization_id=organization_id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    version = changes.pop("version")
    organization = services.organization_update(
        actor=request.actor, organization=organization, version=version, **changes
    )
    return _organization_out(organization)


@api.get(
    "/organization/settings", response={200: OrganizationSettingsOut, **ERRORS}, tags=["accounts"]
)
def organization_settings_get(request: ActorRequest) -> OrganizationSettingsOut:
    """The active organization's settings (organization admin)."""
    request.actor.require(perms.ORGANIZATION_SETTINGS)
    return _settings_out(request.actor.active_organization)


def _settings_out(organization: Organization) -> OrganizationSettingsOut:
    return OrganizationSettingsOut(
        **{name: getattr(organization, name) for name in services.SETTINGS_FIELDS},
        version=organization.version,
    )


@api.patch(
    "/organization/settings", response={200: OrganizationSettingsOut, **ERRORS}, tags=["accounts"]
)
def organization_settings_update(
    request: ActorRequest, payload: OrganizationSettingsPatch
) -> OrganizationSettingsOut:
    """Set the active organization's time zone, who decides identification and its periods
    (decision 0014); ``version`` must be the one read (409 otherwise)."""
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    organization = services.organization_settings_update(
        actor=request.actor, version=version, **changes
    )
    return _settings_out(organization)
