"""Run the notebooks the one way the project runs them, and check that a re-run reproduces them.

``python -m presslens.repro run NOTEBOOK...`` executes each notebook in place from a fresh kernel
(``make reproduce``) and saves it without the metadata that changes on every run (each cell's
execution timestamps), so that a re-run that computes the same outputs writes the same file.

``python -m presslens.repro check [NOTEBOOK...]`` (``make check-repro``) executes every notebook
into a temporary folder, its figures into another (``$PRESSLENS_FIGURES``), and reports every
output that differs from the committed one, cell by cell, and every figure's RMS difference from the
committed PNG (0-255 scale, as matplotlib's ``compare_images``). It prints ``identical`` and exits 0
when nothing differs, and exits 1 otherwise. Nothing in the repository is written.

Outputs are compared as nbval compares them in ``make test``: text exactly, after masking the
patterns in ``tests/nbval-sanitize.cfg`` (memory addresses only). Inline images are compared by
their pixels, and reported with their RMS difference.
"""
from __future__ import annotations

import argparse
import base64
import configparser
import difflib
import io as _io
import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

from presslens import paths

SANITIZE_FILE = paths.ROOT / "tests" / "nbval-sanitize.cfg"
VOLATILE_CELL_METADATA = ("execution",)
TIMEOUT = 1200
IMAGE_TYPES = ("image/png",)


def notebooks() -> list[Path]:
    """Return the project's notebooks, sorted by name."""
    return sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def strip_volatile(nb):
    """Remove what changes on every run and says nothing about the results: each cell's execution
    timestamps (``metadata.execution``). Returns the notebook (changed in place)."""
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    return nb


def execute(path, out=None, *, timeout: int = TIMEOUT):
    """Execute notebook ``path`` top to bottom in a fresh kernel, from the notebooks folder, and
    write it (stripped of volatile metadata) to ``out`` (default: in place). Returns the notebook.

    A cell that raises stops the run with nbclient's ``CellExecutionError``, which names the cell.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    strip_volatile(nb)
    nbformat.write(nb, Path(out) if out is not None else path)
    return nb


def sanitizers(path=SANITIZE_FILE) -> list[tuple[re.Pattern, str]]:
    """Return the ``(regex, replacement)`` pairs of an nbval sanitize file."""
    parser = configparser.ConfigParser()
    parser.read(path)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _sanitize(text: str, rules) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def _pixels(data) -> np.ndarray:
    from PIL import Image

    raw = data if isinstance(data, bytes) else base64.b64decode(_text(data))
    with Image.open(_io.BytesIO(raw)) as image:
        return np.asarray(image.convert("RGBA"), dtype=float)


def image_rms(a, b) -> float | None:
    """Return the RMS difference of two images (PNG bytes, base64 text or arrays) on a 0-255 scale,
    or None when their sizes differ.

    >>> image_rms(np.zeros((2, 2, 4)), np.full((2, 2, 4), 3.0))
    3.0
    """
    a = a if isinstance(a, np.ndarray) else _pixels(a)
    b = b if isinstance(b, np.ndarray) else _pixels(b)
    if a.shape != b.shape:
        return None
    return float(np.sqrt(np.mean((a - b) ** 2)))


def _output_items(output) -> list[tuple[str, object]]:
    """The comparable parts of one output: its type, stream name or error, and each MIME bundle."""
    kind = output.get("output_type")
    if kind == "stream":
        return [(f"stream {output.get('name')}", _text(output.get("text", "")))]
    if kind == "error":
        return [("error", f"{output.get('ename')}: {output.get('evalue')}")]
    return [(mime, output["data"][mime]) for mime in sorted(output.get("data", {}))]


def _short_diff(old: str, new: str, limit: int = 12) -> str:
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), "committed", "re-run", lineterm="", n=0))
    shown = lines[2 : 2 + limit]
    more = len(lines) - 2 - len(shown)
    return "\n".join(["      " + line for line in shown] + ([f"      ... {more} more diff lines"] if more > 0 else []))


def compare_notebooks(committed, rerun, *, rules=None) -> list[str]:
    """Return one message per code cell whose outputs differ between two notebooks (empty if none).

    Cells are numbered from 0 as in the notebook file, as nbval numbers them. Text outputs must be
    equal after ``rules`` (the nbval sanitizers); an inline image is reported with its RMS
    difference whenever its pixels differ.
    """
    rules = sanitizers() if rules is None else rules
    messages = []
    if len(committed.cells) != len(rerun.cells):
        return [f"{len(committed.cells)} cells committed, {len(rerun.cells)} after the re-run"]
    for index, (old, new) in enumerate(zip(committed.cells, rerun.cells)):
        if old.cell_type != "code":
            continue
        if old.get("execution_count") is None:  # unrun cells are skipped, as nbval skips them
            continue
        old_items = [item for output in old.get("outputs", []) for item in _output_items(output)]
        new_items = [item for output in new.get("outputs", []) for item in _output_items(output)]
        if [k for k, _ in old_items] != [k for k, _ in new_items]:
            messages.append(
                f"cell {index}: outputs {[k for k, _ in old_items]} committed, {[k for k, _ in new_items]} re-run"
            )
            continue
        for (kind, old_value), (_, new_value) in zip(old_items, new_items):
            if kind in IMAGE_TYPES:
                if _text(old_value) != _text(new_value):
                    rms = image_rms(old_value, new_value)
                    if rms is None:
                        messages.append(f"cell {index}: {kind} changed size")
                    elif rms > 0:
                        messages.append(f"cell {index}: {kind} differs, RMS {rms:.3f}")
                continue
            if kind.startswith("image/") or kind == "application/javascript":
                continue
            old_text, new_text = _sanitize(_text(old_value), rules), _sanitize(_text(new_value), rules)
            if old_text != new_text:
                messages.append(f"cell {index}: {kind} differs\n{_short_diff(old_text, new_text)}")
    return messages


def compare_figures(committed_dir, rerun_dir) -> list[tuple[str, str]]:
    """Return ``(name, difference)`` for every figure that differs, is missing, or is new."""
    committed_dir, rerun_dir = Path(committed_dir), Path(rerun_dir)
    old = {p.name: p for p in committed_dir.glob("*.png")}
    new = {p.name: p for p in rerun_dir.glob("*.png")} if rerun_dir.exists() else {}
    out = []
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            out.append((name, "not drawn by the re-run"))
        elif name not in old:
            out.append((name, "drawn by the re-run but not committed"))
        elif old[name].read_bytes() != new[name].read_bytes():
            rms = image_rms(old[name].read_bytes(), new[name].read_bytes())
            out.append((name, "a different size" if rms is None else f"RMS {rms:.3f}"))
    return out


def check(selected=None, *, stream=sys.stdout) -> int:
    """Re-execute notebooks into a temporary folder and report what differs; 0 if nothing does.

    With ``selected`` notebooks only, only their figures (named by the notebook's number) are
    compared.
    """
    selected = [Path(p) for p in selected] if selected else notebooks()
    with tempfile.TemporaryDirectory(prefix="presslens-repro-") as tmp:
        figures = Path(tmp) / "figures"
        headless = os.environ.get("PRESSLENS_HEADLESS", "1")
        with paths.environment(**{paths.FIGURES_ENV: str(figures), "PRESSLENS_HEADLESS": headless}):  # kernels inherit these
            differences = _report(selected, Path(tmp), figures, stream)
    print("identical" if not differences else f"{differences} differences", file=stream)
    return 0 if not differences else 1


def _report(selected, tmp: Path, figures: Path, stream) -> int:
    import nbformat

    differences = 0
    for path in selected:
        print(f"running {path.name}", file=stream, flush=True)
        rerun = execute(path, tmp / path.name)
        for message in compare_notebooks(nbformat.read(path, as_version=4), rerun):
            print(f"  {path.name} {message}", file=stream)
            differences += 1
    numbers = tuple(p.name[:3] for p in selected)  # "01-": the figures a notebook draws
    for name, difference in compare_figures(paths.FIGURES_DIR, figures):
        if name.startswith(numbers):
            print(f"  figure {name}: {difference}", file=stream)
            differences += 1
    return differences


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m presslens.repro", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks in place, without volatile metadata")
    run.add_argument("notebooks", nargs="+", type=Path)
    chk = sub.add_parser("check", help="re-execute into a temporary folder and report differences")
    chk.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.command == "run":
        for path in args.notebooks:
            print(f"running {path}", flush=True)
            execute(path)
        return 0
    return check(args.notebooks)


if __name__ == "__main__":
    sys.exit(main())
