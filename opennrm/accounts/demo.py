"""The demo scenario's organizations and users (../shared/reference/scenario.md), and the
``DemoWorld`` every app's demo loader builds on.

Every app's loader has one signature, ``load_demo(world: DemoWorld) -> dict[str, int]`` (what it
made, by figure); ``opennrm.demo`` calls them in order. Everything is created through the
services, so the audit log holds it like real work. Invented data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import services
from .models import Membership, Organization, OrganizationType, Role
from .permissions import Actor

DEMO_PASSWORD = "opennrm-demo-2026"
PLATFORM_ADMIN = "platform@demo.opennrm.org"

# (key, name, type, country, city)
ORGANIZATIONS = [
    ("iom-almaty", "IOM Kazakhstan, Almaty office", OrganizationType.INTERNATIONAL, "KZ", "Almaty"),
    ("crisis", "Almaty Crisis Support Centre", OrganizationType.NGO, "KZ", "Almaty"),
    ("hotline", "Kazakhstan Trafficking Hotline", OrganizationType.HOTLINE, "KZ", "Almaty"),
    (
        "dispensary",
        "Almaty City HIV/AIDS Dispensary",
        OrganizationType.HEALTH_SERVICE,
        "KZ",
        "Almaty",
    ),
    ("legal", "Almaty Legal Aid Centre", OrganizationType.LEGAL, "KZ", "Almaty"),
    ("iom-turkey", "IOM Türkiye", OrganizationType.INTERNATIONAL, "TR", "Ankara"),
    (
        "police",
        "Almaty Police Anti-Trafficking Unit",
        OrganizationType.LAW_ENFORCEMENT,
        "KZ",
        "Almaty",
    ),
    ("tajik-ngo", "Dushanbe Anti-Trafficking NGO", OrganizationType.NGO, "TJ", "Dushanbe"),
    (
        "coordinator",
        "National Coordinator against Trafficking in Persons",
        OrganizationType.CENTRAL_GOVERNMENT,
        "KZ",
        "Astana",
    ),
    ("uz-ngo", "Tashkent Reintegration Centre", OrganizationType.NGO, "UZ", "Tashkent"),
]

# (e-mail, name, [(organization key, role)]): one demo user per role, one in two organizations.
USERS: list[tuple[str, str, list[tuple[str, Role]]]] = [
    ("operator@demo.opennrm.org", "Aigerim Operator", [("hotline", Role.HOTLINE_OPERATOR)]),
    (
        "caseworker@demo.opennrm.org",
        "Gulnara Caseworker",
        [("crisis", Role.CASE_WORKER), ("iom-almaty", Role.CASE_WORKER)],
    ),
    (
        "supervisor@demo.opennrm.org",
        "Saule Supervisor",
        [("iom-almaty", Role.SUPERVISOR), ("crisis", Role.SUPERVISOR)],
    ),
    ("clinic@demo.opennrm.org", "Dr Marat Clinic", [("dispensary", Role.SERVICE_PROVIDER)]),
    ("lawyer@demo.opennrm.org", "Dana Lawyer", [("legal", Role.SERVICE_PROVIDER)]),
    ("police@demo.opennrm.org", "Yerlan Police", [("police", Role.LAW_ENFORCEMENT_LIAISON)]),
    ("analyst@demo.opennrm.org", "Timur Analyst", [("coordinator", Role.DATA_ANALYST)]),
    ("admin@demo.opennrm.org", "Asel Admin", [("iom-almaty", Role.ORGANIZATION_ADMIN)]),
    # Keeps Kazakhstan's registry of licensed agencies that the portal searches (decision 0027);
    # the demo has no licensing ministry of its own, so the regulator sits at the coordinator.
    ("regulator@demo.opennrm.org", "Nurlan Regulator", [("coordinator", Role.REGULATOR)]),
    ("turkey@demo.opennrm.org", "Elif Caseworker", [("iom-turkey", Role.CASE_WORKER)]),
    ("tajik@demo.opennrm.org", "Nigina Caseworker", [("tajik-ngo", Role.CASE_WORKER)]),
    ("uzbek@demo.opennrm.org", "Dilfuza Caseworker", [("uz-ngo", Role.CASE_WORKER)]),
    ("uzbek.supervisor@demo.opennrm.org", "Bobur Supervisor", [("uz-ngo", Role.SUPERVISOR)]),
    # Keeps the directory entries of the organizations that have no admin or supervisor above.
    (
        "directory@demo.opennrm.org",
        "Aliya Directory",
        [
            (key, Role.ORGANIZATION_ADMIN)
            for key in (
                "hotline",
                "dispensary",
                "legal",
                "iom-turkey",
                "police",
                "tajik-ngo",
                "coordinator",
            )
        ],
    ),
]


@dataclass
class DemoWorld:
    """What the loaders so far made, by key: organizations by their key in ``ORGANIZATIONS``,
    memberships by (organization key, e-mail). Filled by the accounts loader, read by the rest."""

    organizations: dict[str, Organization] = field(default_factory=dict)
    memberships: dict[tuple[str, str], Membership] = field(default_factory=dict)

    def actor(self, key: str, email: str) -> Actor:
        """The demo user ``email`` acting through their membership in organization ``key``."""
        membership = self.memberships[key, email]
        return Actor.of(membership.user, membership)

    def find_actor(self, key: str, email: str) -> Actor | None:
        """Like ``actor``, or None when the world has no such membership."""
        return self.actor(key, email) if (key, email) in self.memberships else None


# Every app's demo loader: it reads and adds to the world, and returns what it made by figure.
DemoLoader = Callable[[DemoWorld], dict[str, int]]


def load_demo(world: DemoWorld) -> dict[str, int]:
    """The platform admin, the scenario's organizations and one demo user per role, into
    ``world``."""
    admin = services.platform_admin_create(
        email=PLATFORM_ADMIN, password=DEMO_PASSWORD, full_name="Platform Admin", is_demo=True
    )
    platform = Actor.of(admin, None)
    for key, name, org_type, country, city in ORGANIZATIONS:
        world.organizations[key] = services.organization_create(
            actor=platform, name=name, org_type=org_type, country=country, city=city
        )
    coordinator = world.organizations["coordinator"]
    coordinator.national_coordinator = True  # its analyst runs linkage across organizations
    coordinator.save(update_fields=["national_coordinator"])
    for email, full_name, roles in USERS:
        for key, role in roles:
            world.memberships[key, email] = services.membership_create(
                actor=platform,
                organization=world.organizations[key],
                email=email,
                full_name=full_name,
                role=role,
                password=DEMO_PASSWORD,
                is_demo=True,
            )
    return {"organizations": len(world.organizations), "demo users": len(USERS) + 1}
