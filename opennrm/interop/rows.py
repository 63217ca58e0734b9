"""One HTCDS row checked and turned into what the case services take (decision 0028).

Every present field is checked by its HTCDS type, whether OpenNRM keeps it or not, so a file's
problems are all named at once: dates (an Excel date cell, an Excel serial number, ISO text,
dd.mm.yyyy, dd/mm/yyyy), picklists by system name or display label (the validation template's
spellings too) with the closest valid value, multi-select values joined by ";", countries by ISO
code or English name, lengths. A problem repeats a value only when it identifies no one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pycountry
from django.utils.translation import gettext as _

from opennrm.cases.choices import MethodOfControl
from opennrm.validation import (
    MAX_LINE,
    MAX_PARAGRAPH,
    FileProblem,
    closest,
    language_code,
    shown,
)

from . import htcds
from .readers import RawRow

# HTCDS fields this import writes, by the person field or case field they become.
PERSON_MAP = {
    "prs_FirstName": "given_name",
    "prs_MiddleName": "patronymic",
    "prs_SecondName": "family_name",
    "prs_Birthdate": "birth_date",
    "prs_Gender": "gender",
    "prs_MaritalStatus": "marital_status",
    "prs_HighestLevelOfEducation": "education",
    "prs_NumberOfChildren": "number_of_children",
}
CASE_MAP = {
    "vic_TraffickingStatus": "trafficking_status",
    "vic_TraffickingStatusDecisionMakingOrg": "trafficking_status_decided_by",
    "vic_RelationshipToTrafficker": "relationship_to_trafficker",
    "vic_AgeWhenTrafficked": "age_when_trafficked",
    "vic_RecruitmentWebsitesAndApps": "recruitment_platforms",
    "vic_MethodOfRecruitment": "recruitment_methods",
    "vic_MethodsOfControl": "methods_of_control",
    "vic_TypeOfExploitation": "exploitation_types",
    "vic_ForcedLabourIndustry": "forced_labour_industry",
    "vic_TypeOfSexExploitation": "sex_exploitation_types",
    "per_RoleInProcess": "perpetrator_roles",
}
ADDRESS = (
    "prs_MailingStreet",
    "prs_MailingCity",
    "prs_MailingState",
    "prs_MailingPostalCode",
    "prs_MailingCountry",
)
# The mobile first: OpenNRM's first number is the one to call (and exports as the mobile).
PHONES = {"prs_MobilePhone": "mobile", "prs_HomePhone": "home"}  # field: the number's kind
LOCATIONS = ("vic_LocationOfRecruitment", "vic_LocationOfExploitation")
# The ten cas_ referral fields, by direction, as the fields of a recorded referral (referrals
# app: made outside OpenNRM, no consent nor case at the other side).
REFERRALS = {
    "incoming": {
        "cas_ReferringOrganisation": "organization_name",
        "cas_IncomingReferralDate": "referred_on",
        "cas_ReferringPrimaryCaseWorker": "worker",
        "cas_ReasonForIncomingReferral": "reason",
        "cas_IncomingReferralDetails": "details",
    },
    "outgoing": {
        "cas_ReferredOrganisation": "organization_name",
        "cas_OutgoingReferralDate": "referred_on",
        "cas_ReferredPrimaryCaseWorker": "worker",
        "cas_ReasonForOutgoingReferral": "reason",
        "cas_OutgoingReferralDetails": "details",
    },
}
# A row's route stop, support plan and comment: the case parts' fields (the case services').
EVENT = {
    "hte_Type": "event_type",
    "hte_Date": "occurred_on",
    "hte_Country": "country",
    "hte_City": "city",
    "hte_Description": "description",
}
PLAN = {
    "spl_Type": "plan_type",
    "spl_Objectives": "objectives",
    "spl_ActionPlan": "action_plan",
    "spl_PlannedEndDate": "planned_end_on",
    "spl_ActualEndDate": "ended_on",
}
# The address's parts beside its street (people.Person.address_parts).
ADDRESS_PARTS = {
    "prs_MailingCity": "city",
    "prs_MailingState": "state",
    "prs_MailingPostalCode": "postal_code",
    "prs_MailingCountry": "country",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Values OpenNRM's picklists hold beyond the standard's (an export carries them; decision 0029).
OUR_VALUES = {"vic_MethodsOfControl": frozenset(MethodOfControl.values)}
LANGUAGES = ("prs_PrimaryLanguage", "prs_SecondaryLanguage")
IMPORTED = frozenset(
    {
        *PERSON_MAP,
        *CASE_MAP,
        *ADDRESS,
        *PHONES,
        *LANGUAGES,
        *LOCATIONS,
        *REFERRALS["incoming"],
        *REFERRALS["outgoing"],
        *EVENT,
        *PLAN,
        "cco_CaseComment",
        "con_Consent",
        "prs_Citizenship",
        "prs_IdentityNumber",
        "cas_Status",
        "cas_ReasonForCaseClosure",
        htcds.CASE_ID,
    }
)
COUNTRY_FIELDS = frozenset(
    {"prs_Citizenship", "prs_MailingCountry", "hte_Country", "org_ShippingCountry"}
)
# The service's field paths back to the HTCDS field, so a refusal names the column.
PATH_FIELDS = {
    **{f"person.{ours}": theirs for theirs, ours in PERSON_MAP.items()},
    **{ours: theirs for theirs, ours in CASE_MAP.items()},
    "person.citizenship": "prs_Citizenship",
    "person.other_citizenships": "prs_Citizenship",
    **{f"event.{ours}": theirs for theirs, ours in EVENT.items()},
    **{f"plan.{ours}": theirs for theirs, ours in PLAN.items()},
    "note.body": "cco_CaseComment",
    **{
        f"referral.{direction}.{ours}": theirs
        for direction, fields in REFERRALS.items()
        for theirs, ours in fields.items()
    },
    "person.address": "prs_MailingStreet",
    "person.languages": "prs_PrimaryLanguage",
    "person.documents": "prs_IdentityNumber",
    "status": "cas_Status",
    "reason": "cas_ReasonForCaseClosure",
}
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel counts a 29 February 1900)
MAX_SERIAL = 2_958_465  # 9999-12-31
TEXT_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
TRUE = frozenset({"true", "yes", "1", "y", "x", "да"})
FALSE = frozenset({"false", "no", "0", "n", "нет"})
MAX_ID = 100


@dataclass
class Prepared:
    """A row as the services take it."""

    number: int
    external_id: str
    person: dict[str, Any] = field(default_factory=dict)
    case: dict[str, Any] = field(default_factory=dict)
    status: str = ""
    closure_reason: str = ""
    actual_victim: bool = False
    consent: bool | None = None  # con_Consent: TRUE, FALSE or not given
    # Referrals made outside OpenNRM (the cas_ fields): direction -> the recorded referral's data.
    referrals: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The row's route stop (hte_), support plan (spl_) and case comment (cco_), if it has them.
    event: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)
    comment: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # HTCDS field -> column
    phone_fields: list[str] = field(default_factory=list)  # which field each phone came from
    fingerprint: bytes = b""
    warnings: list[FileProblem] = field(default_factory=list)


def parse_date(value: Any) -> date:
    """A date from a date cell, an Excel serial number or text; ValueError if none."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if not 1 <= value <= MAX_SERIAL:
            raise ValueError
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    if text.isdigit() and 3 <= len(text) <= 7:
        return parse_date(int(text))
    if len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " "):
        text = text[:10]  # an ISO date-time: its date
    for pattern in TEXT_DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def country_code(value: str) -> str | None:
    """An ISO 3166 alpha-2 code from a code (alpha-2 or alpha-3) or an English name."""
    text = value.strip()
    if not text:
        return None
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None


class RowChecker:
    """Checks one row, field by field, collecting problems that name where."""

    def __init__(self, row: RawRow, sheet: str) -> None:
        self.row = row
        self.sheet = sheet
        self.problems: list[FileProblem] = []

    def problem(
        self,
        name: str,
        message: str,
        *,
        value: Any = None,
        expected: str = "",
        suggestion: str = "",
    ) -> None:
        column = self.row.values.get(name, ("", None))[0]
        shown_value = ""
        if value is not None and name not in htcds.IDENTIFYING:
            shown_value = shown(_as_text(value), 60)
        self.problems.append(
            FileProblem(
                message=message,
                sheet=self.sheet,
                row=self.row.number,
                column=column,
                field=name,
                value=shown_value,
                expected=expected,
                suggestion=suggestion,
            )
        )

    def value(self, name: str) -> Any:
        """The field's value checked by its HTCDS type: None when absent or bad."""
        if name not in self.row.values:
            return None
        raw = self.row.values[name][1]
        if name == htcds.CASE_ID:
            text = _as_text(raw)
            if len(text) > MAX_ID:
                self.problem(
                    name, _("Too long."), expected=_("at most %(n)d characters") % {"n": MAX_ID}
                )
                return None
            return text
        spec = htcds.BY_NAME[name]
        kind = spec.type
        if kind == "Date":
            try:
                return parse_date(raw)
            except (ValueError, OverflowError):
                self.problem(
                    name,
                    _("Not a date."),
                    value=raw,
                    expected=_(
                        "a date such as 2024-05-31, 31.05.2024, 31/05/2024 or an Excel date"
                    ),
                )
                return None
        if kind == "Checkbox":
            if isinstance(raw, bool):
                return raw
            text = _as_text(raw).casefold()
            if text in TRUE or text in FALSE:
                return text in TRUE
            self.problem(name, _("Not TRUE or FALSE."), value=raw, expected="TRUE, FALSE")
            return None
        if kind in ("Number", "Geolocation"):
            try:
                number = float(raw) if not isinstance(raw, bool) else None
            except (TypeError, ValueError):
                number = None
            if number is None or (kind == "Number" and not number.is_integer()):
                self.problem(name, _("Not a whole number."), value=raw, expected=_("a number"))
                return None
            return int(number) if kind == "Number" else number
        text = _as_text(raw)
        if text[:1] == "'" and text[1:2] in FORMULA_START:
            text = text[1:]  # an export's (or a spreadsheet's) guard against a formula
        if name in COUNTRY_FIELDS:
            return self._countries(name, text, raw, multiple=spec.multiple)
        if name in LANGUAGES:
            code = language_code(text)
            if code is None:
                self.problem(
                    name,
                    _("Not an ISO 639 language code."),
                    value=raw,
                    expected=_("a code such as ru, kk, uz or rus"),
                )
            return code
        if spec.picklist:
            return self._picklist(name, spec, text, raw)
        limit = MAX_PARAGRAPH if kind == "Long Text" else MAX_LINE
        if len(text) > limit:
            self.problem(
                name,
                _("Too long: %(length)d characters.") % {"length": len(text)},
                expected=_("at most %(n)d characters") % {"n": limit},
            )
            return None
        return text

    def _picklist(self, name: str, spec: htcds.Field, text: str, raw: Any) -> Any:
        parts = [p for p in text.split(";") if p.strip()] if spec.multiple else [text]
        found = []
        for part in parts:
            system = htcds.picklist_match(spec, part)
            if system is None and part.strip() in OUR_VALUES.get(name, ()):
                system = part.strip()
            if system is None:
                labels = [label for _s, label in spec.picklist]
                self.problem(
                    name,
                    _("Not one of the values of this field."),
                    value=part,
                    expected=_("one of: %(values)s")
                    % {"values": "; ".join(label.strip() for label in labels)},
                    suggestion=closest(part, [label.strip() for label in labels]),
                )
                return None
            if system not in found:
                found.append(system)
        return found if spec.multiple else found[0]

    def _countries(self, name: str, text: str, raw: Any, *, multiple: bool) -> Any:
        parts = [p.strip() for p in text.split(";") if p.strip()] if multiple else [text]
        codes = []
        for part in parts:
            code = country_code(part)
            if code is None:
                self.problem(
                    name,
                    _("Not a country."),
                    value=None if name == "prs_MailingCountry" else part,
                    expected=_("an ISO 3166 code such as KZ, or a country's English name"),
                    suggestion=closest(part, [c.name for c in pycountry.countries])
                    if name != "prs_MailingCountry"
                    else "",
                )
                return None
            codes.append(code)
        return codes if multiple else codes[0]


def prepare(row: RawRow, sheet: str) -> tuple[Prepared, list[FileProblem]]:
    """The row checked and converted; the problems found (none: the services may take it)."""
    check = RowChecker(row, sheet)
    values = {name: check.value(name) for name in row.values}
    external_id = ""
    if values.get(htcds.CASE_ID):
        external_id = f"id:{values[htcds.CASE_ID]}"
    elif row.row_id not in (None, ""):
        external_id = f"row:{_as_text(row.row_id)}"
    prepared = Prepared(
        number=row.number,
        external_id=external_id,
        columns={name: column for name, (column, _v) in row.values.items()},
        fingerprint=hashlib.blake2b(
            repr(sorted((k, _as_text(v)) for k, (_c, v) in row.values.items())).encode(),
            digest_size=16,
        ).digest(),
    )
    person, case = prepared.person, prepared.case
    for theirs, ours in PERSON_MAP.items():
        if values.get(theirs) is not None:
            value = values[theirs]
            person[ours] = value.isoformat() if isinstance(value, date) else value
    citizenship = values.get("prs_Citizenship")
    if citizenship:
        person["citizenship"] = citizenship[0]
        person["other_citizenships"] = citizenship[1:]
    for name, kind in PHONES.items():
        if values.get(name):
            person.setdefault("phones", []).append(values[name])
            person.setdefault("phone_kinds", {})[values[name]] = kind
            prepared.phone_fields.append(name)
    languages = [values[name] for name in LANGUAGES if values.get(name)]
    if languages:
        person["languages"] = languages
    if values.get("prs_IdentityNumber"):
        person["documents"] = [{"type": "national_id", "number": values["prs_IdentityNumber"]}]
    if values.get("prs_MailingStreet"):
        person["address"] = values["prs_MailingStreet"]
    parts = {ours: values[theirs] for theirs, ours in ADDRESS_PARTS.items() if values.get(theirs)}
    if parts:
        person["address_parts"] = parts
    for theirs, ours in CASE_MAP.items():
        if values.get(theirs) is not None:
            case[ours] = values[theirs]
    _locations(values, case)
    if case.get("trafficking_status") == "ActualVictimOfTrafficking":
        # An actual victim is one an identification decision made so (decision 0014): the case
        # opens as possible, and the preview says so.
        case["trafficking_status"] = "PossibleVictimOfTrafficking"
        prepared.actual_victim = True
        prepared.warnings.append(
            FileProblem(
                message=_(
                    "Recorded as a possible victim: record the identification decision that "
                    "made the person an actual victim on the case."
                ),
                sheet=sheet,
                row=row.number,
                column=prepared.columns.get("vic_TraffickingStatus", ""),
                field="vic_TraffickingStatus",
            )
        )
    prepared.consent = values.get("con_Consent")
    prepared.event = {ours: values[theirs] for theirs, ours in EVENT.items() if values.get(theirs)}
    prepared.plan = {ours: values[theirs] for theirs, ours in PLAN.items() if values.get(theirs)}
    prepared.comment = values.get("cco_CaseComment") or ""
    for direction, fields in REFERRALS.items():
        data = {ours: values[theirs] for theirs, ours in fields.items() if values.get(theirs)}
        if data:
            prepared.referrals[direction] = {"direction": direction, **data}
    prepared.status = values.get("cas_Status") or ""
    prepared.closure_reason = values.get("cas_ReasonForCaseClosure") or ""
    return prepared, check.problems


def _locations(values: dict[str, Any], case: dict[str, Any]) -> None:
    """The location of recruitment as the country of origin, that of exploitation as its country
    or, when it names no country, its city (HTCDS makes both a lookup to an organisation; files
    hold a country or a place)."""
    recruited = values.get("vic_LocationOfRecruitment")
    if recruited and (code := country_code(recruited)):
        case["country_of_origin"] = code
    exploited = values.get("vic_LocationOfExploitation")
    if exploited:
        code = country_code(exploited)
        if code:
            case["country_of_exploitation"] = code
        else:
            case["city_of_exploitation"] = exploited[:100]


def path_field(path: str, prepared: Prepared) -> str:
    """The HTCDS field a service's error path names ("person.phones[1]" -> prs_MobilePhone)."""
    for listed in ("person.phones[", "person.phone_kinds["):
        if path.startswith(listed):
            index = int(path[len(listed) :].split("]")[0])
            return prepared.phone_fields[index] if index < len(prepared.phone_fields) else ""
    base = path.split("[")[0]
    if base.startswith("person.address_parts."):
        part = base.rsplit(".", 1)[1]
        return next((t for t, ours in ADDRESS_PARTS.items() if ours == part), "")
    return PATH_FIELDS.get(base, "")
