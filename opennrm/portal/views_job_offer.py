"""The "check a job offer" page (decision 0027): a form posted to itself, answered with the
warning signs found. The answers are read and forgotten: not stored, not logged, not put in the
address (a POST, so they stay out of the history and the server's access log), no session; only
anonymous daily counters of checks and signs are kept."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import agencies, job_offer
from .site import hosting_organization


# No CSRF cookie: it would leave a trace of the portal on a phone someone else checks, and a
# forged post could do no more than any visitor can (add one to an anonymous counter).
@csrf_exempt
@never_cache
def job_offer_check(request: HttpRequest) -> HttpResponse:
    """The questions; once posted, the signs the answers show and what to do about each."""
    answers: dict[str, str] = {}
    result = None
    if request.method == "POST":
        answers = job_offer.job_offer_answers(request.POST)
        result = job_offer.job_offer_check(answers)
        day = agencies.public_today(hosting_organization())
        job_offer.job_offer_count(day=day, result=result)
    questions = [
        {
            "question": q,
            "choices": [
                {"value": value, "label": label, "checked": answers.get(q.name) == value}
                for value, label in q.choices
            ],
        }
        for q in job_offer.QUESTIONS
    ]
    return render(
        request,
        "portal/job_offer.html",
        {"questions": questions, "result": result, "answers": answers},
    )
