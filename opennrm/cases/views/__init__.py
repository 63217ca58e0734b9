"""Pages of the cases app: the case list, opening a case, and the case page with its tabs.

A person's name never goes in a URL: the list's name search is a POST and the case pages' URLs
carry only UUIDs. Each tab of the case page is its own URL: asked by htmx (``HX-Request``) it
answers with the tab alone, otherwise with the whole page, so every tab works without JavaScript.
Pages with case content are never stored by the browser (``Cache-Control: no-store``).
"""

from .actions import (
    case_assign,
    case_open,
    case_status,
    consent_record,
    consent_withdraw,
    decision_propose,
    decision_record,
    decision_review,
    note_add,
    person_save,
    plan_create,
    plan_end,
    service_add,
    trafficking_save,
)
from .records import (
    account_record,
    assessment_record,
    perpetrator_add,
    perpetrator_edit,
    perpetrator_remove,
    perpetrators_share,
    shared_case,
    shared_list,
)
from .route import file_add, file_download, route_add, route_edit, route_remove
from .tabs import case_list, case_tab

__all__ = [
    "case_list",
    "case_tab",
    "case_open",
    "case_status",
    "case_assign",
    "person_save",
    "trafficking_save",
    "decision_propose",
    "decision_record",
    "decision_review",
    "plan_create",
    "plan_end",
    "service_add",
    "consent_record",
    "consent_withdraw",
    "note_add",
    "route_add",
    "route_edit",
    "route_remove",
    "file_add",
    "file_download",
    "perpetrator_add",
    "perpetrator_edit",
    "perpetrator_remove",
    "perpetrators_share",
    "assessment_record",
    "account_record",
    "shared_list",
    "shared_case",
]
