"""The tip or help-request form of the portal, and what the sender sees after it.

Anonymous by construction: the views set no cookie (no session, no CSRF cookie, no message),
store and log nothing of the request, and the answers are never stored by the browser. A flood
is refused with 429 (``accounts.ratelimit``: per address under a daily key, and for everyone),
a body over ``MAX_BODY_BYTES`` with 413; a bot is thanked like a person and nothing is kept.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from opennrm.accounts import ratelimit
from opennrm.audit.context import request_id
from opennrm.errors import ValidationFailed
from opennrm.hotline.services import MAX_WEB_TIP, web_tip_receive

from .site import hosting_organization
from .tips import HONEYPOT, MAX_AGE_SECONDS, MAX_BODY_BYTES, TipForm, Verdict, token_read, verdict

logger = logging.getLogger("opennrm.security")


def _notice(request: HttpRequest, kind: str, *, status: int) -> HttpResponse:
    """One of the tip's short pages: not available, too many, too large."""
    context = {"kind": kind, "limit": MAX_WEB_TIP}
    return render(request, "portal/tip_notice.html", context, status=status)


def _body_size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return MAX_BODY_BYTES + 1


def _refused(request: HttpRequest) -> HttpResponse | None:
    """429 when this address, or everyone together, sent too many tips lately."""
    refusal = ratelimit.hit(
        ratelimit.PORTAL_TIP, address=ratelimit.client_address(request)
    ) or ratelimit.hit(ratelimit.PORTAL_TIPS, everyone=True)
    if refusal is None:
        return None
    response = _notice(request, "limited", status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _first_use(nonce: str) -> bool:
    """True the first time a form's token is sent: a form sent twice (a double tap, a reload)
    is queued once. The nonce is random and says nothing of the sender."""
    return bool(cache.add(f"portal:tip-token:{nonce}", 1, timeout=MAX_AGE_SECONDS + 60))


@never_cache
@csrf_exempt  # no session to ride on: the signed token is the form's check (decision 0026)
@require_http_methods(["GET", "POST"])
def tip(request: HttpRequest) -> HttpResponse:
    """The form; a sent tip lands in the hosting organization's hotline queue."""
    organization = hosting_organization()
    if organization is None:
        return _notice(request, "unavailable", status=200)
    if request.method != "POST":
        return render(request, "portal/tip.html", {"form": TipForm()})
    refused = _refused(request)
    if refused is not None:
        return refused
    if _body_size(request) > MAX_BODY_BYTES:  # before the body is read
        return _notice(request, "too_large", status=413)
    form = TipForm(request.POST)
    token = token_read(str(request.POST.get("token", "")))
    judged = verdict(token, str(request.POST.get(HONEYPOT, "")))
    if judged is Verdict.DROP:
        logger.info("portal tip dropped as automated")  # a count, nothing of the request
        return redirect("portal:tip_sent")
    if judged is Verdict.STALE:
        data = request.POST.copy()
        data["token"] = TipForm().initial["token"]
        form = TipForm(data)
        form.is_valid()
        form.add_error(None, _("This form was open for a long time. Check it and send it again."))
        return render(request, "portal/tip.html", {"form": form})
    assert token is not None
    if not form.is_valid():
        return render(request, "portal/tip.html", {"form": form})
    if not _first_use(token.nonce):
        return redirect("portal:tip_sent")
    # No request id in the tip's audit event: a proxy's id would tie it to the proxy's access log.
    reset = request_id.set("")
    try:
        web_tip_receive(organization=organization, **form.tip_data())
    except ValidationFailed as failed:
        cache.delete(f"portal:tip-token:{token.nonce}")
        for field, messages in failed.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return render(request, "portal/tip.html", {"form": form})
    finally:
        request_id.reset(reset)
    return redirect("portal:tip_sent")


@never_cache
@require_GET
def tip_sent(request: HttpRequest) -> HttpResponse:
    """What happens next; never what was written."""
    return render(request, "portal/tip_sent.html")
