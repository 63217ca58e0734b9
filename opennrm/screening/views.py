"""Screening pages: start a screening from a case, answer it (worker-led, one dimension a page,
or self-answer on a device handed to the person), review, complete, and read the result.

The self-answer screens speak the person's language whatever the worker's interface language,
show one question at a time and nothing of earlier answers, and are plain HTML forms (no
script, no image) so that they work on a slow connection. Every page is ``no-store``.
The person may answer "I'd rather not say": kept as given, scored as not answered, and said so
on the result.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.cases.selectors import case_get
from opennrm.errors import ApplicationError, Conflict, ValidationFailed
from opennrm.web import ActorRequest, actor_required, submit

from . import scoring, selectors, services
from .device_lock import device_lock, device_unlock
from .forms import CompleteForm, DimensionForm, StartForm, interface_language
from .loader import person_texts
from .models import Answer, Language, Mode, Screening, Status

CLAUSES = {
    "a": gettext_lazy("(a) two strong indicators"),
    "b": gettext_lazy("(b) one strong and one medium or weak indicator"),
    "c": gettext_lazy("(c) three medium indicators"),
    "d": gettext_lazy("(d) two medium and one weak indicator"),
}
GROUPS = {
    "recruitment": gettext_lazy("Recruitment: deceptive, coercive or by abuse of vulnerability"),
    "exploitation": gettext_lazy("Exploitation: exploitative conditions of work"),
    "coercion_at_destination": gettext_lazy("Coercion or abuse of vulnerability at destination"),
}
OUTCOMES = {
    scoring.POSSIBLE_VICTIM: gettext_lazy(
        "Possible victim of trafficking: the ILO/EC rule is met."
    ),
    scoring.RULE_NOT_MET: gettext_lazy("Indicators present, but the ILO/EC rule is not met."),
    scoring.NOT_ENOUGH_ANSWERS: gettext_lazy(
        "Not enough answers: the questions not yet answered could still change the result."
    ),
    scoring.INDICATORS_PRESENT: gettext_lazy("Indicators of forced labour are present."),
    scoring.NO_INDICATORS: gettext_lazy("No indicator of forced labour is present."),
}
WEIGHTS = {
    "strong": gettext_lazy("strong"),
    "medium": gettext_lazy("medium"),
    "weak": gettext_lazy("weak"),
}
ANSWER_LABELS = dict(Answer.choices)
HTML_LANG = {"uz-latn": "uz-Latn"}


def _screening(request: ActorRequest, screening_id: UUID, *, audit: bool = False) -> Screening:
    return selectors.screening_get(actor=request.actor, screening_id=screening_id, audit=audit)


def _indicator_rows(screening: Screening, codes: list[str]) -> list[dict[str, Any]]:
    language = interface_language()
    by_code = {i.code: i for i in selectors.indicator_list(screening.questionnaire)}
    return [
        {
            "code": code,
            "label": by_code[code].label_in(language),
            "weight": WEIGHTS.get(by_code[code].weight, ""),
        }
        for code in codes
        if code in by_code
    ]


def explain(screening: Screening, result: dict) -> dict[str, Any]:
    """The result in words, in the worker's language: per dimension, per group, the outcome."""
    language = interface_language()
    questionnaire = screening.questionnaire
    outcome = result["outcome"]
    headline = OUTCOMES[outcome]
    if outcome == scoring.RULE_NOT_MET and not result["present"]:
        headline = gettext_lazy("No indicator is present: the ILO/EC rule is not met.")
    dimensions = []
    for dimension in result.get("dimensions", []):
        dimensions.append(
            {
                "code": dimension["code"],
                "title": questionnaire.dimension_title(dimension["code"], language),
                "positive": dimension["positive"],
                "clause": CLAUSES.get(dimension["clause"] or "", ""),
                "by": _indicator_rows(screening, dimension["by"]),
                "present": _indicator_rows(screening, dimension["present"]),
                # Present besides those that meet the clause.
                "others": _indicator_rows(
                    screening, [c for c in dimension["present"] if c not in dimension["by"]]
                ),
                "unknown": len(dimension["unknown"]),
                # "Rather not say" is scored as not answered but told apart from a blank.
                "missing": len(dimension["missing"]) - len(dimension.get("declined", [])),
                "declined": len(dimension.get("declined", [])),
                "could_become_positive": dimension["could_become_positive"],
            }
        )
    groups = [
        {
            "label": GROUPS.get(group["name"], group["name"]),
            "dimensions": " / ".join(group["dimensions"]),
            "positive": group["positive"],
        }
        for group in result.get("groups", [])
    ]
    return {
        "outcome": outcome,
        "headline": headline,
        "suggests": bool(result.get("suggested_trafficking_status")),
        "dimensions": dimensions,
        "groups": groups,
        "present": _indicator_rows(screening, result["present"]),
        "needed": _indicator_rows(screening, result["needed"]),
        "declined": len(result.get("declined", [])),
        "child_rule": result["rule"] == "ilo-ec-child",
        "weighted": result["rule"] != "none",
    }


def _answer_table(screening: Screening) -> list[dict[str, Any]]:
    """The answers by dimension, for the worker: the question as asked, in the worker's words."""
    language = interface_language()
    sections: list[dict[str, Any]] = []
    for indicator in selectors.indicator_list(screening.questionnaire):
        if not sections or sections[-1]["code"] != indicator.dimension:
            sections.append(
                {
                    "code": indicator.dimension,
                    "title": screening.questionnaire.dimension_title(indicator.dimension, language),
                    "url": reverse(
                        "screening:dimension", args=[screening.uuid, indicator.dimension]
                    ),
                    "rows": [],
                    "missing": 0,
                }
            )
        answer = screening.answers.get(indicator.code, "")
        sections[-1]["rows"].append(
            {
                "label": indicator.label_in(language),
                "question": indicator.question_in(screening.language),
                "weight": WEIGHTS.get(indicator.weight, ""),
                "answer": answer,
                "answer_label": ANSWER_LABELS.get(answer, ""),
            }
        )
        sections[-1]["missing"] += not answer
    return sections


def _dimensions(screening: Screening) -> list[str]:
    codes: list[str] = []
    for indicator in selectors.indicator_list(screening.questionnaire):
        if indicator.dimension not in codes:
            codes.append(indicator.dimension)
    return codes


# --- Starting a screening.


def _default_questionnaire(case: Any) -> str:
    if case.person.is_minor:
        return "ilo-ec-2009-child-labour"
    if "SexualExploitation" in (case.exploitation_types or []):
        return "ilo-ec-2009-adult-sexual"
    return "ilo-ec-2009-adult-labour"


def _default_language(case: Any) -> str:
    spoken = {"uz": Language.UZ_LATN.value}
    for language in case.person.languages or []:
        code = spoken.get(language, language)
        if code in Language.values:
            return code
    return interface_language()


def _first_page_url(screening: Screening) -> str:
    """Where a new screening starts: the person's introduction, or the worker's first page."""
    if screening.mode == Mode.SELF_ANSWER:
        return reverse("screening:self_intro", kwargs={"screening_id": screening.uuid})
    first = _dimensions(screening)[0]
    return reverse(
        "screening:dimension", kwargs={"screening_id": screening.uuid, "dimension": first}
    )


@never_cache
@actor_required(perms.SCREENING_CONDUCT)
def screening_new(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Choose the questionnaire, the person's language and the mode; start a draft."""
    actor = request.actor
    case = case_get(actor=actor, case_id=case_id, audit=False)
    questionnaires = selectors.questionnaire_current_list(actor=actor)
    form = StartForm(
        request.POST or None,
        questionnaires=questionnaires,
        initial={
            "questionnaire": _default_questionnaire(case),
            "language": _default_language(case),
        },
    )
    done = submit(
        request,
        form,
        lambda: services.screening_start(
            actor=actor,
            case=case,
            questionnaire_code=form.cleaned_data["questionnaire"],
            language=form.cleaned_data["language"],
            mode=form.cleaned_data["mode"],
        ),
        redirect_to=_first_page_url,
    )
    return done or render(request, "screening/start.html", {"case": case, "form": form})


# --- The worker's pages.


def _render_detail(
    request: ActorRequest, screening: Screening, complete_form: CompleteForm | None = None
) -> HttpResponse:
    result = selectors.screening_result(screening)
    language = interface_language()
    declined = set(result.get("declined", []))
    missing = _indicator_rows(screening, result["missing"])
    for row in missing:
        row["declined"] = row["code"] in declined
    total = len(selectors.indicator_list(screening.questionnaire))
    context = {
        "screening": screening,
        "case": screening.case,
        "title": screening.questionnaire.text("title", language),
        "note": screening.questionnaire.text("note", language),
        "explanation": explain(screening, result),
        "sections": _answer_table(screening),
        # Not answered, or "rather not say" (marked): what the result cannot count.
        "missing": missing,
        "answered": total - len(missing),
        "total": total,
        # Questions never put to the person yet: the device can be handed over again.
        "unasked": total - len(screening.answers),
        "html_lang": HTML_LANG.get(screening.language, screening.language),
        "draft": screening.status == Status.DRAFT,
        "complete_form": complete_form or CompleteForm(initial={"version": screening.version}),
        "can_propose": request.actor.can(perms.IDENTIFICATION_PROPOSE),
    }
    return render(request, "screening/detail.html", context)


@never_cache
@actor_required(perms.SCREENING_CONDUCT)
def screening_detail(request: ActorRequest, screening_id: UUID) -> HttpResponse:
    """A draft: its answers, what is missing, the provisional result and the confirm button.
    A completed screening: its result, explained per dimension. An audited read."""
    return _render_detail(request, _screening(request, screening_id, audit=True))


@never_cache
@actor_required(perms.SCREENING_CONDUCT)
def screening_dimension(request: ActorRequest, screening_id: UUID, dimension: str) -> HttpResponse:
    """Worker-led: every question of one dimension, asked in the person's language."""
    screening = _screening(request, screening_id)
    codes = _dimensions(screening)
    if screening.status != Status.DRAFT:
        return redirect("screening:detail", screening_id=screening.uuid)
    if dimension not in codes:
        return redirect("screening:detail", screening_id=screening.uuid)
    indicators = [
        i for i in selectors.indicator_list(screening.questionnaire) if i.dimension == dimension
    ]
    form = DimensionForm(
        request.POST or None,
        indicators=indicators,
        language=screening.language,
        answers=screening.answers,
        initial={"version": screening.version},
    )
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            if answers:
                services.screening_answer(
                    actor=request.actor,
                    screening=screening,
                    answers=answers,
                    version=form.cleaned_data["version"],
                )
        except (ValidationFailed, Conflict) as exc:
            form.add_service_errors(exc)
        else:
            position = codes.index(dimension)
            if "next" in request.POST and position + 1 < len(codes):
                return redirect(
                    "screening:dimension",
                    screening_id=screening.uuid,
                    dimension=codes[position + 1],
                )
            messages.success(request, _("The answers were saved."))
            return redirect("screening:detail", screening_id=screening.uuid)
    position = codes.index(dimension)
    return render(
        request,
        "screening/dimension.html",
        {
            "screening": screening,
            "case": screening.case,
            "form": form,
            "dimension_title": screening.questionnaire.dimension_title(
                dimension, interface_language()
            ),
            "dimension": dimension,
            "step": position + 1,
            "steps": len(codes),
            "has_next": position + 1 < len(codes),
            "language_label": Language(screening.language).label,
        },
    )


def _complete_errors(form: CompleteForm, error: ApplicationError) -> None:
    form.add_error(None, error.message)
    if "status" in error.errors:
        form.add_error(None, error.errors["status"][0])


@require_POST
@never_cache
@actor_required(perms.SCREENING_CONDUCT)
def screening_complete(request: ActorRequest, screening_id: UUID) -> HttpResponse:
    """The worker confirms the answers and saves: the screening is completed, its result kept."""
    screening = _screening(request, screening_id)
    form = CompleteForm(request.POST)
    done = submit(
        request,
        form,
        lambda: services.screening_complete(
            actor=request.actor, screening=screening, version=form.cleaned_data["version"]
        ),
        success=_("The screening was completed and saved."),
        redirect_to=reverse("screening:detail", kwargs={"screening_id": screening.uuid}),
        errors=_complete_errors,
    )
    return done or _render_detail(request, screening, complete_form=form)


# --- The self-answer mode: the device is in the person's hands.


def _person_page(
    request: ActorRequest, screening: Screening, template: str, **context: Any
) -> HttpResponse:
    language = screening.language
    every = person_texts()
    # A child questionnaire's screens speak to the child: "<key>.child" replaces "<key>".
    population = screening.questionnaire.population
    texts = {
        key: (every.get(f"{key}.{population}") or value).get(language) or value["en"]
        for key, value in every.items()
        if "." not in key
    }
    return render(
        request,
        template,
        {
            "screening": screening,
            "texts": texts,
            "html_lang": HTML_LANG.get(language, language),
            **context,
        },
    )


@never_cache
@actor_required(perms.SCREENING_CONDUCT)
def self_intro(request: ActorRequest, screening_id: UUID) -> HttpResponse:
    """What the person reads first, in their language, before the first question."""
    screening = _screening(request, screening_id)
    if screening.status != Status.DRAFT:
        return redirect("screening:detail", screening_id=screening.uuid)
    device_lock(request, str(screening.uuid))
    return _person_page(request, screening, "screening/self_intro.html")


@never_cache
@actor_required(perms.SCREENING_CONDUCT)
def self_question(request: ActorRequest, screening_id: UUID) -> HttpResponse:
    """One unanswered question, four big buttons (yes, no, don't know, rather not say); each
    answer is saved into the draft."""
    screening = _screening(request, screening_id)
    if screening.status != Status.DRAFT:
        return redirect("screening:self_done", screening_id=screening.uuid)
    if request.method == "POST":
        code = request.POST.get("indicator", "")
        value = request.POST.get("answer", "")
        # A stale or forged post changes nothing: the next unanswered question shows again.
        with suppress(ValidationFailed):
            services.screening_answer(
                actor=request.actor, screening=screening, answers={code: value}
            )
        return redirect("screening:self_question", screening_id=screening.uuid)
    indicator, number, total = selectors.screening_next_indicator(screening)
    if indicator is None:
        return redirect("screening:self_done", screening_id=screening.uuid)
    return _person_page(
        request,
        screening,
        "screening/self_question.html",
        indicator=indicator,
        question=indicator.question_in(screening.language),
        number=number,
        total=total,
    )


@never_cache
@actor_required(perms.SCREENING_CONDUCT)
def self_done(request: ActorRequest, screening_id: UUID) -> HttpResponse:
    """The end: "give the device back", in the person's language; a link for the worker."""
    screening = _screening(request, screening_id)
    indicator, _number, _total = selectors.screening_next_indicator(screening)
    return _person_page(request, screening, "screening/self_done.html", finished=indicator is None)


@never_cache
@require_POST
@actor_required(perms.SCREENING_CONDUCT)
def self_unlock(request: ActorRequest, screening_id: UUID) -> HttpResponse:
    """The worker takes the device back with their password (django-axes counts failures)."""
    screening = _screening(request, screening_id)
    user = authenticate(
        request, username=request.user.get_username(), password=request.POST.get("password", "")
    )
    if user is None or user.pk != request.user.pk:
        indicator, _number, _total = selectors.screening_next_indicator(screening)
        return _person_page(
            request,
            screening,
            "screening/self_done.html",
            finished=indicator is None,
            unlock_failed=True,
        )
    device_unlock(request)
    return redirect("screening:detail", screening_id=screening.uuid)
