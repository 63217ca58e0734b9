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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from opennrm.accounts.models import Organization, OrganizationType, User
from opennrm.errors import ApplicationError
from opennrm.locales import CountriesField, CountryField, LanguagesField
from opennrm.people.models import DocumentType, Education, Gender, MaritalStatus, Person
from opennrm.web import choice_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .choices import (
    CLOSED_STATUSES,
    STATUS_TRANSITIONS,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    DecisionMakingOrganization,
    ExploitationType,
    ForcedLabourIndustry,
    IdentificationStage,
    MethodOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    RecruitmentPlatform,
    RelationshipToTrafficker,
    ServiceStatus,
    ServiceType,
    SexExploitationType,
    SupportPlanType,
)
from .models import Case, SupportPlan
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
    "person.phones": "phones",
    "person.phones[]": "phones",
    "person.address": "address",
    "person.gender": "gender",
    "person.citizenship": "citizenship",
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
    """Put a service's errors beside the form fields their paths name; the rest above it."""
    if not error.errors:
        form.add_error(None, error.message)
    for path, messages in error.errors.items():
        name = ERROR_FIELDS.get(path) or ERROR_FIELDS.get(_INDEX.sub("[]", path))
        if name not in form.fields:
            name = None
        index = _INDEX.search(path)
        for message in messages:
            if name in _LINE_FIELDS and index:
                message = _("Line %(number)d: %(message)s") % {
                    "number": int(index.group(1)) + 1,
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
    phones = _area(
        gettext_lazy("Phone numbers"),
        rows=2,
        help_text=gettext_lazy("One per line, with the country code, e.g. +998 90 123 45 67."),
        attrs=PRIVATE,
    )
    address = _area(gettext_lazy("Address"), 500, rows=2, attrs=PRIVATE)
    gender = forms.ChoiceField(
        label=gettext_lazy("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN
    )
    citizenship = CountryField(label=gettext_lazy("Citizenship"))
    languages = LanguagesField(label=gettext_lazy("Languages"))
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
            ["document_type", "document_number", "document_country"],
        ),
        (gettext_lazy("Contact"), ["phones", "address"]),
        (
            gettext_lazy("About the person"),
            [
                "gender",
                "citizenship",
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
        return {
            "given_name": d["given_name"],
            "family_name": d["family_name"],
            "patronymic": d["patronymic"],
            "names": lines(d["other_names"]),
            "birth_date": d["birth_date"],
            "birth_year": d["birth_year"],
            "approximate_age": d["approximate_age"],
            "documents": ([document] if any(document.values()) else []) + list(other_documents),
            "phones": lines(d["phones"]),
            "address": d["address"],
            "gender": d["gender"],
            "citizenship": d["citizenship"],
            "languages": d["languages"],
            "marital_status": d["marital_status"],
            "education": d["education"],
            "number_of_children": d["number_of_children"],
        }


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
            "phones": "\n".join(person.phones),
            "address": person.address,
            "gender": person.gender,
            "citizenship": person.citizenship,
            "languages": person.languages,
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
    id_prefix = "decision"

    stage = forms.ChoiceField(label=gettext_lazy("Decision"), choices=IdentificationStage.choices)
    decided_by_type = forms.ChoiceField(
        label=gettext_lazy("Decided by"),
        choices=DecisionMakingOrganization.choices,
        initial=DecisionMakingOrganization.NGO,
        help_text=gettext_lazy("The type of organization that decides."),
    )
    due_on = _date(
        label=gettext_lazy("Conclusive decision due"),
        help_text=gettext_lazy("For a presumed-victim decision."),
    )
    grounds = forms.CharField(
        label=gettext_lazy("Grounds"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanForm(PartForm):
    id_prefix = "plan"

    plan_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=SupportPlanType.choices)
    objectives = _area(gettext_lazy("Objectives"), 5000)
    action_plan = _area(gettext_lazy("Action plan"), 5000)
    planned_end_on = _date(label=gettext_lazy("Planned end"))


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
        label=gettext_lazy("How it was given"), choices=ConsentMethod.choices
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
