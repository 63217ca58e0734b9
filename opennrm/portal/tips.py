"""The portal's anonymous tip or help request: the form, its signed token and the spam checks.

Nothing here reads or keeps anything of the sender's request: no address, browser, session or
cookie. The form has no CSRF cookie: it carries a signed token with the time it was issued, which
serves as the time check (a person takes more than ``MIN_FILL_SECONDS`` to write; a form older
than ``MAX_AGE_SECONDS`` is sent back to be checked and sent again). A cross-site forgery gains
nothing here: the form acts for no one, and anyone may send it. Decision 0026 says why.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django import forms
from django.core import signing
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opennrm.hotline.models import CallerType, Reason
from opennrm.hotline.services import MAX_SAFE_CONTACT, MAX_WEB_TIP
from opennrm.locales import country_choices

SALT = "opennrm.portal.tip"
# A person reads the form and writes at least a sentence; a script posts at once.
MIN_FILL_SECONDS = 3
# A form left open longer (a phone in a pocket overnight) is checked and sent again.
MAX_AGE_SECONDS = 4 * 3600
# The whole request: a tip of 4,000 Cyrillic letters is about 24 KB once form-encoded.
MAX_BODY_BYTES = 64 * 1024
HONEYPOT = "website"

# The languages a sender may be answered in, by their own names (read by those who speak them).
ANSWER_LANGUAGES = [
    ("ru", "Русский"),
    ("kk", "Қазақ тілі"),
    ("uz", "Oʻzbekcha"),
    ("ky", "Кыргызча"),
    ("tg", "Тоҷикӣ"),
    ("tk", "Türkmençe"),
    ("en", "English"),
]


@dataclass(frozen=True)
class Token:
    issued_at: float
    nonce: str  # makes the token single-use: a form sent twice is queued once


def token_issue(*, now: float | None = None) -> str:
    """A new form token: the issue time and a random nonce, signed with SECRET_KEY."""
    issued = int(time.time() if now is None else now)
    return signing.dumps({"at": issued, "n": secrets.token_urlsafe(12)}, salt=SALT)


def token_read(value: str) -> Token | None:
    """The token's content, or None when it is missing, altered or not ours."""
    try:
        data = signing.loads(value or "", salt=SALT)
        return Token(issued_at=float(data["at"]), nonce=str(data["n"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class Verdict(Enum):
    SEND = "send"  # a person's tip: queue it
    STALE = "stale"  # no valid token, or too old: the form again, to check and send again
    DROP = "drop"  # a bot (the honeypot filled, or sent too fast): thanked, nothing kept


def verdict(token: Token | None, honeypot: str, *, now: float | None = None) -> Verdict:
    """What to do with a sent form, from its token and the honeypot field."""
    if honeypot:
        return Verdict.DROP
    if token is None:
        return Verdict.STALE
    age = (time.time() if now is None else now) - token.issued_at
    if age > MAX_AGE_SECONDS or age < -60:  # a minute of clock skew between servers
        return Verdict.STALE
    if age < MIN_FILL_SECONDS:
        return Verdict.DROP
    return Verdict.SEND


ABOUT_ME = "me"
ABOUT_SOMEONE = "someone_else"
# Who the tip is about -> (who contacted us, why), as the hotline counts them; the operator
# changes them once the tip is read.
ABOUT = {
    ABOUT_ME: (CallerType.POTENTIAL_VICTIM, Reason.ASSISTANCE_REQUEST),
    ABOUT_SOMEONE: (CallerType.THIRD_PARTY, Reason.OTHER),
    "": (CallerType.ANONYMOUS, Reason.OTHER),
}


def _answer_language() -> str:
    """The page's language as an answer language ("uz-latn" is answered in "uz")."""
    code = (translation.get_language() or "ru").split("-")[0]
    return code if code in dict(ANSWER_LANGUAGES) else "ru"


class TipForm(forms.Form):
    """Parses the tip; the hotline's ``web_tip_receive`` validates it (lengths, phone, country)."""

    notes = forms.CharField(
        label=_("What happened? How can we help?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=True,
        error_messages={"required": _("Write what happened, or what help you need.")},
    )
    about = forms.ChoiceField(
        label=_("Who is it about?"),
        choices=[(ABOUT_ME, _("Me")), (ABOUT_SOMEONE, _("Someone else"))],
        widget=forms.RadioSelect,
        required=False,
    )
    country = forms.ChoiceField(
        label=_("In which country? (optional)"), choices=country_choices, required=False
    )
    language = forms.ChoiceField(
        label=_("In which language should we answer?"), choices=ANSWER_LANGUAGES
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
        help_text=_("Only if you want us to contact you. With the country code, e.g. +7 or +998."),
    )
    safe_contact = forms.CharField(
        label=_("How can we reach you safely? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Hidden from people and screen readers; a script fills every field it finds.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"language": _answer_language(), "token": token_issue()})
        super().__init__(*args, **kwargs)
        # Here, not in the fields: a lazy text with its number put in is the language of the
        # request only when it is put in during the request.
        self.fields["notes"].help_text = _(
            "At most %(limit)d characters. Write what you can; no name is needed."
        ) % {"limit": MAX_WEB_TIP}
        self.fields["safe_contact"].help_text = _(
            "For example: only text messages; only after 6 pm; do not say who is calling. "
            "At most %(limit)d characters."
        ) % {"limit": MAX_SAFE_CONTACT}

    def tip_data(self) -> dict[str, Any]:
        """The tip as ``web_tip_receive`` takes it."""
        data = self.cleaned_data
        caller_type, reason = ABOUT[data.get("about") or ""]
        return {
            "notes": data["notes"],
            "caller_type": caller_type,
            "reason": reason,
            "country": data.get("country") or "",
            "language": data.get("language") or "",
            "phone": data.get("phone") or "",
            "safe_contact": data.get("safe_contact") or "",
        }
