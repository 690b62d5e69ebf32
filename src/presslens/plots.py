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


def _spread(values, gap):
    """Return ``values`` (sorted high to low) moved apart so neighbours are at least ``gap`` apart.

    >>> [round(v, 3) for v in _spread([3.0, 2.9, 1.0], gap=0.5)]  # 2.9 -> 2.5, then all up by 0.4 / 3
    [3.133, 2.633, 1.133]
    """
    out = list(values)
    for i in range(1, len(out)):
        out[i] = min(out[i], out[i - 1] - gap)
    shift = float(np.mean(np.subtract(values, out))) if out else 0.0  # centre the column on the points
    return [value + shift for value in out]


def plot_log_odds(table: pd.DataFrame, *, k: int = 8, ncols: int = 2, title: str = ""):
    """Draw Monroe et al.'s picture: each term's z-score against its frequency, top ``k`` labelled.

    One panel per comparison in a Fightin' Words table. Returns the figure (not shown).
    """
    import matplotlib.pyplot as plt

    from presslens.keywords import top_terms

    comparisons = list(table.groupby(["group", "reference"], sort=True).groups)
    nrows = -(-len(comparisons) // ncols)
    height = 3.6
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, height * nrows), squeeze=False, sharey=True)
    # Labels go in one column right of the points, spaced by 1.6 lines of 8-point text in data units
    # (the axes are about 70% of a panel's height), so no two labels can overlap.
    z_low, z_high = float(table["z"].min()), float(table["z"].max())
    span = (z_high - z_low) * 1.1 or 1.0
    gap = 1.6 * (8 / 72) * span / (0.7 * height)
    x_high = float(np.log10((table["count"] + table["reference_count"]).max()))
    extent = [z_low, z_high]
    for ax, (group, reference) in zip(axes.flat, comparisons):
        block = table[(table["group"] == group) & (table["reference"] == reference)]
        total = block["count"] + block["reference_count"]
        # Coordinates rounded, and the log taken here on a linear axis, so that no last-bit
        # difference between CPUs' log functions can move a pixel (plots.steady).
        ax.scatter(steady(np.log10(total)), steady(block["z"]), s=4, color="0.6", alpha=0.5, linewidths=0, rasterized=True)
        log10_axis(ax.xaxis, total.min(), total.max())
        ax.axhline(1.96, color="0.3", lw=0.6, ls=":")
        ax.axhline(-1.96, color="0.3", lw=0.6, ls=":")
        top = top_terms(block, k)
        top_x = steady(np.log10(top["count"] + top["reference_count"]))
        top_y = steady(top["z"])
        ax.scatter(top_x, top_y, s=12, color="C3")
        ys = steady(_spread(top_y.tolist(), gap=gap))
        column = steady(x_high + 0.25)
        for x, y, y_label, term in zip(top_x, top_y, ys, top["term"]):
            ax.annotate(term, (x, y), xytext=(column, y_label), fontsize=8, color="C3", va="center",
                        arrowprops={"arrowstyle": "-", "color": "C3", "lw": 0.4, "alpha": 0.6})
        ax.set_xlim(right=steady(x_high + 1.1))
        extent = [min(extent[0], *ys, z_low), max(extent[1], *ys, z_high)]
        against = "the rest" if reference == "rest" else reference
        ax.set_title(f"{group} vs {against}", fontsize=10)
        ax.set_xlabel("uses in all groups compared (log scale)")
    for ax in axes[:, 0]:
        ax.set_ylabel("z-score of log-odds")
    axes[0, 0].set_ylim(steady(extent[0] - gap), steady(extent[1] + gap))  # shared by every panel
    for ax in list(axes.flat)[len(comparisons):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_naming(rates: pd.DataFrame, *, ncols: int = 3, sharex: bool = True,
                title: str = "Naming choices: uses per 10,000 words, by voice (95% intervals; one scale for every panel)"):
    """Draw the naming-choice rates: one panel per concept, a dot and 95% interval per group and
    variant, each voice in its colour (:func:`presslens.plots.voice_colours`). The variants of a
    concept share a panel, and by default every panel shares one x-scale, so that a rare name looks
    rare next to a common one ("denazification" beside "war") instead of filling its own panel."""
    import matplotlib.pyplot as plt

    from presslens.keywords import PER_WORDS

    concepts = list(dict.fromkeys(rates["concept"]))
    groups = sorted(rates["group"].unique())
    nrows = -(-len(concepts) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 2.9 * nrows), squeeze=False)
    right = float(np.nanmax(rates[["rate", "high"]].to_numpy())) * 1.05 if len(rates) else 1.0
    offsets = np.linspace(-0.3, 0.3, len(groups)) if len(groups) > 1 else np.zeros(1)
    for ax, concept in zip(axes.flat, concepts):
        block = rates[rates["concept"] == concept]
        variants = list(dict.fromkeys(block["variant"]))
        colours = voice_colours(groups)
        for offset, group in zip(offsets, groups):
            color = colours[group]
            rows = block[block["group"] == group].set_index("variant").reindex(variants)
            y = np.arange(len(variants)) + offset
            ax.errorbar(rows["rate"], y, xerr=[rows["rate"] - rows["low"], rows["high"] - rows["rate"]],
                        fmt="o", ms=4, color=color, lw=1, label=group)
        ax.set_yticks(np.arange(len(variants)), variants)
        ax.invert_yaxis()
        ax.set_xlim(0, right) if sharex else ax.set_xlim(left=0)  # one scale, each panel with its ticks
        ax.set_title(concept, fontsize=10)
        ax.set_xlabel(f"uses per {PER_WORDS:,} words")
    for ax in list(axes.flat)[len(concepts):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(groups), frameon=False, bbox_to_anchor=(0.5, -0.02))
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
