"""Exact, fast checks of presslens.stance.evaluate on small synthetic tables (no study corpus).

The study tests of tests/stance/test_evaluate.py run the real procedure on the annotations and take
minutes; these run the same functions on a few dozen made-up pairs, most of them with a stand-in
for the stance model (``FakeModel``, installed by the ``fake`` fixture): a model whose
probabilities are a closed formula of the training labels and of a few columns of the frame, so
that every number the evaluation reports can be worked out here independently (folds from
scikit-learn's StratifiedGroupKFold, F1 from scikit-learn, each fit repeated by hand). They guard:
the metrics (F_avg, macro-F1, per-class scores, confusion matrix, shares), VADER read as stance,
the article-grouped folds and that no fit sees a test article, the model selection's choice (a
brute force over the grid), cross-validation, the learning curve, the ablation, the scores' cluster
bootstrap, and the random sample's gold column.
"""
import importlib
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold

from presslens import stats
from presslens.stance.annotations import LABELS, SEED, TARGETS
from presslens.stance.model import EMBEDDING_GROUPS, FEATURE_GROUPS, SPARSE_GROUPS

evaluate = importlib.import_module("presslens.stance.evaluate")
model_module = importlib.import_module("presslens.stance.model")
sentiment = importlib.import_module("presslens.sentiment")


# ---------------------------------------------------------------------------------------------
# Reference metrics (scikit-learn), NaN where a class is neither gold nor predicted.

def ref_macro(gold, guess, labels):
    gold, guess = np.asarray(gold), np.asarray(guess)
    if any(not ((gold == label).any() or (guess == label).any()) for label in labels):
        return np.nan
    return f1_score(gold, guess, labels=list(labels), average="macro", zero_division=0)


def ref_f_avg(gold, guess):
    return ref_macro(gold, guess, ("FAVOR", "AGAINST"))


def ref_macro3(gold, guess):
    return ref_macro(gold, guess, LABELS)


def counted(labels):
    """F1 from counts, 2 tp / (2 tp + fp + fn), averaged over ``labels``; NaN if one is absent
    (the same as ref_macro, checked against it below, but fast enough to bootstrap)."""

    def mean_f1(gold, guess):
        gold, guess = np.asarray(gold), np.asarray(guess)
        f1 = []
        for label in labels:
            tp, fp, fn = [int(np.sum(m)) for m in ((gold == label) & (guess == label), (gold != label) & (guess == label),
                                                   (gold == label) & (guess != label))]
            if tp + fp + fn == 0:
                return np.nan
            f1.append(2 * tp / (2 * tp + fp + fn))
        return float(np.mean(f1))

    return mean_f1


fast_f_avg, fast_macro3 = counted(("FAVOR", "AGAINST")), counted(LABELS)


def test_the_counted_f1_used_in_bootstraps_here_is_scikit_learns():
    rng = np.random.default_rng(0)
    for _ in range(20):
        gold, guess = rng.choice(LABELS, 12), rng.choice(LABELS, 12)
        assert fast_f_avg(gold, guess) == pytest.approx(ref_f_avg(gold, guess), nan_ok=True)
        assert fast_macro3(gold, guess) == pytest.approx(ref_macro3(gold, guess), nan_ok=True)
    assert np.isnan(fast_f_avg(["NONE"], ["AGAINST"])) and np.isnan(ref_f_avg(["NONE"], ["AGAINST"]))


def sk_folds(labels, groups, n_splits, seed):
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels, groups))


# ---------------------------------------------------------------------------------------------
# The stand-in model and the synthetic table.

GROUP_COLUMNS = {g: [f"{g}|{label}" for label in LABELS] for g in FEATURE_GROUPS}


class FakeModel:
    """StanceModel's interface with closed-form probabilities: per target, the training label counts
    (plus one) times exp(C x the sum of the used groups' columns), for the sparse part (C) and the
    embedding part (C_embedding); mixed with ``embedding_weight``; FAVOR times exp(favor_bias).
    Every fit is recorded in ``FakeModel.fits``."""

    fits = []

    def __init__(self, C=7.0, context_weight=0.5, numeric_weight=0.25, C_embedding=0.7, embedding_weight=0.5,
                 favor_bias=0.0, groups=FEATURE_GROUPS):
        self.C, self.context_weight, self.numeric_weight = C, context_weight, numeric_weight
        self.C_embedding, self.embedding_weight, self.favor_bias = C_embedding, embedding_weight, favor_bias
        self.groups = tuple(g for g in FEATURE_GROUPS if g in groups)

    @property
    def uses_sparse(self):
        return self.embedding_weight < 1 and any(g in self.groups for g in SPARSE_GROUPS)

    @property
    def uses_embeddings(self):
        return self.embedding_weight > 0 and any(g in self.groups for g in EMBEDDING_GROUPS)

    def params(self):
        return {"C": self.C, "context_weight": self.context_weight, "numeric_weight": self.numeric_weight,
                "C_embedding": self.C_embedding, "embedding_weight": self.embedding_weight, "favor_bias": self.favor_bias}

    def fit(self, frame, labels):
        labels = np.asarray(labels)
        assert len(labels) == len(frame)
        FakeModel.fits.append({"rows": frame["row"].tolist(), "labels": labels.tolist(), "groups": self.groups,
                               **self.params()})
        self.prior_ = {}
        for target in TARGETS:
            mine = labels[frame["target"].to_numpy() == target]
            self.prior_[target] = np.array([1.0 + np.sum(mine == label) for label in LABELS])
        return self

    def _part(self, frame, groups, C):
        z = sum(frame[GROUP_COLUMNS[g]].to_numpy(dtype=float) for g in groups)
        prior = np.array([self.prior_.get(t, np.ones(3)) for t in frame["target"]])  # a third target: no prior
        p = prior * np.exp(C * z)
        return p / p.sum(axis=1, keepdims=True)

    def component_proba(self, frame):
        sparse_p = self._part(frame, [g for g in self.groups if g in SPARSE_GROUPS], self.C) if self.uses_sparse else None
        dense_p = self._part(frame, [g for g in self.groups if g in EMBEDDING_GROUPS], self.C_embedding) if self.uses_embeddings else None
        return [sparse_p, dense_p]

    def predict_proba(self, frame):
        sparse_p, dense_p = self.component_proba(frame)
        w = self.embedding_weight
        mixed = dense_p if sparse_p is None else sparse_p if dense_p is None else (1 - w) * sparse_p + w * dense_p
        mixed = mixed * np.array([np.exp(self.favor_bias), 1.0, 1.0])
        return pd.DataFrame(mixed / mixed.sum(axis=1, keepdims=True), columns=list(LABELS))

    def predict(self, frame):
        return np.asarray(LABELS)[self.predict_proba(frame).to_numpy().argmax(axis=1)]


TEXTS = {
    "FAVOR": ["{t} is a reliable partner and a good friend.", "We welcome {t} and support it."],
    "AGAINST": ["{t} is a threat and an aggressor.", "{t} attacked and destroyed the town."],
    "NONE": ["{t} met in Madrid on Friday.", "Officials of {t} spoke in Brussels."],
}


def synthetic(n_articles=14, seed=3, signal=0.8):
    """A table of annotated pairs (``n_articles`` articles of 3 to 8 pairs, both targets, FAVOR rarer,
    about a fifth picked to enrich FAVOR) and its frame of group columns: each group's column of the
    gold label raised by ``signal`` over noise, so the stand-in model is right often, not always."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(n_articles):
        for _ in range(rng.integers(3, 9)):
            target = TARGETS[rng.integers(2)]
            label = rng.choice(LABELS, p=[0.25, 0.45, 0.3])
            text = TEXTS[label][rng.integers(2)].format(t=target)
            sample = "random" if rng.random() < 0.8 else "favor"
            rows.append((f"s{len(rows)}", f"art{a:02d}", target, text, label, sample))
    table = pd.DataFrame(rows, columns=["sentence_id", "article_id", "target", "text", "label", "sample"])
    frame = pd.DataFrame({"row": np.arange(len(table)), "target": table["target"]})
    for g in FEATURE_GROUPS:
        noise = rng.normal(size=(len(table), 3))
        onehot = (table["label"].to_numpy()[:, None] == np.asarray(LABELS)[None, :]) * signal
        frame[GROUP_COLUMNS[g]] = noise * rng.uniform(0.5, 1.5) + onehot
    return table, frame


@pytest.fixture
def fake(monkeypatch):
    """Put the stand-in in place of StanceModel inside the evaluation module."""
    FakeModel.fits = []
    monkeypatch.setattr(evaluate, "StanceModel", FakeModel)
    return FakeModel


@pytest.fixture(scope="module")
def data():
    return synthetic()


SMALL_GRID = {"C": (0.5, 2.0), "C_embedding": (0.3, 1.5), "embedding_weight": (0.0, 0.3, 0.7, 1.0), "favor_bias": (-0.5, 0.0, 0.5)}


# ---------------------------------------------------------------------------------------------
# Metrics.

def test_f_avg_and_macro_f1_equal_scikit_learns_f1_over_their_labels():
    rng = np.random.default_rng(5)
    for _ in range(20):
        gold, guess = rng.choice(LABELS, 30), rng.choice(LABELS, 30, p=[0.3, 0.3, 0.4])
        assert evaluate.f_avg(gold, guess) == pytest.approx(f1_score(gold, guess, labels=["FAVOR", "AGAINST"], average="macro", zero_division=0))
        assert evaluate.macro_f1(gold, guess) == pytest.approx(f1_score(gold, guess, labels=list(LABELS), average="macro", zero_division=0))
    # NONE does not count in F_avg: confusing NONE with nothing changes nothing; it does in macro-F1.
    gold = ["FAVOR", "AGAINST", "NONE", "NONE"]
    assert evaluate.f_avg(gold, ["FAVOR", "AGAINST", "AGAINST", "FAVOR"]) == pytest.approx((2 / 3 + 2 / 3) / 2)
    assert evaluate.macro_f1(gold, ["FAVOR", "AGAINST", "NONE", "NONE"]) == 1.0
    # Hand-worked: FAVOR 2*1/(2+1+0) = 2/3, AGAINST 1, NONE 2*1/(2+0+1) = 2/3 -> mean 7/9.
    assert evaluate.macro_f1(["FAVOR", "AGAINST", "NONE", "NONE"], ["FAVOR", "AGAINST", "FAVOR", "NONE"]) == pytest.approx(7 / 9)
    # A class neither gold nor predicted: no F_avg (NaN), whereas sklearn would quietly give 0 or 1.
    assert np.isnan(evaluate.f_avg(["AGAINST", "NONE"], ["AGAINST", "NONE"]))
    assert np.isnan(evaluate.macro_f1(["AGAINST", "FAVOR"], ["AGAINST", "FAVOR"]))
    assert evaluate.f_avg(["AGAINST", "FAVOR"], ["AGAINST", "FAVOR"]) == 1.0


def test_per_class_equals_scikit_learn_with_its_counts_and_nan_where_undefined():
    rng = np.random.default_rng(2)
    gold, guess = rng.choice(LABELS, 60), rng.choice(LABELS, 60, p=[0.2, 0.5, 0.3])
    table = evaluate.per_class(gold, guess)
    assert table.index.name == "class" and list(table.index) == list(LABELS)
    assert list(table.columns) == ["precision", "recall", "F1", "gold", "predicted", "correct"]
    precision, recall, f1, support = precision_recall_fscore_support(gold, guess, labels=list(LABELS), zero_division=0)
    assert np.allclose(table["precision"], precision) and np.allclose(table["recall"], recall) and np.allclose(table["F1"], f1)
    assert table["gold"].tolist() == support.tolist()
    assert table["predicted"].tolist() == [int(np.sum(guess == label)) for label in LABELS]
    assert table["correct"].tolist() == [int(np.sum((guess == label) & (gold == label))) for label in LABELS]
    # Hand-worked: FAVOR gold 2, predicted 2, right 1 -> precision 1/2, recall 1/2, F1 2/4;
    # AGAINST never predicted -> precision NaN, recall 0, F1 0; NONE never gold -> precision 0, recall NaN, F1 0.
    table = evaluate.per_class(["FAVOR", "FAVOR", "AGAINST"], ["FAVOR", "NONE", "FAVOR"])
    assert table.loc["FAVOR", ["precision", "recall", "F1"]].tolist() == pytest.approx([0.5, 0.5, 0.5])
    assert table.loc["FAVOR", ["gold", "predicted", "correct"]].tolist() == [2, 2, 1]
    assert np.isnan(table.loc["AGAINST", "precision"]) and table.loc["AGAINST", "recall"] == 0 and table.loc["AGAINST", "F1"] == 0
    assert table.loc["NONE", "precision"] == 0 and np.isnan(table.loc["NONE", "recall"]) and table.loc["NONE", "F1"] == 0
    empty = evaluate.per_class(["FAVOR"], ["FAVOR"])
    assert empty.loc["NONE"][["precision", "recall", "F1"]].isna().all()
    assert empty.loc["FAVOR", ["precision", "recall", "F1"]].tolist() == [1.0, 1.0, 1.0]


def test_confusion_is_counted_by_hand_with_named_axes_and_zeros():
    gold = ["NONE", "FAVOR", "AGAINST", "AGAINST", "NONE", "AGAINST"]
    guess = ["NONE", "AGAINST", "AGAINST", "NONE", "NONE", "AGAINST"]
    table = evaluate.confusion(gold, guess)
    assert table.index.name == "gold" and table.columns.name == "predicted"
    assert list(table.index) == list(table.columns) == list(LABELS)
    # rows gold FAVOR, AGAINST, NONE; columns predicted FAVOR, AGAINST, NONE
    assert table.to_numpy().tolist() == [[0, 1, 0], [0, 2, 1], [0, 0, 2]]
    assert table.to_numpy().dtype.kind == "i"


def test_share_ci_is_the_cluster_bootstrap_of_the_labels_share():
    labels = ["AGAINST", "NONE", "AGAINST", "AGAINST", "FAVOR", "NONE", "AGAINST", "NONE"]
    clusters = ["a", "a", "b", "b", "c", "c", "d", "d"]
    share, low, high = evaluate.share_ci(labels, "AGAINST", clusters, n_boot=300)
    assert share == 0.5 and low <= share <= high
    # the defaults: stats' number of draws and the project's seed
    assert evaluate.share_ci(labels, "AGAINST", clusters) == stats.mean_ci(
        [1.0, 0, 1, 1, 0, 0, 1, 0], clusters, n_boot=stats.N_BOOT, seed=SEED)
    # the seed given is the one used: forty labels in twenty articles, fifty draws (quantiles between
    # draws), where seeds give other intervals
    rng = np.random.default_rng(0)
    many, groups = rng.choice(LABELS, 40), rng.integers(0, 20, 40)
    for clusters_used in (groups, None):
        got = evaluate.share_ci(many, "NONE", clusters_used, n_boot=50, seed=4)
        assert got == stats.mean_ci(many == "NONE", clusters_used, n_boot=50, seed=4)
        assert got != stats.mean_ci(many == "NONE", clusters_used, n_boot=50, seed=SEED)
    # every article alike (one AGAINST, one NONE): each resample's share is 1/2, no spread
    assert evaluate.share_ci(["AGAINST", "NONE"] * 4, "AGAINST", list("aabbccdd"), n_boot=200) == (0.5, 0.5, 0.5)


# ---------------------------------------------------------------------------------------------
# VADER read as stance.

def test_vader_stance_thresholds_are_inclusive_at_plus_and_minus_005(monkeypatch):
    compounds = np.array([0.05, 0.0499999, -0.05, -0.0499999, 0.0, 0.9, -0.9, 0.051, -0.051])
    monkeypatch.setattr(sentiment, "polarity", lambda texts: compounds[: len(texts)])
    got = evaluate.vader_stance([f"t{i}" for i in range(len(compounds))])
    assert got.tolist() == ["FAVOR", "NONE", "AGAINST", "NONE", "NONE", "FAVOR", "AGAINST", "FAVOR", "AGAINST"]
    got = evaluate.vader_stance([f"t{i}" for i in range(len(compounds))], threshold=0.9)
    assert got.tolist() == ["NONE"] * 5 + ["FAVOR", "AGAINST", "NONE", "NONE"]


def test_vader_stance_reads_real_sentences_through_vader():
    texts = ["NATO is a great partner.", "Russia attacked Ukraine.", "The summit is on Friday."]
    # "great" 3.1 and "partner" ... the docstring of sentiment.polarity: 0.6249 and -0.4588; no word: 0
    compound = sentiment.polarity(texts)
    assert compound[2] == 0.0
    assert evaluate.vader_stance(texts).tolist() == ["FAVOR", "AGAINST", "NONE"]
    # each sentence's own score as the threshold still counts (>= and <=)
    assert evaluate.vader_stance(texts[:1], threshold=compound[0]).tolist() == ["FAVOR"]
    assert evaluate.vader_stance(texts[1:2], threshold=-compound[1]).tolist() == ["AGAINST"]
    assert evaluate.vader_stance(texts[:2], threshold=0.7).tolist() == ["NONE", "NONE"]


# ---------------------------------------------------------------------------------------------
# Gold of the random sample.

def test_random_gold_keeps_only_random_sample_labels_keyed_by_sentence_and_target(monkeypatch):
    annotations = pd.DataFrame({
        "sentence_id": ["s1", "s1", "s2", "s3", "s4"],
        "target": ["NATO", "Russia", "NATO", "Russia", "NATO"],
        "label": ["FAVOR", "AGAINST", "NONE", "FAVOR", "AGAINST"],
        "sample": ["random", "random", "favor", "random", "random"],
    })
    frame = pd.DataFrame({"sentence_id": ["s4", "s1", "s1", "s2", "s3", "s9", "s3"],
                          "target": ["NATO", "Russia", "NATO", "NATO", "NATO", "NATO", "Russia"]})
    gold = evaluate.random_gold(frame, annotations)
    assert gold.dtype == object and len(gold) == len(frame)
    expected = ["AGAINST", "AGAINST", "FAVOR", None, None, None, "FAVOR"]  # s2 enriches FAVOR; s3 NATO, s9 unannotated
    assert [None if isinstance(g, float) and np.isnan(g) else g for g in gold] == expected
    # no pair in the random sample: still an object column (of NaN)
    none = evaluate.random_gold(frame.iloc[3:6], annotations)
    assert none.dtype == object and pd.isna(none).all()
    # without annotations given, the project's own (loaded here from a stand-in)
    monkeypatch.setattr(evaluate, "load_annotations", lambda: SimpleNamespace(table=annotations))
    assert [None if isinstance(g, float) and np.isnan(g) else g for g in evaluate.random_gold(frame)] == expected


# ---------------------------------------------------------------------------------------------
# Folds.

def test_folds_are_scikit_learns_shuffled_stratified_group_folds(data):
    table, _ = data
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    for n_splits, seed in ((5, SEED), (3, 11)):
        got = evaluate._folds(labels, articles, n_splits, seed)
        expected = sk_folds(labels, articles, n_splits, seed)
        assert len(got) == n_splits
        for (train, test), (train_e, test_e) in zip(got, expected):
            assert train.tolist() == train_e.tolist() and test.tolist() == test_e.tolist()
            assert not set(articles[train]) & set(articles[test])
        assert sorted(np.concatenate([test for _, test in got]).tolist()) == list(range(len(table)))
    # shuffled: another seed gives other folds
    other = evaluate._folds(labels, articles, 5, SEED + 1)
    assert any(a[1].tolist() != b[1].tolist() for a, b in zip(other, evaluate._folds(labels, articles, 5, SEED)))


# ---------------------------------------------------------------------------------------------
# The model selection.

def brute_force(frame, labels, groups, scored, grid, groups_used=FEATURE_GROUPS, n_splits=3, seed=SEED):
    """Every combination of the grid fitted as a whole model on the inner folds; the first best."""
    has_sparse = any(g in groups_used for g in SPARSE_GROUPS)
    has_dense = any(g in groups_used for g in EMBEDDING_GROUPS)
    Cs = grid["C"] if has_sparse else (FakeModel().C,)
    Ces = grid["C_embedding"] if has_dense else (FakeModel().C_embedding,)
    weights = grid["embedding_weight"] if has_sparse and has_dense else (0.0,) if has_sparse else (1.0,)
    folds = sk_folds(labels, groups, n_splits, seed)
    best, best_score, everything = None, -np.inf, {}
    recorded = list(FakeModel.fits)  # these fits are not the evaluation's: not kept in the record
    for C in Cs:
        for Ce in Ces:
            for w in weights:
                for b in grid["favor_bias"]:
                    predicted = np.empty(len(labels), dtype=object)
                    for train, test in folds:
                        model = FakeModel(C=C, C_embedding=Ce, embedding_weight=w, favor_bias=b, groups=groups_used)
                        predicted[test] = model.fit(frame.iloc[train], labels[train]).predict(frame.iloc[test])
                    score = fast_f_avg(labels[scored], predicted[scored].astype(str))
                    everything[(C, Ce, w, b)] = score
                    if score > best_score + 1e-12:
                        best, best_score = {"C": C, "C_embedding": Ce, "embedding_weight": w, "favor_bias": b}, score
    FakeModel.fits[:] = recorded
    return best, best_score, everything


def test_select_chooses_the_first_best_combination_of_a_brute_force(fake, data):
    table, frame = data
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    chosen = evaluate.select(frame, labels, articles, scored, grid=SMALL_GRID)
    best, best_score, everything = brute_force(frame, labels, articles, scored, SMALL_GRID)
    assert len(set(everything.values())) > 5  # the combinations differ: a wrong choice would show
    assert chosen == {**best, "inner F_avg": pytest.approx(best_score, abs=1e-12)}
    assert list(chosen) == ["C", "C_embedding", "embedding_weight", "favor_bias", "inner F_avg"]
    # 3 inner folds (the default), each: one fit per sparse C (weight 0), one per embedding C (weight 1)
    fits = fake.fits
    assert len(fits) == 3 * (2 + 2)
    folds = sk_folds(labels, articles, 3, SEED)
    for k, (train, test) in enumerate(folds):
        block = fits[4 * k: 4 * (k + 1)]
        assert [(f["C"], f["embedding_weight"]) for f in block[:2]] == [(0.5, 0.0), (2.0, 0.0)]
        assert [(f["C_embedding"], f["embedding_weight"]) for f in block[2:]] == [(0.3, 1.0), (1.5, 1.0)]
        for f in block:
            assert f["rows"] == train.tolist() and f["labels"] == labels[train].tolist() and f["groups"] == FEATURE_GROUPS


def test_select_scores_only_the_scored_rows_and_defaults_to_all(fake, data):
    table, frame = data
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    everyone = evaluate.select(frame, labels, articles, grid=SMALL_GRID)
    best, best_score, _ = brute_force(frame, labels, articles, np.ones(len(labels), dtype=bool), SMALL_GRID)
    assert everyone == {**best, "inner F_avg": pytest.approx(best_score, abs=1e-12)}
    # a mask given as 0/1 integers is read as booleans
    some = evaluate.select(frame, labels, articles, scored.astype(int), grid=SMALL_GRID)
    best, best_score, _ = brute_force(frame, labels, articles, scored, SMALL_GRID)
    assert some == {**best, "inner F_avg": pytest.approx(best_score, abs=1e-12)}


def test_select_follows_n_splits_seed_and_the_default_grid(fake, data, monkeypatch):
    table, frame = data
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    chosen = evaluate.select(frame, labels, articles, scored, grid=SMALL_GRID, n_splits=4, seed=9)
    best, best_score, _ = brute_force(frame, labels, articles, scored, SMALL_GRID, n_splits=4, seed=9)
    assert chosen == {**best, "inner F_avg": pytest.approx(best_score, abs=1e-12)}
    assert [f["rows"] for f in fake.fits[::4]] == [train.tolist() for train, _ in sk_folds(labels, articles, 4, 9)]
    # a partial grid keeps GRID's other entries
    fake.fits.clear()
    partial = {"favor_bias": (0.0, 0.5), "embedding_weight": (0.0, 0.5)}
    chosen = evaluate.select(frame, labels, articles, scored, grid=partial)
    best, best_score, _ = brute_force(frame, labels, articles, scored, {**evaluate.GRID, **partial})
    assert chosen == {**best, "inner F_avg": pytest.approx(best_score, abs=1e-12)}
    assert sorted({f["C"] for f in fake.fits if f["embedding_weight"] == 0.0}) == sorted(evaluate.GRID["C"])
    assert sorted({f["C_embedding"] for f in fake.fits if f["embedding_weight"] == 1.0}) == sorted(evaluate.GRID["C_embedding"])
    # no grid: GRID itself (made smaller here, for speed)
    monkeypatch.setattr(evaluate, "GRID", {"C": (0.7, 3.0), "C_embedding": (0.2,), "embedding_weight": (0.0, 0.6, 1.0),
                                           "favor_bias": (0.0, 0.6)})
    chosen = evaluate.select(frame, labels, articles, scored)
    best, best_score, _ = brute_force(frame, labels, articles, scored, evaluate.GRID)
    assert chosen == {**best, "inner F_avg": pytest.approx(best_score, abs=1e-12)}


@pytest.mark.parametrize("groups_used", [SPARSE_GROUPS, EMBEDDING_GROUPS, ("words", "target embedding"), ("cues",)])
def test_select_on_part_of_the_groups_tunes_only_the_parts_used(fake, data, groups_used):
    table, frame = data
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    chosen = evaluate.select(frame, labels, articles, scored, grid=SMALL_GRID, groups_used=list(groups_used))
    best, best_score, _ = brute_force(frame, labels, articles, scored, SMALL_GRID, groups_used=groups_used)
    assert chosen == {**best, "inner F_avg": pytest.approx(best_score, abs=1e-12)}
    has_sparse = any(g in groups_used for g in SPARSE_GROUPS)
    has_dense = any(g in groups_used for g in EMBEDDING_GROUPS)
    if not has_dense:
        assert chosen["embedding_weight"] == 0.0 and chosen["C_embedding"] == FakeModel().C_embedding
    if not has_sparse:
        assert chosen["embedding_weight"] == 1.0 and chosen["C"] == FakeModel().C
    assert len(fake.fits) == 3 * (2 * has_sparse + 2 * has_dense)
    assert all(f["groups"] == tuple(groups_used) for f in fake.fits)
    per_fold = [0.0] * 2 * has_sparse + [1.0] * 2 * has_dense
    assert [f["embedding_weight"] for f in fake.fits] == per_fold * 3


def test_select_breaks_ties_for_the_first_combination_in_grid_order(fake, data):
    table, frame = data
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    # values that differ by less than any probability can tell: every score ties with its twin
    grid = {"C": (1.0, 1.0 + 1e-13), "C_embedding": (0.5, 0.5 + 1e-13), "embedding_weight": (0.4, 0.4 + 1e-13),
            "favor_bias": (0.2, 0.2 + 1e-13)}
    chosen = evaluate.select(frame, labels, articles, grid=grid)
    assert (chosen["C"], chosen["C_embedding"], chosen["embedding_weight"], chosen["favor_bias"]) == (1.0, 0.5, 0.4, 0.2)
    # weight 0 and 1 with other Cs repeat earlier predictions: the earlier ones are kept
    grid = {"C": (1.0, 3.0), "C_embedding": (0.5, 2.0), "embedding_weight": (0.0, 1.0), "favor_bias": (0.0,)}
    chosen = evaluate.select(frame, labels, articles, grid=grid)
    best, best_score, _ = brute_force(frame, labels, articles, np.ones(len(labels), dtype=bool), grid)
    assert chosen == {**best, "inner F_avg": pytest.approx(best_score, abs=1e-12)}
    assert chosen["embedding_weight"] in (0.0, 1.0)
    if chosen["embedding_weight"] == 0.0:
        assert chosen["C_embedding"] == 0.5
    else:
        assert chosen["C"] == 1.0


def test_select_with_one_part_weighted_fully_tries_each_of_its_cs(fake, data):
    # weight 1 (the embedding part alone) is tried with every embedding C, weight 0 with every sparse C;
    # here the second C of the part used is the better one
    table, frame = data
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    everyone = np.ones(len(labels), dtype=bool)
    for grid, key in (({"C": (1.0, 2.0), "C_embedding": (0.3, 1.5), "embedding_weight": (1.0,), "favor_bias": (0.0,)}, "C_embedding"),
                      ({"C": (0.3, 1.5), "C_embedding": (1.0, 2.0), "embedding_weight": (0.0,), "favor_bias": (0.0,)}, "C")):
        chosen = evaluate.select(frame, labels, articles, grid=grid)
        best, best_score, _ = brute_force(frame, labels, articles, everyone, grid)
        assert best[key] == 1.5 and chosen == {**best, "inner F_avg": pytest.approx(best_score, abs=1e-12)}


def test_select_where_every_combination_scores_the_same_keeps_the_first(fake):
    # one article per label pattern, all predictions the same whatever the grid: the first combination
    table, frame = synthetic(n_articles=9, seed=8, signal=50.0)  # signal so strong every model is right
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    chosen = evaluate.select(frame, labels, articles, grid=SMALL_GRID)
    assert chosen["inner F_avg"] == 1.0
    assert (chosen["C"], chosen["C_embedding"], chosen["embedding_weight"], chosen["favor_bias"]) == (0.5, 0.3, 0.0, -0.5)


# ---------------------------------------------------------------------------------------------
# Cross-validation.

def spy_select(calls):
    """A stand-in for select that records its arguments and returns parameters that depend on the rows."""

    def chosen(frame, labels, groups, scored=None, **options):
        calls.append({"rows": frame["row"].tolist(), "labels": list(labels), "groups": list(groups),
                      "scored": None if scored is None else list(scored),
                      "scored dtype": None if scored is None else np.asarray(scored).dtype, **options})
        n = len(frame)
        return {"C": 0.5 + n % 3, "C_embedding": 0.2 + n % 2, "embedding_weight": 0.25 + 0.5 * (n % 2),
                "favor_bias": 0.1 * (n % 4), "inner F_avg": n / 1000}

    return chosen


def test_cross_validation_folds_by_article_and_predicts_each_row_once_with_the_fold_choice(fake, data, monkeypatch):
    table, frame = data
    calls = []
    monkeypatch.setattr(evaluate, "select", spy_select(calls))
    out = evaluate.cross_validate(table, frame=frame, grid=SMALL_GRID)
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    folds = sk_folds(labels, articles, 5, SEED)  # the defaults: five folds, the project's seed
    assert len(calls) == 5 and len(fake.fits) == 5
    expected_p = np.full((len(table), 3), np.nan)
    selected = []
    for k, (train, test) in enumerate(folds):
        assert out.loc[test, "fold"].tolist() == [k] * len(test)
        assert not set(articles[train]) & set(articles[test])
        call = calls[k]
        assert call["rows"] == train.tolist() and call["labels"] == labels[train].tolist()
        assert call["groups"] == articles[train].tolist() and call["scored"] == scored[train].tolist()
        assert call["scored dtype"] == bool
        assert call["grid"] == SMALL_GRID and call["groups_used"] == FEATURE_GROUPS and call["seed"] == SEED
        assert "n_splits" not in call  # the inner folds are select's own (INNER_SPLITS)
        n = len(train)
        params = {"C": 0.5 + n % 3, "C_embedding": 0.2 + n % 2, "embedding_weight": 0.25 + 0.5 * (n % 2), "favor_bias": 0.1 * (n % 4)}
        fit = fake.fits[k]
        assert fit["rows"] == train.tolist() and fit["labels"] == labels[train].tolist() and fit["groups"] == FEATURE_GROUPS
        assert {key: fit[key] for key in params} == params
        model = FakeModel(**params).fit(frame.iloc[train], labels[train])
        expected_p[test] = model.predict_proba(frame.iloc[test]).to_numpy()
        selected.append({"fold": k, **params, "inner F_avg": n / 1000})
    assert np.allclose(out[["p_FAVOR", "p_AGAINST", "p_NONE"]].to_numpy(), expected_p, rtol=0, atol=1e-12)
    assert out["model"].tolist() == np.asarray(LABELS)[expected_p.argmax(axis=1)].tolist()
    assert out["fold"].between(0, 4).all() and out["fold"].dtype.kind == "i"
    pd.testing.assert_frame_equal(out.attrs["selected"], pd.DataFrame(selected))
    # the table's own columns come first, unchanged, then the fold and the methods
    assert list(out.columns) == [*table.columns, "fold", "model", "p_FAVOR", "p_AGAINST", "p_NONE", "rules",
                                 "sentence VADER", "always AGAINST"]
    pd.testing.assert_frame_equal(out[table.columns], table)


def test_cross_validation_baselines_are_the_rules_vader_and_always_against(fake, data, monkeypatch):
    from presslens.stance.rules import rule_predict

    table, frame = data
    # a pair with a third target: no rule baseline for it (an empty label), the other methods as usual
    table = pd.concat([table, table.iloc[:1].assign(target="EU", sentence_id="eu")], ignore_index=True)
    frame = pd.concat([frame, frame.iloc[:1].assign(target="EU", row=len(frame))], ignore_index=True)
    out = evaluate.cross_validate(table, frame=frame, nested=False)
    assert out["rules"].iloc[-1] == "" and out["always AGAINST"].iloc[-1] == "AGAINST"
    for target in TARGETS:
        rows = table.index[table["target"] == target]
        assert out.loc[rows, "rules"].tolist() == rule_predict(table.loc[rows, "text"].tolist(), target)
    compound = sentiment.polarity(table["text"].tolist())
    assert out["sentence VADER"].tolist() == np.where(compound >= 0.05, "FAVOR", np.where(compound <= -0.05, "AGAINST", "NONE")).tolist()
    assert set(out["sentence VADER"]) == set(LABELS)  # the texts reach every branch
    assert set(out["rules"]) >= {"FAVOR", "AGAINST"}
    assert (out["always AGAINST"] == "AGAINST").all()


def test_cross_validation_without_nesting_fixes_the_options_in_every_fold(fake, data, monkeypatch):
    table, frame = data
    monkeypatch.setattr(evaluate, "select", lambda *a, **k: pytest.fail("no selection without nesting"))
    out = evaluate.cross_validate(table, frame=frame, nested=False, n_splits=3, seed=21, C=3.0, favor_bias=0.3,
                                  groups=("words", "VADER", "sentence embedding"))
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    folds = sk_folds(labels, articles, 3, 21)
    groups = ("words", "VADER", "sentence embedding")
    params = {**FakeModel(C=3.0, favor_bias=0.3).params()}
    expected_p = np.zeros((len(table), 3))
    for k, (train, test) in enumerate(folds):
        assert out.loc[test, "fold"].tolist() == [k] * len(test)
        fit = fake.fits[k]
        assert fit["rows"] == train.tolist() and fit["groups"] == groups and {key: fit[key] for key in params} == params
        expected_p[test] = FakeModel(**params, groups=groups).fit(frame.iloc[train], labels[train]).predict_proba(frame.iloc[test]).to_numpy()
    assert len(fake.fits) == 3 + 3  # the evaluation's three fits and the three made here
    assert np.allclose(out[["p_FAVOR", "p_AGAINST", "p_NONE"]].to_numpy(), expected_p, rtol=0, atol=1e-12)
    selected = out.attrs["selected"]
    assert selected["fold"].tolist() == [0, 1, 2]
    assert (selected["C"] == 3.0).all() and (selected["favor_bias"] == 0.3).all() and (selected["context_weight"] == 0.5).all()
    assert selected["inner F_avg"].isna().all()


def test_cross_validation_passes_seed_groups_and_the_random_sample_to_the_selection(fake, data, monkeypatch):
    table, frame = data
    calls = []
    monkeypatch.setattr(evaluate, "select", spy_select(calls))
    shuffled = table.sample(frac=1.0, random_state=0)  # an index not 0..n-1: the output is reset
    frame_shuffled = frame.loc[shuffled.index].reset_index(drop=True)
    frame_shuffled["row"] = np.arange(len(frame_shuffled))
    out = evaluate.cross_validate(shuffled, frame=frame_shuffled, seed=5, groups=["cues", "target embedding"])
    table2 = shuffled.reset_index(drop=True)
    labels, articles = table2["label"].to_numpy(), table2["article_id"].to_numpy()
    assert list(out.index) == list(range(len(table2))) and out["sentence_id"].tolist() == table2["sentence_id"].tolist()
    folds = sk_folds(labels, articles, 5, 5)
    for k, (train, test) in enumerate(folds):
        assert out.loc[test, "fold"].tolist() == [k] * len(test)
        assert calls[k]["rows"] == train.tolist() and calls[k]["seed"] == 5
        assert calls[k]["groups_used"] == ("cues", "target embedding") and calls[k]["grid"] is None
        assert calls[k]["scored"] == (table2["sample"] == "random").to_numpy()[train].tolist()
        assert fake.fits[k]["groups"] == ("cues", "target embedding")
    # without a sample column every row is scored
    calls.clear()
    evaluate.cross_validate(table.drop(columns="sample"), frame=frame)
    assert all(call["scored"] == [True] * len(call["rows"]) and call["scored dtype"] == bool for call in calls)


def test_cross_validation_builds_the_frame_only_when_not_given(fake, data, monkeypatch):
    table, frame = data
    built = []

    def features(t, **options):
        built.append((t["sentence_id"].tolist(), options))
        return frame

    monkeypatch.setattr(evaluate, "annotation_features", features)
    given = evaluate.cross_validate(table, frame=frame, nested=False)
    assert built == []
    made = evaluate.cross_validate(table.set_index("sentence_id", drop=False), nested=False)
    assert built == [(table["sentence_id"].tolist(), {})]
    assert np.allclose(made["p_FAVOR"], given["p_FAVOR"])


def test_cross_validation_with_the_real_selection_records_its_choice(fake, data):
    table, frame = data
    out = evaluate.cross_validate(table, frame=frame, grid=SMALL_GRID, n_splits=3)
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    for k, (train, test) in enumerate(sk_folds(labels, articles, 3, SEED)):
        best, best_score, _ = brute_force(frame.iloc[train], labels[train], articles[train], scored[train], SMALL_GRID)
        row = out.attrs["selected"].iloc[k]
        assert {key: row[key] for key in best} == best and row["inner F_avg"] == pytest.approx(best_score, abs=1e-12)
    # no fit of a fold (the selection's twelve, three inner folds x four Cs, nor the final one) saw a test article
    test_articles = [set(articles[test]) for _, test in sk_folds(labels, articles, 3, SEED)]
    per_fold = 3 * 4 + 1
    assert len(fake.fits) == 3 * per_fold
    for k in range(3):
        for f in fake.fits[k * per_fold:(k + 1) * per_fold]:
            assert not set(articles[f["rows"]]) & test_articles[k]


def test_fit_predict_is_the_real_model_fitted_on_the_training_rows():
    table, _ = synthetic(n_articles=10, seed=4)
    frame = evaluate.annotation_features(table, embeddings=False)
    labels = table["label"].to_numpy()
    train, test = np.arange(0, 40), np.arange(40, len(table))
    params = {"C": 2.0, "embedding_weight": 0.0, "favor_bias": 0.4}
    got = evaluate._fit_predict(frame, labels, train, test, params, ("words", "context"))
    model = model_module.StanceModel(C=2.0, embedding_weight=0.0, favor_bias=0.4, groups=("words", "context"))
    expected = model.fit(frame.iloc[train], labels[train]).predict_proba(frame.iloc[test]).to_numpy()
    assert isinstance(got, np.ndarray) and got.shape == (len(test), 3)
    assert np.array_equal(got, expected)
    other = model_module.StanceModel(C=2.0, embedding_weight=0.0, favor_bias=0.4, groups=("words",)).fit(frame.iloc[train], labels[train])
    assert not np.allclose(got, other.predict_proba(frame.iloc[test]).to_numpy())  # the groups matter


# ---------------------------------------------------------------------------------------------
# Scores.

def test_scores_are_f_avg_and_macro_f1_with_the_cluster_bootstrap_per_method_and_group():
    rng = np.random.default_rng(6)
    n = 80
    predictions = pd.DataFrame({
        "article_id": rng.integers(0, 16, n).astype(str),
        "target": rng.choice(TARGETS, n),
        "label": rng.choice(LABELS, n),
    })
    for method in ("model", "rules", "sentence VADER"):
        keep = rng.random(n) < 0.6
        predictions[method] = np.where(keep, predictions["label"], rng.choice(LABELS, n))
    predictions["always AGAINST"] = "AGAINST"
    table = evaluate.scores(predictions, n_boot=200)
    assert list(table.columns) == ["items", "method", "n", "F_avg", "F_avg low", "F_avg high", "macro-F1", "macro-F1 low",
                                   "macro-F1 high"]
    assert table["items"].tolist() == ["all"] * 4 and table["method"].tolist() == list(evaluate.METHOD_COLUMNS)
    assert (table["n"] == n).all()
    for _, row in table.iterrows():
        gold, guess = predictions["label"].to_numpy(), predictions[row["method"]].to_numpy()
        assert row["F_avg"] == pytest.approx(ref_f_avg(gold, guess)) and row["macro-F1"] == pytest.approx(ref_macro3(gold, guess))
        low, high = stats.bootstrap_ci(fast_f_avg, gold, guess, clusters=predictions["article_id"], n_boot=200)[1:]
        assert (row["F_avg low"], row["F_avg high"]) == pytest.approx((low, high))
        low, high = stats.bootstrap_ci(fast_macro3, gold, guess, clusters=predictions["article_id"], n_boot=200)[1:]
        assert (row["macro-F1 low"], row["macro-F1 high"]) == pytest.approx((low, high))
        assert row["F_avg low"] <= row["F_avg"] <= row["F_avg high"] and row["macro-F1 low"] <= row["macro-F1"] <= row["macro-F1 high"]
    assert table["F_avg high"].iloc[0] > table["F_avg low"].iloc[0]
    # by a column: one block per value, in sorted order, the column named after it
    by = evaluate.scores(predictions, by="target", methods=("model",), n_boot=200)
    assert list(by.columns)[0] == "target" and by["target"].tolist() == sorted(TARGETS) and by["method"].tolist() == ["model"] * 2
    for _, row in by.iterrows():
        block = predictions[predictions["target"] == row["target"]]
        assert row["n"] == len(block)
        assert row["F_avg"] == pytest.approx(ref_f_avg(block["label"], block["model"]))
        assert row["macro-F1"] == pytest.approx(ref_macro3(block["label"], block["model"]))
        low, high = stats.bootstrap_ci(fast_f_avg, block["label"], block["model"], clusters=block["article_id"], n_boot=200)[1:]
        assert (row["F_avg low"], row["F_avg high"]) == pytest.approx((low, high))
    # the default number of draws is stats.N_BOOT
    default = evaluate.scores(predictions, methods=("rules",))
    gold, guess = predictions["label"], predictions["rules"]
    assert tuple(default.iloc[0][["F_avg", "F_avg low", "F_avg high"]]) == pytest.approx(
        stats.bootstrap_ci(fast_f_avg, gold, guess, clusters=predictions["article_id"], n_boot=stats.N_BOOT))
    assert tuple(default.iloc[0][["macro-F1", "macro-F1 low", "macro-F1 high"]]) == pytest.approx(
        stats.bootstrap_ci(fast_macro3, gold, guess, clusters=predictions["article_id"], n_boot=stats.N_BOOT))


def test_scores_resample_whole_articles():
    # every article the same four pairs: any resample of articles has the same scores, no spread;
    # resampling pairs one by one would spread them
    one = pd.DataFrame({"label": ["FAVOR", "AGAINST", "NONE", "AGAINST"], "model": ["FAVOR", "NONE", "NONE", "AGAINST"]})
    predictions = pd.concat([one.assign(article_id=f"a{k}") for k in range(6)], ignore_index=True)
    row = evaluate.scores(predictions, methods=("model",), n_boot=100).iloc[0]
    # F_avg: FAVOR 1, AGAINST 2*6/(12+0+6) = 2/3 -> 5/6; NONE 2*6/(12+6+0) = 2/3 -> macro (1+2/3+2/3)/3
    assert row["F_avg"] == row["F_avg low"] == row["F_avg high"] == pytest.approx(5 / 6)
    assert row["macro-F1"] == row["macro-F1 low"] == row["macro-F1 high"] == pytest.approx(7 / 9)


# ---------------------------------------------------------------------------------------------
# Learning curve.

def test_learning_curve_cuts_each_training_part_at_random_and_keeps_the_test_folds(fake, data, monkeypatch):
    table, frame = data
    calls = []
    monkeypatch.setattr(evaluate, "select", spy_select(calls))
    monkeypatch.setattr(evaluate, "annotation_features", lambda *a, **k: pytest.fail("the frame was given"))
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    folds = sk_folds(labels, articles, 5, SEED)
    big = max(len(train) for train, _ in folds)
    sizes = (big, 20, 35)  # the first is no cut: every fold's training part is at most that
    curve = evaluate.learning_curve(table, sizes=sizes, frame=frame, n_boot=150)
    assert list(curve.columns) == ["training pairs", "mean pairs per fold", "F_avg", "low", "high"]
    mean = int(np.mean([len(tr) for tr, _ in folds]))
    assert curve["training pairs"].tolist() == [big, 20, 35, "all"]
    assert curve["mean pairs per fold"].tolist() == [mean, 20, 35, mean]
    assert len(calls) == len(fake.fits) == 4 * 5
    rng = np.random.default_rng(SEED)
    for s, size in enumerate([*sizes, None]):
        predicted = np.empty(len(table), dtype=object)
        for k, (train, test) in enumerate(folds):
            call, fit = calls[5 * s + k], fake.fits[5 * s + k]
            rows = np.asarray(call["rows"])
            if size is not None and size < len(train):
                assert len(rows) == size and set(rows) <= set(train) and list(rows) == sorted(rows)
                assert rows.tolist() == np.sort(rng.choice(train, size=size, replace=False)).tolist()
            else:
                assert rows.tolist() == train.tolist()
            assert call["labels"] == labels[rows].tolist() and call["groups"] == articles[rows].tolist()
            assert call["scored"] == scored[rows].tolist() and call["seed"] == SEED and "grid" not in call
            assert fit["rows"] == rows.tolist() and fit["groups"] == FEATURE_GROUPS
            n = len(rows)
            params = {"C": 0.5 + n % 3, "C_embedding": 0.2 + n % 2, "embedding_weight": 0.25 + 0.5 * (n % 2), "favor_bias": 0.1 * (n % 4)}
            assert {key: fit[key] for key in params} == params
            predicted[test] = FakeModel(**params).fit(frame.iloc[rows], labels[rows]).predict(frame.iloc[test])
        expected = stats.bootstrap_ci(fast_f_avg, labels[scored], predicted[scored].astype(str), clusters=articles[scored], n_boot=150)
        assert tuple(curve.iloc[s][["F_avg", "low", "high"]]) == pytest.approx(expected)
    assert curve.iloc[1]["F_avg"] != curve.iloc[3]["F_avg"]


def test_learning_curve_follows_seed_and_splits_and_builds_the_frame_when_needed(fake, data, monkeypatch):
    table, frame = data
    calls = []
    monkeypatch.setattr(evaluate, "select", spy_select(calls))
    built = []
    monkeypatch.setattr(evaluate, "annotation_features", lambda t, **k: built.append(t.copy()) or frame)
    # the index is dropped, not made a column (here it would clash with the column of the same name)
    shuffled = table.iloc[::-1].set_index("sentence_id", drop=False)
    curve = evaluate.learning_curve(shuffled, sizes=(25,), n_splits=3, seed=17, n_boot=50)
    table2 = shuffled.reset_index(drop=True)
    assert len(built) == 1
    pd.testing.assert_frame_equal(built[0], table2)
    labels, articles = table2["label"].to_numpy(), table2["article_id"].to_numpy()
    folds = sk_folds(labels, articles, 3, 17)
    rng = np.random.default_rng(17)
    assert len(calls) == 6
    for k, (train, _) in enumerate(folds):
        assert calls[k]["rows"] == np.sort(rng.choice(train, size=25, replace=False)).tolist() and calls[k]["seed"] == 17
        assert calls[3 + k]["rows"] == train.tolist()
    assert curve["training pairs"].tolist() == [25, "all"]


def test_learning_curve_defaults_to_five_folds_the_seed_and_stats_draws(fake, data, monkeypatch):
    table, frame = data
    calls = []
    monkeypatch.setattr(evaluate, "select", spy_select(calls))
    boots = []
    real = stats.bootstrap_ci

    def recording(*args, **options):
        boots.append(options)
        return real(*args, **options)

    monkeypatch.setattr(stats, "bootstrap_ci", recording)
    curve = evaluate.learning_curve(table, frame=frame)
    assert curve["training pairs"].tolist() == [500, 1000, 2000, "all"]  # the default sizes exceed the table: no cut
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    folds = sk_folds(labels, articles, 5, SEED)
    assert [c["rows"] for c in calls] == [train.tolist() for train, _ in folds] * 4
    assert all(b["n_boot"] == stats.N_BOOT for b in boots) and len(boots) == 4
    assert curve["mean pairs per fold"].tolist() == [int(np.mean([len(tr) for tr, _ in folds]))] * 4


def test_learning_curve_reuses_the_cross_validation_for_the_last_row(fake, data, monkeypatch):
    table, frame = data
    predictions = evaluate.cross_validate(table, frame=frame, nested=False)
    fake.fits.clear()
    calls = []
    monkeypatch.setattr(evaluate, "select", spy_select(calls))
    curve = evaluate.learning_curve(table, sizes=(30,), frame=frame, predictions=predictions, n_boot=80)
    assert len(calls) == 5 and all(len(c["rows"]) == 30 for c in calls)  # the cut only; "all" is not run again
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    folds = sk_folds(labels, articles, 5, SEED)
    last = curve.iloc[1]
    assert last["training pairs"] == "all" and last["mean pairs per fold"] == int(np.mean([len(tr) for tr, _ in folds]))
    expected = stats.bootstrap_ci(fast_f_avg, labels[scored], predictions["model"].to_numpy()[scored], clusters=articles[scored], n_boot=80)
    assert tuple(last[["F_avg", "low", "high"]]) == pytest.approx(expected)
    other = predictions.copy()
    other["sentence_id"] = other["sentence_id"].iloc[::-1].to_numpy()
    with pytest.raises(ValueError, match=r"^predictions are not the cross-validation of this table$"):
        evaluate.learning_curve(table, sizes=(), frame=frame, predictions=other, n_boot=10)
    # the same sentences under another index are the same cross-validation
    moved = predictions.set_index(predictions.index + 100)
    again = evaluate.learning_curve(table, sizes=(), frame=frame, predictions=moved, n_boot=80)
    assert tuple(again.iloc[0][["F_avg", "low", "high"]]) == pytest.approx(expected)


# ---------------------------------------------------------------------------------------------
# Ablation.

def hand_predictions(table, n_folds=3):
    """Cross-validation output made by hand: article-grouped folds, a model column, chosen parameters."""
    articles = sorted(table["article_id"].unique())
    fold_of = {a: k % n_folds for k, a in enumerate(articles)}
    out = table.copy()
    out["fold"] = table["article_id"].map(fold_of).to_numpy()
    rng = np.random.default_rng(1)
    out["model"] = np.where(rng.random(len(table)) < 0.7, table["label"], rng.choice(LABELS, len(table)))
    out.attrs["selected"] = pd.DataFrame({
        "fold": list(range(n_folds)), "C": [0.5, 1.5, 3.0][:n_folds], "C_embedding": [2.0, 0.4, 1.0][:n_folds],
        "embedding_weight": [0.3, 0.6, 0.45][:n_folds], "favor_bias": [0.0, 0.4, -0.3][:n_folds],
        "inner F_avg": [0.5, 0.6, 0.7][:n_folds]})
    return out


def test_ablation_rows_equal_the_smaller_models_fitted_directly(fake, data, monkeypatch):
    table, frame = data
    monkeypatch.setattr(evaluate, "annotation_features", lambda *a, **k: pytest.fail("the frame was given"))
    predictions = hand_predictions(table)
    rows = evaluate.ablation(table, predictions, frame=frame, n_boot=120)
    names = [f"without {g}" for g in FEATURE_GROUPS] + ["sparse model alone", "embedding model alone"]
    assert list(rows.columns) == ["model", "F_avg", "low", "high"]
    assert rows["model"].tolist() == ["full model", *names]
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    folds = predictions["fold"].to_numpy()
    selected = predictions.attrs["selected"].set_index("fold")
    expected = {"full model": stats.bootstrap_ci(fast_f_avg, labels[scored], predictions["model"].to_numpy()[scored],
                                                 clusters=articles[scored], n_boot=120)}
    variants = [tuple(x for x in FEATURE_GROUPS if x != g) for g in FEATURE_GROUPS] + [SPARSE_GROUPS, EMBEDDING_GROUPS]
    for name, groups in zip(names, variants):
        predicted = np.empty(len(table), dtype=object)
        for fold in range(3):
            params = {k: v for k, v in selected.loc[fold].items() if k != "inner F_avg"}
            train, test = folds != fold, folds == fold
            predicted[test] = FakeModel(**params, groups=groups).fit(frame[train], labels[train]).predict(frame[test])
        expected[name] = stats.bootstrap_ci(fast_f_avg, labels[scored], predicted[scored].astype(str), clusters=articles[scored], n_boot=120)
    for _, row in rows.iterrows():
        assert (row["F_avg"], row["low"], row["high"]) == pytest.approx(expected[row["model"]]), row["model"]
    assert len({round(v[0], 9) for v in expected.values()}) >= 5  # the variants differ: a wrong one would show


def test_ablation_fits_only_on_training_folds_with_each_folds_parameters(fake, data):
    table, frame = data
    predictions = hand_predictions(table)
    evaluate.ablation(table, predictions, frame=frame, n_boot=20)
    articles = table["article_id"].to_numpy()
    folds = predictions["fold"].to_numpy()
    selected = predictions.attrs["selected"].set_index("fold")
    # per fold: the full model once, then one refit per group of a part that loses a group (six)
    assert len(fake.fits) == 3 * 7
    for k in range(3):
        block = fake.fits[7 * k: 7 * (k + 1)]
        train = np.flatnonzero(folds != k)
        assert block[0]["groups"] == FEATURE_GROUPS
        # a refit is of the part that lost a group, on that part's other groups
        assert [f["groups"] for f in block[1:]] == [tuple(x for x in SPARSE_GROUPS if x != g) for g in SPARSE_GROUPS] + [
            tuple(x for x in EMBEDDING_GROUPS if x != g) for g in EMBEDDING_GROUPS]
        for f in block:
            assert f["rows"] == train.tolist() and not set(articles[f["rows"]]) & set(articles[folds == k])
            assert (f["C"], f["C_embedding"], f["embedding_weight"], f["favor_bias"]) == tuple(
                selected.loc[k, ["C", "C_embedding", "embedding_weight", "favor_bias"]])


def test_ablation_reindexes_the_table_and_builds_the_frame_when_needed(fake, data, monkeypatch):
    table, frame = data
    predictions = hand_predictions(table, n_folds=2)
    built = []
    monkeypatch.setattr(evaluate, "annotation_features", lambda t, **k: built.append(len(t)) or frame)
    # the index is dropped, not made a column (here it would clash with the column of the same name)
    got = evaluate.ablation(table.set_index("sentence_id", drop=False), predictions, n_boot=60)
    assert built == [len(table)]
    monkeypatch.setattr(evaluate, "annotation_features", lambda *a, **k: pytest.fail("the frame was given"))
    assert got.equals(evaluate.ablation(table, predictions, frame=frame, n_boot=60))
    assert got["F_avg"].notna().all()


def test_ablation_defaults_to_stats_draws(fake, data, monkeypatch):
    table, frame = data
    predictions = hand_predictions(table, n_folds=2)
    boots = []
    real = stats.bootstrap_ci
    monkeypatch.setattr(stats, "bootstrap_ci", lambda *a, **k: boots.append(k) or real(*a, **k))
    evaluate.ablation(table, predictions, frame=frame)
    assert len(boots) == 9 and all(b["n_boot"] == stats.N_BOOT for b in boots)
    assert all(list(b["clusters"]) == list(table["article_id"][table["sample"] == "random"]) for b in boots)
