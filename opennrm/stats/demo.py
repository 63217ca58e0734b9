"""The demo's data-sharing agreements: the organizations with cases in the report's figures
share their statistics with the national coordinator from 2004, so its analyst's national view
shows them (Tajikistan's 41 cases in 2004, 93 in 2005)."""

from __future__ import annotations

from opennrm.accounts.demo import DemoWorld

from . import sharing

# (organization key, its admin's e-mail in the demo); the crisis centre has no admin in the demo.
SHARING = [
    ("iom-almaty", "admin@demo.opennrm.org"),
    ("hotline", "directory@demo.opennrm.org"),
    ("iom-turkey", "directory@demo.opennrm.org"),
    ("tajik-ngo", "directory@demo.opennrm.org"),
]


def load_demo(world: DemoWorld) -> dict[str, int]:
    shared = 0
    for key, email in SHARING:
        actor = world.find_actor(key, email)
        if actor is None:
            continue
        sharing.sharing_start(actor=actor, starts_on="2004-01-01", reference="Demo agreement")
        shared += 1
    return {"Organizations sharing statistics": shared}
