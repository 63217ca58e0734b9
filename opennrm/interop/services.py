"""Importing an HTCDS file: a preview first, then all rows or none (decision 0028).

Both run the same code: every row goes through the case services a page uses (``case_open``,
``person_update``, ``case_update``, ``case_change_status``), which check permission, validate and
audit, inside one transaction. The preview rolls that transaction back, so it says exactly what
the import would do and which rows the services refuse. The import rolls back when any row is
refused, unless the caller chose to keep the valid rows only.

A page calls ``import_preview`` and ``import_run``; ``manage.py import_htcds`` does the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.cases.choices import ConsentMethod, ConsentPurpose
from opennrm.cases.models import Case
from opennrm.cases.numbers import numbers_batched, numbers_savepoint
from opennrm.cases.selectors import case_visible
from opennrm.cases.services import (
    case_change_status,
    case_open,
    case_update,
    consent_record,
    historic_event_add,
    note_add,
    person_update,
    support_plan_create,
)
from opennrm.crypto.keyring import blind_index
from opennrm.errors import ApplicationError, NotFound, ValidationFailed
from opennrm.linkage.intake import possible_matches
from opennrm.matching.score import HIGH
from opennrm.referrals.choices import RecordedSource
from opennrm.referrals.recorded import recorded_referral_add
from opennrm.validation import FileProblem

from .audit import InteropAction
from .models import ExternalCase
from .readers import FileRefused, Source, open_source
from .rows import Prepared, path_field, prepare

MAX_PROBLEMS = 1000  # kept to show; the count goes on
PROGRESS_EVERY = 500  # rows between two calls of ``progress``
Progress = Callable[[int, int | None], None]  # rows done, rows expected (None: unknown)
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class ImportResult:
    """What an import would do or did: counts, how the file was read, and every problem."""

    kind: str = ""
    sheet: str = ""
    mapped_by: str = ""
    notes: list[str] = field(default_factory=list)
    rows: int = 0  # rows with data
    persons_create: int = 0
    cases_create: int = 0
    cases_update: int = 0
    cases_unchanged: int = 0
    rows_refused: int = 0
    refused_rows: list[int] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[FileProblem] = field(default_factory=list)
    saved: bool = False

    def add_problems(self, problems: list[FileProblem]) -> None:
        self.problem_count += len(problems)
        room = MAX_PROBLEMS - len(self.problems)
        self.problems.extend(problems[: max(room, 0)])

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


def external_key(organization: Organization, external_id: str) -> str:
    """The keyed hash an organization's own case id is stored as (never the id itself)."""
    return blind_index(f"{organization.uuid}\x00{external_id}", purpose="htcds_case_id")


def _require(actor: Actor, organization: Organization) -> None:
    actor.require(perms.HTCDS_IMPORT)
    actor.require(perms.CASES_CREATE)
    actor.require(perms.CASES_UPDATE)
    if actor.active_organization.pk != organization.pk:
        raise NotFound(_("No such organization."))


def import_preview(
    *,
    actor: Actor,
    organization: Organization,
    file: IO[bytes],
    name: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """What importing ``file`` would create and update, and every problem; saves nothing.
    ``FileRefused`` when the file cannot be read at all."""
    return _import(
        actor=actor,
        organization=organization,
        file=file,
        name=name,
        commit=False,
        valid_rows_only=False,
        progress=progress,
    )


def import_run(
    *,
    actor: Actor,
    organization: Organization,
    file: IO[bytes],
    name: str = "",
    valid_rows_only: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import ``file`` in one transaction: every row, or nothing when any row is refused (then
    ``saved`` is False and ``problems`` says why); ``valid_rows_only`` keeps the rows the
    services accept and lists the others. A file whose columns are wrong saves nothing."""
    return _import(
        actor=actor,
        organization=organization,
        file=file,
        name=name,
        commit=True,
        valid_rows_only=valid_rows_only,
        progress=progress,
    )


def _import(
    *,
    actor: Actor,
    organization: Organization,
    file: IO[bytes],
    name: str,
    commit: bool,
    valid_rows_only: bool,
    progress: Progress | None,
) -> ImportResult:
    _require(actor, organization)
    source = open_source(file, name)
    result = ImportResult(
        kind=source.kind, sheet=source.sheet, mapped_by=source.mapped_by, notes=source.notes
    )
    result.add_problems(source.problems)
    with transaction.atomic():
        with numbers_batched():
            _rows(actor, organization, source, result, progress)
        if result.rows == 0:
            raise FileRefused(
                [FileProblem(message=_("The file has a header but no rows."), sheet=source.sheet)]
            )
        keep = commit and (result.ok or (valid_rows_only and not source.problems))
        keep = keep and result.rows > result.rows_refused
        if keep:
            audit_record(
                actor=actor,
                action=InteropAction.HTCDS_IMPORT,
                obj=organization,
                fields=sorted({c.field for c in source.columns if c.field}),
            )
            result.saved = True
        else:
            transaction.set_rollback(True)
    if progress is not None:
        progress(result.rows, result.rows)
    return result


def _rows(
    actor: Actor,
    organization: Organization,
    source: Source,
    result: ImportResult,
    progress: Progress | None,
) -> None:
    seen_ids: dict[str, int] = {}
    seen_rows: dict[bytes, int] = {}
    for raw in source.rows:
        result.rows += 1
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(result.rows, source.total)
        prepared, problems = prepare(raw, source.sheet)
        duplicate = seen_rows.get(prepared.fingerprint) or seen_ids.get(prepared.external_id)
        if duplicate:
            problems.append(
                FileProblem(
                    message=_("Duplicate of row %(row)d: the same case twice in the file.")
                    % {"row": duplicate},
                    sheet=source.sheet,
                    row=raw.number,
                )
            )
        seen_rows.setdefault(prepared.fingerprint, raw.number)
        if prepared.external_id:
            seen_ids.setdefault(prepared.external_id, raw.number)
        if not problems:
            problems = _write_checked(actor, organization, prepared, result, source.sheet)
        if problems:
            result.rows_refused += 1
            result.refused_rows.append(raw.number)
            result.add_problems(problems)


def _write_checked(
    actor: Actor,
    organization: Organization,
    prepared: Prepared,
    result: ImportResult,
    sheet: str,
) -> list[FileProblem]:
    """Write one row in a savepoint; the services' refusals as problems naming the column."""
    try:
        with transaction.atomic(), numbers_savepoint():
            outcome = write_row(actor=actor, organization=organization, prepared=prepared)
    except ValidationFailed as exc:
        problems = []
        for path, messages in exc.errors.items():
            name = path_field(path, prepared)
            for message in messages:
                problems.append(
                    FileProblem(
                        message=message,
                        sheet=sheet,
                        row=prepared.number,
                        column=prepared.columns.get(name, ""),
                        field=name,
                    )
                )
        return problems or [FileProblem(message=exc.message, sheet=sheet, row=prepared.number)]
    except ApplicationError as exc:  # not permitted (closing a case), not visible
        return [
            FileProblem(
                message=exc.message,
                sheet=sheet,
                row=prepared.number,
                column=prepared.columns.get("cas_Status", ""),
                field="cas_Status" if "cas_Status" in prepared.columns else "",
            )
        ]
    result.warnings.extend(prepared.warnings[: max(MAX_PROBLEMS - len(result.warnings), 0)])
    if outcome == CREATE:
        result.persons_create += 1
        result.cases_create += 1
    elif outcome == UPDATE:
        result.cases_update += 1
    else:
        result.cases_unchanged += 1
    return []


def write_row(*, actor: Actor, organization: Organization, prepared: Prepared) -> str:
    """Open the row's case, or update the case its id was imported as; create, update or
    unchanged. Runs inside the import's transaction."""
    link = None
    key = ""
    if prepared.external_id:
        key = external_key(organization, prepared.external_id)
        link = (
            ExternalCase.objects.filter(organization=organization, key_hash=key)
            .select_related("case", "case__person")
            .first()
        )
    case = link.case if link is not None else _same_person(actor, prepared)
    if case is None:
        case = case_open(actor=actor, person=prepared.person, **prepared.case)
        if key:
            ExternalCase.objects.create(organization=organization, key_hash=key, case=case)
        _consent(actor, case, prepared)
        _referrals(actor, case, prepared)
        _parts(actor, case, prepared)
        _status(actor, case, prepared)
        return CREATE
    if link is None and key:
        ExternalCase.objects.create(organization=organization, key_hash=key, case=case)
    before = (case.version, case.person.version, case.status)
    person_update(actor=actor, case=case, version=case.person.version, **prepared.person)
    changes = {
        name: value
        for name, value in prepared.case.items()
        if name not in ("trafficking_status", "trafficking_status_decided_by")
    }
    case = case_update(actor=actor, case=case, version=case.version, **changes)
    _consent(actor, case, prepared)
    _referrals(actor, case, prepared)
    _parts(actor, case, prepared)
    case = _status(actor, case, prepared)
    case.person.refresh_from_db(fields=["version"])
    after = (case.version, case.person.version, case.status)
    return UPDATE if after != before else UNCHANGED


def _same_person(actor: Actor, prepared: Prepared) -> Case | None:
    """The case of the organization whose person the row very likely is (the matching app's
    duplicate check among the cases the actor sees, high likeness with the family name or the
    phone among its reasons): the row updates it instead of opening another, and the preview
    says so."""
    if not actor.can(perms.PERSONS_MATCH):
        return None
    try:
        found = possible_matches(actor=actor, data=prepared.person, across=False)
    except ValidationFailed:
        return None  # the case service names the bad value, by its column
    # High likeness, and the family name or the phone among the reasons: a row updates another
    # case only on strong grounds (a given name and a birth day alone are shared by strangers).
    strong = [
        m
        for m in found.own
        if m.match.score >= HIGH
        and any(r.code.startswith("family.") or r.code == "phone" for r in m.match.reasons)
    ]
    best = max(strong, key=lambda m: m.match.score, default=None)
    if best is None:
        return None
    case = case_visible(actor=actor).select_related("person").get(uuid=best.case_uuid)
    prepared.warnings.append(
        FileProblem(
            message=_(
                "The person of case %(number)s (%(band)s likeness: %(reasons)s): that case is "
                "updated, not opened again."
            )
            % {
                "number": best.case_number,
                "band": best.match.band_label,
                "reasons": ", ".join(r.label for r in best.match.reasons),
            },
            row=prepared.number,
        )
    )
    return case


def _consent(actor: Actor, case: Case, prepared: Prepared) -> None:
    """con_Consent TRUE: the person's consent to assistance, recorded as given on the day of the
    import, how not known; once (a re-import adds none). A child's consent names the guardian,
    which a file does not: then it is left for the case worker, and the preview says so."""
    if not prepared.consent:
        return
    given = case.consents.filter(purpose=ConsentPurpose.ASSISTANCE, withdrawn_on__isnull=True)
    if given.exists():
        return
    if case.person.is_minor:
        prepared.warnings.append(
            FileProblem(
                message=_(
                    "A child's consent names the guardian who gave it: record it on the case."
                ),
                row=prepared.number,
                column=prepared.columns.get("con_Consent", ""),
                field="con_Consent",
            )
        )
        return
    consent_record(
        actor=actor, case=case, purpose=ConsentPurpose.ASSISTANCE, method=ConsentMethod.RECORDED
    )


def _referrals(actor: Actor, case: Case, prepared: Prepared) -> None:
    """The row's referrals made outside OpenNRM, recorded on the case as such (source: import);
    one already recorded the same way (direction, organization, date) is not recorded again."""
    for direction, data in prepared.referrals.items():
        same = case.recorded_referrals.filter(
            removed_at__isnull=True,
            direction=direction,
            organization_name=data.get("organization_name", ""),
            referred_on=data.get("referred_on"),
        )
        if same.exists():
            continue
        try:
            recorded_referral_add(actor=actor, case=case, data=data, source=RecordedSource.IMPORT)
        except ValidationFailed as exc:
            raise _prefixed(f"referral.{direction}", exc) from None


def _prefixed(prefix: str, exc: ValidationFailed) -> ValidationFailed:
    return ValidationFailed.of({f"{prefix}.{k}": v for k, v in exc.errors.items()})


def _parts(actor: Actor, case: Case, prepared: Prepared) -> None:
    """The row's route stop, support plan and case comment, each added once: a re-import of the
    same row finds them on the case and adds nothing."""
    event = prepared.event
    if event:
        same = case.events.filter(
            removed_at__isnull=True,
            event_type=event.get("event_type", ""),
            occurred_on=event.get("occurred_on"),
            country=event.get("country", ""),
        )
        if not same.exists():
            try:
                historic_event_add(actor=actor, case=case, **{"event_type": "", **event})
            except ValidationFailed as exc:
                raise _prefixed("event", exc) from None
    plan = prepared.plan
    if plan and not any(
        p.plan_type == plan.get("plan_type") and p.objectives == plan.get("objectives", "")
        for p in case.plans.all()
    ):
        try:
            support_plan_create(actor=actor, case=case, **{"plan_type": "", **plan})
        except ValidationFailed as exc:
            raise _prefixed("plan", exc) from None
    if prepared.comment and not any(n.body == prepared.comment for n in case.notes.all()):
        try:
            note_add(actor=actor, case=case, body=prepared.comment)
        except ValidationFailed as exc:
            raise _prefixed("note", exc) from None


def _status(actor: Actor, case: Case, prepared: Prepared) -> Case:
    if prepared.status and prepared.status != case.status:
        return case_change_status(
            actor=actor, case=case, status=prepared.status, reason=prepared.closure_reason
        )
    return case
