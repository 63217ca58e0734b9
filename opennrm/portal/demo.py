"""The demo's registry of licensed agencies in Kazakhstan (invented names and numbers), imported
by the demo regulator through the registry's CSV import, as a regulator would."""

from __future__ import annotations

from opennrm.accounts.demo import DemoWorld

from . import agencies

REGULATOR = ("coordinator", "regulator@demo.opennrm.org")
AUTHORITY = "Ministry of Labour and Social Protection (demo)"
# name, licence number, kind, status, valid until (DD.MM.YYYY, as ministries export it), city
AGENCIES = [
    ("ТОО «Ориент-Тур» (demo)", "KZ-TA-0012", "travel", "active", "30.06.2030", "Almaty"),
    ("Silk Road Jobs (demo)", "KZ-RA-0099", "recruitment", "active", "31.12.2029", "Astana"),
    ("Steppe Travel (demo)", "KZ-TA-0100", "travel", "revoked", "31.01.2027", "Shymkent"),
    ("Golden Horizon Recruitment (demo)", "KZ-RA-0101", "recruitment", "suspended", "", "Almaty"),
    ("Caspian Careers (demo)", "KZ-RA-0047", "recruitment", "active", "15.03.2025", "Aktau"),
]


def load_demo(world: DemoWorld) -> dict[str, int]:
    """The demo registry, imported from a semicolon-separated file."""
    lines = ["name;licence_number;kind;status;valid_until;issuing_authority;city"]
    lines += [";".join((*row[:5], AUTHORITY, row[5])) for row in AGENCIES]
    update = agencies.agency_import(
        actor=world.actor(*REGULATOR), content="\n".join(lines).encode()
    )
    return {"licensed agencies": update.created}
