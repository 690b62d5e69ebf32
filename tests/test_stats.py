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
    with pytest.raises(ValueError, match="article_id"):
        stats.grouped_mean_ci(frame, "voice", "score", min_count=20)
    table = stats.grouped_mean_ci(frame, "voice", "score", cluster=None, min_count=20)
    assert table["voice"].tolist() == ["a"] and table["n"].tolist() == [30]
    assert table["mean"].iloc[0] == pytest.approx(0)


# --- one rule for intervals: articles are resampled ---------------------------------------------------


def _clustered_values():
    """20 articles of 10 sentences; all sentences of an article share its value (0 or 1)."""
    article = np.repeat(np.arange(20), 10)
    return (article % 2).astype(float), article


def test_the_cluster_bootstrap_resamples_articles_not_sentences():
    values, article = _clustered_values()
    _, low_iid, high_iid = stats.mean_ci(values)
    mean, low, high = stats.mean_ci(values, article)
    # By hand: 20 independent articles, each 0 or 1 with mean 0.5: standard error sqrt(0.25 / 20) =
    # 0.112, so a 95% interval about 0.44 wide; 200 independent sentences give about 0.14.
    assert mean == 0.5
    assert high - low == pytest.approx(2 * 1.96 * np.sqrt(0.25 / 20), rel=0.15)
    assert high_iid - low_iid == pytest.approx(2 * 1.96 * np.sqrt(0.25 / 200), rel=0.15)
    # the same through bootstrap_ci and grouped_mean_ci
    assert stats.bootstrap_ci(np.mean, values, clusters=article)[1:] == pytest.approx((low, high), abs=0.06)
    frame = pd.DataFrame({"voice": "v", "article_id": article, "x": values})
    row = stats.grouped_mean_ci(frame, "voice", "x").iloc[0]
    assert (row["n"], row["articles"], row["low"], row["high"]) == (200, 20, low, high)


def test_a_resample_that_does_not_resample_has_no_spread_and_is_caught():
    values, article = _clustered_values()
    draws = stats.bootstrap_draws(np.mean, values, clusters=article, n_boot=200)
    assert draws.std() > 0.05  # a bootstrap that returned the sample itself would have 0
    within = stats.bootstrap_draws(np.mean, values, clusters=np.zeros(len(values)), n_boot=50)
    assert np.isnan(within).all()  # one cluster: nothing to resample, so no draws, not 50 copies


def test_bootstrap_draws_keep_every_sentence_of_a_drawn_article():
    article = np.array(["a", "a", "a", "b", "c", "c"])
    sizes = stats.bootstrap_draws(len, article, clusters=article, n_boot=300)
    # each draw takes 3 articles; its size is a sum of three of 3, 1 and 2 sentences
    possible = {a + b + c for a in (3, 1, 2) for b in (3, 1, 2) for c in (3, 1, 2)}
    assert set(sizes.astype(int)) <= possible and len(set(sizes.astype(int))) > 3


def test_f_avg_is_undefined_not_silently_one_class_when_a_class_is_absent():
    gold = np.array(["AGAINST"] * 5 + ["NONE"] * 5)
    guess = np.array(["AGAINST"] * 4 + ["NONE"] * 6)
    assert np.isnan(stats.macro_f1(gold, guess, labels=("FAVOR", "AGAINST")))
    # with FAVOR present once, both classes count
    gold[0], guess[0] = "FAVOR", "FAVOR"
    assert stats.macro_f1(gold, guess, labels=("FAVOR", "AGAINST")) == pytest.approx((1 + 2 * 3 / (2 * 3 + 0 + 1)) / 2)


def test_an_interval_with_many_undefined_draws_is_nan_not_the_lucky_draws():
    gold = np.array(["FAVOR"] + ["AGAINST"] * 19)
    guess = gold.copy()
    f_avg = lambda g, p: stats.macro_f1(g, p, labels=("FAVOR", "AGAINST"))  # noqa: E731
    estimate, low, high = stats.bootstrap_ci(f_avg, gold, guess, n_boot=200)
    assert estimate == 1.0 and np.isnan(low) and np.isnan(high)  # FAVOR is missing from ~36% of draws


def test_paired_difference_ci_excludes_zero_for_a_clear_gain():
    gold = np.array(["x", "y"] * 100)
    good, bad = gold.copy(), np.array(["x"] * 200)
    diff, low, high = stats.paired_difference_ci(lambda g, p: np.mean(g == p), gold, good, bad)
    assert diff == pytest.approx(0.5) and low > 0


# --- prediction-powered inference ------------------------------------------------------------------


@pytest.mark.parametrize("seed, lam", [(0, None), (1, None), (2, 1.0), (3, 0.0), (4, 0.3)])
def test_ppi_mean_agrees_with_ppi_python_on_independent_data(seed, lam):
    import ppi_py
    rng = np.random.default_rng(seed)
    n, big_n = 200 + 50 * seed, 3000
    gold = rng.integers(0, 2, n).astype(float)
    predicted = np.where(rng.random(n) < 0.75, gold, 1 - gold)
    predicted_all = (rng.random(big_n) < 0.4).astype(float)
    estimate, low, high = stats.ppi_mean(predicted_all, predicted, gold, confidence=0.95, lam=lam)
    ref_low, ref_high = ppi_py.ppi_mean_ci(gold, predicted, predicted_all, alpha=0.05, lam=lam)
    ref_estimate = ppi_py.ppi_mean_pointestimate(gold, predicted, predicted_all, lam=lam)
    np.testing.assert_allclose([estimate, low, high], [np.ravel(ref_estimate)[0], ref_low[0], ref_high[0]], atol=1e-6)


def test_ppi_mean_on_numbers_not_only_labels():
    import ppi_py
    rng = np.random.default_rng(5)
    gold = rng.normal(0.1, 0.5, 400)
    predicted = gold * 0.6 - 0.2 + rng.normal(0, 0.2, 400)
    predicted_all = rng.normal(-0.15, 0.35, 5000)
    got = stats.ppi_mean(predicted_all, predicted, gold)
    ref = ppi_py.ppi_mean_ci(gold, predicted, predicted_all, alpha=0.05)
    np.testing.assert_allclose(got[1:], [ref[0][0], ref[1][0]], atol=1e-6)


def test_ppi_mean_by_hand_with_and_without_power_tuning():
    gold = np.array([1, 0, 1, 1, 0, 0, 1, 0], dtype=float)
    model = np.array([1, 1, 1, 1, 0, 1, 1, 0], dtype=float)
    corpus = np.concatenate([model, [1, 1, 0, 1, 1, 1, 0, 1]])
    # lam = 1: 12/16 predicted, minus the 2/8 the model over-counts where the truth is known
    assert stats.ppi_mean(corpus, model, gold, lam=1.0)[0] == pytest.approx(0.5)
    # lam = 0: the annotators' mean alone, with the plain interval
    estimate, low, high = stats.ppi_mean(corpus, model, gold, lam=0.0)
    half = 1.959963984540054 * np.sqrt(0.25 / 8)  # var (ddof 0) of gold = 0.25
    assert (estimate, low, high) == pytest.approx((0.5, 0.5 - half, 0.5 + half))


def test_cluster_robust_variance_by_hand():
    # values 1, 0 | 1, 1: mean 0.75, article sums of deviations -0.5 and 0.5, so
    # variance = 2 / (2 - 1) * (0.25 + 0.25) / 4**2 = 0.0625, standard error 0.25
    mean, low, high = stats.cluster_mean_ci([1, 0, 1, 1], ["a", "a", "b", "b"])
    assert mean == 0.75 and high - mean == pytest.approx(1.959963984540054 * 0.25)
    # each item its own article: (4 / 3) * 0.1875 / 4 = 0.0625 as well, by chance of these numbers
    alone = stats.cluster_mean_ci([1, 0, 1, 1])
    assert alone[2] - alone[0] == pytest.approx(1.959963984540054 * np.sqrt(4 / 3 * 0.1875 / 4))


def _clustered_run(rng, truth_intercept=-0.5, articles=200, labelled=300):
    sizes = rng.poisson(12, articles) + 1
    article = np.repeat(np.arange(articles), sizes)
    effect = rng.normal(0, 1, articles)[article]
    gold = (rng.random(len(article)) < 1 / (1 + np.exp(-(truth_intercept + effect)))).astype(float)
    # a biased classifier: misses 40% of the 1s and calls 5% of the 0s 1, so it under-counts
    predicted = np.where(gold == 1, rng.random(len(gold)) > 0.4, rng.random(len(gold)) < 0.05).astype(float)
    sample = rng.choice(len(gold), labelled, replace=False)
    return article, gold, predicted, sample


def test_clustered_ppi_intervals_cover_the_truth_where_naive_ones_do_not():
    from numpy.polynomial.hermite_e import hermegauss

    nodes, weights = hermegauss(80)  # the truth: E[sigmoid(-0.5 + Z)], Z standard normal
    truth = float(np.sum(weights / np.sqrt(2 * np.pi) / (1 + np.exp(-(-0.5 + nodes)))))
    rng = np.random.default_rng(7)
    covered = np.zeros((1000, 3), dtype=bool)
    for run in range(1000):
        article, gold, predicted, sample = _clustered_run(rng)
        intervals = [
            stats.ppi_mean(predicted, predicted[sample], gold[sample], clusters_all=article, clusters_labelled=article[sample]),
            stats.ppi_mean(predicted, predicted[sample], gold[sample]),  # clustering ignored
            stats.cluster_mean_ci(predicted, article),  # the model's share, not corrected
        ]
        covered[run] = [low <= truth <= high for _, low, high in intervals]
    clustered, independent, naive = covered.mean(axis=0)
    assert 0.93 <= clustered <= 0.97, clustered
    assert independent < 0.925, independent
    assert naive < 0.05, naive


def test_ppi_mean_refuses_what_it_cannot_use():
    with pytest.raises(ValueError, match="together"):
        stats.ppi_mean([1, 0, 1], [1, 0], [1, 1], clusters_all=["a", "a", "b"])
    with pytest.raises(ValueError, match="missing"):
        stats.ppi_mean([1, 0, 1], [1, np.nan], [1, 1])
    with pytest.raises(ValueError, match="must be in the corpus"):
        stats.ppi_mean([1, 0, 1], [1, 0], [1, 1], clusters_all=["a", "a", "b"], clusters_labelled=["a", "z"])


def test_corrected_means_says_which_method_each_group_used():
    rng = np.random.default_rng(3)
    rows = []
    for voice, n, labelled in (("all annotated", 40, 40), ("sampled", 400, 60), ("none", 50, 0)):
        article = np.repeat(np.arange(n // 5), 5)
        gold = (rng.random(n) < 0.3).astype(float)
        predicted = np.where(rng.random(n) < 0.8, gold, 1 - gold)
        shown = np.full(n, np.nan)
        pick = rng.choice(n, labelled, replace=False)
        shown[pick] = gold[pick]
        rows.append(pd.DataFrame({"voice": voice, "article_id": [f"{voice}{a}" for a in article],
                                  "predicted": predicted, "gold": shown}))
    table = stats.corrected_means(pd.concat(rows), "voice", "predicted", "gold").set_index("voice")
    assert table.loc["all annotated", "method"] == "gold labels"
    assert table.loc["sampled", "method"] == "prediction-powered"
    assert table.loc["none", "method"] == "model only, not corrected (no labelled sample)"
    assert table["n labelled"].tolist() == [40, 0, 60]  # sorted by voice
    block = rows[0]
    assert table.loc["all annotated", "estimate"] == pytest.approx(block["gold"].mean())
    assert table.loc["none", "estimate"] == pytest.approx(rows[2]["predicted"].mean())
    assert (table["low"] <= table["estimate"]).all() and (table["estimate"] <= table["high"]).all()


def test_corrected_shares_stay_in_0_1_and_a_labelled_sample_of_zeros_gets_an_exact_interval():
    article = np.repeat(np.arange(40), 5)
    predicted = np.zeros(200)
    predicted[:20] = 1  # the model says FAVOR 10% of the time
    gold = np.full(200, np.nan)
    gold[::4] = 0  # the annotators never do, in 50 labelled sentences
    frame = pd.DataFrame({"voice": "v", "article_id": article, "p": predicted, "g": gold})
    row = stats.corrected_means(frame, "voice", "p", "g").iloc[0]
    assert row["method"] == "prediction-powered" and row["low"] == 0.0
    # Clopper-Pearson for 0 of 50: the upper bound solves (1 - p)^50 = 0.025
    assert row["high"] == pytest.approx(1 - 0.025 ** (1 / 50))


def test_values_from_one_article_get_no_interval():
    mean, low, high = stats.mean_ci([0.1, 0.2, 0.3], ["a", "a", "a"])
    assert mean == pytest.approx(0.2) and np.isnan(low) and np.isnan(high)
    assert np.isnan(stats.bootstrap_ci(np.mean, [0.1, 0.2], clusters=["a", "a"])[1])


def test_holm_against_a_hand_worked_table():
    # p:        0.010  0.040  0.030  0.005  0.200
    # sorted:   0.005 (x5 = 0.025), 0.010 (x4 = 0.040), 0.030 (x3 = 0.090), 0.040 (x2 = 0.080 -> 0.090),
    #           0.200 (x1 = 0.200)
    adjusted = stats.holm([0.010, 0.040, 0.030, 0.005, 0.200])
    assert adjusted == pytest.approx([0.040, 0.090, 0.090, 0.025, 0.200])
    assert stats.holm([0.5, 0.6]).tolist() == [1.0, 1.0]  # capped at 1
    assert stats.holm([0.02, 0.02, 0.5]).tolist() == pytest.approx([0.06, 0.06, 0.5])  # ties: the same value


# Permutation tests against exact p-values: every assignment of the group labels enumerated (an
# independent derivation: the permutation distribution itself, not a run of the code).
def _exact_p(values, n_first):
    import itertools

    values = np.asarray(values, dtype=float)
    observed = values[:n_first].mean() - values[n_first:].mean()
    extreme = total = 0
    for first in itertools.combinations(range(len(values)), n_first):
        mask = np.zeros(len(values), dtype=bool)
        mask[list(first)] = True
        extreme += abs(values[mask].mean() - values[~mask].mean()) >= abs(observed) - 1e-12
        total += 1
    return observed, extreme / total


def test_permutation_p_matches_the_exact_p_of_every_relabelling():
    values = [3.1, 0.4, 2.2, 5.0, 1.7, 4.4, 0.9, 2.8]
    observed, exact = _exact_p(values, 4)  # 62 of the 70 relabellings are as extreme: p = 0.886
    difference, p = stats.permutation_test(values, list("aaaabbbb"), n_perm=20_000)
    assert difference == pytest.approx(observed)
    assert p == pytest.approx(exact, abs=0.015)  # Monte Carlo error about 0.002
    separated = [9.0, 8.0, 7.0, 6.0, 1.0, 2.0, 3.0, 4.0]
    assert _exact_p(separated, 4)[1] == pytest.approx(2 / 70)  # only the observed split and its mirror
    assert stats.permutation_test(separated, list("aaaabbbb"), n_perm=20_000)[1] == pytest.approx(2 / 70, abs=0.005)


def test_permutation_p_counts_the_observed_labelling_and_is_never_zero():
    # p = (1 + as extreme) / (1 + n_perm): with few permutations of a perfectly separated sample the
    # smallest possible p is 1 / (1 + n_perm), never 0 (Phipson and Smyth 2010).
    values, groups = [9.0, 8.0, 7.0, 6.0, 5.5, 1.0, 2.0, 3.0, 4.0, 0.5], list("aaaaabbbbb")
    for n_perm in (1, 9, 99):
        _, p = stats.permutation_test(values, groups, n_perm=n_perm)
        assert 1 / (1 + n_perm) <= p <= 1
        assert (p * (1 + n_perm)) == pytest.approx(round(p * (1 + n_perm)))  # a count over 1 + n_perm


def test_permutation_with_clusters_reassigns_whole_clusters():
    # Eight articles of five near-identical sentences, four per group: the evidence is eight articles,
    # not forty sentences. Exact cluster p: 24 of the 70 ways to split the articles, 0.343; treating
    # the sentences as independent gives a p near 0.005.
    means = [0.9, 0.1, 0.8, 0.6, 0.2, 0.7, 0.3, 0.1]
    values = [m + 0.01 * (j - 2) for m in means for j in range(5)]
    groups = ["a" if c < 4 else "b" for c in range(8) for _ in range(5)]
    clusters = [f"article {c}" for c in range(8) for _ in range(5)]
    per_article = [np.mean(values[5 * c:5 * c + 5]) for c in range(8)]
    _, exact = _exact_p(per_article, 4)
    assert exact == pytest.approx(24 / 70)
    _, p_clustered = stats.permutation_test(values, groups, clusters, n_perm=20_000)
    _, p_independent = stats.permutation_test(values, groups, n_perm=20_000)
    assert p_clustered == pytest.approx(exact, abs=0.015)
    assert p_independent < 0.02 < 0.3 < p_clustered


def test_permutation_within_articles_shuffles_only_inside_each_article():
    # Two articles; in each, two sentences per group. Exact: labels permuted inside each article
    # (6 x 6 = 36 relabellings), count those with |difference| >= observed.
    import itertools

    values = np.array([5.0, 4.0, 1.0, 0.0, 3.0, 2.5, 2.0, 1.0])
    groups = np.array(list("aabbaabb"))
    within = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    observed = values[groups == "a"].mean() - values[groups == "b"].mean()
    extreme = total = 0
    for first in itertools.combinations(range(4), 2):
        for second in itertools.combinations(range(4, 8), 2):
            mask = np.zeros(8, dtype=bool)
            mask[list(first) + list(second)] = True
            extreme += abs(values[mask].mean() - values[~mask].mean()) >= abs(observed) - 1e-12
            total += 1
    difference, p = stats.permutation_test(values, groups, within=within, n_perm=20_000)
    assert difference == pytest.approx(observed) and total == 36
    assert p == pytest.approx(extreme / total, abs=0.015)
    # a shuffle across articles would mix article 0's high values into group b: a different p
    assert abs(stats.permutation_test(values, groups, n_perm=20_000)[1] - extreme / total) > 0.02


def test_swapping_the_group_labels_changes_neither_p_nor_the_size_of_the_difference():
    rng = np.random.default_rng(3)
    values = rng.normal(size=30)
    groups = np.where(rng.random(30) < 0.5, "x", "y")
    d1, p1 = stats.permutation_test(values, groups, n_perm=999)
    d2, p2 = stats.permutation_test(values, np.where(groups == "x", "y", "x"), n_perm=999)
    assert d1 == pytest.approx(-d2) and abs(p1 - p2) < 0.06  # the same test, its own random draws
