"""The supervised model: per target, a logistic regression on the sparse features, and one on the
sentence embeddings, their probabilities averaged; trained deterministically, solved to convergence."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import sparse

from presslens import sentiment
from presslens.stance.annotations import LABELS, TARGETS, canonical_target, load_annotations
from presslens.stance.features import EMBEDDING_COLUMNS, _numeric_columns, annotation_features, features

# The solver is run to convergence, not to scikit-learn's default tolerance (1e-4). With lbfgs at that
# default the coefficients depended on the order of floating-point sums inside the optimiser, so the
# out-of-fold labels changed with the CPU's BLAS kernel (OpenBLAS Haswell vs SkylakeX: accuracy
# 0.68569 vs 0.68501 in cross-validation) and with a 1e-12 perturbation of the features. lbfgs stops
# on a relative change of the objective near machine precision long before its gradient is small;
# Newton-CG converges quadratically: it reaches a largest gradient entry of 1e-10 (of the mean loss) in
# a few iterations, where the probabilities under the two kernels agree to about 1e-8 while the
# closest call among the annotated items is 1.5e-4 apart. Below 1e-10 the line search meets rounding
# error (about sqrt(machine epsilon x the penalty)), so this is as tight as the arithmetic allows.
SOLVER = "newton-cg"
SOLVER_TOL = 1e-10
SOLVER_MAX_ITER = 1000


FEATURE_GROUPS = ("words", "context", "cues", "VADER", "sentence embedding", "target embedding")
SPARSE_GROUPS = FEATURE_GROUPS[:4]
EMBEDDING_GROUPS = FEATURE_GROUPS[4:]


# Newton-CG's line search meets rounding error once the gradient is about sqrt(machine epsilon x
# the penalty 1 / (C n)): for the full model's fits (thousands of pairs) that is below SOLVER_TOL,
# but a fit on a few hundred pairs (the learning curve's smallest cuts, a few dozen NATO pairs) with
# a large C cannot get there, and the line search fails. Such a fit is re-run, deterministically,
# at the next tolerance of SOLVER_RETRY_TOLS; a fit on a handful of rows (an inner fold of the
# learning curve's 500-pair cut holds 7 NATO pairs) where even that fails is solved by L-BFGS to
# SOLVER_TOL. Any other failure to converge raises.
SOLVER_RETRY_TOLS = (1e-9, 1e-8)


def _fit_logistic(classifier, matrix, labels):
    """Fit on one BLAS thread, with a solver that must reach its tolerance: a run that stops short
    raises instead of returning coefficients that depend on the machine's summation order (a
    line search that fails below rounding error is retried at SOLVER_RETRY_TOLS)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    tolerances = (classifier.tol, *[t for t in SOLVER_RETRY_TOLS if t > classifier.tol])
    for tol in tolerances:
        classifier.set_params(tol=tol)
        try:
            with threadpool_limits(limits=1), warnings.catch_warnings():
                warnings.simplefilter("error", ConvergenceWarning)
                warnings.simplefilter("error", RuntimeWarning)  # scipy's LineSearchWarning is one
                warnings.filterwarnings("error", message="Line Search failed")  # newton-cg stopped short
                classifier.fit(matrix, np.asarray(labels))
            return classifier
        except (UserWarning, RuntimeWarning) as error:
            line_search = "Line Search failed" in str(error) or "line search" in str(error).lower()
            if not line_search:
                raise
    classifier.set_params(solver="lbfgs", tol=SOLVER_TOL, max_iter=100 * SOLVER_MAX_ITER)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        classifier.fit(matrix, np.asarray(labels))
    return classifier


def _logistic(C):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", solver=SOLVER, tol=SOLVER_TOL, max_iter=SOLVER_MAX_ITER)


def _ordered(classifier, matrix) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        probabilities = classifier.predict_proba(matrix)
    return probabilities[:, [list(classifier.classes_).index(label) for label in LABELS]]


class _TargetModel:
    """One target's sparse classifier: TF-IDF word 1-2-grams of the marked sentence, the words next to
    the target as position tokens, and the scaled cue and VADER features, into a class-balanced
    logistic regression. ``groups`` names the feature groups used (all four by default)."""

    def __init__(self, C, context_weight, numeric_weight, groups=SPARSE_GROUPS):
        self.C, self.context_weight, self.numeric_weight = C, context_weight, numeric_weight
        self.groups = tuple(groups)

    def _matrix(self, frame, fit):
        blocks = []
        if "words" in self.groups:
            blocks.append(self.vectorizer_.fit_transform(frame["marked"]) if fit else self.vectorizer_.transform(frame["marked"]))
        if "context" in self.groups:
            context = self.context_vectorizer_.fit_transform(frame["context"]) if fit else self.context_vectorizer_.transform(frame["context"])
            blocks.append(context * self.context_weight)
        if self.numeric_columns_:
            numeric = frame.reindex(columns=self.numeric_columns_, fill_value=0.0).fillna(0.0).to_numpy(dtype=float)
            numeric = np.log1p(np.abs(numeric)) * np.sign(numeric)
            if fit:
                self.scale_ = numeric.std(axis=0) + 1e-9
            blocks.append(sparse.csr_matrix(numeric / self.scale_ * self.numeric_weight))
        return sparse.hstack(blocks).tocsr()

    def fit(self, frame, labels):
        from sklearn.feature_extraction.text import TfidfVectorizer

        columns = _numeric_columns()
        vader = [c for c in columns if "vader" in c]
        self.numeric_columns_ = [c for c in columns if c not in vader] * ("cues" in self.groups) + vader * ("VADER" in self.groups)
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, token_pattern=r"(?u)\b\w[\w'-]*\b")
        self.context_vectorizer_ = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True, min_df=2)
        self.classifier_ = _fit_logistic(_logistic(self.C), self._matrix(frame, True), labels)
        return self

    def predict_proba(self, frame) -> np.ndarray:
        return _ordered(self.classifier_, self._matrix(frame, False))


class _EmbeddingModel:
    """One target's dense classifier: a class-balanced logistic regression on the sentence embedding
    and the target embedding (:mod:`presslens.stance.encoder`), as they come (unit-length sentence
    vectors, target vectors of similar scale)."""

    def __init__(self, C, groups=EMBEDDING_GROUPS):
        self.C, self.groups = C, tuple(groups)
        self.columns = [c for c in EMBEDDING_COLUMNS if ("sentence embedding" in self.groups and c.startswith("sentence_"))
                        or ("target embedding" in self.groups and c.startswith("target_"))]

    def _matrix(self, frame):
        missing = [c for c in self.columns[:1] if c not in frame.columns]
        if missing:
            raise ValueError("the model needs the embeddings: build its input with features(..., embeddings=True)")
        return frame[self.columns].to_numpy(dtype=float)

    def fit(self, frame, labels):
        self.classifier_ = _fit_logistic(_logistic(self.C), self._matrix(frame), labels)
        return self

    def predict_proba(self, frame) -> np.ndarray:
        return _ordered(self.classifier_, self._matrix(frame))


def blend(sparse_probabilities, embedding_probabilities, embedding_weight: float, favor_bias: float) -> np.ndarray:
    """Return the combined probabilities: the weighted mean of the two models' probabilities, each row
    then multiplied by exp(``favor_bias``) for FAVOR and normalised (a shift of FAVOR's prior, the
    class threshold the model selection tunes).

    >>> blend(np.array([[0.2, 0.5, 0.3]]), np.array([[0.4, 0.3, 0.3]]), 0.5, 0.0).round(3).tolist()
    [[0.3, 0.4, 0.3]]
    >>> blend(np.array([[0.2, 0.5, 0.3]]), np.array([[0.4, 0.3, 0.3]]), 0.5, np.log(2)).round(3).tolist()  # 0.6 : 0.4 : 0.3
    [[0.462, 0.308, 0.231]]
    """
    if sparse_probabilities is None:
        mixed = np.asarray(embedding_probabilities, dtype=float)
    elif embedding_probabilities is None:
        mixed = np.asarray(sparse_probabilities, dtype=float)
    else:
        mixed = (1 - embedding_weight) * np.asarray(sparse_probabilities) + embedding_weight * np.asarray(embedding_probabilities)
    shifted = mixed * np.exp(np.array([favor_bias, 0.0, 0.0]))
    return shifted / shifted.sum(axis=1, keepdims=True)


class StanceModel:
    """A classifier per target (NATO and Russia read differently: "expansion" is against NATO, not
    Russia), each the average of two class-balanced logistic regressions: one on n-grams of the
    sentence with the target marked, the words next to the target, and the cue and VADER features;
    one on the sentence and target embeddings of all-MiniLM-L6-v2. ``embedding_weight`` is the
    second's share (0: the sparse model alone, and no embeddings needed), ``favor_bias`` a shift of
    FAVOR's log-probability. ``groups`` restricts the feature groups (for the ablation).
    Deterministic: training involves no random state. Input: a :func:`features` table with its
    ``target`` column. The defaults are those the model selection chose on all annotations
    (:func:`presslens.stance.evaluate.select`); :func:`train` chooses them anew unless given."""

    def __init__(self, C: float = 16.0, context_weight: float = 0.5, numeric_weight: float = 0.25,
                 C_embedding: float = 0.3, embedding_weight: float = 0.5, favor_bias: float = 0.0,
                 groups=FEATURE_GROUPS):
        self.C = C
        self.context_weight = context_weight
        self.numeric_weight = numeric_weight
        self.C_embedding = C_embedding
        self.embedding_weight = embedding_weight
        self.favor_bias = favor_bias
        self.groups = tuple(g for g in FEATURE_GROUPS if g in groups)
        unknown = set(groups) - set(FEATURE_GROUPS)
        if unknown:
            raise ValueError(f"unknown feature groups {sorted(unknown)}; the groups are {FEATURE_GROUPS}")

    @property
    def uses_sparse(self) -> bool:
        return self.embedding_weight < 1 and any(g in self.groups for g in SPARSE_GROUPS)

    @property
    def uses_embeddings(self) -> bool:
        return self.embedding_weight > 0 and any(g in self.groups for g in EMBEDDING_GROUPS)

    def params(self) -> dict:
        return {k: getattr(self, k) for k in ("C", "context_weight", "numeric_weight", "C_embedding", "embedding_weight", "favor_bias")}

    def fit(self, frame: pd.DataFrame, labels):
        labels = np.asarray(labels)
        self.models_ = {}
        for target in TARGETS:
            rows = np.flatnonzero(frame["target"].to_numpy() == target)
            if len(rows):
                part = frame.iloc[rows]
                sparse_model = _TargetModel(self.C, self.context_weight, self.numeric_weight,
                                            [g for g in self.groups if g in SPARSE_GROUPS]).fit(part, labels[rows]) if self.uses_sparse else None
                dense_model = _EmbeddingModel(self.C_embedding, [g for g in self.groups if g in EMBEDDING_GROUPS]).fit(part, labels[rows]) if self.uses_embeddings else None
                self.models_[target] = (sparse_model, dense_model)
        return self

    def component_proba(self, frame: pd.DataFrame):
        """Return the sparse and the embedding model's probabilities (either None if not used)."""
        parts = [np.zeros((len(frame), len(LABELS))) if self.uses_sparse else None,
                 np.zeros((len(frame), len(LABELS))) if self.uses_embeddings else None]
        for target in TARGETS:
            rows = np.flatnonzero(frame["target"].to_numpy() == target)
            if len(rows):
                if target not in self.models_:
                    raise ValueError(f"the model was trained without any {target} examples")
                for k, model in enumerate(self.models_[target]):
                    if model is not None:
                        parts[k][rows] = model.predict_proba(frame.iloc[rows])
        return parts

    def predict_proba(self, frame: pd.DataFrame) -> pd.DataFrame:
        sparse_p, dense_p = self.component_proba(frame)
        return pd.DataFrame(blend(sparse_p, dense_p, self.embedding_weight, self.favor_bias), columns=list(LABELS))

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        probabilities = self.predict_proba(frame)
        return probabilities.columns.to_numpy()[probabilities.to_numpy().argmax(axis=1)]


def train(table: pd.DataFrame, **options) -> StanceModel:
    """Fit the model on annotated rows (columns ``text``, ``target``, ``label``) with the default
    hyperparameters or ``options`` (those of :class:`StanceModel`)."""
    model = StanceModel(**options)
    return model.fit(annotation_features(table, embeddings=model.uses_embeddings), table["label"].to_numpy())


# The fast model: the sparse part alone, its C and FAVOR shift those the selection chooses for it on
# all annotations (select(..., groups_used=SPARSE_GROUPS); a test checks them).
FAST_OPTIONS = {"C": 4.0, "embedding_weight": 0.0, "favor_bias": 0.25, "groups": SPARSE_GROUPS}


@lru_cache(maxsize=1)
def _trained() -> StanceModel:
    return train(load_annotations().table)


@lru_cache(maxsize=1)
def _trained_fast() -> StanceModel:
    table = load_annotations().table
    return StanceModel(**FAST_OPTIONS).fit(annotation_features(table, embeddings=False), table["label"].to_numpy())


def fast_model() -> StanceModel:
    """Return the fast model (the sparse part alone, no sentence encoder), trained once per process:
    for ``presslens analyze --stance-model fast`` on corpora too large for the encoder's speed."""
    return _trained_fast()


def model() -> StanceModel:
    """Return the model trained on the project's annotations (trained once per process).

    Training needs the study corpus (cached or downloadable) to join the annotations' text.
    """
    return _trained()


def predict_proba(texts, target, *, model: StanceModel | None = None) -> pd.DataFrame:
    """Return the model's probabilities of FAVOR, AGAINST and NONE toward ``target``, one row per text.

    ``target`` is "NATO" or "Russia" (any case). The first call trains the model on the project's
    annotations (the corpus must be cached or downloadable), unless a trained ``model`` is given.
    """
    target = canonical_target(target)
    texts = sentiment.check_texts(texts)
    if not texts:
        return pd.DataFrame(columns=list(LABELS), dtype=float)
    chosen = model or _trained()  # a model without its embedding part needs no sentence encoder
    return chosen.predict_proba(features(texts, target, embeddings=chosen.uses_embeddings))


def predict(texts, target, *, model: StanceModel | None = None) -> list[str]:
    """Return "FAVOR", "AGAINST" or "NONE" toward ``target`` ("NATO" or "Russia") for each text."""
    probabilities = predict_proba(texts, target, model=model)
    return probabilities.columns.to_numpy()[probabilities.to_numpy().argmax(axis=1)].tolist() if len(probabilities) else []
