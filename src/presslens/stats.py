"""Intervals and scores: percentile bootstrap, macro-F1, and grouped means with their intervals.

Every estimate the notebooks report comes with a 95% interval from a seeded percentile bootstrap
(Efron & Tibshirani 1993, "An Introduction to the Bootstrap", ch. 13), so a re-run gives the same
interval.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

N_BOOT = 1000
SEED = 20220224
CONFIDENCE = 0.95


def macro_f1(gold, predicted, labels=("negative", "neutral", "positive")) -> float:
    """Return the unweighted mean of per-class F1 over ``labels``.

    A class never predicted and never true is skipped; one predicted or true but never right
    scores 0 (as in scikit-learn's ``f1_score(average="macro")``).

    >>> macro_f1(["a", "a", "b", "b"], ["a", "b", "b", "b"], labels=("a", "b"))
    0.7333333333333334
    """
    gold, predicted = np.asarray(gold), np.asarray(predicted)
    scores = []
    for label in labels:
        tp = np.sum((predicted == label) & (gold == label))
        fp = np.sum((predicted == label) & (gold != label))
        fn = np.sum((predicted != label) & (gold == label))
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else float("nan")


def bootstrap_ci(statistic, *arrays, n_boot: int = N_BOOT, seed: int = SEED, confidence: float = CONFIDENCE):
    """Return ``(estimate, low, high)``: the statistic and its percentile bootstrap interval.

    The same rows are resampled from every array in ``arrays`` (paired resampling).
    """
    arrays = [np.asarray(a) for a in arrays]
    n = len(arrays[0])
    estimate = statistic(*arrays)
    rng = np.random.default_rng(seed)
    draws = np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, n, n)
        draws[b] = statistic(*(a[idx] for a in arrays))
    tail = (1 - confidence) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(estimate), float(low), float(high)


def mean_ci(values, *, n_boot: int = N_BOOT, seed: int = SEED, confidence: float = CONFIDENCE):
    """Return ``(mean, low, high)`` with a percentile bootstrap interval, vectorised over draws."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot)
    chunk = max(1, 2_000_000 // len(values))
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        means[start:stop] = values[rng.integers(0, len(values), (stop - start, len(values)))].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(values.mean()), float(low), float(high)


def grouped_mean_ci(frame: pd.DataFrame, by, value: str, *, min_count: int = 20, **options) -> pd.DataFrame:
    """Return ``n``, ``mean``, ``low``, ``high`` of ``value`` per group, NaN ignored.

    Groups with fewer than ``min_count`` values are dropped, so no cell rests on a handful of
    sentences; lower it knowingly.
    """
    rows = []
    for key, group in frame.groupby(by, sort=True, observed=True):
        vals = group[value].dropna().to_numpy()
        if len(vals) < min_count:
            continue
        mean, low, high = mean_ci(vals, **options)
        key = key if isinstance(key, tuple) else (key,)
        rows.append((*key, len(vals), mean, low, high))
    names = list(by) if isinstance(by, (list, tuple)) else [by]
    return pd.DataFrame(rows, columns=[*names, "n", "mean", "low", "high"])


def paired_difference_ci(metric, gold, predicted_a, predicted_b, **options):
    """Return ``(difference, low, high)`` of ``metric(gold, a) - metric(gold, b)``, resampled in pairs.

    An interval that excludes 0 is what "measurably better" means in this project.
    """
    return bootstrap_ci(
        lambda g, a, b: metric(g, a) - metric(g, b), gold, predicted_a, predicted_b, **options
    )


def permutation_test(values, groups, clusters=None, *, within=None, n_perm: int = 2000, seed: int = SEED, statistic=None):
    """Return ``(difference, p)``: a two-sided permutation test of a difference between two groups.

    ``values`` are per-item numbers (a 0/1 label gives a difference in shares), ``groups`` holds
    two labels, and ``statistic(values_a, values_b)`` defaults to the difference in means (first
    label in sorted order minus the second). Sentences of one article are not independent, so:

    - with ``clusters`` (such as article IDs, each wholly in one group), whole clusters are
      reassigned between the groups;
    - with ``within`` (such as article IDs whose sentences fall in both groups), labels are
      shuffled only inside each article, comparing like with like.

    ``p`` is (1 + permutations at least as extreme) / (1 + n_perm).

    >>> permutation_test([1, 1, 1, 0, 0, 0], ["a", "a", "a", "b", "b", "b"], n_perm=999)[0]
    1.0
    """
    values, groups = np.asarray(values, dtype=float), np.asarray(groups)
    labels = np.unique(groups)
    if len(labels) != 2:
        raise ValueError(f"need exactly two groups, got {list(labels)}")
    if clusters is not None and within is not None:
        raise ValueError("give clusters or within, not both")
    statistic = statistic or (lambda a, b: a.mean() - b.mean())
    observed = statistic(values[groups == labels[0]], values[groups == labels[1]])
    rng = np.random.default_rng(seed)
    if within is not None:
        strata = pd.factorize(np.asarray(within))[0]
        order = np.argsort(strata, kind="stable")
        bounds = np.flatnonzero(np.diff(strata[order])) + 1

        def shuffle():
            out = groups.copy()
            for block in np.split(order, bounds):
                out[block] = rng.permutation(groups[block])
            return out
    else:
        clusters = np.arange(len(values)) if clusters is None else np.asarray(clusters)
        cluster_ids, cluster_index = np.unique(clusters, return_inverse=True)
        cluster_group = np.empty(len(cluster_ids), dtype=groups.dtype)
        cluster_group[cluster_index] = groups
        if not np.array_equal(cluster_group[cluster_index], groups):
            raise ValueError("every cluster must lie in one group (use within= for groups inside clusters)")

        def shuffle():
            return rng.permutation(cluster_group)[cluster_index]

    extreme = 0
    for _ in range(n_perm):
        shuffled = shuffle()
        diff = statistic(values[shuffled == labels[0]], values[shuffled == labels[1]])
        extreme += abs(diff) >= abs(observed) - 1e-12
    return float(observed), float((1 + extreme) / (1 + n_perm))
