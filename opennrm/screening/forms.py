"""Forms of the screening pages: starting a screening and answering one dimension."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from opennrm.errors import ApplicationError
from opennrm.web import choice_field

from .models import Answer, Indicator, Language, Mode, Questionnaire


def interface_language() -> str:
    """The worker's interface language as a questionnaire language (English when unknown)."""
    language = (get_language() or "en").lower()
    return language if language in Language.values else Language.EN.value


class StartForm(forms.Form):
    questionnaire = forms.ChoiceField(label=_("Questionnaire"))
    language = forms.ChoiceField(
        label=_("Language of the questions"),
        choices=Language.choices,
        help_text=_("The person's language: in self-answer mode every screen is in it."),
    )
    mode = forms.ChoiceField(
        label=_("How the person answers"),
        choices=Mode.choices,
        widget=forms.RadioSelect,
        initial=Mode.WORKER_LED,
    )

    def __init__(self, *args: Any, questionnaires: list[Questionnaire], **kwargs: Any):
        super().__init__(*args, **kwargs)
        language = interface_language()
        choice_field(self, "questionnaire").choices = [
            (q.code, f"{q.text('title', language)} (v{q.version})") for q in questionnaires
        ]


ANSWER_CHOICES = [
    (Answer.YES, _("Yes")),
    (Answer.NO, _("No")),
    (Answer.UNKNOWN, _("Don't know")),
    # The person's choice not to answer; scored as not answered.
    (Answer.DECLINED, _("Rather not say")),
]


class DimensionForm(forms.Form):
    """One radio group per indicator of a dimension; a group left empty stays unanswered."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        indicators: list[Indicator],
        language: str,
        answers: dict[str, str],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        worker = interface_language()
        self.indicators = indicators
        for indicator in indicators:
            help_parts = [indicator.label_in(worker)]
            if worker != language:
                help_parts.insert(0, indicator.question_in(worker))
            self.fields[indicator.code] = forms.ChoiceField(
                label=indicator.question_in(language),
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=answers.get(indicator.code, ""),
                help_text=" · ".join(help_parts),
            )

    def answers(self) -> dict[str, str]:
        return {
            i.code: self.cleaned_data[i.code] for i in self.indicators if self.cleaned_data[i.code]
        }

    def add_service_errors(self, error: ApplicationError) -> None:
        if not error.errors:
            self.add_error(None, error.message)
        for path, messages in error.errors.items():
            name = path.removeprefix("answers.")
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class CompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
