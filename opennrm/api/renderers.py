"""The API's JSON: every date-time answered in UTC with its offset (``…Z``).

Input may carry any offset, or none (then it is the organization's wall-clock time, see
``LOCAL_DATETIME_DESCRIPTION``); answers are normalised so a client never sees the same field
in two zones, whichever way the value was read or just written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class UtcJSONEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and timezone.is_aware(o):
            o = o.astimezone(UTC)
        return super().default(o)


class UtcJSONRenderer(JSONRenderer):
    encoder_class = UtcJSONEncoder
