"""Refused accesses, recorded where the gates answer 403, 404 or "sign in first".

A signed-in user's refusal becomes an ``access.denied`` audit event under their active
organization (who, what kind of object, which rule) and a line on the ``opennrm.security``
logger. Never the object's id, the path or the query: they may identify a person. An anonymous
request is only logged, without an actor: audit events for anyone on the internet would let them
fill the log and queue on its append lock.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from .context import request_id
from .services import audit_denial

logger = logging.getLogger("opennrm.security")


def object_kind(request: HttpRequest) -> str:
    """The kind of object the request was about: its route's innermost ``<kind>_id``, else the
    route's name (``accounts:member_list``)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    ids = [name for name in match.kwargs if name.endswith("_id")]
    return ids[-1].removesuffix("_id") if ids else match.view_name


def refusing_rule(error: BaseException) -> str:
    """The permission an error names, else the gate that raised it: ``cases.selectors.case_get``."""
    rule = getattr(error, "rule", "")
    if rule:
        return str(rule)
    gate = ""
    frame = error.__traceback__
    while frame is not None:
        module = frame.tb_frame.f_globals.get("__name__", "")
        if module.startswith("opennrm."):
            gate = f"{module.removeprefix('opennrm.')}.{frame.tb_frame.f_code.co_name}"
        frame = frame.tb_next
    return gate


def denial_record(request: HttpRequest, *, rule: str, status: int) -> None:
    """Record that the request's actor was refused: an audit event of its own, and a log line."""
    actor: Any = getattr(request, "actor", None)
    if not actor or not actor.user.is_authenticated:
        denial_log_anonymous(request, status=status)
        return
    kind = object_kind(request)
    organization = actor.organization
    event = audit_denial(actor=actor, object_type=kind, rule=rule)
    logger.warning(
        "access denied: status=%s user=%s organization=%s kind=%s rule=%s request=%s",
        status,
        actor.user.uuid,
        organization.uuid if organization else "-",
        kind,
        rule,
        event.request_id,
    )


def denial_log_anonymous(request: HttpRequest, *, status: int) -> None:
    """A request without a signed-in user was turned away (to sign-in, or 401): log only."""
    logger.info(
        "access denied: status=%s user=anonymous kind=%s rule=signed-in request=%s",
        status,
        object_kind(request),
        request_id.get(),
    )
