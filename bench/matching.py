"""Finding the same person (issue 11): the three measures, each printing its figures and the
command that reproduces them.

    .venv/bin/python bench/matching.py                 # all three, in order
    .venv/bin/python bench/matching.py febrl           # 1. FEBRL4: OpenNRM's batch vs plain Splink
    .venv/bin/python bench/matching.py names           # 2. cross-script names: recall@1, @10
    .venv/bin/python bench/matching.py --pairs F.tsv   # 2. on your own labelled pairs
    .venv/bin/python bench/matching.py latency [...]   # 3. intake check and name search, p50/p95

Arguments after the part's name go to that part (``--help`` lists them). Each part is also a
script of its own: bench/matching_febrl.py, bench/matching_names.py, bench/matching_latency.py.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

PARTS = {"febrl": "matching_febrl", "names": "matching_names", "latency": "matching_latency"}


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if argv and argv[0] == "--pairs":
        return importlib.import_module(PARTS["names"]).main(argv)
    if argv and argv[0] in PARTS:
        return importlib.import_module(PARTS[argv[0]]).main(argv[1:])
    if argv:
        print(__doc__)
        return 2
    status = 0
    for name, module in PARTS.items():
        print(f"\n=== {name} ===", flush=True)
        status |= importlib.import_module(module).main([])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
