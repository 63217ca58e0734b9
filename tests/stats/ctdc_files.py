"""CTDC files written in the published formats, from generated rows, for the import tests.

``v6_file`` writes the codebook v6 global data set as CTDC publishes it: the terms of use as the
first column (a long header cell, values empty or text holding ``;`` in quotes), 62 columns,
``;``-separated, booleans 0/1/-99 ("Unknown" in hotline rows), citizenship alpha-2 ("00"
unknown), a UTF-8 byte order mark. ``synthetic_file`` writes the newer reduced schema
(citizenship alpha-3). The rows are returned too, so a test counts them on its own.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

TERMS = (
    "By using this data; you agree to the CTDC terms of use: the data may not be used to "
    "identify any individual, and must be cited as the Counter Trafficking Data Collaborative"
)
MEANS = [
    "DebtBondage",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "Threats",
    "PsychologicalAbuse",
    "PhysicalAbuse",
    "SexualAbuse",
    "FalsePromises",
    "PsychoactiveSubstances",
    "RestrictsMovement",
    "RestrictsMedicalCare",
    "ExcessiveWorkingHours",
    "UsesChildren",
    "ThreatOfLawEnforcement",
    "WithholdsNecessities",
    "WithholdsDocuments",
    "Other",
    "NotSpecified",
]
LABOUR = [
    "Agriculture",
    "Aquafarming",
    "Begging",
    "Construction",
    "DomesticWork",
    "Hospitality",
    "IllicitActivities",
    "Manufacturing",
    "MiningOrDrilling",
    "Peddling",
    "Transportation",
    "Other",
    "NotSpecified",
]
SEX = ["Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices"]
RELATIONS = ["IntimatePartner", "Friend", "Family", "Other", "Unknown"]
V6_COLUMNS = [
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *[f"meansOfControl{m}" for m in MEANS],
    "meansOfControlConcatenated",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "typeOfExploitConcatenated",
    *[f"typeOfLabour{t}" for t in LABOUR],
    "typeOfLabourConcatenated",
    *[f"typeOfSex{t}" for t in SEX],
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    *[f"recruiterRelation{r}" for r in RELATIONS],
]
assert len(V6_COLUMNS) == 62
SYNTHETIC_COLUMNS = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "meansDebtBondageEarnings",
    "meansThreats",
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfSexProstitution",
]
AGES = ["0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+", "-99"]
CITIZENSHIPS = ["UZ", "TJ", "KG", "KZ", "UA", "MD", "PH", "00"]
ALPHA_3 = {"UZ": "UZB", "TJ": "TJK", "KG": "KGZ", "KZ": "KAZ", "UA": "UKR", "MD": "MDA"}
ALPHA_3 |= {"PH": "PHL", "RU": "RUS", "TR": "TUR", "AE": "ARE", "00": "-99"}
EXPLOITED_IN = ["KZ", "KZ", "KZ", "RU", "TR", "AE", "-99"]
YEARS = [2011, 2012, 2013, 2014, 2015, 2016, 2017]


@dataclass(frozen=True)
class Generated:
    year: int
    hotline: bool
    gender: str  # "Male", "Female", "Transgender/NonConforming", "-99"
    age: str
    citizenship: str  # alpha-2, "00" unknown
    exploited_in: str  # alpha-2, "-99" unknown
    labour: str  # "1", "0", "-99" ("Unknown" in hotline rows)
    sexual: str
    other: str
    labour_type: str  # one of LABOUR or ""


def generate(count: int, seed: int = 12) -> list[Generated]:
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        hotline = rng.random() < 0.2
        flags = [rng.choice(["0", "1", "1", "-99"]) for _ in range(3)]
        if hotline:
            flags = ["Unknown" if f == "-99" else f for f in flags]
        rows.append(
            Generated(
                year=rng.choice(YEARS),
                hotline=hotline,
                gender=rng.choice(["Male", "Female", "Female", "Transgender/NonConforming", "-99"]),
                age=rng.choice(AGES),
                citizenship=rng.choice(CITIZENSHIPS),
                exploited_in=rng.choice(EXPLOITED_IN),
                labour=flags[0],
                sexual=flags[1],
                other=flags[2],
                labour_type=rng.choice(LABOUR) if flags[0] == "1" else "",
            )
        )
    return rows


def _v6_values(row: Generated, index: int) -> list[str]:
    missing = "Unknown" if row.hotline else "-99"
    values = {c: missing for c in V6_COLUMNS}
    minor = {"0--8": "Minor", "9--17": "Minor", "-99": "Unknown"}.get(row.age, "Adult")
    values |= {
        "yearOfRegistration": str(row.year),
        "Datasource": "Hotline" if row.hotline else "Case Management",
        "gender": row.gender,
        "ageBroad": row.age,
        "majorityStatus": minor,
        "citizenship": row.citizenship,
        "isForcedLabour": row.labour,
        "isSexualExploit": row.sexual,
        "isOtherExploit": row.other,
        "CountryOfExploitation": row.exploited_in,
        # Concatenations hold ";": written in quotes.
        "meansOfControlConcatenated": "Debt bondage;Threats" if index % 3 else "",
        "typeOfExploitConcatenated": ";".join(
            name
            for name, flag in (("Forced labour", row.labour), ("Sexual exploitation", row.sexual))
            if flag == "1"
        ),
        "RecruiterRelationship": "Friend;Family" if row.hotline else "",
    }
    for labour in LABOUR:
        values[f"typeOfLabour{labour}"] = "1" if row.labour_type == labour else "0"
    values["typeOfLabourConcatenated"] = row.labour_type
    terms = "" if index % 5 else "see the terms; above"
    return [terms] + [values[c] for c in V6_COLUMNS]


def v6_text(rows: list[Generated], *, separator: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow([TERMS, *V6_COLUMNS])
    for index, row in enumerate(rows):
        writer.writerow(_v6_values(row, index))
    return out.getvalue()


def v6_file(rows: list[Generated], *, bom: bool = True, separator: str = ";") -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + v6_text(rows, separator=separator).encode("utf-8")


def synthetic_file(rows: list[Generated]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(SYNTHETIC_COLUMNS)
    gender = {"Male": "Man", "Female": "Woman", "Transgender/NonConforming": "Trans/Transgender"}
    for row in rows:
        writer.writerow(
            [
                str(row.year),
                gender.get(row.gender, "-99"),
                row.age,
                ALPHA_3[row.citizenship],
                ALPHA_3.get(row.exploited_in, "-99"),
                "-99",
                *(("-99" if f == "Unknown" else f) for f in (row.labour, row.sexual, row.other)),
                "0",
                "1",
                "1" if row.labour_type == "Agriculture" else "0",
                "1" if row.labour_type == "Construction" else "0",
                "0",
            ]
        )
    return out.getvalue().encode("utf-8")
