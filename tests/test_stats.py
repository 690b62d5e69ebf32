import numpy as np
import pandas as pd
import pytest

from presslens import stats


def test_macro_f1_by_hand():
    gold = ["neg", "neg", "neu", "pos", "pos", "pos"]
    pred = ["neg", "neu", "neu", "pos", "neg", "pos"]
    # neg: tp1 fp1 fn1 -> 0.5; neu: tp1 fp1 fn0 -> 2/3; pos: tp2 fp0 fn1 -> 0.8
    assert stats.macro_f1(gold, pred, labels=("neg", "neu", "pos")) == pytest.approx((0.5 + 2 / 3 + 0.8) / 3)


def test_macro_f1_matches_scikit_learn():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    gold = rng.choice(["negative", "neutral", "positive"], 300)
    pred = rng.choice(["negative", "neutral", "positive"], 300)
    assert stats.macro_f1(gold, pred) == pytest.approx(f1_score(gold, pred, average="macro"))


def test_mean_ci_covers_the_mean_and_is_reproducible():
    values = np.random.default_rng(1).normal(0.2, 1, 400)
    mean, low, high = stats.mean_ci(values)
    assert low < mean < high and mean == pytest.approx(values.mean())
    # Normal-theory interval for comparison: the bootstrap one should be close.
    half = 1.96 * values.std(ddof=1) / np.sqrt(len(values))
    assert high - low == pytest.approx(2 * half, rel=0.15)
    assert stats.mean_ci(values) == (mean, low, high)


def test_grouped_mean_ci_hides_small_cells():
    frame = pd.DataFrame({"voice": ["a"] * 30 + ["b"] * 5, "score": np.r_[np.linspace(-1, 1, 30), np.zeros(5)]})
    table = stats.grouped_mean_ci(frame, "voice", "score", min_count=20)
    assert table["voice"].tolist() == ["a"] and table["n"].tolist() == [30]
    assert table["mean"].iloc[0] == pytest.approx(0)


def test_paired_difference_ci_excludes_zero_for_a_clear_gain():
    gold = np.array(["x", "y"] * 100)
    good, bad = gold.copy(), np.array(["x"] * 200)
    diff, low, high = stats.paired_difference_ci(lambda g, p: np.mean(g == p), gold, good, bad)
    assert diff == pytest.approx(0.5) and low > 0
