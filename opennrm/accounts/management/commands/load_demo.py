"""The organizations and people of the demo scenario (../shared/reference/scenario.md).

Everything is created through the services, so the audit log holds it like real work.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opennrm.accounts import services
from opennrm.accounts.models import Organization, OrganizationType, Role, User
from opennrm.accounts.permissions import Actor
from opennrm.cases.demo import load_demo_cases
from opennrm.directory.demo import load_demo_directory
from opennrm.hotline.demo import load_demo_signals
from opennrm.referrals.demo import load_demo_referrals
from opennrm.returns.demo import load_demo_returns

DEMO_PASSWORD = "opennrm-demo-2026"

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
USERS = [
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
# Who opens the scenario's cases: (organization key, e-mail); the supervisor approves Diana's.
CASE_OWNERS = {
    "iom-almaty": "caseworker@demo.opennrm.org",
    "crisis": "caseworker@demo.opennrm.org",
    "iom-turkey": "turkey@demo.opennrm.org",
    "tajik-ngo": "tajik@demo.opennrm.org",
}
PLATFORM_ADMIN = "platform@demo.opennrm.org"


class Command(BaseCommand):
    help = "Load the demo scenario's organizations and one demo user per role (demo mode only)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("load_demo needs OPENNRM_DEMO_MODE=1; demo users skip two-factor.")
        if User.objects.filter(email=PLATFORM_ADMIN).exists():
            self.stdout.write("Demo scenario already loaded.")
        else:
            self._load()
        self._print_logins()

    def _load(self) -> None:
        admin = services.platform_admin_create(
            email=PLATFORM_ADMIN, password=DEMO_PASSWORD, full_name="Platform Admin", is_demo=True
        )
        actor = Actor.of(admin, None)
        organizations: dict[str, Organization] = {}
        for key, name, org_type, country, city in ORGANIZATIONS:
            organizations[key] = services.organization_create(
                actor=actor, name=name, org_type=org_type, country=country, city=city
            )
        memberships = {}
        for email, full_name, roles in USERS:
            for key, role in roles:
                memberships[key, email] = services.membership_create(
                    actor=actor,
                    organization=organizations[key],
                    email=email,
                    full_name=full_name,
                    role=role,
                    password=DEMO_PASSWORD,
                    is_demo=True,
                )
        actors = {
            key: Actor.of(memberships[key, email].user, memberships[key, email])
            for key, email in CASE_OWNERS.items()
        }
        supervisor = memberships["crisis", "supervisor@demo.opennrm.org"]
        counts = load_demo_cases(
            actors=actors,
            organizations=organizations,
            supervisor=Actor.of(supervisor.user, supervisor),
        )
        counts |= load_demo_signals(memberships=memberships)
        # The directory, each organization's entries by its own admin or supervisor.
        managers = {
            key: Actor.of(m.user, m)
            for (key, _email), m in memberships.items()
            if m.role in (Role.ORGANIZATION_ADMIN, Role.SUPERVISOR)
        }
        counts |= load_demo_directory(managers=managers)
        uzbek = memberships["uz-ngo", "uzbek@demo.opennrm.org"]
        counts |= load_demo_returns(
            actor=Actor.of(uzbek.user, uzbek), receiving=organizations["uz-ngo"]
        )
        counts |= load_demo_referrals(memberships=memberships, organizations=organizations)
        for figure, count in counts.items():
            self.stdout.write(f"  {count:4} {figure}")

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {PLATFORM_ADMIN:32} platform admin (organizations only)")
        names = {key: name for key, name, *_rest in ORGANIZATIONS}
        for email, _name, roles in USERS:
            described = ", ".join(f"{role.label} at {names[key]}" for key, role in roles)
            self.stdout.write(f"  {email:32} {described}")
        self.stdout.write("")
