"""Pages and the API read protected data through selectors that take the actor, never directly.

A view, API, template-tag or context-processor module that names a protected model's manager
(``Case.objects``, ``Person._default_manager``) or hands the model to ``get_object_or_404``
skips the visibility gate, the audit of reads and the same-answer-for-not-yours rule. Protected
models are derived from the apps, not listed by hand: every model of an OpenNRM app that holds an
encrypted field, and every model that belongs to one through a foreign key (a person's name
tokens, a case's services), whatever the depth. References to users (author, owner) do not make
a model protected; the user itself is (its full name is encrypted).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from opennrm.crypto.fields import EncryptedJSONField, EncryptedTextField

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "opennrm"
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _encrypted(model: type[models.Model]) -> bool:
    return any(
        isinstance(f, EncryptedTextField | EncryptedJSONField) for f in model._meta.concrete_fields
    )


def protected_models() -> set[type[models.Model]]:
    """OpenNRM models holding encrypted data, and those belonging to them through foreign keys."""
    ours = [m for m in apps.get_models() if m.__module__.startswith("opennrm.")]
    user = apps.get_model(settings.AUTH_USER_MODEL)
    protected = {m for m in ours if _encrypted(m)}
    grown = True
    while grown:
        grown = False
        for model in ours:
            if model in protected:
                continue
            parents = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.many_to_one or f.one_to_one
            }
            if (parents - {user}) & protected:
                protected.add(model)
                grown = True
    return protected


def page_modules() -> list[Path]:
    """Every module that answers a request: views, the API, template tags, context processors."""
    patterns = [
        "*/views.py",
        "*/views/*.py",
        "api/**/*.py",
        "*/templatetags/*.py",
        "*/context_processors.py",
    ]
    found = {path for pattern in patterns for path in PACKAGE.glob(pattern)}
    return sorted(found)


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _bound_names(tree: ast.Module, module: str) -> dict[str, object]:
    """What each imported name in the module stands for (a class, a module)."""
    package = module.rsplit(".", 1)[0]
    names: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{source}" if source else base
            for alias in node.names:
                try:
                    imported = importlib.import_module(source)
                    value = getattr(imported, alias.name)
                except (ImportError, AttributeError):
                    try:
                        value = importlib.import_module(f"{source}.{alias.name}")
                    except ImportError:
                        continue
                names[alias.asname or alias.name] = value
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = importlib.import_module(alias.name)
    return names


def _resolve(node: ast.expr, names: dict[str, object]) -> object | None:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, names)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def direct_reads(source: str, module: str, protected: set[type[models.Model]]) -> list[str]:
    """``line: Model.manager`` for each direct read of a protected model in ``source``."""
    tree = ast.parse(source)
    names = _bound_names(tree, module)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = _resolve(node.value, names)
            if model in protected:
                found.append(f"{node.lineno}: {model.__name__}.{node.attr}")
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            called = (
                function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
            )
            model = _resolve(node.args[0], names)
            if called in SHORTCUTS and model in protected:
                found.append(f"{node.lineno}: {called}({model.__name__})")
    return found


def test_protected_models_are_derived_from_the_apps(db) -> None:
    labels = {m._meta.label for m in protected_models()}
    # The roots (encrypted fields) and what belongs to them, across apps.
    for label in [
        "people.Person",
        "people.PersonName",
        "cases.Case",
        "cases.Service",
        "cases.Consent",
        "hotline.Signal",
        "screening.Screening",
        "referrals.Referral",
        "returns.ReintegrationFollowUp",
        "accounts.User",
    ]:
        assert label in labels, label
    # Numbers, questionnaires, the directory and memberships are not a person's data.
    for label in ["cases.NumberSequence", "screening.Questionnaire", "accounts.Membership"]:
        assert label not in labels, label


def test_the_check_finds_a_direct_read() -> None:
    protected = protected_models()
    source = (
        "from django.shortcuts import get_object_or_404\n"
        "from opennrm.cases.models import Case\n"
        "from opennrm.people import models as people\n"
        "from opennrm.screening.models import Questionnaire\n"
        "def view(request, case_id):\n"
        "    Questionnaire.objects.all()\n"
        "    people.Person._default_manager.count()\n"
        "    get_object_or_404(Case, uuid=case_id)\n"
        "    return Case.objects.get(uuid=case_id)\n"
    )
    found = direct_reads(source, "opennrm.cases.views", protected)
    assert sorted(found) == [
        "7: Person._default_manager",
        "8: get_object_or_404(Case)",
        "9: Case.objects",
    ]


@pytest.mark.parametrize("path", page_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pages_and_api_read_protected_models_through_selectors(path: Path) -> None:
    found = direct_reads(path.read_text(encoding="utf-8"), _module_name(path), protected_models())
    assert not found, f"{path.relative_to(ROOT)} reads protected data directly: {found}"
