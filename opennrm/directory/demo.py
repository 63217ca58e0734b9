"""The demo scenario's service directory: what each demo organization offers, and hotline numbers
for Kazakhstan, Uzbekistan, Tajikistan, Kyrgyzstan, Türkiye and Russia.

Every phone number and e-mail here is INVENTED for the demo (``is_demo``): numbers shaped like
real ones (+7 727 300 00 00) so that validation accepts them, never published on the portal.
"""

from __future__ import annotations

from typing import Any

from opennrm.accounts.demo import DemoWorld
from opennrm.accounts.models import Role

from . import services

_WORKDAYS = "Mon–Fri 9:00–18:00 (demo)"
_ALWAYS = "24/7 (demo)"

# organization key -> services offered (the fields of directory_entry_create)
ENTRIES: dict[str, list[dict[str, Any]]] = {
    "iom-almaty": [
        {
            "service_type": "Legal",
            "description": "Legal counselling and representation for trafficked persons.",
            "languages": ["ru", "kk", "en"],
            "countries": ["KZ"],
            "contact_phone": "+7 727 300 00 10",
            "contact_email": "legal@iom-almaty.example.org",
        },
        {
            "service_type": "Medical",
            "description": "Medical assistance paid for by the counter-trafficking project.",
            "languages": ["ru", "kk"],
            "countries": ["KZ"],
            "contact_phone": "+7 727 300 00 10",
        },
        {
            "service_type": "ReturnTravel",
            "description": "Voluntary return to the country of origin, with travel documents.",
            "languages": ["ru", "en", "uz", "tg", "ky"],
            "countries": ["KZ", "UZ", "TJ", "KG"],
            "contact_phone": "+7 727 300 00 10",
        },
    ],
    "crisis": [
        {
            "service_type": "Shelter",
            "description": "Crisis shelter for women and their children.",
            "languages": ["ru", "kk", "uz"],
            "region": "Almaty and Almaty region",
            "capacity_free": 3,
            "capacity_total": 12,
            "capacity_unit": "beds",
            "contact_phone": "+7 727 300 00 20",
            "contact_email": "shelter@crisis-almaty.example.org",
        },
        {
            "service_type": "Psychological",
            "description": "Individual and group counselling.",
            "languages": ["ru", "kk"],
            "contact_phone": "+7 727 300 00 20",
        },
    ],
    "hotline": [
        {
            "service_type": "Other",
            "description": "Hotline: safe-migration advice, job-offer checks, help for victims.",
            "languages": ["ru", "kk", "uz", "ky", "tg"],
            "countries": ["KZ"],
            "hours": _ALWAYS,
            "contact_phone": "+7 727 300 00 00",
        }
    ],
    "dispensary": [
        {
            "service_type": "Medical",
            "description": "HIV and STI testing, treatment and counselling; anonymous on request.",
            "languages": ["ru", "kk"],
            "region": "Almaty",
            "contact_phone": "+7 727 300 00 30",
        }
    ],
    "legal": [
        {
            "service_type": "Legal",
            "description": "Free legal aid: documents, labour claims, court representation.",
            "languages": ["ru", "kk"],
            "contact_phone": "+7 727 300 00 40",
            "contact_email": "help@legal-aid-almaty.example.org",
        }
    ],
    "iom-turkey": [
        {
            "service_type": "ReturnTravel",
            "description": "Assisted voluntary return from Türkiye, with reception partners.",
            "languages": ["tr", "en", "ru"],
            "countries": ["TR"],
            "contact_phone": "+90 312 500 00 00",
            "contact_email": "return@iom-turkiye.example.org",
        }
    ],
    "police": [
        {
            "service_type": "Other",
            "description": "Reporting trafficking crimes; protection of victims who testify.",
            "languages": ["ru", "kk"],
            "region": "Almaty",
            "hours": _ALWAYS,
            "contact_phone": "+7 727 300 00 50",
        }
    ],
    "tajik-ngo": [
        {
            "service_type": "Reintegration",
            "description": "Reception of returnees, family mediation, small grants.",
            "languages": ["tg", "ru"],
            "countries": ["TJ"],
            "contact_phone": "+992 37 200 00 10",
        },
        {
            "service_type": "Shelter",
            "description": "Short-stay shelter for returned women.",
            "languages": ["tg", "ru"],
            "capacity_free": 2,
            "capacity_total": 8,
            "capacity_unit": "beds",
            "contact_phone": "+992 37 200 00 10",
        },
    ],
    "coordinator": [
        {
            "service_type": "Other",
            "description": "National referral coordination: who to call for what.",
            "languages": ["kk", "ru"],
            "countries": ["KZ"],
            "contact_phone": "+7 717 200 00 00",
        }
    ],
    "uz-ngo": [
        {
            "service_type": "Reintegration",
            "description": "Reception at arrival, then reintegration for 12 months.",
            "languages": ["uz", "ru"],
            "countries": ["UZ"],
            "region": "Tashkent and Tashkent region",
            "contact_phone": "+998 71 200 00 10",
            "contact_email": "reintegration@tashkent-centre.example.org",
        },
        {
            "service_type": "VocationalTraining",
            "description": "Sewing, cooking and computer courses; help to find work.",
            "languages": ["uz", "ru"],
            "countries": ["UZ"],
            "capacity_free": 5,
            "capacity_total": 20,
            "capacity_unit": "course places",
            "contact_phone": "+998 71 200 00 20",
        },
        {
            "service_type": "Shelter",
            "description": "Shelter for returned women and children.",
            "languages": ["uz", "ru"],
            "countries": ["UZ"],
            "capacity_free": 4,
            "capacity_total": 10,
            "capacity_unit": "beds",
            "contact_phone": "+998 71 200 00 10",
        },
    ],
}

# (organization key, country, number, languages, free of charge): all numbers INVENTED (demo).
HOTLINES = [
    ("hotline", "KZ", "+7 727 300 00 00", ["ru", "kk"], True),
    ("uz-ngo", "UZ", "+998 71 200 00 00", ["uz", "ru"], True),
    ("tajik-ngo", "TJ", "+992 37 200 00 00", ["tg", "ru"], True),
    ("iom-almaty", "KG", "+996 312 900 000", ["ky", "ru"], False),
    ("iom-turkey", "TR", "+90 212 500 00 00", ["tr", "en", "ru"], True),
    ("iom-almaty", "RU", "+7 495 100 00 00", ["ru"], False),
]


def load_demo(world: DemoWorld) -> dict[str, int]:
    """List every demo organization's services and the demo hotline numbers, each through the
    services as the organization's own admin or supervisor."""
    managers = {
        key: world.actor(key, email)
        for (key, email), membership in world.memberships.items()
        if membership.role in (Role.ORGANIZATION_ADMIN, Role.SUPERVISOR)
    }
    entries = 0
    for key, offered in ENTRIES.items():
        for fields in offered:
            fields = {"hours": _WORKDAYS, **fields}
            services.directory_entry_create(actor=managers[key], is_demo=True, **fields)
            entries += 1
    for key, country, number, languages, free in HOTLINES:
        services.hotline_number_create(
            actor=managers[key],
            is_demo=True,
            country=country,
            number=number,
            languages=languages,
            hours=_ALWAYS,
            free_of_charge=free,
        )
    return {"directory services": entries, "hotline numbers": len(HOTLINES)}
