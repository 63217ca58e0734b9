"""What the portal's tip tests share: the hosting organization and a form as a person sends it."""

from __future__ import annotations

import time
from typing import Any

from opennrm.portal.tips import token_issue


def aged_token(seconds: float = 30) -> str:
    """A form token issued ``seconds`` ago (a person took that long to write)."""
    return token_issue(now=time.time() - seconds)


def tip_form(**fields: Any) -> dict[str, Any]:
    """A tip as the form sends it, written for half a minute."""
    data: dict[str, Any] = {
        "notes": "My sister works in a cafe in Almaty; the owner keeps her passport.",
        "about": "someone_else",
        "country": "KZ",
        "language": "ru",
        "phone": "",
        "safe_contact": "",
        "website": "",
        "token": aged_token(),
    }
    data.update(fields)
    return data
