"""Save figures the one way the project saves them: PNG files in ``figures/``.

Figures are named ``<notebook number>-<what>.png``. PNG metadata that changes between runs (the
software version stamp) is left out, so a re-run that draws the same picture writes the same file.
The package never calls ``plt.show()``: notebooks display what they draw.
"""
from __future__ import annotations

import re

import matplotlib

from presslens import paths

DPI = 100
_NAME = re.compile(r"\d{2}-[a-z0-9-]+")
STYLE = {
    "figure.figsize": (8, 4),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
}


def use_style() -> None:
    """Apply the project's plot style (call once at the top of a notebook)."""
    matplotlib.rcParams.update(STYLE)


def save_figure(fig, name: str) -> str:
    """Save ``fig`` as ``<figures folder>/<name>.png`` and return the path from the folder's parent.

    ``name`` is ``<notebook number>-<what>``, such as ``"01-articles-per-month"``. The folder is the
    project's ``figures/`` unless ``$PRESSLENS_FIGURES`` names another
    (:func:`presslens.paths.figures_dir`); the returned path, such as
    ``"figures/01-articles-per-month.png"``, is the same for both when that folder is also called
    ``figures``.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"figure name {name!r} must look like '01-articles-per-month'")
    folder = paths.figures_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path, dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    return path.relative_to(folder.parent).as_posix()
