"""The editor's form of a portal page. The service checks the text (opennrm.validation), so the
fields here only carry it: its messages are the ones shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PortalPageForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, strip=False)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text=_(
            "## for a heading, - for a list item, **bold**, *italic*, [words](https://address) "
            "or [call 1414](tel:1414) for a link. HTML is not allowed."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
