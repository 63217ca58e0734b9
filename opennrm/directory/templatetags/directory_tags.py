"""Filters for showing directory data: phone numbers as people write them."""

from django import template

from opennrm.web import phone_display

register = template.Library()


@register.filter
def phone(number: str) -> str:
    return phone_display(number or "")
