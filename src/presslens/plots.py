"""Save figures the one way the project saves them: PNG files in ``figures/``.

Figures are named ``<notebook number>-<what>.png``. PNG metadata that changes between runs (the
software version stamp) is left out, so a re-run that draws the same picture writes the same file.
The package never calls ``plt.show()``: notebooks display what they draw.
"""
from __future__ import annotations

import re

import matplotlib
import numpy as np

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


# One colour per voice in every figure. The four study voices keep theirs whatever else a figure
# shows; any other voice gets the next unused colour of matplotlib's cycle, in the order given.
VOICE_COLOURS = {"Kremlin": "C0", "Ukrainian presidency": "C1", "Guardian": "C2", "NYT": "C3"}


def voice_colours(voices=()) -> dict:
    """Return ``{voice: colour}``: the study voices' fixed colours, then C4, C5, ... (cycling past
    C9) for the others in the order given.

    >>> voice_colours(["NYT", "BBC", "Kremlin", "RT"])
    {'NYT': 'C3', 'BBC': 'C4', 'Kremlin': 'C0', 'RT': 'C5'}
    """
    out, spare = {}, 0
    for voice in voices:
        if voice in VOICE_COLOURS:
            out[voice] = VOICE_COLOURS[voice]
        elif voice not in out:
            out[voice] = f"C{4 + spare % 6}"
            spare += 1
    return out


STEADY_DECIMALS = 9


def steady(values, decimals: int = STEADY_DECIMALS) -> np.ndarray:
    """Return ``values`` rounded to ``decimals`` places, for use as plot coordinates.

    NumPy computes ``log``, ``log10`` and the like with other code on CPUs with AVX-512 (Intel's
    SVML) than on others, and the results can differ in the last bit. That is invisible in a table
    but can move an anti-aliased edge by a fraction of a pixel, so a figure drawn from such values
    would differ between machines. Rounded coordinates are the same everywhere (a value would have
    to fall within 1e-16 of a rounding boundary to differ). Matplotlib's log axes take the logarithm
    themselves: plot ``steady(np.log10(x))`` on a linear axis instead (see :func:`log10_axis`).

    >>> steady([0.1 + 0.2, 1 / 3]).tolist()
    [0.3, 0.333333333]
    """
    return np.round(np.asarray(values, dtype=float), decimals)


def log10_axis(axis, low: float, high: float) -> None:
    """Label a linear ``axis`` that holds ``log10`` values as a log scale: a tick at each power of
    ten from ``low`` to ``high`` (data values, not logs), minor ticks at 2-9 times each power."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    first, last = int(np.floor(np.log10(low))), int(np.ceil(np.log10(high)))
    axis.set_major_locator(FixedLocator(steady(np.arange(first, last + 1))))
    minor = [k + np.log10(m) for k in range(first, last) for m in range(2, 10)]
    axis.set_minor_locator(FixedLocator(steady(minor)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{10 ** round(value):,}"))


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
