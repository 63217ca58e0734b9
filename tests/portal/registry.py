"""Agencies for the registry tests, made through the services by organization A's regulator
(organization A is in Kazakhstan)."""

from __future__ import annotations

from datetime import date

from opennrm.accounts.models import Role
from opennrm.portal import agencies
from opennrm.portal.models_agencies import Agency
from tests.conftest import World

ORIENT = {
    "name": "ТОО «Ориент-Тур»",
    "licence_number": "KZ-0012",
    "kind": "travel",
    "status": "active",
    "valid_until": date(2030, 6, 30),
    "issuing_authority": "Ministry of Labour and Social Protection",
    "city": "Almaty",
    "address": "",
}


def regulator(world: World, org: str = "a"):
    return world.actor(getattr(world, org)[Role.REGULATOR.value])


def orient(world: World) -> Agency:
    """A licensed travel agency of Kazakhstan, written in Cyrillic."""
    return world.once("orient", lambda: agencies.agency_create(actor=regulator(world), data=ORIENT))


def csv_bytes(*lines: str, separator: str = ",", bom: bool = False) -> bytes:
    text = "\n".join(line.replace(",", separator) for line in lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


HEADER = "name,licence_number,kind,status,valid_until,issuing_authority"
