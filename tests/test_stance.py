"""Stance: the annotations, agreement, the rule baseline, the model's API and its evaluation."""
import numpy as np
import pandas as pd
import pytest

from presslens import stance

# The guideline's own examples, with its labels.
GUIDELINE = [
    ("NATO's door must remain open to Ukraine.", "NATO", "FAVOR"),
    ("Russia has legitimate security concerns that the West refuses to hear.", "Russia", "FAVOR"),
    ("The build-up of NATO military capacity in direct proximity to our borders is a threat.", "NATO", "AGAINST"),
    ("Russian troops shelled residential areas of Kharkiv.", "Russia", "AGAINST"),
    ("The possible outcome of the NATO Summit in Madrid was discussed.", "NATO", "NONE"),
    ("Putin will meet Xi in Beijing on Friday.", "Russia", "NONE"),
    ("NATO is not a threat to anyone.", "NATO", "FAVOR"),
]


@pytest.fixture(scope="module")
def annotations(study):
    return stance.load_annotations(study)


def test_the_annotations_cover_both_targets_every_voice_and_join_without_loss(annotations):
    table = annotations.table
    assert annotations.skipped.empty, annotations.skipped.head()
    assert len(table) >= 800
    counts = table.groupby(["voice", "target"]).size()
    for voice in ["Kremlin", "Ukrainian presidency", "Guardian", "NYT", "rashtranews.com"]:
        for target in stance.TARGETS:
            assert counts.get((voice, target), 0) > 0, (voice, target)
    assert set(table["label"]) == set(stance.LABELS)
    assert all(stance.text_hash(t) == h for t, h in zip(table["text"], table["text_sha1"]))


def test_no_third_party_sentence_text_is_stored_in_the_repo():
    raw = stance.read_annotations()
    seed = raw["voice"] == "rashtranews.com"
    assert (raw.loc[~seed, "text"] == "").all()
    assert (raw.loc[seed, "text"] != "").all()


def test_a_changed_or_missing_sentence_is_skipped_with_its_reason(annotations, tmp_path):
    raw = pd.read_csv(stance.ANNOTATION_FILE, dtype=str, keep_default_na=False).head(3)
    raw.loc[0, "text_sha1"] = "0" * 12
    raw.loc[1, "sentence_id"] = "kremlin-000000000000-9999"
    path = tmp_path / "annotations.csv"
    raw.to_csv(path, index=False)

    class Corpus:
        sentences = annotations.table[["sentence_id", "text", "article_id", "date"]]

    loaded = stance.load_annotations(Corpus, path=path)
    assert len(loaded.table) == 1
    assert loaded.skipped["reason"].tolist() == ["sentence text changed since annotation", "sentence not in the corpus"]
    assert loaded.skipped["line"].tolist() == [2, 3]


def test_a_bad_annotation_row_names_the_file_and_line(tmp_path):
    raw = pd.read_csv(stance.ANNOTATION_FILE, dtype=str, keep_default_na=False).head(3)
    raw.loc[2, "label"] = "PRO"
    path = tmp_path / "bad.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"bad.csv:4: label 'PRO'"):
        stance.read_annotations(path)
    raw.loc[2, "label"] = "NONE"
    raw.loc[2, ["sentence_id", "target"]] = raw.loc[1, ["sentence_id", "target"]]
    raw.to_csv(path, index=False)
    with pytest.raises(ValueError, match="annotated twice"):
        stance.read_annotations(path)
    raw = raw.head(2).copy()
    raw.loc[1, "sample"] = "convenient"
    raw.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"bad.csv:3: sample 'convenient'"):
        stance.read_annotations(path)


def test_cohen_kappa_matches_a_hand_example_and_scikit_learn():
    from sklearn.metrics import cohen_kappa_score

    # 10 items: agree on 8; first rater 5 A / 5 B, second 6 A / 4 B -> chance 0.5*0.6 + 0.5*0.4 = 0.5
    first = ["A"] * 5 + ["B"] * 5
    second = ["A"] * 5 + ["A"] + ["B"] * 3 + ["A"]
    assert np.mean(np.array(first) == np.array(second)) == 0.8
    assert stance.cohen_kappa(first, second, labels=("A", "B")) == pytest.approx((0.8 - 0.5) / 0.5)
    rng = np.random.default_rng(0)
    a, b = rng.choice(stance.LABELS, 300), rng.choice(stance.LABELS, 300)
    assert stance.cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_agreement_reports_kappa_with_an_interval(annotations):
    table = stance.agreement(annotations.table, n_boot=200)
    row = table.iloc[0]
    assert row["n"] == len(annotations.table)
    assert row["low"] <= row["kappa"] <= row["high"]
    assert row["kappa"] == pytest.approx(stance.cohen_kappa(annotations.table["label_a"], annotations.table["label_b"]))


def test_f_avg_is_the_mean_f1_of_favor_and_against():
    gold = ["FAVOR", "FAVOR", "AGAINST", "AGAINST", "NONE", "NONE"]
    guess = ["FAVOR", "NONE", "AGAINST", "FAVOR", "NONE", "AGAINST"]
    # FAVOR: tp 1, fp 1, fn 1 -> 0.5; AGAINST: tp 1, fp 1, fn 1 -> 0.5
    assert stance.f_avg(gold, guess) == pytest.approx(0.5)
    assert stance.f_avg(gold, ["AGAINST"] * 6) == pytest.approx((0 + 2 * 2 / (2 * 2 + 4)) / 2)


def test_rule_baseline_gets_the_guideline_examples_right():
    for text, target, label in GUIDELINE:
        assert stance.rule_predict([text], target) == [label], text


def test_rule_baseline_reads_negation_and_ignores_texts_without_the_target():
    assert stance.rule_predict(["Russia is not an aggressor, he said."], "Russia") == ["FAVOR"]
    assert stance.rule_predict(["The army shelled Kharkiv."], "Russia") == ["NONE"]


def test_mark_target_and_context_tokens():
    marked = stance.mark_target(["Russia's troops shelled the city; NATO condemned it."], "russia")
    assert marked == ["xxtarget troops shelled the city; xxother condemned it."]
    assert stance.context_tokens(marked[0], "Russia").split()[:2] == ["russia_R1_troops", "russia_R2_shelled"]


def test_predict_and_predict_proba_follow_the_public_api(study):
    texts = [text for text, _, _ in GUIDELINE]
    labels = stance.predict(texts, "nato")
    assert isinstance(labels, list) and len(labels) == len(texts) and set(labels) <= set(stance.LABELS)
    probabilities = stance.predict_proba(texts, "NATO")
    assert list(probabilities.columns) == list(stance.LABELS) and len(probabilities) == len(texts)
    assert np.allclose(probabilities.sum(axis=1), 1)
    assert labels == probabilities.idxmax(axis=1).tolist()
    assert stance.predict([], "Russia") == []
    with pytest.raises(ValueError, match="target must be one of"):
        stance.predict(texts, "Ukraine")
    with pytest.raises(ValueError, match="text 1 is int"):
        stance.predict(["NATO", 3], "NATO")
    with pytest.raises(ValueError, match="not one string"):
        stance.predict("NATO is great", "NATO")


def test_the_model_reads_the_guideline_examples(study):
    right = sum(stance.predict([text], target) == [label] for text, target, label in GUIDELINE)
    assert right >= 5, right


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


def test_known_groups_kremlin_against_nato_and_kyiv_against_russia(study):
    from presslens import targets

    flags, _ = targets.tag_sentences(study.sentences, list(stance.TARGETS))
    kremlin_nato = flags[(flags["voice"] == "Kremlin") & flags["NATO"]]["text"].tolist()
    kyiv_russia = flags[(flags["voice"] == "Ukrainian presidency") & flags["Russia"]]["text"].tolist()[:1500]
    for texts, target in ((kremlin_nato, "NATO"), (kyiv_russia, "Russia")):
        labels = np.array(stance.predict(texts, target))
        assert np.mean(labels == "AGAINST") > 2 * np.mean(labels == "FAVOR"), target


def _reference_cue_counts(texts, target):
    # The definition: each cue pattern (IGNORECASE) run with finditer over the target's clause and
    # over the sentence, a match with a negation in the 30 characters before it counted as negated.
    spans = stance._spans(texts, target)
    rows = []
    for text, text_spans in zip(texts, spans):
        row = {"mentions": len(text_spans), "first_person": len(stance._FIRST_PERSON.findall(text))}
        windows = " | ".join(stance._windows(text, text_spans)) if text_spans else ""
        for name, pattern in stance._CUE_PATTERNS.items():
            for scope, body in (("win", windows), ("all", text)):
                plain = negated = 0
                for match in pattern.finditer(body):
                    if stance._NEGATION.search(body[max(0, match.start() - 30):match.start()]):
                        negated += 1
                    else:
                        plain += 1
                row[f"{scope}_{name}"], row[f"{scope}_neg_{name}"] = plain, negated
        rows.append(row)
    return pd.DataFrame(rows)


SPECIAL_TEXTS = [
    "The Ru\u017f\u017fian troops \u017fhelled Kharkiv; NATO did not help.",  # long s: IGNORECASE reads "s"
    "\u0130stanbul talks: Russia's attack was condemned, not supported, by NATO allies.",
    "Russia will never stop the war against Ukraine, we are told; NATO expansion to our borders.",
    "NATO-led sanctions-busting? Russia's war crimes, war against Kyiv and Russian troops.",
]


@pytest.mark.parametrize("target", ["NATO", "Russia"])
def test_fast_cue_counts_equal_the_definition(study, target):
    texts = study.sentences["text"].tolist()
    named = sorted(set(stance.targets_module.mentions(texts, target)["text_index"]))
    sample = [texts[i] for i in named[:4000]] + SPECIAL_TEXTS
    pd.testing.assert_frame_equal(stance.cue_counts(sample, target), _reference_cue_counts(sample, target))


def test_cue_counts_of_the_special_texts():
    counts = stance.cue_counts(SPECIAL_TEXTS[:1], "Russia").iloc[0]
    assert counts["mentions"] == 0  # "Ruſſian" is not the case-sensitive alias "Russian"...
    assert counts["all_harm"] == 2  # ...but the IGNORECASE cues read "Russian troops" and "shelled"
    assert counts["all_neg_support"] == 1  # "not help"


def test_a_cue_whose_first_word_is_not_a_word_is_refused():
    with pytest.raises(ValueError, match="first word"):
        stance._first_words(r"attack\w*|\(sic\) war")


def test_context_tokens_keep_a_dotted_capital_i_whole():
    # "İ" lowercases to "i" plus a combining dot; the word must stay one word, as in the definition.
    assert stance.context_tokens("\u0130stanbul xxtarget said", "NATO") == "nato_L1_i\u0307stanbul nato_R1_said"
    assert stance.context_tokens("no mark here", "NATO") == ""


# --- results that do not depend on the machine -----------------------------------------------------
# OpenBLAS picks its kernel by CPU, and with lbfgs stopped at scikit-learn's default tolerance the
# out-of-fold labels moved with it (accuracy 0.68569 under the Haswell kernel, 0.68501 under
# SkylakeX). Changing the kernel in a test is not allowed here, so the tests change what a kernel
# changes: the last bits of the sums. A model solved to convergence gives the same labels.


def _perturbed_cross_validation(annotations, monkeypatch, scale, seed=0):
    matrix = stance._TargetModel._matrix

    def perturbed(self, frame, fit):
        out = matrix(self, frame, fit)
        if fit:
            out = out.copy()
            out.data = out.data * (1 + scale * np.random.default_rng(seed).standard_normal(out.data.shape))
        return out

    with monkeypatch.context() as patch:
        patch.setattr(stance._TargetModel, "_matrix", perturbed)
        return stance.cross_validate(annotations.table)


@pytest.fixture(scope="module")
def out_of_fold(annotations):
    return stance.cross_validate(annotations.table)


def test_a_1e_12_perturbation_of_the_features_changes_no_out_of_fold_label(annotations, out_of_fold, monkeypatch):
    moved = _perturbed_cross_validation(annotations, monkeypatch, 1e-12)
    changed = (moved["model"] != out_of_fold["model"]).sum()
    assert changed == 0, f"{changed} of {len(moved)} labels changed"
    probabilities = [f"p_{label}" for label in stance.LABELS]
    assert np.abs(moved[probabilities].to_numpy() - out_of_fold[probabilities].to_numpy()).max() < 1e-6


def test_the_perturbation_test_can_fail_a_model_stopped_at_the_default_tolerance(annotations, out_of_fold, monkeypatch):
    """The control: lbfgs at tolerance 1e-4, as before the fix, does move under the same perturbation."""
    monkeypatch.setattr(stance, "SOLVER", "lbfgs")
    monkeypatch.setattr(stance, "SOLVER_TOL", 1e-4)
    before = stance.cross_validate(annotations.table)
    moved = _perturbed_cross_validation(annotations, monkeypatch, 1e-12)
    assert (moved["model"] != before["model"]).sum() > 0


def test_one_and_two_blas_threads_give_the_same_probabilities(annotations, monkeypatch):
    from threadpoolctl import threadpool_limits

    table = annotations.table[annotations.table["target"] == "NATO"]
    frame, labels = stance.annotation_features(table), table["label"].to_numpy()
    results = []
    for threads in (1, 2):
        # fit pins BLAS to one thread itself; lift that pin to let the threads differ
        monkeypatch.setattr("threadpoolctl.threadpool_limits", lambda limits=None, **_: threadpool_limits(limits=threads))
        results.append(stance.StanceModel().fit(frame, labels).predict_proba(frame).to_numpy())
    assert np.abs(results[0] - results[1]).max() < 1e-7


def test_a_solver_that_stops_short_raises_instead_of_returning_machine_dependent_coefficients(annotations, monkeypatch):
    monkeypatch.setattr(stance, "SOLVER_MAX_ITER", 2)
    table = annotations.table[annotations.table["target"] == "NATO"]
    with pytest.raises(Exception, match="converge|Line Search"):
        stance.train(table)
