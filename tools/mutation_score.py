"""Print the mutation score per module from mutmut's results (``mutants/``), and list the survivors.

Run by ``make mutate`` after ``mutmut run``. mutmut 3 records, per mutated file, the exit code of
the tests on each mutant (``mutants/src/<module>.py.meta``): 1 or more means a test failed (the
mutant is killed), 0 that every test passed (it survived); ``None`` means it was not run.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def scores(modules: list[str]) -> list[tuple[str, int, int, int, list[str]]]:
    rows = []
    for module in modules:
        meta = ROOT / "mutants" / "src" / (module.replace(".", "/") + ".py.meta")
        if not meta.exists():
            rows.append((module, 0, 0, 0, []))
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        killed = sum(1 for code in codes.values() if code not in (None, 0))
        survived = sorted(key for key, code in codes.items() if code == 0)
        not_run = sum(1 for code in codes.values() if code is None)
        rows.append((module, killed, len(survived), not_run, survived))
    return rows


def main(argv: list[str]) -> int:
    rows = scores(argv)
    print(f"{'module':32} {'mutants':>8} {'killed':>8} {'survived':>9} {'not run':>8} {'score':>7}")
    for module, killed, survived, not_run, _ in rows:
        tried = killed + survived
        score = f"{100 * killed / tried:.1f}%" if tried else "-"
        print(f"{module:32} {tried + not_run:8d} {killed:8d} {survived:9d} {not_run:8d} {score:>7}")
    out = ROOT / "mutants" / "survivors.txt"
    out.write_text("".join(f"{key}\n" for *_, survived in rows for key in survived))
    print(f"survivors listed in {out.relative_to(ROOT)} (show one with: .venv/bin/mutmut show NAME)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
