"""Cases as HTCDS 2.0 rows: the columns of IOM's official Excel template, and each case's values.

The template (``htcds/HTCDS Excel Spreadsheet v2.0.xlsx``, CC BY 4.0) holds 38 fields after a
first column without a name (a row number). Its hidden first row names the fields and its second
row labels them; an export keeps the field names as published (the misspelt
``vic_TraffickinStatusDecisionMakingOrg`` included, since tools reading the template expect it),
names the field of column AJ that the template left unnamed (``cas_ReasonForOutgoingReferral``,
labelled there), and gives each column the label of its own field: the template's labels of columns
N–R are shifted, and a reader of an export should not see a city under "Mailing Street". A last
column, ``cas_CaseId`` ("Case ID", not an HTCDS field), holds the case number: the import matches
a re-imported row on it.

Values are HTCDS system names (OpenNRM's picklists store them), several values joined by ";", dates
as ISO 8601 in the organization's local time, booleans TRUE/FALSE. Identifying fields (names,
birth date, contacts, address, free texts that may name someone) are filled only when the export
carries identifying data; otherwise they are empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from opennrm.accounts.timezones import local_date
from opennrm.cases.choices import ConsentPurpose
from opennrm.cases.models import Case
from opennrm.people.models import Person
from opennrm.referrals.models import Referral

ROW_NUMBER = ""  # column A: no field name, no label; the export writes the row's number there
MISSPELT_DECISION_ORG = "vic_TraffickinStatusDecisionMakingOrg"


@dataclass(frozen=True)
class Column:
    field: str  # the HTCDS field name (the standard's spelling)
    label: str
    identifying: bool = False

    @property
    def template_field(self) -> str:
        """The name in the template's hidden first row."""
        if self.field == "vic_TraffickingStatusDecisionMakingOrg":
            return MISSPELT_DECISION_ORG
        return self.field


COLUMNS: tuple[Column, ...] = (
    Column("cas_CaseOwner", "Case Owner"),
    Column("prs_Salutation", "Salutation", identifying=True),
    Column("prs_FirstName", "First Name", identifying=True),
    Column("prs_SecondName", "Second Name", identifying=True),
    Column("con_Consent", "Consent"),
    Column("prs_Birthdate", "Birthdate", identifying=True),
    Column("prs_Gender", "Gender"),
    Column("prs_Citizenship", "Citizenship"),
    Column("prs_Title", "Title", identifying=True),
    Column("prs_Email", "Email", identifying=True),
    Column("prs_HomePhone", "Home Phone", identifying=True),
    Column("prs_MobilePhone", "Mobile Phone", identifying=True),
    Column("prs_MailingCity", "Mailing City", identifying=True),
    Column("prs_MailingCountry", "Mailing Country", identifying=True),
    Column("prs_MailingState", "Mailing State/Province", identifying=True),
    Column("prs_MailingStreet", "Mailing Street", identifying=True),
    Column("prs_MailingPostalCode", "Mailing Zip/Postal Code", identifying=True),
    Column("vic_TraffickingStatus", "Trafficking Status"),
    Column(
        "vic_TraffickingStatusDecisionMakingOrg", "Trafficking Status Decision Making Organization"
    ),
    Column("vic_MethodOfRecruitment", "Method of Recruitment"),
    Column("vic_LocationOfRecruitment", "Location of Recruitment"),
    Column("vic_MethodsOfControl", "Methods of Control"),
    Column("vic_TypeOfExploitation", "Type of Exploitation"),
    Column("vic_ForcedLabourIndustry", "Forced Labour Industry"),
    Column("vic_TypeOfSexExploitation", "Type of Sex Exploitation"),
    Column("vic_LocationOfExploitation", "Location of Exploitation"),
    Column("cas_Status", "Status"),
    Column("cas_ReferringOrganisation", "Referring Organisation"),
    Column("cas_IncomingReferralDate", "Incoming Referral Date"),
    Column("cas_ReferringPrimaryCaseWorker", "Referring Primary Case Worker", identifying=True),
    Column("cas_ReasonForIncomingReferral", "Reason for Incoming Referral"),
    Column("cas_IncomingReferralDetails", "Incoming Referral Details", identifying=True),
    Column("cas_ReferredOrganisation", "Referred Organisation"),
    Column("cas_ReferredPrimaryCaseWorker", "Referred Primary Case Worker", identifying=True),
    Column("cas_ReasonForOutgoingReferral", "Reason for Outgoing Referral"),
    Column("cas_OutgoingReferralDate", "Outgoing Referral Date"),
    Column("cas_OutgoingReferralDetails", "Outgoing Referral Details", identifying=True),
    Column("cas_ReasonForCaseClosure", "Reason for Case Closure", identifying=True),
    # Not an HTCDS field: the case's number here, which a re-import matches on (column AN).
    Column("cas_CaseId", "Case ID"),
)
FIELDS: tuple[str, ...] = tuple(c.field for c in COLUMNS)
IDENTIFYING: frozenset[str] = frozenset(c.field for c in COLUMNS if c.identifying)

Row = dict[str, str]


def _joined(values: Iterable[str]) -> str:
    return ";".join(v for v in values if v)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _user(user: Any) -> str:
    return (user.full_name or user.get_username()) if user is not None else ""


def _consented(case: Case) -> str:
    given = any(
        c.purpose == ConsentPurpose.ASSISTANCE and c.withdrawn_on is None
        for c in case.consents.all()
    )
    return "TRUE" if given else "FALSE"


def _first(referrals: Iterable[Referral], key: Callable[[Referral], Any]) -> Referral | None:
    found = sorted(referrals, key=key)
    return found[0] if found else None


def _recorded_values(case: Case) -> Row:
    """The case's referrals recorded from its files (made outside OpenNRM): the first incoming,
    the latest outgoing."""
    row: Row = {}
    found = sorted(
        (r for r in case.recorded_referrals.all() if r.removed_at is None),
        key=lambda r: (r.referred_on or date.min, r.pk),
    )
    incoming = next((r for r in found if r.direction == "incoming"), None)
    outgoing = next((r for r in reversed(found) if r.direction == "outgoing"), None)
    if incoming is not None:
        row["cas_ReferringOrganisation"] = incoming.organization_name
        row["cas_IncomingReferralDate"] = _day(incoming.referred_on)
        row["cas_ReferringPrimaryCaseWorker"] = incoming.worker
        row["cas_ReasonForIncomingReferral"] = incoming.reason
        row["cas_IncomingReferralDetails"] = incoming.details
    if outgoing is not None:
        row["cas_ReferredOrganisation"] = outgoing.organization_name
        row["cas_OutgoingReferralDate"] = _day(outgoing.referred_on)
        row["cas_ReferredPrimaryCaseWorker"] = outgoing.worker
        row["cas_ReasonForOutgoingReferral"] = outgoing.reason
        row["cas_OutgoingReferralDetails"] = outgoing.details
    return row


def _referral_values(case: Case, incoming: Referral | None, outgoing: Referral | None) -> Row:
    organization = case.organization
    row: Row = {}
    if incoming is not None:
        accepted = incoming.accepted_at or incoming.sent_at
        row["cas_ReferringOrganisation"] = incoming.from_organization.name
        row["cas_IncomingReferralDate"] = _day(local_date(accepted, organization))
        row["cas_ReferringPrimaryCaseWorker"] = _user(incoming.sent_by)
        row["cas_ReasonForIncomingReferral"] = incoming.reason
        row["cas_IncomingReferralDetails"] = incoming.note
    if outgoing is not None:
        row["cas_ReferredOrganisation"] = outgoing.to_organization.name
        row["cas_ReferredPrimaryCaseWorker"] = _user(outgoing.answered_by)
        row["cas_ReasonForOutgoingReferral"] = outgoing.reason
        row["cas_OutgoingReferralDate"] = _day(local_date(outgoing.sent_at, organization))
        row["cas_OutgoingReferralDetails"] = outgoing.note
    return row


def _phones(person: Person) -> tuple[str, str]:
    """(home, mobile): the first number of each kind. A number of no kind (typed as "other")
    fills a column left empty, the mobile first: HTCDS has no other place for it."""
    kinds = person.phone_kinds or {}
    found = {
        kind: next((n for n in person.phones if kinds.get(n) == kind), "")
        for kind in ("home", "mobile")
    }
    untyped = [n for n in person.phones if n not in kinds]
    for kind in ("mobile", "home"):
        if not found[kind] and untyped:
            found[kind] = untyped.pop(0)
    return found["home"], found["mobile"]


def case_row(
    case: Case,
    *,
    identifying: bool,
    incoming: Referral | None = None,
    outgoing: Referral | None = None,
) -> Row:
    """One case as an HTCDS row keyed by field name (every field of ``COLUMNS`` present)."""
    person = case.person
    home, mobile = _phones(person)
    row: Row = dict.fromkeys(FIELDS, "")
    row.update(
        {
            "cas_CaseOwner": _user(case.owner),
            "prs_FirstName": person.given_name,
            "prs_SecondName": person.family_name,
            "con_Consent": _consented(case),
            "prs_Birthdate": person.birth_date,
            "prs_Gender": person.gender,
            "prs_Citizenship": _joined([person.citizenship, *person.other_citizenships]),
            "prs_HomePhone": home,
            "prs_MobilePhone": mobile,
            "prs_MailingStreet": person.address,
            "prs_MailingCity": person.address_parts.get("city", ""),
            "prs_MailingState": person.address_parts.get("state", ""),
            "prs_MailingPostalCode": person.address_parts.get("postal_code", ""),
            "prs_MailingCountry": person.address_parts.get("country", ""),
            "vic_TraffickingStatus": case.trafficking_status,
            "vic_TraffickingStatusDecisionMakingOrg": case.trafficking_status_decided_by,
            "vic_MethodOfRecruitment": _joined(case.recruitment_methods),
            "vic_LocationOfRecruitment": case.country_of_origin,
            "vic_MethodsOfControl": _joined(case.methods_of_control),
            "vic_TypeOfExploitation": _joined(case.exploitation_types),
            "vic_ForcedLabourIndustry": case.forced_labour_industry,
            "vic_TypeOfSexExploitation": _joined(case.sex_exploitation_types),
            "vic_LocationOfExploitation": case.country_of_exploitation,
            "cas_Status": case.status,
            "cas_ReasonForCaseClosure": case.closure_reason,
            "cas_CaseId": case.number,
        }
    )
    # Referrals recorded from the organization's files first; one sent through OpenNRM wins.
    row.update(_recorded_values(case))
    row.update(_referral_values(case, incoming, outgoing))
    if not identifying:
        for field in IDENTIFYING:
            row[field] = ""
    return {k: "" if v is None else str(v) for k, v in row.items()}


def case_rows(cases: Iterable[Case], *, identifying: bool) -> Iterator[Row]:
    """``cases`` as HTCDS rows, in the order given; each case's first incoming referral (the one
    that opened it) and its latest outgoing one fill the referral fields."""
    cases = list(cases)
    ids = [c.pk for c in cases]
    incoming: dict[int, list[Referral]] = {}
    outgoing: dict[int, list[Referral]] = {}
    related = ("from_organization", "to_organization", "sent_by", "answered_by")
    for referral in Referral.objects.filter(to_case_id__in=ids).select_related(*related):
        if referral.to_case_id is not None:
            incoming.setdefault(referral.to_case_id, []).append(referral)
    for referral in Referral.objects.filter(from_case_id__in=ids).select_related(*related):
        outgoing.setdefault(referral.from_case_id, []).append(referral)
    for case in cases:
        yield case_row(
            case,
            identifying=identifying,
            incoming=_first(incoming.get(case.pk, []), lambda r: r.sent_at),
            outgoing=_first(outgoing.get(case.pk, []), lambda r: -r.sent_at.timestamp()),
        )
