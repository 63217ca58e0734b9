"""The Russian, Kazakh and Uzbek (Latin) catalogs: complete, not fuzzy, compiled and in use.

The .po files are read with a small parser of the standard library's tools; the .mo files are
compiled with GNU gettext's msgfmt when missing or older than their .po (``make messages`` does
the same before ``make test``), so this module also runs on its own.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

LOCALE_DIR = Path(django_settings.BASE_DIR) / "locale"

# Django language code -> locale directory
LANGUAGES = {"ru": "ru", "kk": "kk", "uz-latn": "uz_Latn"}

PLURAL_FORMS = {
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "kk": "nplurals=2; plural=(n!=1);",
    "uz_Latn": "nplurals=2; plural=(n != 1);",
}

KEY_MSGIDS = ["Home", "Sign in", "Sign out", "Members", "API tokens", "Organizations", "Language"]

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, the header (msgid "") first; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines belong to

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    def append(value: str) -> None:
        assert current is not None and target is not None
        name, index = target
        if name == "msgstr":
            current.msgstr[index] = current.msgstr.get(index, "") + value
        else:
            setattr(current, name, (getattr(current, name) or "") + value)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        if line.startswith("#"):
            if current is not None and target is not None:
                finish()  # a comment after a msgstr starts the next entry
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if current is None:
            current = Entry(line=number)
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            append(ast.literal_eval(line))
            continue
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            if keyword != "msgid_plural" and target is not None and target[0] == "msgstr":
                finish()  # entries not separated by a blank line
                current = Entry(line=number)
            target = (keyword, 0)
        elif keyword == "msgstr":
            target = ("msgstr", 0)
        elif match:
            target = ("msgstr", int(match.group(1)))
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
        if target[0] == "msgstr":
            current.msgstr.setdefault(target[1], "")
        append(ast.literal_eval(rest))
    finish()
    return entries


def po_path(directory: str) -> Path:
    return LOCALE_DIR / directory / "LC_MESSAGES" / "django.po"


def compile_if_stale(po: Path) -> None:
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("GNU gettext's msgfmt is needed to compile the catalogs (make setup)")
    fd, tmp = tempfile.mkstemp(suffix=".mo", dir=po.parent)
    os.close(fd)
    try:
        done = subprocess.run(
            [msgfmt, "--check", "-o", tmp, str(po)], capture_output=True, text=True
        )
        if done.returncode:
            pytest.fail(f"msgfmt --check {po} failed:\n{done.stderr}")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a .mo is read by the web server
        os.replace(tmp, mo)  # atomic: a parallel reader never sees half a file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@pytest.fixture
def compiled(settings):
    """Compile stale catalogs, then drop Django's translation caches so they are read anew."""
    for directory in LANGUAGES.values():
        compile_if_stale(po_path(directory))
    # Reassigning LOCALE_PATHS sends setting_changed, which clears the loaded translations.
    settings.LOCALE_PATHS = list(django_settings.LOCALE_PATHS)


@pytest.mark.parametrize("directory", LANGUAGES.values())
def test_header(directory):
    header = parse_po(po_path(directory))[0]
    assert header.msgid == "", "the header is the first entry"
    assert "fuzzy" not in header.flags
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == directory
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == PLURAL_FORMS[directory]


@pytest.mark.parametrize("directory", LANGUAGES.values())
def test_every_entry_translated_and_not_fuzzy(directory):
    path = po_path(directory)
    entries = [e for e in parse_po(path) if e.msgid]
    assert len(entries) > 100, "the catalog looks truncated"
    plural_count = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[directory]).group(1))
    problems = []
    for e in entries:
        where = f"{path.name}:{e.line} {e.msgid!r}"
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {where}")
        expected = range(plural_count) if e.msgid_plural is not None else range(1)
        if sorted(e.msgstr) != list(expected):
            problems.append(f"wrong plural forms {sorted(e.msgstr)}: {where}")
        if any(not e.msgstr.get(i, "").strip() for i in expected):
            problems.append(f"untranslated: {where}")
        wanted = sorted(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
        for text in e.msgstr.values():
            if text and sorted(PLACEHOLDER.findall(text)) != wanted and e.msgid_plural is None:
                problems.append(f"placeholders differ: {where} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_catalogs_hold_the_same_msgids():
    """The same (context, msgid) pairs: a context added to one catalog is added to all."""
    sets = {
        d: {(e.msgctxt, e.msgid) for e in parse_po(po_path(d)) if e.msgid}
        for d in LANGUAGES.values()
    }
    reference = sets["ru"]
    for directory, msgids in sets.items():
        assert msgids == reference, (
            f"{directory} differs from ru: missing {sorted(reference - msgids)}, "
            f"extra {sorted(msgids - reference)}"
        )


def test_uzbek_uses_the_modifier_letter_for_o_and_g():
    """Oʻ and gʻ are written with U+02BB, never an ASCII apostrophe or a quotation mark."""
    wrong = re.compile("[OoGg]['\u2018\u2019\u02bc`]")
    bad = [
        (e.msgid, text)
        for e in parse_po(po_path("uz_Latn"))
        if e.msgid
        for text in e.msgstr.values()
        if wrong.search(text)
    ]
    assert not bad, bad


@pytest.mark.parametrize("language", LANGUAGES)
def test_key_navigation_strings_are_translated(compiled, language):
    for msgid in KEY_MSGIDS:
        with translation.override(language):
            translated = translation.gettext(msgid)
        assert translated.strip(), (language, msgid)
        assert translated != msgid, f"{msgid!r} is not translated for {language}"


@pytest.mark.parametrize(("language", "directory"), LANGUAGES.items())
def test_compiled_catalog_serves_every_msgstr(compiled, language, directory):
    """What Django serves is what the .po says: the .mo is current and LOCALE_PATHS wins."""
    mismatches = []
    with translation.override(language):
        for e in parse_po(po_path(directory)):
            if not e.msgid or e.msgid_plural is not None:
                continue
            if e.msgctxt is None:
                served = translation.gettext(e.msgid)
            else:
                served = translation.pgettext(e.msgctxt, e.msgid)
            if served != e.msgstr[0]:
                mismatches.append((e.msgid, e.msgstr[0], served))
    assert not mismatches, mismatches


def test_catalogs_hold_every_string_of_the_source(tmp_path):
    """Every translatable string in the code and templates is in the catalogs: makemessages, run
    on a copy of the source, finds no msgid that the Russian catalog lacks."""
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed (make test installs it)")
    root = Path(django_settings.BASE_DIR)
    copy = tmp_path / "source"
    skip = shutil.ignore_patterns(".*", "var", "test-output", "__pycache__", "*.mo", "node_modules")
    for name in ("opennrm", "locale"):
        shutil.copytree(root / name, copy / name, ignore=skip)
    shutil.copy(root / "manage.py", copy / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-location", "-v0"],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(copy)},
        check=True,
    )
    wanted = {
        (e.msgctxt, e.msgid) for e in parse_po(copy / "locale/ru/LC_MESSAGES/django.po") if e.msgid
    }
    present = {(e.msgctxt, e.msgid) for e in parse_po(po_path("ru")) if e.msgid}
    missing = sorted(wanted - present)
    assert not missing, f"{len(missing)} strings missing from the catalogs: {missing[:20]}"


# --- Wording the translation review found wrong: it never comes back.

# (msgid or None for any entry, a pattern no msgstr may match), per catalog.
REVIEWED_WRONG = {
    "ru": [
        (None, r"Высшее полученное"),  # "highest education" is not "higher education"
        (None, r"Насильник"),  # "Abuser" is not "rapist"
        ("Older", r"^Старше$"),  # older in age; the pager means earlier entries
    ],
    "kk": [
        (None, r"Жолсерік"),  # a train conductor, not a travelling companion
        (None, r"Зорлықшы"),
        (None, r"Рақмет"),
    ],
    "uz_Latn": [
        (None, r"(?i)fohishaboz"),  # offensive and wrong for "Prostitution"
        (None, r"(?i)hokimiyat"),  # "the authorities" are «davlat idoralari»
        ("Widowed", r"^Beva$"),  # a widow only: a widower is «tul»
    ],
}

# What the review asked for, as Django serves it: (context, msgid) -> msgstr per language.
REVIEWED_RIGHT = {
    ("person", "Name"): {"ru": "ФИО", "kk": "Аты-жөні", "uz-latn": "Ism-sharifi"},
    (None, "Name"): {"ru": "Название", "kk": "Атауы", "uz-latn": "Nomi"},
    (None, "Start the screening"): {
        "ru": "Начать скрининг",
        "kk": "Скринингті бастау",
        "uz-latn": "Skriningni boshlash",
    },
    (None, "Take off the directory"): {
        "ru": "Убрать из справочника",
        "kk": "Анықтамалықтан алып тастау",
        "uz-latn": "Maʼlumotnomadan olib tashlash",
    },
    (None, "Highest education"): {"ru": "Уровень образования"},
    (None, "Abuser"): {"ru": "Лицо, применявшее насилие"},
    (None, "Older"): {"ru": "Более ранние"},
    (None, "Travelling partner"): {"kk": "Жол серігі"},
    (None, "Prostitution"): {"uz-latn": "Fohishalikka majburlash"},
    (None, "Widowed"): {"uz-latn": "Beva / tul", "kk": "Жесір / тұл"},
}


@pytest.mark.parametrize("directory", LANGUAGES.values())
def test_reviewed_wrong_wordings_never_come_back(directory):
    found = [
        (e.msgid, text)
        for e in parse_po(po_path(directory))
        if e.msgid
        for msgid, pattern in REVIEWED_WRONG[directory]
        if msgid in (None, e.msgid)
        for text in e.msgstr.values()
        if re.search(pattern, text)
    ]
    assert not found, found


@pytest.mark.parametrize("language", LANGUAGES)
def test_reviewed_wordings_are_served(compiled, language):
    with translation.override(language):
        for (context, msgid), wanted in REVIEWED_RIGHT.items():
            if language not in wanted:
                continue
            served = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            assert served == wanted[language], (context, msgid, served)
