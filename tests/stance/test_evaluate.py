"""Evaluation: F_avg, nested article-grouped cross-validation, learning curve, ablation, per-class scores."""
import numpy as np
import pandas as pd
import pytest

from presslens import stance


def test_f_avg_is_the_mean_f1_of_favor_and_against():
    gold = ["FAVOR", "FAVOR", "AGAINST", "AGAINST", "NONE", "NONE"]
    guess = ["FAVOR", "NONE", "AGAINST", "FAVOR", "NONE", "AGAINST"]
    # FAVOR: tp 1, fp 1, fn 1 -> 0.5; AGAINST: tp 1, fp 1, fn 1 -> 0.5
    assert stance.f_avg(gold, guess) == pytest.approx(0.5)
    assert stance.f_avg(gold, ["AGAINST"] * 6) == pytest.approx((0 + 2 * 2 / (2 * 2 + 4)) / 2)


def test_cross_validation_keeps_each_article_in_one_fold_and_beats_the_baselines(annotations):
    predictions = stance.cross_validate(annotations.table)
    assert (predictions.groupby("article_id")["fold"].nunique() == 1).all()
    assert predictions["fold"].between(0, 4).all()
    random_items = predictions[predictions["sample"] == "random"]
    assert len(random_items) >= 800
    table = stance.scores(random_items, n_boot=200).set_index("method")
    assert table.loc["always AGAINST", "F_avg"] == pytest.approx(stance.f_avg(random_items["label"], ["AGAINST"] * len(random_items)))
    assert table.loc["model", "F_avg low"] > table.loc["sentence VADER", "F_avg"]
    assert table.loc["model", "F_avg"] > table.loc["rules", "F_avg"] > table.loc["always AGAINST", "F_avg"]


@pytest.fixture(scope="module")
def nato(annotations):
    """The NATO pairs: a few hundred articles, enough for the nested procedure to be checked quickly."""
    table = annotations.table[annotations.table["target"] == "NATO"].reset_index(drop=True)
    return table, stance.annotation_features(table)


SMALL_GRID = {"C": (1.0, 4.0), "C_embedding": (0.1,), "embedding_weight": (0.0, 0.5, 1.0), "favor_bias": (0.0, 0.5)}


def test_no_fit_and_no_choice_sees_a_test_article(nato, monkeypatch):
    """Leakage would show here: every fit inside a fold, the selection's included, is recorded."""
    import importlib

    evaluate = importlib.import_module("presslens.stance.evaluate")
    model = importlib.import_module("presslens.stance.model")  # the module (stance.model is the function)
    table, frame = nato
    articles = table["article_id"].to_numpy()
    fits = []
    fit = model.StanceModel.fit

    def recording_fit(self, rows, labels):
        fits.append(set(articles[rows.index.to_numpy()]))
        return fit(self, rows, labels)

    monkeypatch.setattr(model.StanceModel, "fit", recording_fit)
    folds = evaluate._folds(table["label"].to_numpy(), articles, 5, stance.SEED)
    predictions = stance.cross_validate(table, frame=frame, grid=SMALL_GRID)
    per_fold = len(fits) // 5
    assert per_fold == 3 * 3 + 1  # inner folds x (two sparse Cs + one embedding C), then the final fit
    for k, (_, test_rows) in enumerate(folds):
        test_articles = set(articles[test_rows])
        assert set(predictions.loc[predictions["fold"] == k, "article_id"]) == test_articles
        for seen in fits[k * per_fold:(k + 1) * per_fold]:
            assert not seen & test_articles


def test_the_selection_picks_the_best_combination_a_brute_force_finds(nato):
    """Each combination fitted as a whole model on the inner folds (not through the blend of the
    parts that select uses): the best one is select's choice, with the same score."""
    from presslens.stance import evaluate

    table, frame = nato
    labels, articles = table["label"].to_numpy(), table["article_id"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    chosen = stance.select(frame, labels, articles, scored, grid=SMALL_GRID)
    inner = evaluate._folds(labels, articles, evaluate.INNER_SPLITS, stance.SEED)
    scores = {}
    for C in SMALL_GRID["C"]:
        for weight in SMALL_GRID["embedding_weight"]:
            for bias in SMALL_GRID["favor_bias"]:
                predicted = np.empty(len(labels), dtype=object)
                for train_rows, test_rows in inner:
                    model = stance.StanceModel(C=C, C_embedding=0.1, embedding_weight=weight, favor_bias=bias)
                    predicted[test_rows] = model.fit(frame.iloc[train_rows], labels[train_rows]).predict(frame.iloc[test_rows])
                scores[(C, weight, bias)] = stance.f_avg(labels[scored], predicted[scored].astype(str))
    best = max(scores.values())
    assert chosen["inner F_avg"] == pytest.approx(best, abs=1e-12)
    assert scores[(chosen["C"], chosen["embedding_weight"], chosen["favor_bias"])] == pytest.approx(best, abs=1e-12)


def test_the_models_defaults_are_what_the_selection_chooses_on_all_annotations(annotations):
    """The deployed model's hyperparameters are the selection's on every annotation (the same
    procedure that each outer fold runs); a change of the annotations that changes them fails here."""
    table = annotations.table.reset_index(drop=True)
    frame = stance.annotation_features(table)
    chosen = stance.select(frame, table["label"].to_numpy(), table["article_id"].to_numpy(), (table["sample"] == "random").to_numpy())
    defaults = stance.StanceModel().params()
    assert {k: chosen[k] for k in ("C", "C_embedding", "embedding_weight", "favor_bias")} == {
        k: defaults[k] for k in ("C", "C_embedding", "embedding_weight", "favor_bias")
    }


def test_per_class_scores_equal_scikit_learns():
    from sklearn.metrics import precision_recall_fscore_support

    rng = np.random.default_rng(1)
    gold, guess = rng.choice(stance.LABELS, 400), rng.choice(stance.LABELS, 400, p=[0.2, 0.5, 0.3])
    table = stance.per_class(gold, guess)
    precision, recall, f1, support = precision_recall_fscore_support(gold, guess, labels=list(stance.LABELS))
    assert np.allclose(table["precision"], precision) and np.allclose(table["recall"], recall) and np.allclose(table["F1"], f1)
    assert table["gold"].tolist() == support.tolist()
    # F_avg is the mean F1 of FAVOR and AGAINST.
    assert stance.f_avg(gold, guess) == pytest.approx(table.loc[["FAVOR", "AGAINST"], "F1"].mean())


def test_the_learning_curve_cuts_the_training_part_and_keeps_the_test_folds(nato):
    table, frame = nato
    curve = stance.learning_curve(table, sizes=(150, 300), frame=frame, n_boot=50)
    assert curve["training pairs"].tolist() == [150, 300, "all"]
    assert curve["mean pairs per fold"].tolist()[:2] == [150, 300]
    assert curve["mean pairs per fold"].iloc[2] == pytest.approx(len(table) * 4 / 5, rel=0.05)
    assert ((curve["low"] <= curve["F_avg"]) & (curve["F_avg"] <= curve["high"])).all()


def test_the_ablation_rows_equal_models_fitted_on_their_own(nato):
    """The ablation reuses the full model's parts where a variant leaves them whole; each row must
    equal the smaller model fitted directly with the fold's chosen hyperparameters."""
    table, frame = nato
    predictions = stance.cross_validate(table, frame=frame, grid=SMALL_GRID)
    rows = stance.ablation(table, predictions, frame=frame, n_boot=50).set_index("model")
    assert len(rows) == 1 + len(stance.FEATURE_GROUPS) + 2
    labels, folds = table["label"].to_numpy(), predictions["fold"].to_numpy()
    scored = (table["sample"] == "random").to_numpy()
    selected = predictions.attrs["selected"].set_index("fold")
    for name, groups in (("without words", tuple(g for g in stance.FEATURE_GROUPS if g != "words")),
                         ("without target embedding", tuple(g for g in stance.FEATURE_GROUPS if g != "target embedding")),
                         ("sparse model alone", stance.SPARSE_GROUPS)):
        predicted = np.empty(len(table), dtype=object)
        for fold in range(5):
            params = {k: v for k, v in selected.loc[fold].items() if k != "inner F_avg"}
            if groups == stance.SPARSE_GROUPS:
                params["embedding_weight"] = 0.0
            train, test = folds != fold, folds == fold
            model = stance.StanceModel(**params, groups=groups).fit(frame[train], labels[train])
            predicted[test] = model.predict(frame[test])
        assert rows.loc[name, "F_avg"] == pytest.approx(stance.f_avg(labels[scored], predicted[scored].astype(str))), name
    assert rows.loc["full model", "F_avg"] == pytest.approx(stance.f_avg(labels[scored], predictions["model"][scored]))


def test_the_fast_models_options_are_what_the_selection_chooses_for_the_sparse_part(annotations):
    table = annotations.table.reset_index(drop=True)
    frame = stance.annotation_features(table, embeddings=False)
    chosen = stance.select(frame, table["label"].to_numpy(), table["article_id"].to_numpy(),
                           (table["sample"] == "random").to_numpy(), groups_used=stance.SPARSE_GROUPS)
    assert chosen["embedding_weight"] == 0.0
    assert (chosen["C"], chosen["favor_bias"]) == (stance.FAST_OPTIONS["C"], stance.FAST_OPTIONS["favor_bias"])


def test_the_learning_curves_last_row_reuses_the_cross_validation(nato):
    table, frame = nato
    predictions = stance.cross_validate(table, frame=frame, grid=SMALL_GRID)
    reused = stance.learning_curve(table, sizes=(), frame=frame, predictions=predictions, n_boot=50)
    scored = predictions[predictions["sample"] == "random"]
    assert reused["F_avg"].iloc[0] == pytest.approx(stance.f_avg(scored["label"], scored["model"]))
    with pytest.raises(ValueError, match="not the cross-validation of this table"):
        stance.learning_curve(table.iloc[::-1], sizes=(), frame=frame, predictions=predictions, n_boot=50)


def test_confusion_counts_by_hand_with_every_label_shown():
    gold = ["FAVOR", "AGAINST", "AGAINST", "NONE", "AGAINST"]
    guess = ["FAVOR", "NONE", "AGAINST", "NONE", "FAVOR"]
    table = stance.confusion(gold, guess)
    assert list(table.index) == list(table.columns) == list(stance.LABELS)
    assert table.loc["AGAINST"].tolist() == [1, 1, 1]  # gold AGAINST read as FAVOR, AGAINST, NONE
    assert table.loc["FAVOR"].tolist() == [1, 0, 0] and table.loc["NONE"].tolist() == [0, 0, 1]
    assert stance.confusion(["NONE"], ["NONE"]).to_numpy().sum() == 1  # absent labels are zero rows, not missing


def test_share_ci_resamples_articles_when_given_them():
    labels = ["AGAINST"] * 5 + ["NONE"] * 5
    share, low, high = stance.share_ci(labels, "AGAINST", n_boot=500)
    assert share == 0.5 and 0.1 < low < 0.5 < high < 0.9
    # Two articles, each all one label: only two distinct resamples' shares are possible per draw
    # of two articles (0, 0.5 or 1), so the interval spans [0, 1]; sentence by sentence it would not.
    clustered = stance.share_ci(labels, "AGAINST", ["a"] * 5 + ["b"] * 5, n_boot=500)
    assert clustered[0] == 0.5 and clustered[1] == 0.0 and clustered[2] == 1.0
