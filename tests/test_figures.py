"""Reproducing figures is checked, not assumed: notebooks 05 and 06's figures are redrawn from the
data with the same package functions and compared with the committed PNGs, pixel by pixel."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.testing.compare import compare_images  # noqa: E402

import presslens  # noqa: E402
from presslens import lesson, paths, plots, voices  # noqa: E402

VOICES = ["Kremlin", "Ukrainian presidency", "Guardian", "NYT"]
TOLERANCE = 2  # RMS difference on a 0-255 scale: rendering noise passes, a changed line does not


@pytest.fixture(scope="module")
def drawn(need_study):
    need_study(("kremlin", "ukraine_president", "guardian", "nyt", "headlines"))
    plots.use_style()
    corpus = presslens.load(["kremlin", "ukraine_president", "guardian", "nyt"])
    scored = voices.score(corpus.sentences)
    headlines = voices.score(presslens.load(["headlines"]).sentences)
    figures = voices.figures(scored, headlines, VOICES)
    figures["06-chart-exercise"] = lesson.plot_chart_exercise(voices.weekly(scored), VOICES)
    return figures


@pytest.mark.parametrize("name", ["05-weekly", "05-own-vs-quoted", "05-headline-outlets", "06-chart-exercise"])
def test_a_redrawn_figure_matches_the_committed_file(drawn, name, tmp_path, monkeypatch):
    committed = paths.FIGURES_DIR / f"{name}.png"
    assert committed.exists(), f"{committed} is not committed"
    monkeypatch.setenv(paths.FIGURES_ENV, str(tmp_path / "figures"))
    assert plots.save_figure(drawn[name], name) == f"figures/{name}.png"
    plt.close(drawn[name])
    difference = compare_images(str(committed), str(tmp_path / "figures" / f"{name}.png"), tol=TOLERANCE)
    assert difference is None, difference


def test_the_comparison_can_fail(tmp_path):
    plots.use_style()
    for k, slope in enumerate((1, -1)):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, slope])
        fig.savefig(tmp_path / f"{k}.png", dpi=plots.DPI)
        plt.close(fig)
    assert compare_images(str(tmp_path / "0.png"), str(tmp_path / "1.png"), tol=TOLERANCE) is not None
