"""Evaluation: F_avg and macro-F1, article-grouped cross-validation, scores with cluster-bootstrap
intervals, confusion matrices, and the held-out labels that aggregates use for annotated sentences."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from presslens import sentiment, stats
from presslens.stance.annotations import LABELS, SEED, TARGETS, load_annotations
from presslens.stance.features import annotation_features
from presslens.stance.model import EMBEDDING_GROUPS, FEATURE_GROUPS, SPARSE_GROUPS, StanceModel, blend
from presslens.stance.rules import rule_predict

def f_avg(gold, predicted) -> float:
    """Return SemEval-2016's F_avg: the mean of the F1 of FAVOR and of AGAINST (NONE is not averaged).

    >>> f_avg(["FAVOR", "AGAINST", "NONE", "AGAINST"], ["FAVOR", "NONE", "NONE", "AGAINST"])  # (1 + 2/3) / 2
    0.8333333333333333
    """
    return stats.macro_f1(gold, predicted, labels=("FAVOR", "AGAINST"))


def macro_f1(gold, predicted) -> float:
    """Return the macro-F1 over FAVOR, AGAINST and NONE."""
    return stats.macro_f1(gold, predicted, labels=LABELS)


def vader_stance(texts, threshold: float = 0.05) -> np.ndarray:
    """Sentence-level VADER read as stance: positive -> FAVOR, negative -> AGAINST, else NONE."""
    compound = sentiment.polarity(texts)
    return np.where(compound >= threshold, "FAVOR", np.where(compound <= -threshold, "AGAINST", "NONE"))


# The model selection's grid: the sparse model's C, the embedding model's C, the embedding model's
# share of the average, and the shift of FAVOR's log-probability (its decision threshold). Only the
# Cs need fits; the weight and the shift are applied to the fitted models' probabilities.
GRID = {
    "C": (4.0, 16.0),
    "C_embedding": (0.3, 1.0),
    "embedding_weight": (0.0, 0.25, 0.4, 0.5, 0.6, 0.75, 1.0),
    "favor_bias": (-0.25, 0.0, 0.25, 0.5),
}
INNER_SPLITS = 3


def _folds(labels, groups, n_splits, seed):
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels, groups))


def select(frame: pd.DataFrame, labels, groups, scored=None, *, grid: dict | None = None, groups_used=None,
           n_splits: int = INNER_SPLITS, seed: int = SEED) -> dict:
    """Choose the model's hyperparameters by cross-validation on the rows given, folds grouped by
    ``groups`` (articles): the combination of ``grid`` with the highest F_avg over the out-of-fold
    predictions of the ``scored`` rows (a boolean mask: the random sample; all rows if None). Ties
    go to the combination first in the grid's order. Returns the chosen parameters and their F_avg.

    Called on the training folds of :func:`cross_validate`, it sees no test article.
    """
    grid = {**GRID, **(grid or {})}
    labels = np.asarray(labels)
    scored = np.ones(len(labels), dtype=bool) if scored is None else np.asarray(scored, dtype=bool)
    groups_used = FEATURE_GROUPS if groups_used is None else tuple(groups_used)
    has_sparse = any(g in groups_used for g in SPARSE_GROUPS)
    has_dense = any(g in groups_used for g in EMBEDDING_GROUPS)
    sparse_p = {C: np.zeros((len(labels), 3)) for C in grid["C"]} if has_sparse else {None: None}
    dense_p = {C: np.zeros((len(labels), 3)) for C in grid["C_embedding"]} if has_dense else {None: None}
    for train_rows, test_rows in _folds(labels, groups, n_splits, seed):
        for C in sparse_p if has_sparse else ():
            model = StanceModel(C=C, embedding_weight=0.0, groups=groups_used).fit(frame.iloc[train_rows], labels[train_rows])
            sparse_p[C][test_rows] = model.component_proba(frame.iloc[test_rows])[0]
        for C in dense_p if has_dense else ():
            model = StanceModel(C_embedding=C, embedding_weight=1.0, groups=groups_used).fit(frame.iloc[train_rows], labels[train_rows])
            dense_p[C][test_rows] = model.component_proba(frame.iloc[test_rows])[1]
    weights = grid["embedding_weight"] if has_sparse and has_dense else ((0.0,) if has_sparse else (1.0,))
    best, best_score = None, -np.inf
    gold = labels[scored]
    for C in sparse_p:
        for C_embedding in dense_p:
            for weight in weights:
                if (weight == 0.0 and C_embedding != next(iter(dense_p))) or (weight == 1.0 and C != next(iter(sparse_p))):
                    continue  # the same predictions as a combination already tried
                for bias in grid["favor_bias"]:
                    probabilities = blend(sparse_p[C], dense_p[C_embedding], weight, bias)
                    score = f_avg(gold, np.asarray(LABELS)[probabilities.argmax(axis=1)][scored])
                    if score > best_score + 1e-12:
                        best_score = score
                        best = {"C": C if C is not None else StanceModel().C,
                                "C_embedding": C_embedding if C_embedding is not None else StanceModel().C_embedding,
                                "embedding_weight": weight, "favor_bias": bias}
    return {**best, "inner F_avg": best_score}


def _fit_predict(frame, labels, train_rows, test_rows, params, groups_used):
    model = StanceModel(**params, groups=groups_used).fit(frame.iloc[train_rows], labels[train_rows])
    return model.predict_proba(frame.iloc[test_rows]).to_numpy()


def cross_validate(table: pd.DataFrame, *, n_splits: int = 5, seed: int = SEED, nested: bool = True, grid: dict | None = None,
                   groups=None, frame: pd.DataFrame | None = None, **options) -> pd.DataFrame:
    """Return out-of-fold predictions of every method, folds grouped by article.

    No sentence of a test article is in its training folds (scikit-learn's StratifiedGroupKFold,
    shuffled with ``seed``). With ``nested`` (the default) the model's hyperparameters, FAVOR's
    threshold included, are chosen on each training part alone by :func:`select` (an inner
    article-grouped cross-validation scored on the random sample); otherwise ``options`` fix them.
    ``groups`` restricts the feature groups; ``frame`` is the table's :func:`annotation_features`
    if already at hand. Columns: the table's, ``fold``, then one per method: ``model``, ``rules``,
    ``sentence VADER``, ``always AGAINST``, and the model's probabilities ``p_*``. The parameters
    chosen in each fold are in ``out.attrs["selected"]``.
    """
    table = table.reset_index(drop=True)
    groups_used = FEATURE_GROUPS if groups is None else tuple(groups)
    frame = annotation_features(table) if frame is None else frame
    labels = table["label"].to_numpy()
    scored = (table["sample"] == "random").to_numpy() if "sample" in table.columns else np.ones(len(table), dtype=bool)
    articles = table["article_id"].to_numpy()
    out = table.copy()
    out["fold"] = -1
    probabilities = np.zeros((len(table), len(LABELS)))
    chosen = []
    for fold, (train_rows, test_rows) in enumerate(_folds(labels, articles, n_splits, seed)):
        if nested:
            params = select(frame.iloc[train_rows], labels[train_rows], articles[train_rows], scored[train_rows],
                            grid=grid, groups_used=groups_used, seed=seed)
        else:
            params = {**StanceModel(**options).params(), "inner F_avg": np.nan}
        chosen.append({"fold": fold, **params})
        fit_params = {k: v for k, v in params.items() if k != "inner F_avg"}
        probabilities[test_rows] = _fit_predict(frame, labels, train_rows, test_rows, fit_params, groups_used)
        out.loc[test_rows, "fold"] = fold
    out["model"] = np.asarray(LABELS)[probabilities.argmax(axis=1)]
    for k, label in enumerate(LABELS):
        out[f"p_{label}"] = probabilities[:, k]
    out["rules"] = ""
    for target in TARGETS:
        rows = out.index[out["target"] == target]
        out.loc[rows, "rules"] = rule_predict(out.loc[rows, "text"].tolist(), target)
    out["sentence VADER"] = vader_stance(out["text"].tolist())
    out["always AGAINST"] = "AGAINST"
    out.attrs["selected"] = pd.DataFrame(chosen)
    return out


def learning_curve(table: pd.DataFrame, sizes=(500, 1000, 2000), *, n_splits: int = 5, seed: int = SEED,
                   frame: pd.DataFrame | None = None, predictions: pd.DataFrame | None = None,
                   n_boot: int = stats.N_BOOT) -> pd.DataFrame:
    """Return F_avg on the random sample's out-of-fold predictions when each training part is cut to
    ``sizes`` pairs (drawn at random with ``seed``), and with all of it, each with the hyperparameters
    chosen inside that cut (nested, as :func:`cross_validate`). The test folds are the same for every
    size; intervals resample articles. ``predictions``, the :func:`cross_validate` output of the same
    table, folds and seed, gives the "all" row without running the procedure again."""
    table = table.reset_index(drop=True)
    frame = annotation_features(table) if frame is None else frame
    labels = table["label"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    articles = table["article_id"].to_numpy()
    folds = _folds(labels, articles, n_splits, seed)
    rng = np.random.default_rng(seed)
    rows = []
    for size in [*sizes, None]:
        predicted = np.empty(len(table), dtype=object)
        used = []
        if size is None and predictions is not None:
            if not predictions["sentence_id"].reset_index(drop=True).equals(table["sentence_id"]):
                raise ValueError("predictions are not the cross-validation of this table")
            predicted[:] = predictions["model"].to_numpy()
            used = [len(table) - len(test_rows) for _, test_rows in folds]
            folds_to_run = []
        else:
            folds_to_run = folds
        for train_rows, test_rows in folds_to_run:
            if size is not None and size < len(train_rows):
                train_rows = np.sort(rng.choice(train_rows, size=size, replace=False))
            used.append(len(train_rows))
            params = select(frame.iloc[train_rows], labels[train_rows], articles[train_rows], scored[train_rows], seed=seed)
            params.pop("inner F_avg")
            predicted[test_rows] = np.asarray(LABELS)[_fit_predict(frame, labels, train_rows, test_rows, params, FEATURE_GROUPS).argmax(axis=1)]
        estimate = stats.bootstrap_ci(f_avg, labels[scored], predicted[scored].astype(str), clusters=articles[scored], n_boot=n_boot)
        rows.append(("all" if size is None else size, int(np.mean(used)), *estimate))
    return pd.DataFrame(rows, columns=["training pairs", "mean pairs per fold", "F_avg", "low", "high"])


def ablation(table: pd.DataFrame, predictions: pd.DataFrame, *, frame: pd.DataFrame | None = None,
             n_boot: int = stats.N_BOOT) -> pd.DataFrame:
    """Return F_avg on the random sample with each feature group removed in turn, beside the full model.

    Each fold keeps the hyperparameters that :func:`cross_validate` chose on its training part for
    the full model (``predictions.attrs["selected"]``), so no choice sees a test article; they are
    not re-tuned for the smaller model (a group removed with both models' other groups kept; removing
    both embeddings leaves the sparse model alone, and the reverse). Intervals resample articles.
    """
    table = table.reset_index(drop=True)
    frame = annotation_features(table) if frame is None else frame
    labels = table["label"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    articles = table["article_id"].to_numpy()
    selected = predictions.attrs["selected"].set_index("fold")
    folds = predictions["fold"].to_numpy()
    variants = [(f"without {g}", tuple(x for x in FEATURE_GROUPS if x != g)) for g in FEATURE_GROUPS]
    variants += [("sparse model alone", SPARSE_GROUPS), ("embedding model alone", EMBEDDING_GROUPS)]
    predicted = {name: np.empty(len(table), dtype=object) for name, _ in variants}
    for fold in sorted(set(folds)):
        params = {k: v for k, v in selected.loc[fold].items() if k != "inner F_avg"}
        test_rows, train_rows = np.flatnonzero(folds == fold), np.flatnonzero(folds != fold)
        fit = lambda groups: StanceModel(**params, groups=groups).fit(frame.iloc[train_rows], labels[train_rows])  # noqa: E731
        # The full model's two parts, fitted once: a variant that removes a group of one part
        # refits that part only (the other part's probabilities are the full model's).
        full_sparse, full_dense = fit(FEATURE_GROUPS).component_proba(frame.iloc[test_rows])
        for name, groups_used in variants:
            sparse_used = tuple(g for g in groups_used if g in SPARSE_GROUPS)
            dense_used = tuple(g for g in groups_used if g in EMBEDDING_GROUPS)
            sparse_p = None if not sparse_used else full_sparse if sparse_used == SPARSE_GROUPS else \
                fit(sparse_used).component_proba(frame.iloc[test_rows])[0]
            dense_p = None if not dense_used else full_dense if dense_used == EMBEDDING_GROUPS else \
                fit(dense_used).component_proba(frame.iloc[test_rows])[1]
            probabilities = blend(sparse_p, dense_p, params["embedding_weight"], params["favor_bias"])
            predicted[name][test_rows] = np.asarray(LABELS)[probabilities.argmax(axis=1)]
    rows = [("full model", *stats.bootstrap_ci(f_avg, labels[scored], predictions["model"].to_numpy()[scored].astype(str),
                                              clusters=articles[scored], n_boot=n_boot))]
    for name, _ in variants:
        rows.append((name, *stats.bootstrap_ci(f_avg, labels[scored], predicted[name][scored].astype(str), clusters=articles[scored], n_boot=n_boot)))
    return pd.DataFrame(rows, columns=["model", "F_avg", "low", "high"])


def per_class(gold, predicted) -> pd.DataFrame:
    """Return precision, recall and F1 per class, with the counts they come from.

    >>> per_class(["FAVOR", "AGAINST", "NONE", "AGAINST"], ["FAVOR", "NONE", "NONE", "AGAINST"]).loc["AGAINST"].tolist()
    [1.0, 0.5, 0.6666666666666666, 2.0, 1.0, 1.0]
    """
    gold, predicted = np.asarray(gold), np.asarray(predicted)
    rows = []
    for label in LABELS:
        hits = int(np.sum((gold == label) & (predicted == label)))
        n_gold, n_pred = int(np.sum(gold == label)), int(np.sum(predicted == label))
        precision = hits / n_pred if n_pred else np.nan
        recall = hits / n_gold if n_gold else np.nan
        f1 = 2 * hits / (n_gold + n_pred) if n_gold + n_pred else np.nan
        rows.append((label, precision, recall, f1, n_gold, n_pred, hits))
    return pd.DataFrame(rows, columns=["class", "precision", "recall", "F1", "gold", "predicted", "correct"]).set_index("class")


METHOD_COLUMNS = ("model", "rules", "sentence VADER", "always AGAINST")


def scores(predictions: pd.DataFrame, *, by=None, methods=METHOD_COLUMNS, n_boot: int = stats.N_BOOT) -> pd.DataFrame:
    """Return F_avg and macro-F1 per method (and per ``by`` group) with 95% intervals from the cluster
    bootstrap: the articles in ``article_id`` are resampled, each with all its items. A resample
    that lacks a class has no F_avg (:func:`presslens.stats.macro_f1`); past 1% of such draws the
    interval is NaN."""
    groups = [("all", predictions)] if by is None else list(predictions.groupby(by, sort=True))
    rows = []
    for key, block in groups:
        gold = block["label"].to_numpy()
        articles = block["article_id"].to_numpy()
        for method in methods:
            guess = block[method].to_numpy()
            fav = stats.bootstrap_ci(f_avg, gold, guess, clusters=articles, n_boot=n_boot)
            mac = stats.bootstrap_ci(macro_f1, gold, guess, clusters=articles, n_boot=n_boot)
            rows.append((key, method, len(block), *fav, *mac))
    columns = [by or "items", "method", "n", "F_avg", "F_avg low", "F_avg high", "macro-F1", "macro-F1 low", "macro-F1 high"]
    return pd.DataFrame(rows, columns=columns)


def confusion(gold, predicted) -> pd.DataFrame:
    """Return the confusion matrix: rows the gold label, columns the predicted one."""
    table = pd.crosstab(pd.Series(gold, name="gold"), pd.Series(predicted, name="predicted"))
    return table.reindex(index=list(LABELS), columns=list(LABELS), fill_value=0)


def share_ci(labels, label: str, clusters=None, *, n_boot: int = stats.N_BOOT, seed: int = SEED):
    """Return ``(share, low, high)`` of ``label`` among ``labels`` with a bootstrap 95% interval that
    resamples the articles in ``clusters`` (one per label); without them, labels are resampled
    one by one, which is right only for independent items."""
    return stats.mean_ci(np.asarray(labels) == label, clusters, n_boot=n_boot, seed=seed)


@lru_cache(maxsize=1)
def _out_of_fold() -> pd.Series:
    # The deployed model's hyperparameters in every fold, not re-selected: these labels stand in for
    # the model's on annotated sentences in aggregates; scores come from the nested procedure.
    predictions = cross_validate(load_annotations().table, nested=False)
    return predictions.set_index(["sentence_id", "target"])["model"]


def random_gold(frame: pd.DataFrame, annotations: pd.DataFrame | None = None) -> np.ndarray:
    """Return, for each row of ``frame`` (``sentence_id``, ``target``), the annotators' label where
    the pair is in the random annotated sample, and NaN elsewhere (pairs picked to enrich FAVOR are
    not a random sample, so they are left out). This is the gold column that
    :func:`presslens.stats.corrected_means` takes."""
    table = load_annotations().table if annotations is None else annotations
    gold = table[table["sample"] == "random"].set_index(["sentence_id", "target"])["label"]
    keys = pd.MultiIndex.from_arrays([frame["sentence_id"], frame["target"]])
    return gold.reindex(keys).to_numpy(dtype=object)


def held_out_labels() -> pd.Series:
    """Return the model's out-of-fold label for every annotated sentence and target.

    The model trains on the annotated sentences, so its label for one of them is not a prediction.
    Where a sentence was annotated, aggregates should use this label: the one given by a model
    that did not train on the sentence's article.
    """
    return _out_of_fold().copy()
