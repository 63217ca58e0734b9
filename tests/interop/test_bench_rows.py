"""The import bench's generated files are valid: a bench that times refused rows measures
nothing (its rows once lacked the referring organization a recorded referral needs)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from opennrm.accounts.models import Role
from opennrm.interop.services import import_preview

BENCH = Path(__file__).resolve().parents[2] / "bench" / "import.py"


@pytest.fixture
def bench(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_import", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "FILES", tmp_path)
    return module


@pytest.mark.parametrize("kind", ["xlsx", "csv", "json"])
def test_every_generated_row_would_be_imported(world, bench, kind) -> None:
    made = bench.generate(40, kind)
    actor = world.actor(world.a[Role.SUPERVISOR])
    with open(made["path"], "rb") as handle:
        result = import_preview(
            actor=actor, organization=world.org_a, file=handle, name=Path(made["path"]).name
        )
    assert [p.line() for p in result.problems] == []
    assert result.rows == 40 and result.rows_refused == 0
    assert result.cases_create + result.cases_update == 40
