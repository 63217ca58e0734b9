"""The demo scenario, composed of each app's loader in the order the story needs.

The demo sits above every domain app (the layers in docs/architecture.md): it is the one place
that knows them all. Each loader has the signature ``DemoLoader``: it reads what the loaders
before it made from the ``DemoWorld`` and adds to it, and returns its figures.
"""

from __future__ import annotations

from django.db import transaction

from opennrm.accounts import demo as accounts
from opennrm.accounts.demo import PLATFORM_ADMIN, DemoLoader, DemoWorld
from opennrm.accounts.models import User
from opennrm.cases import demo as cases
from opennrm.directory import demo as directory
from opennrm.hotline import demo as hotline
from opennrm.portal import demo as portal
from opennrm.referrals import demo as referrals
from opennrm.returns import demo as returns
from opennrm.stats import demo as stats

LOADERS: tuple[tuple[str, DemoLoader], ...] = (
    ("accounts", accounts.load_demo),  # organizations, one demo user per role
    ("cases", cases.load_demo),  # the report's figures, and Diana's case in full
    ("hotline", hotline.load_demo),  # four weeks of contacts, some became cases
    ("directory", directory.load_demo),  # each organization's services; hotline numbers
    ("referrals", referrals.load_demo),  # needs the cases: Diana's referrals and others
    # Needs the referrals: IOM Türkiye's return is received by the Tashkent centre, which has
    # its own case of the woman from the referral, and does the 3-month follow-up there.
    ("returns", returns.load_demo),
    ("stats", stats.load_demo),  # data-sharing agreements with the national coordinator
    ("portal", portal.load_demo),  # the registry of licensed agencies the portal searches
)


def demo_loaded() -> bool:
    """True when the scenario is in the database already (its platform admin exists)."""
    return User.objects.filter(email=PLATFORM_ADMIN).exists()


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Run every loader in order, all or nothing; return the figures of all of them."""
    world = DemoWorld()
    counts: dict[str, int] = {}
    for _app, loader in LOADERS:
        counts |= loader(world)
    return counts
