"""Print the mutation score per module from mutmut's results (``mutants/``), and list the survivors.

Run by ``make mutate`` after ``mutmut run``, with the same mutant-name patterns (``fnmatch``), e.g.
``presslens.stats.*`` or ``presslens.cleaning.x_find_duplicates__*`` (one function). Patterns of
one module are scored together. mutmut 3 records, per mutated file, the exit code of the tests on
each mutant (``mutants/src/<module path>.py.meta``), read with mutmut's own table of exit codes:
"killed" and "timeout" count as killed (as in mutmut's score); "survived", "no tests" (no selected
test runs the function), "suspicious" and the rest count as not killed and are listed, with their
status; ``None`` means not run. Exit status 1 when a module is below ``GOAL`` or has mutants not run.
"""
from __future__ import annotations

import fnmatch
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.85  # issue 18: at least 85% of the mutants killed on every module named
SURVIVORS_DOC = ROOT / "docs" / "mutation-survivors.md"
NAME = re.compile(r"presslens\.[\w.\u01c1]+?__mutmut_\d+")


def documented() -> set[str]:
    """The mutant names docs/mutation-survivors.md explains."""
    return set(NAME.findall(SURVIVORS_DOC.read_text(encoding="utf-8"))) if SURVIVORS_DOC.exists() else set()


KILLED = ("killed", "timeout")


def module_of(pattern: str) -> str:
    """``presslens.cleaning.x_find_duplicates__*`` -> ``presslens.cleaning``."""
    parts = pattern.split(".")
    return ".".join(p for p in parts[:-1] if not p.startswith("x") or p == parts[0])


def scores(patterns: list[str]) -> list[dict]:
    from mutmut.stats import status_by_exit_code

    by_module: dict[str, list[str]] = {}
    for pattern in patterns:
        by_module.setdefault(module_of(pattern), []).append(pattern)
    rows = []
    for module, mine in by_module.items():
        meta = ROOT / "mutants" / "src" / (module.replace(".", "/") + ".py.meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        codes = {k: v for k, v in codes.items() if any(fnmatch.fnmatchcase(k, p) for p in mine)}
        whole = all(p == f"{module}.*" for p in mine)
        functions = sorted({p.split(".")[-1].removeprefix("x_").split("__*")[0] for p in mine if not whole})
        status = {k: status_by_exit_code[code] for k, code in codes.items()}
        rows.append({
            "module": module + ("" if whole else f" ({', '.join(functions)})"),
            "killed": sum(1 for s in status.values() if s in KILLED),
            "survived": sorted(f"{k} ({s})" if s != "survived" else k for k, s in status.items()
                               if s not in KILLED and s != "not checked"),
            "not_run": sum(1 for s in status.values() if s == "not checked"),
        })
    return rows


def main(argv: list[str]) -> int:
    rows = scores(argv)
    ok = True
    print(f"{'module':64} {'mutants':>8} {'killed':>8} {'survived':>9} {'not run':>8} {'score':>7}")
    for row in rows:
        killed, survived, not_run = row["killed"], len(row["survived"]), row["not_run"]
        tried = killed + survived
        score = f"{100 * killed / tried:.1f}%" if tried else "-"
        ok &= bool(tried) and not not_run and killed >= GOAL * tried
        print(f"{row['module']:64} {tried + not_run:8d} {killed:8d} {survived:9d} {not_run:8d} {score:>7}")
    out = ROOT / "mutants" / "survivors.txt"
    out.write_text("".join(f"{key}\n" for row in rows for key in row["survived"]))
    print(f"goal: {GOAL:.0%} killed on every module: {'met' if ok else 'NOT met'}")
    unexplained = [key for row in rows for key in row["survived"] if key.split(" ")[0] not in documented()]
    ok &= not unexplained
    print(f"survivors not explained in {SURVIVORS_DOC.relative_to(ROOT)}: {len(unexplained)}")
    for key in unexplained:
        print(f"  {key}")
    print(f"survivors listed in {out.relative_to(ROOT)} (show one with: .venv/bin/mutmut show NAME);"
          " docs/mutation-survivors.md says why each is left")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
