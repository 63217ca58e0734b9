"""What every portal page needs from the settings: where the quick exit leads."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def portal_exit_url() -> str:
    """The neutral site the quick exit leaves for (``OPENNRM_PORTAL_EXIT_URL``)."""
    return str(settings.OPENNRM_PORTAL_EXIT_URL)
