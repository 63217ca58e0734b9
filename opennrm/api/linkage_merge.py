"""The merge API, /api/v1/linkage/merges: a supervisor declares the persons of two cases of the
organization one, lists the organization's merges, and undoes one.

No names in or out: cases and merges by UUID, choices by field name. ``keep_version`` and
``absorb_version`` are the persons' versions as read (``version`` of each case's person): 409 when
either changed since.

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations of
paginated operations through its decorator, where string annotations cannot be resolved.
"""

from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from opennrm.accounts import permissions as perms
from opennrm.api import common
from opennrm.api.common import ERRORS, In
from opennrm.api.pagination import Page
from opennrm.linkage import merge as merging
from opennrm.linkage.models_merge import PersonMerge

router = Router(tags=["linkage"])


class MergeIn(In):
    keep: UUID  # the case whose person is kept
    absorb: UUID  # the case whose person is merged into it
    keep_version: int
    absorb_version: int
    # Field -> "keep", "absorb" or (lists: names, languages, documents, phones) "both".
    choices: dict[str, str] = {}


class MergeOut(Schema):
    id: UUID
    kept_case_id: UUID
    kept_case_number: str
    absorbed_case_id: UUID
    absorbed_case_number: str
    kept_person_id: UUID
    absorbed_person_id: UUID
    choices: dict[str, str]
    moved_case_ids: list[UUID]
    merged_at: datetime
    merged_by_id: UUID
    undone_at: datetime | None
    undone_by_id: UUID | None

    @staticmethod
    def resolve_id(obj: PersonMerge) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_kept_case_id(obj: PersonMerge) -> UUID:
        return obj.kept_case.uuid

    @staticmethod
    def resolve_kept_case_number(obj: PersonMerge) -> str:
        return obj.kept_case.number

    @staticmethod
    def resolve_absorbed_case_id(obj: PersonMerge) -> UUID:
        return obj.absorbed_case.uuid

    @staticmethod
    def resolve_absorbed_case_number(obj: PersonMerge) -> str:
        return obj.absorbed_case.number

    @staticmethod
    def resolve_kept_person_id(obj: PersonMerge) -> UUID:
        return getattr(obj, "kept_uuid", None) or obj.kept.uuid  # annotated by merge_list

    @staticmethod
    def resolve_absorbed_person_id(obj: PersonMerge) -> UUID:
        return getattr(obj, "absorbed_uuid", None) or obj.absorbed.uuid  # as kept_uuid

    @staticmethod
    def resolve_moved_case_ids(obj: PersonMerge) -> list[str]:
        return list(obj.moved_cases)

    @staticmethod
    def resolve_merged_by_id(obj: PersonMerge) -> UUID:
        return obj.merged_by.uuid

    @staticmethod
    def resolve_undone_by_id(obj: PersonMerge) -> UUID | None:
        return obj.undone_by.uuid if obj.undone_by else None


@router.get("", response={200: list[MergeOut], **ERRORS})
@paginate(Page)
def merge_list(request: HttpRequest) -> QuerySet[PersonMerge]:
    """The organization's merges, latest first (supervisors)."""
    return merging.merge_list(actor=common.actor(request, require=perms.PERSONS_MERGE))


@router.post("", response={201: MergeOut, **ERRORS})
def merge_create(request: HttpRequest, payload: MergeIn) -> Status:
    """Merge the person of ``absorb`` into the person of ``keep``: every case of the absorbed
    person is re-attached. 404 for a case that is not the organization's, 422 naming ``absorb``
    for the same person or one already merged, ``choices.<field>`` for a bad choice."""
    actor = common.actor(request, require=perms.PERSONS_MERGE)
    keep = merging.merge_case_get(actor=actor, case_id=payload.keep, audit=False)
    absorb = merging.merge_case_get(actor=actor, case_id=payload.absorb, audit=False)
    merge = merging.person_merge(
        actor=actor,
        keep=keep,
        absorb=absorb,
        keep_version=payload.keep_version,
        absorb_version=payload.absorb_version,
        choices=payload.choices,
    )
    return Status(201, merging.merge_get(actor=actor, merge_id=merge.uuid))


@router.post("/{merge_id}/undo", response={200: MergeOut, **ERRORS})
def merge_undo(request: HttpRequest, merge_id: UUID) -> PersonMerge:
    """Undo a merge: the kept person's values restored, the cases moved back. 409 when the kept
    person was changed after the merge, or the merge is already undone."""
    actor = common.actor(request, require=perms.PERSONS_MERGE)
    merge = merging.merge_get(actor=actor, merge_id=merge_id)
    merging.person_merge_undo(actor=actor, merge=merge)
    return merging.merge_get(actor=actor, merge_id=merge_id)
