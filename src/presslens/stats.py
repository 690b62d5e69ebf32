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
