"""Forms of the case pages. They parse input only; every rule of the domain is the services'.

Identifying fields carry ``autocomplete="off"`` so a browser does not keep names in its
form history, and the search box is posted, never put in a query string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet, TextChoices
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from opennrm.accounts.models import Organization, OrganizationType, User
from opennrm.errors import ApplicationError
from opennrm.locales import CountriesField, CountryField, LanguageField, LanguagesField
from opennrm.people.models import (
    DocumentStatus,
    DocumentType,
    Education,
    Gender,
    MaritalStatus,
    Person,
    PhoneKind,
    document_status,
)
from opennrm.web import choice_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .choices import (
    CLOSED_STATUSES,
    STATUS_TRANSITIONS,
    AccommodationNeed,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    ContactChannel,
    ContactSafety,
    DatePrecision,
    DecisionMakingOrganization,
    ExploitationType,
    ForcedLabourIndustry,
    HistoricEventType,
    IdentificationStage,
    MethodOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    RecruitmentPlatform,
    RelationshipToTrafficker,
    RiskLevel,
    ServiceStatus,
    ServiceType,
    SexExploitationType,
    SupportPlanType,
    TraffickingStatus,
)
from .models import Case, HistoricEvent, IdentificationDecision, SupportPlan
from .selectors import CaseFilters

PRIVATE = {"autocomplete": "off", "spellcheck": "false"}


def _blank(choices: type[TextChoices], label: StrOrPromise = "—") -> list[tuple[str, StrOrPromise]]:
    return [("", label), *choices.choices]


def _date(**kwargs: Any) -> forms.DateField:
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return forms.DateField(required=False, widget=widget, **kwargs)


def _checks(choices: type[TextChoices], label: StrOrPromise) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _text(label: StrOrPromise, max_length: int | None = None, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs=attrs),
    )


def _area(
    label: StrOrPromise, max_length: int | None = None, rows: int = 3, **kwargs: Any
) -> forms.CharField:
    attrs = {"rows": rows, **kwargs.pop("attrs", {})}
    return forms.CharField(
        label=label, max_length=max_length, required=False, widget=forms.Textarea(attrs), **kwargs
    )


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class GroupedForm(forms.Form):
    """A form shown as fieldsets: ``fieldsets`` is a list of (legend, field names)."""

    fieldsets: list[tuple[StrOrPromise, list[str]]] = []

    def fieldset_list(self) -> list[tuple[StrOrPromise, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]


# --- Service field paths -> form fields. The services name fields as in their arguments
# ("person.birth_date", "person.documents[0].number", "transit_countries[2]"); a path not
# listed here is shown above the form.

ERROR_FIELDS: dict[str, str] = {
    "opened_on": "opened_on",
    "person.given_name": "given_name",
    "person.family_name": "family_name",
    "person.patronymic": "patronymic",
    "person.names": "other_names",
    "person.names[]": "other_names",
    "person.birth_date": "birth_date",
    "person.birth_year": "birth_year",
    "person.approximate_age": "approximate_age",
    "person.documents[0].type": "document_type",
    "person.documents[0].number": "document_number",
    "person.documents[0].country": "document_country",
    "person.documents[0].status": "document_status",
    "person.phones": "phones",
    "person.phones[]": "phones",
    "person.address": "address",
    "person.address_parts": "address_city",
    "person.address_parts.city": "address_city",
    "person.address_parts.state": "address_state",
    "person.address_parts.postal_code": "address_postal_code",
    "person.address_parts.country": "address_country",
    "person.gender": "gender",
    "person.citizenship": "citizenship",
    "person.other_citizenships": "other_citizenships",
    "person.other_citizenships[]": "other_citizenships",
    "person.languages": "languages",
    "person.languages[]": "languages",
    "person.marital_status": "marital_status",
    "person.education": "education",
    "person.number_of_children": "number_of_children",
    "exploitation_types": "exploitation_types",
    "sex_exploitation_types": "sex_exploitation_types",
    "forced_labour_industry": "forced_labour_industry",
    "methods_of_control": "methods_of_control",
    "recruitment_methods": "recruitment_methods",
    "recruitment_platforms": "recruitment_platforms",
    "relationship_to_trafficker": "relationship_to_trafficker",
    "age_when_trafficked": "age_when_trafficked",
    "perpetrator_roles": "perpetrator_roles",
    "country_of_origin": "country_of_origin",
    "transit_countries": "transit_countries",
    "transit_countries[]": "transit_countries",
    "country_of_exploitation": "country_of_exploitation",
    "city_of_exploitation": "city_of_exploitation",
    "recruited_on": "recruited_on",
    "exploitation_began_on": "exploitation_began_on",
    "exited_on": "exited_on",
}
# Fields typed one item per line: an error names the line, since it cannot repeat the value.
_LINE_FIELDS = {"other_names", "phones"}
_INDEX = re.compile(r"\[(\d+)\]")


def add_path_errors(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's errors beside the form fields their paths name; the rest above it.

    A form with typed inputs in a list (the person's mobile and home phone) says where each
    item of the list came from: ``form.list_sources[path]``, one field name per item."""
    if not error.errors:
        form.add_error(None, error.message)
    sources: dict[str, list[str]] = getattr(form, "list_sources", {})
    for path, messages in error.errors.items():
        name = ERROR_FIELDS.get(path) or ERROR_FIELDS.get(_INDEX.sub("[]", path))
        index = _INDEX.search(path)
        line = int(index.group(1)) if index else None
        listed = sources.get(_INDEX.sub("", path), [])
        if line is not None and line < len(listed):
            name = listed[line]
            line -= listed.index(name)  # the line within that field
        if name not in form.fields:
            name = None
        for message in messages:
            if name in _LINE_FIELDS and line is not None:
                message = _("Line %(number)d: %(message)s") % {
                    "number": line + 1,
                    "message": message,
                }
            form.add_error(name, message)


# --- The person.


class PersonForm(GroupedForm):
    given_name = _text(gettext_lazy("Given name"), 200, **PRIVATE)
    family_name = _text(gettext_lazy("Family name"), 200, **PRIVATE)
    patronymic = _text(gettext_lazy("Patronymic or middle name"), 200, **PRIVATE)
    other_names = _area(
        gettext_lazy("Other names and spellings"),
        help_text=gettext_lazy("One per line: other scripts, maiden names, nicknames."),
        attrs=PRIVATE,
    )
    birth_date = _date(label=gettext_lazy("Birth date"))
    birth_year = forms.IntegerField(label=gettext_lazy("or birth year"), required=False)
    approximate_age = forms.IntegerField(label=gettext_lazy("or approximate age"), required=False)
    document_type = forms.ChoiceField(
        label=gettext_lazy("Document type"), choices=_blank(DocumentType), required=False
    )
    document_number = _text(gettext_lazy("Document number"), 50, **PRIVATE)
    document_country = CountryField(label=gettext_lazy("Issued by (country)"))
    document_status = forms.ChoiceField(
        label=gettext_lazy("Where the document is"),
        choices=DocumentStatus.choices,
        initial=DocumentStatus.HELD_BY_PERSON,
        required=False,
    )
    mobile_phone = _text(gettext_lazy("Mobile phone"), 40, inputmode="tel", **PRIVATE)
    home_phone = _text(gettext_lazy("Home phone"), 40, inputmode="tel", **PRIVATE)
    phones = _area(
        gettext_lazy("Other phone numbers"),
        rows=2,
        help_text=gettext_lazy("One per line, with the country code, e.g. +998 90 123 45 67."),
        attrs=PRIVATE,
    )
    address = _area(gettext_lazy("Street and house"), 500, rows=2, attrs=PRIVATE)
    address_city = _text(gettext_lazy("City or village"), 100, **PRIVATE)
    address_state = _text(gettext_lazy("Region or province"), 100, **PRIVATE)
    address_postal_code = _text(gettext_lazy("Postal code"), 20, **PRIVATE)
    address_country = CountryField(label=gettext_lazy("Country of the address"))
    gender = forms.ChoiceField(
        label=gettext_lazy("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN
    )
    citizenship = CountryField(label=gettext_lazy("Citizenship"))
    other_citizenships = CountriesField(label=gettext_lazy("Other citizenships"))
    primary_language = LanguageField(label=gettext_lazy("Primary language"))
    languages = LanguagesField(label=gettext_lazy("Other languages"))
    marital_status = forms.ChoiceField(
        label=gettext_lazy("Marital status"), choices=_blank(MaritalStatus), required=False
    )
    education = forms.ChoiceField(
        label=gettext_lazy("Highest education"), choices=_blank(Education), required=False
    )
    number_of_children = forms.IntegerField(
        label=gettext_lazy("Number of children"), required=False
    )

    fieldsets = [
        (
            pgettext_lazy("person", "Name"),  # a person's name, not the name of a thing
            ["given_name", "family_name", "patronymic", "other_names"],
        ),
        (
            gettext_lazy("Birth: the date, the year or an approximate age"),
            ["birth_date", "birth_year", "approximate_age"],
        ),
        (
            gettext_lazy("Identity document"),
            ["document_type", "document_number", "document_country", "document_status"],
        ),
        (
            gettext_lazy("Contact"),
            [
                "mobile_phone",
                "home_phone",
                "phones",
                "address",
                "address_city",
                "address_state",
                "address_postal_code",
                "address_country",
            ],
        ),
        (
            gettext_lazy("About the person"),
            [
                "gender",
                "citizenship",
                "other_citizenships",
                "primary_language",
                "languages",
                "marital_status",
                "education",
                "number_of_children",
            ],
        ),
    ]

    def person_data(self, *, other_documents: Iterable[dict] = ()) -> dict[str, Any]:
        """The person as the services take it. The form edits the first identity document;
        ``other_documents`` (entered through the API) are kept after it."""
        d = self.cleaned_data
        document = {
            "type": d["document_type"],
            "number": d["document_number"],
            "country": d["document_country"],
        }
        status = d["document_status"] or DocumentStatus.HELD_BY_PERSON
        # A status other than the default is a document too ("passport taken", number unknown).
        if any(document.values()) or status != DocumentStatus.HELD_BY_PERSON:
            document["status"] = status
        # The mobile and home phone first, then the others; each typed number has its kind.
        typed = [
            (name, d[name].strip(), kind)
            for name, kind in (("mobile_phone", PhoneKind.MOBILE), ("home_phone", PhoneKind.HOME))
            if d[name].strip()
        ]
        others = lines(d["phones"])
        self.list_sources = {
            "person.phones": [name for name, _n, _k in typed] + ["phones"] * len(others),
            "person.phone_kinds": [name for name, _n, _k in typed],
        }
        return {
            "given_name": d["given_name"],
            "family_name": d["family_name"],
            "patronymic": d["patronymic"],
            "names": lines(d["other_names"]),
            "birth_date": d["birth_date"],
            "birth_year": d["birth_year"],
            "approximate_age": d["approximate_age"],
            "documents": ([document] if "status" in document else []) + list(other_documents),
            "phones": [number for _name, number, _kind in typed] + others,
            "phone_kinds": {number: str(kind) for _name, number, kind in typed},
            "address": d["address"],
            "address_parts": {
                "city": d["address_city"],
                "state": d["address_state"],
                "postal_code": d["address_postal_code"],
                "country": d["address_country"],
            },
            "gender": d["gender"],
            "citizenship": d["citizenship"],
            "other_citizenships": d["other_citizenships"],
            # The primary language first (HTCDS prs_PrimaryLanguage), then the others.
            "languages": [c for c in [d["primary_language"], *d["languages"]] if c],
            "marital_status": d["marital_status"],
            "education": d["education"],
            "number_of_children": d["number_of_children"],
        }


def _phones_initial(person: Person) -> dict[str, str]:
    """The first mobile and the first home number in their inputs; the others one per line."""
    initial = {"mobile_phone": "", "home_phone": ""}
    others = []
    for number in person.phones:
        name = f"{person.phone_kinds.get(number, '')}_phone"
        if name in initial and not initial[name]:
            initial[name] = number
        else:
            others.append(number)
    return {**initial, "phones": "\n".join(others)}


class PersonEditForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        """The person's current values, as the edit form shows them."""
        document = person.documents[0] if person.documents else {}
        return {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "patronymic": person.patronymic,
            "other_names": "\n".join(n["value"] for n in person.names),
            "birth_date": person.birth_date or None,
            "birth_year": person.birth_year or None,
            "approximate_age": person.approximate_age or None,
            "document_type": document.get("type", ""),
            "document_number": document.get("number", ""),
            "document_country": document.get("country", ""),
            "document_status": document_status(document) if document else "",
            **_phones_initial(person),
            "address": person.address,
            "address_city": person.address_parts.get("city", ""),
            "address_state": person.address_parts.get("state", ""),
            "address_postal_code": person.address_parts.get("postal_code", ""),
            "address_country": person.address_parts.get("country", ""),
            "gender": person.gender,
            "citizenship": person.citizenship,
            "other_citizenships": person.other_citizenships,
            "primary_language": person.languages[0] if person.languages else "",
            "languages": person.languages[1:],
            "marital_status": person.marital_status,
            "education": person.education,
            "number_of_children": person.number_of_children,
            "version": person.version,
        }


# --- Trafficking: exploitation, recruitment, route. The trafficking status is not here: an
# identification decision a supervisor approves sets it.


class CaseFieldsForm(GroupedForm):
    exploitation_types = _checks(ExploitationType, gettext_lazy("Types of exploitation"))
    sex_exploitation_types = _checks(
        SexExploitationType, gettext_lazy("Types of sexual exploitation")
    )
    forced_labour_industry = forms.ChoiceField(
        label=gettext_lazy("Forced labour industry"),
        choices=_blank(ForcedLabourIndustry),
        required=False,
    )
    methods_of_control = _checks(MethodOfControl, gettext_lazy("Methods of control"))
    recruitment_methods = _checks(RecruitmentMethod, gettext_lazy("Methods of recruitment"))
    recruitment_platforms = _checks(
        RecruitmentPlatform, gettext_lazy("Recruitment websites and apps")
    )
    relationship_to_trafficker = forms.ChoiceField(
        label=gettext_lazy("Relationship to trafficker"),
        choices=_blank(RelationshipToTrafficker),
        required=False,
    )
    age_when_trafficked = forms.IntegerField(
        label=gettext_lazy("Age when trafficked"), required=False
    )
    perpetrator_roles = _checks(PerpetratorRole, gettext_lazy("Perpetrators' roles"))
    country_of_origin = CountryField(label=gettext_lazy("Country of origin"))
    transit_countries = CountriesField(label=gettext_lazy("Transit countries"))
    country_of_exploitation = CountryField(label=gettext_lazy("Country of exploitation"))
    city_of_exploitation = _text(gettext_lazy("City of exploitation"), 100)
    recruited_on = _date(label=gettext_lazy("Date of recruitment"))
    exploitation_began_on = _date(label=gettext_lazy("Exploitation began"))
    exited_on = _date(label=gettext_lazy("Date of exit"))

    fieldsets = [
        (
            gettext_lazy("Exploitation"),
            [
                "exploitation_types",
                "sex_exploitation_types",
                "forced_labour_industry",
                "methods_of_control",
            ],
        ),
        (
            gettext_lazy("Recruitment and perpetrators"),
            [
                "recruitment_methods",
                "recruitment_platforms",
                "relationship_to_trafficker",
                "age_when_trafficked",
                "perpetrator_roles",
            ],
        ),
        (
            gettext_lazy("Route and dates"),
            [
                "country_of_origin",
                "transit_countries",
                "country_of_exploitation",
                "city_of_exploitation",
                "recruited_on",
                "exploitation_began_on",
                "exited_on",
            ],
        ),
    ]

    def case_data(self) -> dict[str, Any]:
        """The case fields as the services take them."""
        return {name: self.cleaned_data[name] for name in CaseFieldsForm.base_fields}


class CaseEditForm(CaseFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        initial = {name: getattr(case, name) for name in cls.base_fields if name != "version"}
        initial["version"] = case.version
        return initial


class CaseOpenForm(PersonForm, CaseFieldsForm):
    opened_on = _date(label=gettext_lazy("Opened on"))

    fieldsets = [
        *PersonForm.fieldsets,
        (gettext_lazy("The case"), ["opened_on"]),
        *CaseFieldsForm.fieldsets,
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].initial = timezone.localdate()


# --- The case list: statistical filters by GET, the name search by POST.


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=_blank(CaseStatus, gettext_lazy("Any")),
        required=False,
    )
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), required=False)
    exploitation_type = forms.ChoiceField(
        label=gettext_lazy("Exploitation"),
        choices=_blank(ExploitationType, gettext_lazy("Any")),
        required=False,
    )
    # Chosen from a list: a GET form must give no room to type a name into the URL.
    citizenship = CountryField(label=gettext_lazy("Citizenship"))
    gender = forms.ChoiceField(
        label=gettext_lazy("Gender"), choices=_blank(Gender, gettext_lazy("Any")), required=False
    )
    opened_from = _date(label=gettext_lazy("Opened from"))
    opened_to = _date(label=gettext_lazy("Opened to"))
    trafficking_status = forms.ChoiceField(
        label=gettext_lazy("Trafficking status"),
        choices=_blank(TraffickingStatus, gettext_lazy("Any")),
        required=False,
    )
    decision_pending = forms.BooleanField(
        label=gettext_lazy("An identification decision awaits approval"), required=False
    )

    def __init__(self, *args: Any, owners: Iterable[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "owner").choices = [("", _("Anyone"))] + [
            (str(user.uuid), user.full_name or user.email) for user in owners
        ]

    def filters(self, *, q: str = "") -> CaseFilters:
        """The valid filters; a bad one is shown beside its field and left out."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return CaseFilters(
            status=data.get("status") or "",
            owner=data.get("owner") or "",
            exploitation_type=data.get("exploitation_type") or "",
            citizenship=data.get("citizenship") or "",
            gender=data.get("gender") or "",
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
            trafficking_status=data.get("trafficking_status") or "",
            decision_pending=bool(data.get("decision_pending")),
            q=q,
        )

    def query_string(self) -> str:
        """The valid filters as a query string, for the page links and the search to keep."""
        data = getattr(self, "cleaned_data", {})
        return urlencode(
            {
                name: value.isoformat() if isinstance(value, date) else value
                for name, value in data.items()
                if value
            }
        )


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name or case number"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", **PRIVATE}),
    )
    page = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


# --- The case header and tabs. Several forms share a page: each has its own element ids.


class PartForm(forms.Form):
    id_prefix = "part"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class StatusForm(PartForm):
    id_prefix = "status"

    status = forms.ChoiceField(label=gettext_lazy("Change status to"))
    reason = _area(
        gettext_lazy("Reason for closure"),
        2000,
        rows=2,
        help_text=gettext_lazy("Needed to close the case."),
    )

    def __init__(self, *args: Any, case: Case, can_close: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS[case.status]
        if not can_close:
            allowed = frozenset() if case.status in CLOSED_STATUSES else allowed - CLOSED_STATUSES
        choice_field(self, "status").choices = [
            (v, label) for v, label in CaseStatus.choices if v in allowed
        ]
        if not allowed & CLOSED_STATUSES:
            del self.fields["reason"]

    @property
    def has_choices(self) -> bool:
        return bool(choice_field(self, "status").choices)


class DecisionForm(PartForm):
    """A proposal: a first decision of a stage, or the reconsideration of the decision in force."""

    id_prefix = "decision"

    stage = forms.ChoiceField(label=gettext_lazy("Decision"), choices=IdentificationStage.choices)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[
            ("", gettext_lazy("A victim of trafficking (presumed or identified, as the stage)")),
            (TraffickingStatus.NOT_A_VICTIM.value, TraffickingStatus.NOT_A_VICTIM.label),
        ],
    )
    decided_by_type = forms.ChoiceField(
        label=gettext_lazy("Decided by"),
        choices=DecisionMakingOrganization.choices,
        initial=DecisionMakingOrganization.NGO,
        help_text=gettext_lazy("The type of organization that decides."),
    )
    grounds = forms.CharField(
        label=gettext_lazy("Grounds"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    requested_early = forms.BooleanField(
        label=gettext_lazy(
            "The person asks for the conclusive decision before the end of the "
            "recovery and reflection period"
        ),
        required=False,
    )
    reconsiders = forms.ChoiceField(label=gettext_lazy("Reconsider"), required=False)
    new_information = _area(
        gettext_lazy("New information (for a reconsideration)"), 5000, attrs=PRIVATE
    )

    def __init__(self, *args: Any, in_force: IdentificationDecision | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, StrOrPromise]] = [("", gettext_lazy("No: a new decision"))]
        if in_force is not None:
            label = _("Yes: the decision in force (%(stage)s, %(date)s)") % {
                "stage": in_force.get_stage_display(),
                "date": in_force.decided_on.isoformat() if in_force.decided_on else "—",
            }
            choices.append((str(in_force.uuid), label))
        choice_field(self, "reconsiders").choices = choices

    def service_data(self, in_force: IdentificationDecision | None) -> dict[str, Any]:
        """The service's arguments; ``reconsiders`` is the decision in force when chosen."""
        data = dict(self.cleaned_data)
        chosen = data.pop("reconsiders")
        data["reconsiders"] = in_force if chosen and in_force is not None else None
        return data


class AuthorityDecisionForm(PartForm):
    """The competent authority's decision, as the organization records it."""

    id_prefix = "authority"

    stage = forms.ChoiceField(label=gettext_lazy("Decision"), choices=IdentificationStage.choices)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=TraffickingStatus.choices)
    authority_name = forms.CharField(
        label=gettext_lazy("Authority"), max_length=200, required=False
    )
    decided_by_type = forms.ChoiceField(
        label=gettext_lazy("Type of authority"),
        choices=DecisionMakingOrganization.choices,
        initial=DecisionMakingOrganization.GOVERNMENT,
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=PRIVATE),
    )
    decided_on = _date(label=gettext_lazy("Date of the decision"))
    grounds = _area(gettext_lazy("Summary of the decision"), 5000, attrs=PRIVATE)


class PlanForm(PartForm):
    id_prefix = "plan"

    plan_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=SupportPlanType.choices)
    objectives = _area(gettext_lazy("Objectives"), 5000)
    action_plan = _area(gettext_lazy("Action plan"), 5000)
    planned_end_on = _date(label=gettext_lazy("Planned end"))
    ended_on = _date(
        label=gettext_lazy("Ended on"),
        help_text=gettext_lazy("Only for a plan that has already ended."),
    )


class PlanEndForm(forms.Form):
    ended_on = _date(label=gettext_lazy("Ended on"), help_text=gettext_lazy("Empty: today."))

    @classmethod
    def of(cls, plan: SupportPlan, data: Any = None) -> PlanEndForm:
        """The form ending ``plan``: its inputs' ids are the plan's, as a tab lists several."""
        return cls(data, auto_id=f"end-{plan.uuid}-%s")


def _organization_choices(organizations: Iterable[Organization], empty: str) -> list:
    return [("", empty)] + [(str(o.uuid), o.name) for o in organizations]


class ServiceForm(PartForm):
    id_prefix = "service"

    service_type = forms.ChoiceField(label=gettext_lazy("Service"), choices=ServiceType.choices)
    provider = forms.ChoiceField(label=gettext_lazy("Provided by"), required=False)
    plan = forms.ChoiceField(label=gettext_lazy("Support plan"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ServiceStatus.choices)
    started_on = _date(label=gettext_lazy("Start"))
    ended_on = _date(label=gettext_lazy("End"))
    destination_country = CountryField(
        label=gettext_lazy("Country of return"), help_text=gettext_lazy("For return travel.")
    )

    def __init__(
        self,
        *args: Any,
        organizations: Iterable[Organization] = (),
        plans: Iterable[SupportPlan] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "provider").choices = _organization_choices(
            organizations, _("Our organization")
        )
        choice_field(self, "plan").choices = [("", _("None"))] + [
            (str(p.uuid), p.get_plan_type_display()) for p in plans
        ]


class ConsentForm(PartForm):
    id_prefix = "consent"

    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=ConsentPurpose.choices)
    method = forms.ChoiceField(
        label=gettext_lazy("How it was given"),
        # "Recorded from a file" is the import's: a person at the desk knows how it was given.
        choices=[c for c in ConsentMethod.choices if c[0] != ConsentMethod.RECORDED],
    )
    given_on = _date(label=gettext_lazy("Given on"))
    recipient_organization = forms.ChoiceField(
        label=gettext_lazy("Referral to"),
        required=False,
        help_text=gettext_lazy("For a referral: the organization…"),
    )
    recipient_type = forms.ChoiceField(
        label=gettext_lazy("Referral to any"),
        choices=_blank(OrganizationType),
        required=False,
        help_text=gettext_lazy("…or any organization of this type."),
    )
    guardian_name = _text(gettext_lazy("Guardian"), 200, **PRIVATE)

    def __init__(self, *args: Any, organizations: Iterable[Organization] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        choice_field(self, "recipient_organization").choices = _organization_choices(
            organizations, "—"
        )
        self.fields["given_on"].initial = timezone.localdate()
        self.fields["guardian_name"].help_text = _("For a child: who consented for them.")


class ConsentWithdrawForm(PartForm):
    """The confirmation of a withdrawal: why (required; the service says so, as in the API)."""

    id_prefix = "withdraw"

    reason = _area(gettext_lazy("Why the person withdrew it"), rows=3)


class NoteForm(PartForm):
    id_prefix = "note"

    body = forms.CharField(
        label=gettext_lazy("New note"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the organization, shown by name (e-mail when there is none)."""

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class MembersChoiceField(forms.ModelMultipleChoiceField):
    """Members of the organization, shown by name (e-mail when there is none)."""

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class AssignForm(forms.Form):
    """A supervisor gives the case an owner and a team among the organization's case workers."""

    owner = MemberChoiceField(
        queryset=User.objects.none(),
        to_field_name="uuid",
        label=gettext_lazy("Owner"),
        empty_label=None,
    )
    team = MembersChoiceField(
        queryset=User.objects.none(),
        to_field_name="uuid",
        required=False,
        label=gettext_lazy("Team"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "team"):
            field = self.fields[name]
            assert isinstance(field, MemberChoiceField | MembersChoiceField)
            field.queryset = members


# --- The route: its stops (historic events) and the case's files.


# The service's names for the date of a stop, and the form fields that show their errors.
STOP_ERROR_FIELDS = {"occurred_on": "year", "date_precision": "month"}


class RouteStopForm(PartForm):
    """A stop of the route. The date is typed as a year, a month and a day, each of which may
    be left out from the day upwards: "2005", "March 2005", "14 March 2005", or nothing."""

    id_prefix = "stop"

    event_type = forms.ChoiceField(label=gettext_lazy("What happened there"))
    city = _text(gettext_lazy("Place (city, town or village)"), 100)
    country = CountryField(label=gettext_lazy("Country"))
    day = forms.IntegerField(
        label=gettext_lazy("Day"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 3}),
    )
    month = forms.ChoiceField(
        label=gettext_lazy("Month"),
        choices=[("", "—"), *((str(n), name) for n, name in MONTHS.items())],
        required=False,
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    description = _area(gettext_lazy("What happened (optional)"), 5000, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "event_type").choices = HistoricEventType.choices
        for name in ("city", "description"):
            self.fields[name].widget.attrs.update(PRIVATE)

    def place_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("event_type", "city", "country")]

    def date_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("day", "month", "year")]

    def note_fields(self) -> list[forms.BoundField]:
        return [self["description"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, month, year = data.get("day"), data.get("month"), data.get("year")
        if day is not None and not month:
            self.add_error("month", _("Give the month of this day, or leave the day out."))
        elif month and year is None:
            self.add_error("year", _("Give the year of this month, or leave the month out."))
        elif year is not None:
            try:
                date(year, int(month or 1), day or 1)
            except (ValueError, OverflowError):
                self.add_error("day", _("There is no such day in this month."))
        return data

    def stop_data(self) -> dict[str, Any]:
        """The stop as the services take it: a date and how much of it is known."""
        d = self.cleaned_data
        day, month, year = d["day"], d["month"], d["year"]
        if year is None:
            occurred_on, precision = None, DatePrecision.DAY
        elif not month:
            occurred_on, precision = date(year, 1, 1), DatePrecision.YEAR
        elif day is None:
            occurred_on, precision = date(year, int(month), 1), DatePrecision.MONTH
        else:
            occurred_on, precision = date(year, int(month), day), DatePrecision.DAY
        return {
            "event_type": d["event_type"],
            "occurred_on": occurred_on,
            "date_precision": precision,
            "country": d["country"],
            "city": d["city"],
            "description": d["description"],
        }

    @classmethod
    def initial_for(cls, event: HistoricEvent) -> dict[str, Any]:
        """The stop's current values, as the edit form shows them."""
        on, precision = event.occurred_on, event.date_precision
        return {
            "event_type": event.event_type,
            "city": event.city,
            "country": event.country,
            "year": on.year if on else None,
            "month": str(on.month) if on and precision != DatePrecision.YEAR else "",
            "day": on.day if on and precision == DatePrecision.DAY else None,
            "description": event.description,
        }


def add_stop_errors(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's errors about a stop beside the fields: the date's beside the year."""
    if not error.errors:
        form.add_error(None, error.message)
    for path, messages in error.errors.items():
        name = STOP_ERROR_FIELDS.get(path, path)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class AttachmentForm(PartForm):
    """A file for the case: what it is is checked by its content, by the service."""

    id_prefix = "attachment"

    file = forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=True,  # the service says why an empty file is refused
        help_text=gettext_lazy("PDF, PNG or JPEG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    description = _text(gettext_lazy("What it is (optional)"), 1000, **PRIVATE)


# --- Perpetrators, needs and risks, the person's own account (decision 0017).


def add_list_errors(form: forms.Form, error: ApplicationError) -> None:
    """A service's errors beside the fields their paths name ("phones[2]" beside ``phones``,
    as "Line 3: ..."), the rest above the form."""
    if not error.errors:
        form.add_error(None, error.message)
    for path, messages in error.errors.items():
        name = _INDEX.sub("", path)
        index = _INDEX.search(path)
        line = index is not None and isinstance(form.fields.get(name), forms.CharField)
        for message in messages:
            if line and index is not None:
                message = _("Line %(number)d: %(message)s") % {
                    "number": int(index.group(1)) + 1,
                    "message": message,
                }
            form.add_error(name if name in form.fields else None, message)


class PerpetratorForm(PartForm):
    id_prefix = "perpetrator"

    name = _area(
        gettext_lazy("Name or description"),
        500,
        rows=2,
        help_text=gettext_lazy("A name, a nickname, or what the person remembers of them."),
        attrs=PRIVATE,
    )
    roles = _checks(PerpetratorRole, gettext_lazy("Role in the process"))
    relationship = forms.ChoiceField(
        label=gettext_lazy("Relationship to the person"),
        choices=_blank(RelationshipToTrafficker),
        required=False,
    )
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=_blank(Gender), required=False)
    nationality = CountryField(label=gettext_lazy("Nationality"))
    phones = _area(
        gettext_lazy("Phone numbers"),
        rows=2,
        help_text=gettext_lazy("One per line, with the country code, e.g. +7 701 555 01 42."),
        attrs=PRIVATE,
    )
    vehicles = _area(
        gettext_lazy("Vehicles"),
        rows=2,
        help_text=gettext_lazy("One per line: make, colour, registration number."),
        attrs=PRIVATE,
    )
    places = _area(
        gettext_lazy("Places"),
        rows=2,
        help_text=gettext_lazy("One per line: addresses, venues, where they were seen."),
        attrs=PRIVATE,
    )
    actions = _area(gettext_lazy("What they did"), 5000, rows=4, attrs=PRIVATE)

    def data_for_service(self) -> dict[str, Any]:
        """The record as the services take it."""
        d = self.cleaned_data
        return {
            "name": d["name"],
            "roles": list(d["roles"]),
            "relationship": d["relationship"],
            "sex": d["sex"],
            "nationality": d["nationality"],
            "phones": lines(d["phones"]),
            "vehicles": lines(d["vehicles"]),
            "places": lines(d["places"]),
            "actions": d["actions"],
        }


class PerpetratorEditForm(PerpetratorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, perpetrator: Any) -> dict[str, Any]:
        """The record's current values, as the edit form shows them."""
        return {
            "name": perpetrator.name,
            "roles": perpetrator.roles,
            "relationship": perpetrator.relationship,
            "sex": perpetrator.sex,
            "nationality": perpetrator.nationality,
            "phones": "\n".join(perpetrator.phones),
            "vehicles": "\n".join(perpetrator.vehicles),
            "places": "\n".join(perpetrator.places),
            "actions": perpetrator.actions,
            "version": perpetrator.version,
        }


class AssessmentForm(PartForm, GroupedForm):
    id_prefix = "assessment"

    assessed_on = _date(label=gettext_lazy("Assessed on"))
    contact_safety = forms.ChoiceField(
        label=gettext_lazy("Is it safe to contact the person?"),
        choices=ContactSafety.choices,
        initial=ContactSafety.UNKNOWN,
    )
    contact_channels = _checks(ContactChannel, gettext_lazy("Contact by"))
    contact_when = _text(gettext_lazy("When to contact"), 200, **PRIVATE)
    contact_warning = _area(
        gettext_lazy("Warning for anyone contacting the person"),
        500,
        rows=2,
        help_text=gettext_lazy(
            "Shown at the top of the case, e.g. “Do not call back: the phone is checked.”"
        ),
        attrs=PRIVATE,
    )
    trafficker_risk = forms.ChoiceField(
        label=gettext_lazy("Risk from the traffickers"),
        choices=RiskLevel.choices,
        initial=RiskLevel.UNKNOWN,
    )
    trafficker_risk_details = _area(gettext_lazy("About the risk"), 5000, attrs=PRIVATE)
    health_needs = _area(gettext_lazy("Health needs"), 5000, attrs=PRIVATE)
    children_count = forms.IntegerField(label=gettext_lazy("Number of children"), required=False)
    children_whereabouts = _area(gettext_lazy("Where the children are"), 5000, attrs=PRIVATE)
    accommodation_need = forms.ChoiceField(
        label=gettext_lazy("Accommodation"),
        choices=AccommodationNeed.choices,
        initial=AccommodationNeed.UNKNOWN,
    )
    other_needs = _area(gettext_lazy("Other urgent needs"), 5000, attrs=PRIVATE)
    interpreter_needed = forms.BooleanField(
        label=gettext_lazy("An interpreter is needed"), required=False
    )
    interpreter_language = LanguageField(label=gettext_lazy("Interpreter's language"))

    fieldsets = [
        (
            gettext_lazy("Contacting the person"),
            [
                "assessed_on",
                "contact_safety",
                "contact_when",
                "contact_channels",
                "contact_warning",
            ],
        ),
        (gettext_lazy("Risk"), ["trafficker_risk", "trafficker_risk_details"]),
        (
            gettext_lazy("Health, children and a place to stay"),
            ["health_needs", "children_count", "children_whereabouts", "accommodation_need"],
        ),
        (
            gettext_lazy("Other needs and an interpreter"),
            ["other_needs", "interpreter_needed", "interpreter_language"],
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()

    @classmethod
    def initial_from(cls, current: Any) -> dict[str, Any]:
        """The current assessment's answers, for the next one to start from (dated today)."""
        if current is None:
            return {}
        names = [name for name in cls.base_fields if name != "assessed_on"]
        return {name: getattr(current, name) for name in names}


class AccountForm(PartForm, GroupedForm):
    id_prefix = "account"

    told_on = _date(label=gettext_lazy("Told on"))
    language = LanguageField(label=gettext_lazy("Language of the telling"))
    with_interpreter = forms.BooleanField(
        label=gettext_lazy("Told through an interpreter"), required=False
    )
    before = _area(gettext_lazy("Life before leaving"), 20_000, rows=4, attrs=PRIVATE)
    recruitment = _area(gettext_lazy("Recruitment"), 20_000, rows=4, attrs=PRIVATE)
    journey = _area(gettext_lazy("The journey"), 20_000, rows=4, attrs=PRIVATE)
    exploitation = _area(gettext_lazy("The exploitation"), 20_000, rows=4, attrs=PRIVATE)
    ending = _area(gettext_lazy("How it ended"), 20_000, rows=4, attrs=PRIVATE)
    wishes = _area(gettext_lazy("What the person wants now"), 20_000, rows=4, attrs=PRIVATE)

    fieldsets = [
        (gettext_lazy("The telling"), ["told_on", "language", "with_interpreter"]),
        (
            gettext_lazy("In the person's words"),
            ["before", "recruitment", "journey", "exploitation", "ending", "wishes"],
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["told_on"].initial = timezone.localdate()
