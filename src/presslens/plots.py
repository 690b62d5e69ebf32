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


def mid_month(months):
    """Return the middle of each month (its 15th day, noon): where a monthly value is plotted, so
    that a point stands for the whole month, not for its first day.

    >>> [str(t) for t in mid_month(["2022-02-01", "2022-03-01"])]
    ['2022-02-15 12:00:00', '2022-03-15 12:00:00']
    """
    import pandas as pd

    starts = pd.to_datetime(pd.Series(list(months))).dt.to_period("M").dt.start_time
    return list(starts + pd.Timedelta(days=14, hours=12))


_FREQ = {"monthly": "M", "weekly": "W-SUN"}


def partial_months(first, last, binning: str = "monthly") -> set:
    """Return the starts of the bins (months, or weeks with ``binning="weekly"``) at the edges of a
    file that the file covers only in part: the first when the file begins after the bin's first
    day, the last when it ends before the bin's last.

    >>> sorted(str(m.date()) for m in partial_months("2022-02-24", "2022-07-31"))
    ['2022-02-01']
    >>> sorted(str(m.date()) for m in partial_months("2021-10-01", "2022-06-24"))
    ['2022-06-01']
    >>> sorted(str(m.date()) for m in partial_months("2022-02-24", "2022-03-06", "weekly"))
    ['2022-02-21']
    """
    import pandas as pd

    freq = _FREQ[binning]
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    out = set()
    if first.normalize() > first.to_period(freq).start_time:
        out.add(first.to_period(freq).start_time)
    if last.normalize() < last.to_period(freq).end_time.normalize():
        out.add(last.to_period(freq).start_time)
    return out


def mid_bin(starts, binning: str = "monthly"):
    """Return the middle of each bin: a month's 15th day at noon (:func:`mid_month`), a week's
    Thursday at noon.

    >>> [str(t) for t in mid_bin(["2022-02-21"], "weekly")]
    ['2022-02-24 12:00:00']
    """
    import pandas as pd

    if binning == "monthly":
        return mid_month(starts)
    begins = pd.to_datetime(pd.Series(list(starts))).dt.to_period(_FREQ[binning]).dt.start_time
    return list(begins + pd.Timedelta(days=3, hours=12))


def plot_monthly(ax, months, values, *, color, label, partial=(), low=None, high=None, binning: str = "monthly"):
    """Draw one voice's monthly (or, with ``binning="weekly"``, weekly) values at mid-bin: a filled
    marker for a bin its file covers fully, a hollow one for a part-bin at the file's edge
    (``partial``: bin starts), with the interval ``low``-``high`` where given, and no marker where a
    value is missing."""
    import numpy as np
    import pandas as pd

    x = mid_bin(months, binning)
    y = np.asarray(values, dtype=float)
    part = np.array([pd.Timestamp(m).to_period(_FREQ[binning]).start_time in set(partial) for m in months], dtype=bool)
    ax.plot(x, y, color=color, lw=0.8, alpha=0.7)
    if low is not None and high is not None:
        lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="none", ecolor=color, elinewidth=0.8, capsize=2)
    full_x = [t for t, p in zip(x, part) if not p]
    ax.plot(full_x, y[~part], "o", color=color, ms=4, label=label)
    if part.any():
        ax.plot([t for t, p in zip(x, part) if p], y[part], "o", ms=4, markerfacecolor="white", markeredgecolor=color)


def part_note(binning: str = "monthly") -> str:
    """The legend's note on hollow markers, for months or weeks."""
    return f"hollow: a {'month' if binning == 'monthly' else 'week'} the file covers only in part"


PART_MONTH_NOTE = "hollow: a month the file covers only in part"


def overlapping_texts(fig) -> list[tuple[str, str]]:
    """Return the pairs of annotation texts that overlap on the drawn figure, within each axes
    (tick labels and titles aside): a figure with labels on top of each other returns them."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pairs = []
    for ax in fig.axes:
        texts = [t for t in ax.texts if t.get_visible() and t.get_text().strip()]
        boxes = [Text.get_window_extent(t, renderer) for t in texts]  # the text alone, not an annotation's arrow
        for i in range(len(texts)):
            for j in range(i + 1, len(texts)):
                if boxes[i].overlaps(boxes[j]):
                    pairs.append((texts[i].get_text(), texts[j].get_text()))
    return pairs


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
