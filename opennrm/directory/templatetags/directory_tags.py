"""Filters for showing directory data: phone numbers as people write them, lists of codes."""

from django import template

register = template.Library()


@register.filter
def phone(number: str) -> str:
    from opennrm.directory.views import phone_display

    return phone_display(number or "")


@register.filter
def codes(values: list[str]) -> str:
    return ", ".join(values or [])
