"""Files for the import tests: the official HTCDS templates filled in, as organizations do."""

from __future__ import annotations

import io
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl

from opennrm.interop import htcds

# IOM's templates as published (CC BY 4.0), kept in the repository: opennrm/interop/official/.
REFERENCE = Path(__file__).resolve().parents[2] / "opennrm" / "interop" / "official"
PLAIN = REFERENCE / "HTCDS Excel Spreadsheet v2.0.xlsx"
VALIDATED = REFERENCE / "HTCDS Excel Spreadsheet single select with validation v2.0.xlsx"

# One valid row in system names (the plain template) and one in the validation template's
# display labels, with its spellings ("Debt bondage ", "Follow up").
ROW_SYSTEM: dict[str, Any] = {
    "prs_FirstName": "Aigerim",
    "prs_SecondName": "Testova",
    "con_Consent": True,
    "prs_Birthdate": datetime(1995, 3, 1),
    "prs_Gender": "Feminine",
    "prs_Citizenship": "KZ",
    "prs_MobilePhone": "+77011234567",
    "prs_MailingCity": "Almaty",
    "prs_MailingCountry": "KZ",
    "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
    "vic_TraffickinStatusDecisionMakingOrg": "NGO",
    "vic_MethodOfRecruitment": "ThroughOnlineSocialNetworks;AtWork",
    "vic_MethodsOfControl": "DebtBondage;WithholdsDocuments",
    "vic_TypeOfExploitation": "ForcedLabour",
    "vic_ForcedLabourIndustry": "F_Construction",
    "cas_Status": "Active",
    "cas_ReferringOrganisation": "Hotline 1414",
    "cas_IncomingReferralDate": 45292,  # an Excel serial number: 2024-01-01
    "cas_ReferredOrganisation": "Crisis centre Almaty",
    "cas_ReasonForOutgoingReferral": "Other",  # column AJ: a label, no field name
}
ROW_LABELS: dict[str, Any] = {
    **ROW_SYSTEM,
    "prs_Citizenship": "Kazakhstan",
    "vic_TraffickingStatus": "Possible victim of trafficking",
    "vic_MethodOfRecruitment": "Through online social networks;At work",
    "vic_MethodsOfControl": "Debt bondage ;Withholds documents",
    "vic_ForcedLabourIndustry": "Construction",
    "cas_Status": "Follow up",
    "cas_IncomingReferralDate": "01.01.2024",
}


def columns_of(sheet: Any) -> dict[str, int]:
    """Field name -> column number, from the hidden first row; AJ by its label."""
    columns = {}
    for cell in sheet[1]:
        if cell.value:
            columns[str(cell.value)] = cell.column
    for cell in sheet[2]:
        if cell.value == "Reason for Outgoing Referral":
            columns["cas_ReasonForOutgoingReferral"] = cell.column
    return columns


def template(
    rows: list[dict[str, Any]], *, validated: bool = False, without_names: bool = False
) -> bytes:
    """A copy of the official template with ``rows`` written from row 3, layout kept."""
    with warnings.catch_warnings():  # the validation template's list validations
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(VALIDATED if validated else PLAIN)
    sheet = workbook.worksheets[0]
    columns = columns_of(sheet)
    if without_names:  # someone deleted the hidden row's names and filled in by the labels
        columns = {htcds.field_by_label(str(c.value)) or "": c.column for c in sheet[2] if c.value}
        columns["vic_TraffickinStatusDecisionMakingOrg"] = columns.pop(
            "vic_TraffickingStatusDecisionMakingOrg"
        )
        for cell in sheet[1]:
            cell.value = None
    for offset, row in enumerate(rows):
        for name, value in row.items():
            if name not in columns:
                raise KeyError(name)
            sheet.cell(row=3 + offset, column=columns[name], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FAMILY_NAMES = (
    "Abenova", "Bekmuratova", "Sadykova", "Tursunova", "Nurlanova", "Ismoilova", "Zhumabaeva",
    "Rakhmatova", "Seitkali", "Ospanova", "Kadyrova", "Mamyrova",
)  # fmt: skip


def person(n: int, **changes: Any) -> dict[str, Any]:
    """A distinct valid row: another person (family name, birth date, phone), not one the
    duplicate check would take for another row's."""
    return {
        **ROW_SYSTEM,
        "prs_FirstName": f"Person{n}",
        "prs_SecondName": FAMILY_NAMES[n % len(FAMILY_NAMES)],
        "prs_Birthdate": datetime(1980 + n % 25, 1 + n % 12, 1 + n % 28),
        "prs_MobilePhone": f"+7701{1000000 + n:07d}",
        **changes,
    }
