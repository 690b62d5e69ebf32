"""Exact tests of presslens.stats: hand-worked examples, plain-numpy references and documented
contracts that pin the intervals, the prediction-powered estimates and the table helpers down to
their edge cases (one article, two articles, exactly the threshold, empty input, messages).

Written for mutation testing (issue 18): each test states a behaviour derived independently of the
code (a worked example in a comment, the formula of Angelopoulos et al. 2023 in plain numpy, or the
definition of the percentile bootstrap applied to :func:`stats.bootstrap_draws`).
"""
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from presslens import stats

Z95 = 1.959963984540054  # norm.ppf(0.975)


# --- macro_f1 ------------------------------------------------------------------------------------


def test_macro_f1_is_zero_not_undefined_for_classes_that_are_always_confused():
    # a: tp 0, fp 1, fn 1 -> F1 = 0 / (0 + 1 + 1) = 0; b the same. Defined (tp + fp + fn = 2), so 0.
    assert stats.macro_f1(["a", "b"], ["b", "a"], labels=("a", "b")) == 0.0
    # a: tp 1, fp 1, fn 0 -> 2/3; b: tp 0, fp 0, fn 1 -> 0: mean 1/3
    assert stats.macro_f1(["a", "b"], ["a", "a"], labels=("a", "b")) == pytest.approx(1 / 3)


def test_macro_f1_of_no_labels_is_nan_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(stats.macro_f1(["a"], ["a"], labels=()))


# --- bootstrap_draws and bootstrap_ci ------------------------------------------------------------


def test_bootstrap_draws_raise_on_clusters_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"^clusters has 3 entries for 4 items$"):
        stats.bootstrap_draws(np.mean, [1.0, 2.0, 3.0, 4.0], clusters=["a", "a", "b"])


def test_a_drawn_article_brings_its_rows_in_their_original_order():
    # Rows of five articles, interleaved. Each draw must be a concatenation of whole articles, each
    # article's rows in the order they came (sentence order within an article is kept).
    rng = np.random.default_rng(0)
    article = rng.integers(0, 5, 60)
    members = {a: np.flatnonzero(article == a) for a in range(5)}
    seen = []

    def record(rows):
        seen.append(rows.copy())
        return float(len(rows))

    stats.bootstrap_draws(record, np.arange(60), clusters=article, n_boot=30)
    assert len(seen) == 30
    for rows in seen:
        at = 0
        while at < len(rows):
            block = members[article[rows[at]]]
            assert rows[at:at + len(block)].tolist() == block.tolist()
            at += len(block)


def test_two_articles_are_enough_to_resample():
    # Articles a = rows (0, 1) and b = rows (2, 3): a draw of two articles has mean 0.5 (a, a),
    # 1.5 (a, b or b, a) or 2.5 (b, b), each seen in 100 draws.
    draws = stats.bootstrap_draws(np.mean, [0.0, 1.0, 2.0, 3.0], clusters=["a", "a", "b", "b"], n_boot=100)
    assert set(draws.tolist()) == {0.5, 1.5, 2.5}


def test_bootstrap_draws_reach_the_first_row_and_the_first_article():
    rows = stats.bootstrap_draws(np.min, np.arange(5), n_boot=100)
    assert (rows == 0).any()  # row 0 is drawn in some of the 100 draws (chance of never: 0.8^500)
    clusters = stats.bootstrap_draws(np.min, np.repeat(np.arange(3), 2), clusters=np.repeat(np.arange(3), 2), n_boot=100)
    assert (clusters == 0).any()


def test_bootstrap_draws_are_reproducible_with_a_seed_and_change_with_it():
    values = np.random.default_rng(2).normal(size=30)
    first = stats.bootstrap_draws(np.mean, values, n_boot=50, seed=3)
    assert np.array_equal(first, stats.bootstrap_draws(np.mean, values, n_boot=50, seed=3))
    assert not np.array_equal(first, stats.bootstrap_draws(np.mean, values, n_boot=50, seed=4))


@pytest.mark.parametrize("clustered", [False, True])
def test_bootstrap_ci_is_the_percentile_interval_of_the_draws(clustered):
    # The percentile bootstrap by definition: the (1 - c) / 2 and (1 + c) / 2 quantiles of the draws,
    # with the draws made as asked (n_boot, seed, clusters).
    rng = np.random.default_rng(5)
    values = rng.normal(size=40)
    clusters = np.repeat(np.arange(10), 4) if clustered else None
    estimate, low, high = stats.bootstrap_ci(np.mean, values, clusters=clusters, n_boot=40, seed=9, confidence=0.8)
    draws = stats.bootstrap_draws(np.mean, values, clusters=clusters, n_boot=40, seed=9)
    assert estimate == pytest.approx(values.mean())
    assert (low, high) == pytest.approx(tuple(np.quantile(draws, [0.1, 0.9])), rel=1e-12)


def test_an_interval_with_exactly_one_percent_undefined_draws_is_still_given():
    values = np.random.default_rng(6).normal(size=25)
    calls = []

    def mean_but_one_undefined(x):  # call 1 is the estimate; call 2, the first draw, is undefined
        calls.append(1)
        return float("nan") if len(calls) == 2 else float(np.mean(x))

    _, low, high = stats.bootstrap_ci(mean_but_one_undefined, values, n_boot=100, seed=1)
    draws = stats.bootstrap_draws(np.mean, values, n_boot=100, seed=1)
    # 99 of 100 defined: not more than 1% undefined, so the interval of the 99
    assert (low, high) == pytest.approx(tuple(np.quantile(draws[1:], [0.025, 0.975])), rel=1e-12)


# --- mean_ci -------------------------------------------------------------------------------------


@pytest.mark.parametrize("clustered", [False, True])
@pytest.mark.parametrize("options", [{}, {"n_boot": 300, "seed": 4, "confidence": 0.5}, {"n_boot": 5, "seed": 2}])
def test_mean_ci_is_the_bootstrap_ci_of_the_mean(clustered, options):
    # The module's one bootstrap: mean_ci is bootstrap_ci(np.mean) vectorised, draws included (with
    # 5 draws every one of them moves the 2.5% and 97.5% quantiles).
    rng = np.random.default_rng(8)
    values = rng.normal(size=200)
    clusters = rng.integers(0, 40, 200) if clustered else None
    got = stats.mean_ci(values, clusters, **options)
    ref = stats.bootstrap_ci(np.mean, values, clusters=clusters, **options)
    assert got == pytest.approx(ref, rel=1e-9)


def test_mean_ci_of_many_values_drawn_in_chunks_is_the_same_bootstrap():
    # 3000 values x 1000 draws is more than one chunk of 2 million indices
    values = np.random.default_rng(9).normal(size=3000)
    assert stats.mean_ci(values) == pytest.approx(stats.bootstrap_ci(np.mean, values), rel=1e-9)


def test_mean_ci_of_many_articles_drawn_in_chunks_has_the_normal_theory_width():
    # 2100 articles of two sentences x 1000 draws: more than one chunk. The article means are
    # independent N(0, 1) and N(0, 0.5) within, so the mean's standard error is about
    # sqrt((1 + 0.25 / 2) / 2100) = 0.0231 and a 95% interval about 0.091 wide.
    rng = np.random.default_rng(10)
    article = np.repeat(np.arange(2100), 2)
    values = rng.normal(size=2100)[article] + rng.normal(0, 0.5, 4200)
    mean, low, high = stats.mean_ci(values, article)
    assert low < mean < high
    assert high - low == pytest.approx(2 * Z95 * np.sqrt((1 + 0.125) / 2100), rel=0.1)


def test_mean_ci_of_one_value_is_that_value_and_of_none_is_nan():
    assert stats.mean_ci([0.4]) == (0.4, 0.4, 0.4)  # every resample of one value is that value
    assert all(np.isnan(stats.mean_ci([])))
    assert all(np.isnan(stats.mean_ci([np.nan, np.nan])))


def test_mean_ci_ignores_missing_values_given_as_none():
    assert stats.mean_ci([1.0, None, 3.0, 2.0]) == stats.mean_ci([1.0, 3.0, 2.0])


# --- grouped_mean_ci -----------------------------------------------------------------------------


def _voices():
    # "zeta" and "aardvark" are below min_count 10, "beta" exactly at it, "alpha" above; the rows
    # come in no sorted order.
    sizes = {"zeta": 4, "beta": 10, "aardvark": 3, "alpha": 12}
    rng = np.random.default_rng(11)
    voice = np.concatenate([[v] * k for v, k in sizes.items()])
    within = np.concatenate([np.arange(k) for k in sizes.values()])
    return pd.DataFrame({"voice": voice, "article_id": [f"{v}-{i // 2}" for v, i in zip(voice, within)],
                         "x": rng.normal(size=len(voice))})


def test_grouped_mean_ci_keeps_groups_at_min_count_in_sorted_order_past_small_ones():
    table = stats.grouped_mean_ci(_voices(), "voice", "x", min_count=10)
    assert table["voice"].tolist() == ["alpha", "beta"]
    assert table["n"].tolist() == [12, 10]
    assert table.columns.tolist() == ["voice", "n", "articles", "mean", "low", "high"]


def test_grouped_mean_ci_passes_its_options_to_mean_ci():
    frame = _voices()
    table = stats.grouped_mean_ci(frame, "voice", "x", min_count=10, n_boot=150, seed=5, confidence=0.6)
    alpha = frame[frame["voice"] == "alpha"]
    ref = stats.mean_ci(alpha["x"].to_numpy(), alpha["article_id"].to_numpy(), n_boot=150, seed=5, confidence=0.6)
    assert tuple(table.iloc[0][["mean", "low", "high"]]) == pytest.approx(ref)
    assert table.iloc[0]["articles"] == 6  # 12 rows, two per article


def test_grouped_mean_ci_by_two_columns():
    frame = _voices()
    frame["half"] = np.arange(len(frame)) % 2
    table = stats.grouped_mean_ci(frame, ["voice", "half"], "x", cluster=None, min_count=5)
    assert table.columns.tolist() == ["voice", "half", "n", "articles", "mean", "low", "high"]
    assert list(zip(table["voice"], table["half"], table["n"])) == [("alpha", 0, 6), ("alpha", 1, 6), ("beta", 0, 5), ("beta", 1, 5)]


def test_grouped_mean_ci_leaves_out_categories_with_no_rows():
    frame = pd.DataFrame({"voice": pd.Categorical(["b", "a", "b"], categories=["a", "b", "c"]), "x": [1.0, 2.0, 3.0]})
    table = stats.grouped_mean_ci(frame, "voice", "x", cluster=None, min_count=0)
    assert table["voice"].tolist() == ["a", "b"] and table["mean"].tolist() == [2.0, 2.0]


# --- paired_difference_ci ------------------------------------------------------------------------


def test_paired_difference_ci_resamples_articles_and_takes_options():
    # 40 articles of 10 identical sentences: the evidence is 40 articles, so the article bootstrap
    # of the sentences is the row bootstrap of one sentence per article; the sentence bootstrap is
    # about sqrt(10) times narrower.
    rng = np.random.default_rng(12)
    gold1 = rng.choice(["x", "y"], 40)
    a1 = np.where(rng.random(40) < 0.8, gold1, "z")
    b1 = np.where(rng.random(40) < 0.6, gold1, "z")
    accuracy = lambda g, p: np.mean(g == p)  # noqa: E731
    article = np.repeat(np.arange(40), 10)
    gold, a, b = gold1[article], a1[article], b1[article]
    _, low, high = stats.paired_difference_ci(accuracy, gold, a, b, clusters=article)
    _, low1, high1 = stats.paired_difference_ci(accuracy, gold1, a1, b1)
    _, low_rows, high_rows = stats.paired_difference_ci(accuracy, gold, a, b)
    assert high - low == pytest.approx(high1 - low1, rel=0.15)
    assert high_rows - low_rows < 0.5 * (high - low)
    _, low50, high50 = stats.paired_difference_ci(accuracy, gold, a, b, clusters=article, confidence=0.5)
    assert high50 - low50 < 0.5 * (high - low)  # z 0.67 against 1.96


# --- permutation_test ----------------------------------------------------------------------------


def test_permutation_test_default_is_2000_permutations():
    # 20 values above 20 others: only 2 of the C(40, 20) = 1.4e11 splits are as extreme, so no
    # permutation is, and p = (1 + 0) / (1 + 2000).
    values = np.arange(40.0)
    difference, p = stats.permutation_test(values, ["b"] * 20 + ["a"] * 20)
    assert difference == 20.0 and p == 1 / 2001


def test_a_permuted_statistic_within_1e_12_of_the_observed_counts_as_a_tie():
    # statistic: the value in group a. Observed 1; the swap gives 1 - 1e-12, rounding noise: a tie.
    values = [1.0, 1.0 - 1e-12]
    _, p = stats.permutation_test(values, ["a", "b"], statistic=lambda a, b: a.sum(), n_perm=50)
    assert p == 1.0


def test_permutation_test_messages():
    with pytest.raises(ValueError, match=r"^need exactly two groups, got \['a', 'b', 'c'\]$"):
        stats.permutation_test([1, 2, 3], ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"^give clusters or within, not both$"):
        stats.permutation_test([1, 2], ["a", "b"], clusters=[1, 2], within=[1, 1])
    with pytest.raises(ValueError, match=r"^every cluster must lie in one group \(use within= for groups inside clusters\)$"):
        stats.permutation_test([1, 2, 3], ["a", "b", "b"], clusters=[1, 1, 2])


def test_permutation_within_keeps_each_articles_count_per_group():
    # Articles of 3, 4 and 5 sentences (2, 2 and 2 in group a): every relabelling keeps those counts.
    within = np.array([0] * 3 + [1] * 4 + [2] * 5)
    groups = np.array(list("aab" "abba" "ababb"))
    counts = []

    def record(a, b):
        counts.append(np.bincount(within[a.astype(int)], minlength=3).tolist())
        return a.mean() - b.mean()

    stats.permutation_test(np.arange(12.0), groups, within=within, n_perm=200, statistic=record)
    assert len(counts) == 201 and all(c == [2, 2, 2] for c in counts)


# --- holm ----------------------------------------------------------------------------------------


def test_holm_with_ties_the_monotone_step_and_the_cap():
    # p:       0.04  0.01  0.04  0.30  0.60     (m = 5)
    # sorted:  0.01 x5 = 0.05; 0.04 x4 = 0.16; 0.04 x3 = 0.12 -> 0.16 (running max);
    #          0.30 x2 = 0.60; 0.60 x1 = 0.60
    assert stats.holm([0.04, 0.01, 0.04, 0.30, 0.60]) == pytest.approx([0.16, 0.05, 0.16, 0.60, 0.60])
    # 0.6 x2 = 1.2 is capped at 1; 0.7 x1 = 0.7 -> 1 by the running maximum
    assert stats.holm([0.6, 0.7]).tolist() == [1.0, 1.0]


# --- cluster_mean_ci and _cluster_cov ------------------------------------------------------------


def test_cluster_mean_ci_by_hand_with_articles_of_unequal_size():
    # values 1, 0 | 0: mean 1/3; deviations 2/3, -1/3 | -1/3; article sums 1/3 and -1/3;
    # variance = 2 / (2 - 1) * (1/9 + 1/9) / 3**2 = 4/81, standard error 2/9
    mean, low, high = stats.cluster_mean_ci([1, 0, 0], ["a", "a", "b"])
    assert (mean, low, high) == pytest.approx((1 / 3, 1 / 3 - Z95 * 2 / 9, 1 / 3 + Z95 * 2 / 9))
    # each its own article: 3/2 * (4/9 + 1/9 + 1/9) / 9 = 1/9, standard error 1/3
    assert stats.cluster_mean_ci([1, 0, 0])[1] == pytest.approx(1 / 3 - Z95 / 3)
    # 90%: z = 1.645
    assert stats.cluster_mean_ci([1, 0, 0], ["a", "a", "b"], confidence=0.9)[2] == pytest.approx(1 / 3 + norm.ppf(0.95) * 2 / 9)


def test_cluster_mean_ci_of_two_values_has_an_interval():
    # 1, 0: deviations 0.5, -0.5; 2 / 1 * 0.5 / 4 = 0.25, standard error 0.5
    assert stats.cluster_mean_ci([1.0, 0.0]) == pytest.approx((0.5, 0.5 - Z95 * 0.5, 0.5 + Z95 * 0.5))


def test_cluster_mean_ci_of_one_article_one_value_or_none_has_no_interval():
    mean, low, high = stats.cluster_mean_ci([1.0, 0.0, 0.0], ["a", "a", "a"])
    assert mean == pytest.approx(1 / 3) and np.isnan(low) and np.isnan(high)
    mean, low, high = stats.cluster_mean_ci([0.4])
    assert mean == 0.4 and np.isnan(low) and np.isnan(high)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "mean of empty slice": an empty input is expected
        assert all(np.isnan(stats.cluster_mean_ci([])))


# --- prediction-powered inference ----------------------------------------------------------------


def _reference_clustered_ppi(f_all, f_lab, y_lab, c_all, c_lab, lam=None, confidence=0.95):
    """Angelopoulos et al. (2023), the mean with articles as sampling units, written out: the
    estimate lam * mean(f_all) + mean(y - lam * f_lab); each article's influence on it,
    sum over its corpus items of lam * (f - mean f_all) / N plus sum over its labelled items of
    ((y - mean y) - lam * (f - mean f_lab)) / n; variance G / (G - 1) * sum of squared influences;
    lam minimising that variance, clipped to [0, 1] (0 where the predictions cannot help)."""
    f_all, f_lab, y_lab = (np.asarray(v, dtype=float) for v in (f_all, f_lab, y_lab))
    big_n, n = len(f_all), len(y_lab)
    articles = list(dict.fromkeys(c_all))
    b = np.array([sum(y_lab[j] - y_lab.mean() for j in range(n) if c_lab[j] == g) / n for g in articles])
    e = np.array([sum(f_all[i] - f_all.mean() for i in range(big_n) if c_all[i] == g) / big_n
                  - sum(f_lab[j] - f_lab.mean() for j in range(n) if c_lab[j] == g) / n for g in articles])
    if lam is None:
        lam = min(1.0, max(0.0, -(b @ e) / (e @ e))) if e @ e > 0 else 0.0
    estimate = lam * f_all.mean() + (y_lab - lam * f_lab).mean()
    g = len(articles)
    half = norm.ppf(0.5 + confidence / 2) * np.sqrt(g / (g - 1) * np.sum((b + lam * e) ** 2))
    return estimate, estimate - half, estimate + half


def test_clustered_ppi_by_hand():
    # corpus: article A predictions 1, 0, 0; article B 1 (N = 4, mean 1/2)
    # labelled: A's first (f 1, y 1), B's (f 1, y 0), A's second (f 0, y 0) (n = 3)
    # lam = 1: estimate = 1/2 + mean(0, -1, 0) = 1/6
    # corpus parts: A (1/2 - 1/2 - 1/2) / 4 = -1/8, B 1/2 / 4 = 1/8
    # labelled f (mean 2/3): A (1/3 - 2/3) / 3 = -1/9, B 1/3 / 3 = 1/9; so e = (-1/72, 1/72)
    # labelled y (mean 1/3): A (2/3 - 1/3) / 3 = 1/9, B -1/3 / 3 = -1/9 = b
    # influence b + e = (7/72, -7/72); variance 2 / 1 * 98 / 72**2, standard error 14/72 = 7/36
    f_all, c_all = [1, 0, 0, 1], ["A", "A", "A", "B"]
    f_lab, y_lab, c_lab = [1, 1, 0], [1, 0, 0], ["A", "B", "A"]
    got = stats.ppi_mean(f_all, f_lab, y_lab, clusters_all=c_all, clusters_labelled=c_lab, lam=1.0)
    assert got == pytest.approx((1 / 6, 1 / 6 - Z95 * 7 / 36, 1 / 6 + Z95 * 7 / 36))
    assert got == pytest.approx(_reference_clustered_ppi(f_all, f_lab, y_lab, c_all, c_lab, lam=1.0))
    # lam chosen: -b.e / e.e = (2 / 648) / (2 / 5184) = 8, clipped to 1: the same
    assert stats.ppi_mean(f_all, f_lab, y_lab, clusters_all=c_all, clusters_labelled=c_lab) == pytest.approx(got)


def test_clustered_ppi_when_the_predictions_cannot_help():
    # corpus A: 1, 0; B: 1, 0 (mean 1/2, article parts 0); labelled: the two 1s (f mean 1, parts 0),
    # gold 1 (A) and 0 (B). e = 0, so no lam changes the variance: lam = 0, the annotators' mean 1/2.
    # b = (1/2 / 2, -1/2 / 2) = (1/4, -1/4): variance 2 * (1/16 + 1/16) = 1/4, standard error 1/2.
    args = ([1, 0, 1, 0], [1, 1], [1, 0])
    clusters = {"clusters_all": ["A", "A", "B", "B"], "clusters_labelled": ["A", "B"]}
    assert stats.ppi_mean(*args, **clusters) == pytest.approx((0.5, 0.5 - Z95 * 0.5, 0.5 + Z95 * 0.5))
    # with lam = 1 given: 1/2 + mean(0, -1) = 0, the same standard error
    assert stats.ppi_mean(*args, **clusters, lam=1.0) == pytest.approx((0.0, -Z95 * 0.5, Z95 * 0.5))


def _clustered_sample(seed, kind):
    rng = np.random.default_rng(seed)
    article = np.repeat(np.arange(30), rng.integers(1, 8, 30))
    gold = (rng.random(len(article)) < 0.2 + 0.6 * rng.random(30)[article]).astype(float)
    noise = rng.random(len(article))
    if kind == "good":
        predicted = np.where(noise < 0.8, gold, 1 - gold)
    elif kind == "inverted":  # anti-correlated: lam would be negative, clipped to 0
        predicted = 1 - gold
    else:  # "damped": predictions move half as much as the truth: lam above 1, clipped to 1
        predicted = 0.25 + 0.5 * gold + 0.01 * noise
    sample = np.sort(rng.choice(len(article), 60, replace=False))
    return predicted, predicted[sample], gold[sample], article, article[sample]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("kind", ["good", "inverted", "damped"])
@pytest.mark.parametrize("lam", [None, 0.3])
def test_clustered_ppi_agrees_with_a_plain_reference(seed, kind, lam):
    f_all, f_lab, y_lab, c_all, c_lab = _clustered_sample(seed, kind)
    got = stats.ppi_mean(f_all, f_lab, y_lab, clusters_all=c_all, clusters_labelled=c_lab, lam=lam, confidence=0.9)
    ref = _reference_clustered_ppi(f_all, f_lab, y_lab, list(c_all), list(c_lab), lam=lam, confidence=0.9)
    assert got == pytest.approx(ref, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("kind", ["good", "inverted", "damped"])
def test_clustered_ppi_picks_the_narrowest_interval_of_lam_in_0_1(kind):
    f_all, f_lab, y_lab, c_all, c_lab = _clustered_sample(3, kind)
    clusters = {"clusters_all": c_all, "clusters_labelled": c_lab}
    estimate, low, high = stats.ppi_mean(f_all, f_lab, y_lab, **clusters)
    widths = {lam: np.subtract(*stats.ppi_mean(f_all, f_lab, y_lab, **clusters, lam=lam)[:0:-1])
              for lam in np.linspace(0, 1, 201)}
    best = min(widths, key=widths.get)
    assert high - low <= widths[best] + 1e-12 and high - low == pytest.approx(widths[best], rel=1e-3)
    assert estimate == pytest.approx(stats.ppi_mean(f_all, f_lab, y_lab, **clusters, lam=best)[0], abs=0.01)
    if kind == "inverted":
        assert best == 0.0
    if kind == "damped":
        assert best == 1.0


def test_clustered_ppi_with_two_articles_and_its_messages():
    # two articles are enough: the hand example above has two
    f_all, c_all = [1, 0, 0, 1], ["A", "A", "A", "B"]
    assert np.isfinite(stats.ppi_mean(f_all, [1, 1], [1, 0], clusters_all=c_all, clusters_labelled=["A", "B"])[1])
    with pytest.raises(ValueError, match=r"^need at least 2 articles for a cluster-robust interval$"):
        stats.ppi_mean([1, 0, 1], [1, 0], [1, 1], clusters_all=["A"] * 3, clusters_labelled=["A", "A"])
    with pytest.raises(ValueError, match=r"^every labelled item's article must be in the corpus \(clusters_all\)$"):
        stats.ppi_mean(f_all, [1, 0], [1, 1], clusters_all=c_all, clusters_labelled=["A", "Z"])
    message = r"^clusters_all and clusters_labelled must have one entry per item$"
    with pytest.raises(ValueError, match=message):
        stats.ppi_mean(f_all, [1, 0], [1, 1], clusters_all=c_all, clusters_labelled=["A"])
    with pytest.raises(ValueError, match=message):
        stats.ppi_mean(f_all, [1, 0], [1, 1], clusters_all=c_all[:3], clusters_labelled=["A", "B"])


def test_ppi_mean_messages():
    with pytest.raises(ValueError, match=r"^predicted_labelled has 2 items, gold_labelled 3$"):
        stats.ppi_mean([1, 0, 1], [1, 0], [1, 1, 0])
    with pytest.raises(ValueError, match=r"^need at least 2 labelled items and 2 items in all \(got 1 and 3\)$"):
        stats.ppi_mean([1, 0, 1], [1], [1])
    with pytest.raises(ValueError, match=r"^need at least 2 labelled items and 2 items in all \(got 2 and 1\)$"):
        stats.ppi_mean([1], [1, 0], [1, 1])
    with pytest.raises(ValueError, match=r"^ppi_mean takes no missing values: drop unlabelled items from the labelled arrays$"):
        stats.ppi_mean([1, 0, 1], [1, 0], [1, np.nan])
    with pytest.raises(ValueError, match=r"^give clusters_all and clusters_labelled together, or neither$"):
        stats.ppi_mean([1, 0, 1], [1, 0], [1, 1], clusters_labelled=["a", "b"])


@pytest.mark.parametrize("where", [0, 1, 2])
def test_ppi_mean_refuses_missing_values_given_as_none(where):
    arrays = [[1, 0, 1], [1, 0], [1, 1]]
    arrays[where] = arrays[where][:-1] + [None]
    with pytest.raises(ValueError, match="no missing values"):
        stats.ppi_mean(*arrays)


def test_ppi_mean_of_two_items_in_all():
    # corpus 1, 0 (both labelled, gold 1, 0), lam = 1: 1/2 + mean(0, 0) = 1/2, and no variance at all:
    # var(f_all) / 2 * 1 + var(y - f) / 2 = 1/4 / 2 + 0
    assert stats.ppi_mean([1, 0], [1, 0], [1, 0], lam=1.0) == pytest.approx((0.5, 0.5 - Z95 * np.sqrt(1 / 8), 0.5 + Z95 * np.sqrt(1 / 8)))


def test_ppi_mean_with_a_constant_or_inverted_model_is_the_annotators_mean():
    gold = np.array([1, 0, 0, 1, 1, 0, 1, 1], dtype=float)
    # gold mean 5/8, variance (ddof 0) 15/64; interval +- z * sqrt(15/64 / 8)
    expected = pytest.approx((5 / 8, 5 / 8 - Z95 * np.sqrt(15 / 512), 5 / 8 + Z95 * np.sqrt(15 / 512)))
    # a model that says 1 for everything has nothing to add (its variance is 0): lam = 0
    assert stats.ppi_mean(np.ones(20), np.ones(8), gold) == expected
    # a model that is always wrong is anti-correlated with the truth: lam clipped at 0
    assert stats.ppi_mean(np.r_[1 - gold, np.zeros(12)], 1 - gold, gold) == expected


# --- corrected_means -----------------------------------------------------------------------------


def _groups():
    """Continuous values (no clipping to [0, 1]): "gold" has 19 of 20 items annotated (exactly 95%),
    "ppi" exactly 10 of 60 (min_labelled), "model" 3 of 30."""
    rng = np.random.default_rng(13)
    frames = []
    for voice, n, labelled in (("ppi", 60, 10), ("gold", 20, 19), ("model", 30, 3)):
        article = np.repeat(np.arange(n // 2), 2)
        truth = rng.normal(size=n // 2)[article] + rng.normal(0, 0.3, n)
        predicted = truth + 0.5 + rng.normal(0, 0.3, n)
        gold = np.full(n, np.nan)
        pick = rng.choice(n, labelled, replace=False)
        gold[pick] = truth[pick]
        frames.append(pd.DataFrame({"voice": voice, "article_id": [f"{voice}{a}" for a in article], "p": predicted, "g": gold}))
    return pd.concat(frames, ignore_index=True)


def test_corrected_means_uses_each_method_as_documented_with_its_options():
    frame = _groups()
    options = {"n_boot": 200, "seed": 11, "confidence": 0.8}
    table = stats.corrected_means(frame, "voice", "p", "g", **options).set_index("voice")
    assert table["method"].to_dict() == {"gold": "gold labels", "model": stats.METHOD_MODEL, "ppi": "prediction-powered"}
    assert table["n"].to_dict() == {"gold": 20, "model": 30, "ppi": 60}
    assert table["n labelled"].to_dict() == {"gold": 19, "model": 3, "ppi": 10}
    block = {v: b for v, b in frame.groupby("voice")}
    lab = {v: b[b["g"].notna()] for v, b in block.items()}
    expected = {
        "gold": stats.mean_ci(lab["gold"]["g"], lab["gold"]["article_id"], **options),
        "ppi": stats.ppi_mean(block["ppi"]["p"], lab["ppi"]["p"], lab["ppi"]["g"], clusters_all=block["ppi"]["article_id"],
                              clusters_labelled=lab["ppi"]["article_id"], confidence=0.8),
        "model": stats.mean_ci(block["model"]["p"], block["model"]["article_id"], **options),
    }
    for voice, values in expected.items():
        assert tuple(table.loc[voice, ["estimate", "low", "high"]]) == pytest.approx(values), voice


def test_corrected_means_by_two_columns_and_categories_with_no_rows():
    frame = _groups()
    frame["voice"] = pd.Categorical(frame["voice"], categories=["gold", "model", "ppi", "unused"])
    frame["half"] = frame.index % 2
    table = stats.corrected_means(frame, ["voice", "half"], "p", "g", n_boot=50)
    assert table.columns.tolist() == ["voice", "half", "estimate", "low", "high", "n", "n labelled", "method"]
    assert list(zip(table["voice"], table["half"])) == [(v, h) for v in ("gold", "model", "ppi") for h in (0, 1)]
    assert table["n"].sum() == 110


def _shares(n_lab, gold_values, predicted_ones=5):
    # 40 sentences in 20 articles of 2; the model says 1 for the first predicted_ones, 0 elsewhere...
    predicted = np.zeros(40)
    predicted[:predicted_ones] = 1
    gold = np.full(40, np.nan)
    gold[:n_lab] = gold_values
    return pd.DataFrame({"voice": "v", "article_id": np.repeat(np.arange(20), 2), "p": predicted, "g": gold})


def test_corrected_shares_are_capped_at_1():
    # 12 labelled: 11 ones and a zero; the model says 1 for 35 of 40 and is right where labelled
    # but once. The normal interval reaches past 1 (checked), the share's interval stops at 1.
    frame = _shares(12, [1.0] * 11 + [0.0], predicted_ones=35)
    frame.loc[11, "p"] = 1.0
    labelled = frame[frame["g"].notna()]
    raw = stats.ppi_mean(frame["p"], labelled["p"], labelled["g"], clusters_all=frame["article_id"],
                         clusters_labelled=labelled["article_id"])
    assert raw[2] > 1
    row = stats.corrected_means(frame, "voice", "p", "g").iloc[0]
    assert row["method"] == "prediction-powered" and row["high"] == 1.0
    assert (row["estimate"], row["low"]) == pytest.approx(raw[:2])


def test_an_uncorrected_share_keeps_its_bootstrap_interval_even_if_its_few_labels_agree():
    # 3 labelled zeros (fewer than 10): the model's share with the article bootstrap, not the
    # Clopper-Pearson interval of 0 of 3
    frame = _shares(3, 0.0)
    row = stats.corrected_means(frame, "voice", "p", "g", n_boot=300).iloc[0]
    assert row["method"] == stats.METHOD_MODEL
    assert tuple(row[["estimate", "low", "high"]]) == pytest.approx(stats.mean_ci(frame["p"], frame["article_id"], n_boot=300))


def test_an_exact_interval_at_the_confidence_asked():
    # 0 of 12 labelled, 90%: Clopper-Pearson upper bound solves (1 - p)^12 = 0.05
    frame = _shares(12, 0.0)
    row = stats.corrected_means(frame, "voice", "p", "g", confidence=0.9).iloc[0]
    assert row["method"] == "prediction-powered"
    assert (row["low"], row["high"]) == pytest.approx((0.0, 1 - 0.05 ** (1 / 12)))


def test_a_missing_value_is_an_error_not_the_smallest_p():
    # With a NaN the difference of means is NaN, every `abs(diff) >= abs(NaN)` is False, and p
    # would be 1 / (1 + n_perm): the strongest evidence the test can give, for no reason at all.
    with pytest.raises(ValueError, match=r"^the statistic is NaN for the data given: drop the missing values first "
                                         r"\(or give a statistic that handles them\)$"):
        stats.permutation_test([1.0, np.nan, 0.0, 0.0], ["a", "a", "b", "b"], n_perm=99)
    # A statistic that handles missing values is left to do so.
    diff, p = stats.permutation_test([1.0, np.nan, 1.0, 0.0, 0.0], ["a", "a", "a", "b", "b"], n_perm=99,
                                     statistic=lambda a, b: np.nanmean(a) - np.nanmean(b))
    assert diff == 1.0 and 0 < p <= 1
