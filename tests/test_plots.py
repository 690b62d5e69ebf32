"""Figures that do not mislead: one colour per voice everywhere, and weekly lines that never cross
a hidden week while an isolated week keeps its interval."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from presslens import keywords, lesson, plots, voices  # noqa: E402


def _errorbar_colours(ax):
    return {c.get_label(): to_rgba(c.lines[0].get_color()) for c in ax.containers}


def _weeks():
    rows = []
    for voice, weeks in (("NYT", [0, 1, 3]), ("Kremlin", [0, 1, 2, 3])):
        for w in weeks:
            rows.append({"target": "NATO", "voice": voice, "week": pd.Timestamp("2022-01-03") + pd.Timedelta(weeks=w), "n": 25,
                         "sentiment": 0.1, "sentiment low": 0.0, "sentiment high": 0.2,
                         "AGAINST": 0.5, "AGAINST low": 0.4, "AGAINST high": 0.6, "FAVOR": 0.1, "FAVOR low": 0.0, "FAVOR high": 0.2})
    return pd.DataFrame(rows)


def test_the_study_voices_keep_their_colours_in_every_package_figure():
    kremlin = to_rgba(plots.VOICE_COLOURS["Kremlin"])
    rates = pd.DataFrame({"concept": "c", "variant": ["a", "a"], "group": ["Guardian", "Kremlin"],  # Guardian sorts first
                          "rate": [1.0, 2.0], "low": [0.5, 1.5], "high": [1.5, 2.5]})
    figures = {
        "naming": plots.plot_naming(rates),
        "weekly": voices.plot_weekly(_weeks(), ["NYT", "Kremlin"]),  # Kremlin given second
        "lesson": lesson.plot_chart_exercise(_weeks(), ["NYT", "Kremlin"]),
    }
    assert _errorbar_colours(figures["naming"].axes[0])["Kremlin"] == kremlin
    assert _errorbar_colours(figures["naming"].axes[0])["Guardian"] == to_rgba("C2")
    assert {to_rgba(line.get_color()) for line in figures["weekly"].axes[0].lines if line.get_label() == "Kremlin"} == {kremlin}
    assert _errorbar_colours(figures["lesson"].axes[0])["Kremlin"] == kremlin
    for fig in figures.values():
        plt.close(fig)


def test_a_hidden_week_breaks_the_line_and_an_isolated_week_has_its_interval():
    fig = voices.plot_weekly(_weeks(), ["NYT", "Kremlin"])
    against = fig.axes[2]  # share AGAINST NATO: rows are count, sentiment, AGAINST
    nyt = [line for line in against.lines if to_rgba(line.get_color()) == to_rgba("C3") and line.get_linestyle() == "-"]
    y = np.asarray(nyt[0].get_ydata(), dtype=float)
    assert len(y) == 4 and np.isnan(y[2])  # week 2 is hidden: the line has a hole, it does not join weeks 1 and 3
    bars = [c for c in against.containers if to_rgba(c.lines[0].get_color()) == to_rgba("C3")][0]
    segments = bars.lines[2][0].get_segments()
    drawn = [s for s in segments if len(s) and not np.isnan(s).any()]
    assert len(drawn) == 3  # weeks 0, 1 and the isolated week 3 each have their interval
    assert drawn[-1][1][1] - drawn[-1][0][1] == pytest.approx(0.2)  # week 3's: 0.4 to 0.6
    plt.close(fig)


def test_headline_outlets_are_sorted_by_group_then_size_small_ones_grey_and_the_caveat_shown():
    table = pd.DataFrame({
        "target": "Russia", "group": ["Western", "Western", "non-Western", "Western"],
        "outlet": ["Big", "Small", "Far", "Mid"], "n": [80, 5, 8, 30],
        "AGAINST": [0.4, np.nan, np.nan, 0.5], "AGAINST low": [0.3, np.nan, np.nan, 0.4], "AGAINST high": [0.5, np.nan, np.nan, 0.6],
    })
    fig = voices.plot_headlines(table, "Russia", min_count=20)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # groups in sorted order, then by number of headlines
    assert labels == ["Western: Big (n=80)", "Western: Mid (n=30)", "Western: Small (n=5)", "non-Western: Far (n=8)"]
    greys = {t.get_text().split(": ")[1].split(" (")[0] for t in ax.get_yticklabels() if to_rgba(t.get_color()) == to_rgba("0.6")}
    assert greys == {"Far", "Small"}
    assert any(voices.HEADLINE_CAVEAT == t.get_text() for t in fig.texts)
    plt.close(fig)


def test_monthly_points_sit_mid_month_and_part_months_are_hollow():
    fig, ax = plt.subplots()
    months = pd.to_datetime(["2022-02-01", "2022-03-01", "2022-04-01"])
    plots.plot_monthly(ax, months, [1.0, 2.0, 3.0], color="C0", label="Guardian",
                       partial=plots.partial_months("2022-02-24", "2022-04-30"))
    filled = [line for line in ax.lines if line.get_label() == "Guardian"][0]
    hollow = [line for line in ax.lines if line.get_markerfacecolor() == "white"][0]
    days = [matplotlib.dates.num2date(x).day for x in matplotlib.dates.date2num(filled.get_xdata())]
    assert days == [15, 15] and list(filled.get_ydata()) == [2.0, 3.0]  # March and April, mid-month
    assert list(hollow.get_ydata()) == [1.0]  # February: the file starts on the 24th
    plt.close(fig)


def test_no_two_labels_of_the_log_odds_figure_overlap_and_the_check_can_fail():
    rng = np.random.default_rng(0)
    terms = [f"term number {i}" for i in range(40)]
    rows = []
    for group in ("A", "B"):
        for term in terms:  # many terms crowded at nearly the same z and count
            rows.append({"group": group, "reference": "rest", "term": term, "count": int(rng.integers(20, 25)),
                         "reference_count": int(rng.integers(20, 25)), "z": 3 + rng.normal(0, 0.05)})
    fig = plots.plot_log_odds(pd.DataFrame(rows), k=8)
    assert plots.overlapping_texts(fig) == []
    plt.close(fig)
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "one label")
    ax.text(0.5, 0.5, "another label")
    assert plots.overlapping_texts(fig) == [("one label", "another label")]
    plt.close(fig)


def test_naming_panels_share_one_x_scale_and_have_a_title():
    rates = pd.DataFrame({"concept": ["common", "common", "rare", "rare"], "variant": ["war", "war", "denazification", "denazification"],
                          "group": ["Kremlin", "NYT"] * 2, "rate": [30.0, 36.0, 0.2, 0.5],
                          "low": [25.0, 30.0, 0.1, 0.2], "high": [35.0, 42.0, 0.3, 0.8]})
    fig = plots.plot_naming(rates, ncols=2)
    common, rare = fig.axes[0], fig.axes[1]
    assert common.get_xlim() == rare.get_xlim() and rare.get_xlim()[1] > 40  # "rare" is drawn on the common scale
    assert fig._suptitle is not None and "per 10,000 words" in fig._suptitle.get_text()
    plt.close(fig)
