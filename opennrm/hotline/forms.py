"""Forms of the hotline pages. They parse input only; the rules are the services'.

The new-signal form is built for speed: big radio groups for channel, caller and reason (one
click each), the caller's name and phone, one notes box, and defaults for the rest (a call, now,
in the language the operator works in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from opennrm.cases.forms import PRIVATE, PersonForm, lines
from opennrm.locales import LanguageField
from opennrm.validation import MAX_NAME
from opennrm.web import choice_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .models import CallerType, Channel, Outcome, Reason, Signal
from .services import MAX_NOTES


def ui_language() -> str:
    """The two-letter code of the language the page is shown in ("uz-latn" -> "uz")."""
    return (translation.get_language() or "").split("-")[0][:2]


def _radios(
    choices: list[tuple[str, Any]], label: StrOrPromise, **kwargs: Any
) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)


_DATE = {"type": "date"}
_OUTCOMES = [(value, label) for value, label in Outcome.choices if value != Outcome.CASE_OPENED]


class SignalForm(forms.Form):
    channel = _radios(Channel.choices, gettext_lazy("Channel"), initial=Channel.CALL)
    caller_type = _radios(CallerType.choices, gettext_lazy("Who contacted us"))
    reason = _radios(Reason.choices, gettext_lazy("Reason"))
    outcome = _radios(
        [("", gettext_lazy("No outcome yet")), *_OUTCOMES],
        gettext_lazy("Outcome"),
        required=False,
        initial="",
    )
    caller_name = forms.CharField(
        label=gettext_lazy("Caller's name"),
        required=False,
        max_length=MAX_NAME,
        help_text=gettext_lazy(
            "As the caller gives it, in any script: cases of the same name show."
        ),
        widget=forms.TextInput(attrs=PRIVATE),
    )
    phone = forms.CharField(
        label=gettext_lazy("Caller's phone"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("With the country code if it is not a local number."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", **PRIVATE}),
    )
    language = LanguageField(label=gettext_lazy("Language"))
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_NOTES, **PRIVATE}),
    )
    follow_up_on = forms.DateField(
        label=gettext_lazy("Follow up on"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Now, unless you log an earlier contact."),
    )

    def __init__(self, *args: Any, language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["language"].initial = language or ui_language()
            self.fields["received_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )

    def _bound(self, *names: str) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]

    @property
    def choice_groups(self) -> list[forms.BoundField]:
        """Shown as big radio buttons, in the order a call goes."""
        return self._bound("channel", "caller_type", "reason")

    @property
    def detail_fields(self) -> list[forms.BoundField]:
        return self._bound("caller_name", "phone", "language", "notes")

    @property
    def outcome_group(self) -> forms.BoundField:
        return self["outcome"]

    @property
    def later_fields(self) -> list[forms.BoundField]:
        return self._bound("follow_up_on", "followed_up_on", "received_at")

    def signal_data(self) -> dict[str, Any]:
        """The fields as the services take them; a blank time means now."""
        data = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        if data.get("received_at") is None and "received_at" in data:
            data.pop("received_at")
        return data


class SignalEditForm(SignalForm):
    followed_up_on = forms.DateField(
        label=gettext_lazy("Followed up on"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, signal: Signal, show_phone: bool, **kwargs: Any) -> None:
        super().__init__(*args, language=signal.language, **kwargs)
        self.fields["received_at"].help_text = ""
        if signal.case_id:
            # The outcome of a signal turned into a case stays "case opened".
            choice_field(self, "outcome").choices = [
                (Outcome.CASE_OPENED, Outcome.CASE_OPENED.label)
            ]
            self.fields["outcome"].disabled = True
        if not show_phone:
            del self.fields["phone"]
            del self.fields["caller_name"]

    @classmethod
    def initial_for(cls, signal: Signal) -> dict[str, Any]:
        initial = {name: getattr(signal, name) for name in cls.base_fields}
        initial["received_at"] = timezone.localtime(signal.received_at).replace(
            second=0, microsecond=0
        )
        return initial

    def signal_data(self) -> dict[str, Any]:
        data = super().signal_data()
        received = self.initial.get("received_at")
        # The form shows minutes: an unchanged time keeps its seconds.
        if received is not None and data.get("received_at") == received:
            data.pop("received_at")
        return data


class FollowedUpForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Opening a case from a signal: the person's basics, as the case pages ask for them.

PERSON_BASICS = [
    "given_name",
    "family_name",
    "patronymic",
    "other_names",
    "birth_year",
    "approximate_age",
    "gender",
    "citizenship",
    "languages",
    "phones",
]


class SignalCaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = PersonForm()
        for name in PERSON_BASICS:
            self.fields[name] = base.fields[name]

    @classmethod
    def initial_for(cls, signal: Signal, *, with_phone: bool) -> dict[str, Any]:
        """What the signal already tells about the person: their language, and their phone
        when the caller was the person themself."""
        initial: dict[str, Any] = {
            "version": signal.version,
            "languages": [signal.language] if signal.language else [],
        }
        if with_phone and signal.phone and signal.caller_type == CallerType.POTENTIAL_VICTIM:
            initial["phones"] = signal.phone
        return initial

    def person_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "given_name": d["given_name"],
            "family_name": d["family_name"],
            "patronymic": d["patronymic"],
            "names": lines(d["other_names"]),
            "birth_year": d["birth_year"],
            "approximate_age": d["approximate_age"],
            "gender": d["gender"],
            "citizenship": d["citizenship"],
            "languages": d["languages"],
            "phones": lines(d["phones"]),
        }
