"""Running a population load: the invented organizations and users (through the account
services), a sample checked against the services, then the batches, in one or more processes.

The setup uses the account services as a platform actor, so organizations and users are made and
audited like real ones; persons and cases go through the bulk writer.
"""

from __future__ import annotations

import collections
import csv
import itertools
import multiprocessing
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from opennrm.accounts import services as account_services
from opennrm.accounts.models import Membership, Organization, OrganizationType, Role, User
from opennrm.accounts.permissions import Actor
from opennrm.cases.models import Case
from opennrm.errors import ValidationFailed
from opennrm.matching.names import index_keys
from opennrm.people.models import Person
from opennrm.people.services import person_apply, phone_token
from opennrm.stats import rollup as stats_rollup

from .bulk_writer import (
    Target,
    check_rows,
    generate_and_prepare,
    generate_and_write,
    write_batch,
)
from .identities import BatchPlan, OrganizationPlan, generate_batch, person_input

PLATFORM_EMAIL = "population-loader@synthetic.invalid"
CASE_WORKERS_PER_ORGANIZATION = 10
# (name, type, country, city): invented organizations, marked as such by their names.
ORGANIZATIONS = (
    ("Synthetic Almaty Shelter", OrganizationType.NGO, "KZ", "Almaty"),
    ("Synthetic Tashkent Rehabilitation Centre", OrganizationType.NGO, "UZ", "Tashkent"),
    ("Synthetic Moscow Migrant Helpline", OrganizationType.HOTLINE, "RU", "Moscow"),
    ("Synthetic Bishkek Safe House", OrganizationType.NGO, "KG", "Bishkek"),
    ("Synthetic Dushanbe Reintegration Centre", OrganizationType.NGO, "TJ", "Dushanbe"),
    ("Synthetic Astana Crisis Centre", OrganizationType.NGO, "KZ", "Astana"),
    ("Synthetic Samarkand Women's Centre", OrganizationType.NGO, "UZ", "Samarkand"),
    ("Synthetic Osh Legal Aid Clinic", OrganizationType.LEGAL, "KG", "Osh"),
    ("Synthetic Khujand Return Support", OrganizationType.NGO, "TJ", "Khujand"),
    ("Synthetic Shymkent Outreach Team", OrganizationType.NGO, "KZ", "Shymkent"),
    ("Synthetic Fergana Valley Hotline", OrganizationType.HOTLINE, "UZ", "Fergana"),
    ("Synthetic Saint Petersburg Migrant Aid", OrganizationType.NGO, "RU", "Saint Petersburg"),
)


@dataclass(frozen=True)
class Population:
    """What to generate: ``persons`` in batches of ``batch`` over ``organizations``."""

    persons: int
    seed: int
    organizations: int = 10
    duplicate_share: float = 0.05
    truth_file: str = "var/population-truth.csv"
    batch: int = 5000
    workers: int | None = None  # None: one per core on PostgreSQL, none on SQLite


@dataclass
class SyntheticOrganization:
    organization: Organization
    prefix: str
    supervisor: User
    case_workers: list[User]


# --- Setup through the account services.


def platform_actor() -> Actor:
    """The loader's own platform admin (made once; nobody signs in with it)."""
    admin = User.objects.filter(email=PLATFORM_EMAIL).first()
    if admin is None:
        admin = account_services.platform_admin_create(
            email=PLATFORM_EMAIL,
            password=secrets.token_urlsafe(24),
            full_name="Synthetic population loader",
        )
    return Actor.of(admin, None)


def organizations_ready(platform: Actor, count: int) -> list[SyntheticOrganization]:
    """``count`` invented organizations, each with a supervisor and its case workers."""
    result = []
    for i in range(count):
        name, org_type, country, city = ORGANIZATIONS[i % len(ORGANIZATIONS)]
        if i >= len(ORGANIZATIONS):
            name = f"{name} {i // len(ORGANIZATIONS) + 1}"
        organization = Organization.objects.filter(name=name, country=country).first()
        if organization is None:
            organization = account_services.organization_create(
                actor=platform, name=name, org_type=org_type, country=country, city=city
            )
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower().removeprefix("synthetic ")).strip("-")
        supervisor = _member(platform, organization, f"supervisor.{slug}", Role.SUPERVISOR)
        case_workers = [
            _member(platform, organization, f"caseworker{n:02d}.{slug}", Role.CASE_WORKER)
            for n in range(1, CASE_WORKERS_PER_ORGANIZATION + 1)
        ]
        prefix = organization.number_prefix or "C"  # as case numbers are made
        result.append(SyntheticOrganization(organization, prefix, supervisor, case_workers))
    return result


def _member(platform: Actor, organization: Organization, local: str, role: str) -> User:
    email = f"{local}@synthetic.invalid"
    membership = (
        Membership.objects.filter(organization=organization, user__email=email)
        .select_related("user")
        .first()
    )
    if membership is None:
        membership = account_services.membership_create(
            actor=platform,
            organization=organization,
            email=email,
            full_name=local.split(".")[0].capitalize(),
            role=role,
            # Nobody signs in with it; a password avoids the e-mail that invites to set one.
            password=secrets.token_urlsafe(24),
        )
    return membership.user


# --- Validation: the generated values are what the services would store.


def check_sample(
    plan: BatchPlan, organizations: list[SyntheticOrganization], target: Target
) -> None:
    """Raise CommandError unless 100 generated persons pass person_apply unchanged, and
    their rows are the values the models' fields would send to the database."""
    sample = generate_batch(plan)[:100]
    check_rows(target, sample)
    for record in sample:
        org = organizations[record.organization]
        person = Person(organization=org.organization, created_by=org.case_workers[0])
        opened_on = record.case["opened_on"]
        try:
            person_apply(person, person_input(record.person), identified_on=opened_on)
        except ValidationFailed as exc:
            raise CommandError(f"a generated person is invalid: {sorted(exc.errors)}") from None
        for name, value in record.person.items():
            if getattr(person, name) != value:
                raise CommandError(f"a generated person differs from person_apply in {name}")
        expected = index_keys(
            given=person.given_name,
            family=person.family_name,
            patronymic=person.patronymic,
            others=[n["value"] for n in person.names],
        )
        if expected != set(record.tokens):
            raise CommandError("generated name tokens differ from person_reindex's")
        if sorted({phone_token(p) for p in person.phones}) != record.phone_tokens:
            raise CommandError("generated phone tokens differ from person_reindex's")
        case = Case(
            organization=org.organization,
            person=person,
            owner=org.case_workers[0],
            number="X",
            **record.case,
        )
        case.full_clean(exclude=["person", "organization", "owner", "number"])
        dates = [case.recruited_on, case.exploitation_began_on, case.exited_on, opened_on]
        known = [d for d in dates if d]
        if known != sorted(known) or known[-1] > plan.today:
            raise CommandError("generated case dates are out of order")


# --- The batches, in one process or several.


def batches_written(
    target: Target, plans: list[BatchPlan], processes: int
) -> Iterator[list[tuple[str, str, int]]]:
    """Each batch's truth rows, in batch order.

    PostgreSQL: ``processes`` generate and write batches side by side (measured on the 2-core
    machine with batches of 5,000: 2 writers beat 1 by 1.8 times). SQLite lets one writer in at
    a time, and a writer's page cache goes cold whenever another commits: this process writes
    every batch, while ``processes`` (if any) generate and prepare the next ones. That is not the
    default: measured at 100,000 persons, 1 such process took 23-24 s instead of 27-29 s when the
    machine was otherwise quiet, but 34-51 s instead of 29-38 s when other work kept both cores
    busy (the two cores share their execution units, and it costs 10% more CPU time in all).
    """
    if processes <= 0 or any(c.in_atomic_block for c in connections.all()):
        # One process (or a test, whose transaction other processes would not see).
        for plan in plans:
            yield generate_and_write(target, plan)
        return
    sqlite = connection.vendor == "sqlite"
    connections.close_all()  # forked processes open their own connections
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        work = generate_and_prepare if sqlite else generate_and_write
        ahead = processes + 1  # batches submitted and not yet written: bounds the memory
        futures: collections.deque[Future[Any]] = collections.deque()
        pending = iter(plans)
        try:
            for plan in itertools.islice(pending, ahead):
                futures.append(pool.submit(work, target, plan))
            while futures:
                result = futures.popleft().result()
                for plan in itertools.islice(pending, 1):
                    futures.append(pool.submit(work, target, plan))
                yield write_batch(target, result) if sqlite else result
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def population_generate(population: Population, *, say: Callable[[str], Any]) -> int:
    """Generate ``population``, telling progress through ``say``; return how many persons were
    written. The truth file (CSV: person_uuid, identity_id, organization_uuid) maps each person
    to the identity it stands for."""
    persons, batch = population.persons, population.batch
    if persons < 1 or batch < 1 or population.organizations < 1:
        raise CommandError("--persons, --batch and --organizations must be positive.")
    if not 0 <= population.duplicate_share <= 0.5:
        raise CommandError("--duplicate-share must be between 0 and 0.5.")
    batches = (persons + batch - 1) // batch
    workers = population.workers
    if workers is None:
        sqlite = connection.vendor == "sqlite"
        workers = 0 if batches == 1 or sqlite else min(batches, os.cpu_count() or 1)
    started = time.perf_counter()
    platform = platform_actor()
    organizations = organizations_ready(platform, population.organizations)
    setup_seconds = time.perf_counter() - started
    say(
        f"{len(organizations)} organizations with {CASE_WORKERS_PER_ORGANIZATION} case "
        f"workers each ready in {setup_seconds:.1f} s; writing {persons:,} persons in "
        f"{batches:,} batches of {batch:,} with {workers or 'no'} worker process(es)"
    )
    today = timezone.localdate()
    org_plans = tuple(
        OrganizationPlan(
            country=o.organization.country,
            weight=1 / (i + 1) ** 0.7,  # a few large organizations, many smaller ones
            case_workers=len(o.case_workers),
        )
        for i, o in enumerate(organizations)
    )
    plans = [
        BatchPlan(
            seed=population.seed,
            index=i,
            size=min(batch, persons - i * batch),
            duplicate_share=population.duplicate_share,
            organizations=org_plans,
            today=today,
        )
        for i in range(batches)
    ]
    target = Target(
        platform_user=platform.user.pk,
        organizations=tuple(o.organization.pk for o in organizations),
        prefixes=tuple(o.prefix for o in organizations),
        case_workers=tuple(tuple(u.pk for u in o.case_workers) for o in organizations),
    )
    check_sample(plans[0], organizations, target)
    org_uuids = [str(o.organization.uuid) for o in organizations]
    truth_path = Path(population.truth_file)
    if not truth_path.is_absolute():
        truth_path = Path(settings.BASE_DIR) / truth_path
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    writing_started = time.perf_counter()
    with truth_path.open("w", newline="", encoding="utf-8") as handle:
        truth = csv.writer(handle)
        truth.writerow(["person_uuid", "identity_id", "organization_uuid"])
        for index, rows in enumerate(batches_written(target, plans, workers)):
            truth.writerows((uuid_, identity, org_uuids[org]) for uuid_, identity, org in rows)
            handle.flush()
            written += len(rows)
            elapsed = time.perf_counter() - writing_started
            if index % 10 == 9 or written == persons:
                say(
                    f"  {written:>10,} / {persons:,} persons  {elapsed:7.1f} s  "
                    f"{written / elapsed:7,.0f} persons/s"
                )
    writing = time.perf_counter() - writing_started
    # The rows went in by SQL, past the writes that keep the statistics' counts: count them.
    counting = time.perf_counter()
    counted = stats_rollup.rebuild()
    say(
        f"statistics: {counted['counts']:,} counts kept ahead "
        f"in {time.perf_counter() - counting:.1f} s"
    )
    total = time.perf_counter() - started
    say(f"truth file: {truth_path}")
    say(
        f"generated {written:,} persons and {written:,} cases in {total:.1f} s "
        f"(setup {setup_seconds:.1f} s, writing {writing:.1f} s): "
        f"{written / total:,.0f} persons/second"
    )
    return written
