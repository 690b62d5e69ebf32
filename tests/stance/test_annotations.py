"""The annotation files: reading, checking, joining, and the agreement of the two passes."""
import numpy as np
import pandas as pd
import pytest

from presslens import stance


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
    raw.loc[1, ["sample", "round"]] = ["random", "9"]
    raw.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"bad.csv:3: round '9'"):
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


def _merge_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "annotation" / "merge_round.py"
    spec = importlib.util.spec_from_file_location("merge_round", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_merging_two_passes_takes_agreed_labels_and_adjudicates_the_rest():
    merge = _merge_module().merge
    items = pd.DataFrame({"item": ["i1", "i2", "i3"], "sentence_id": ["s-1", "s-2", "s-3"], "target": ["Russia"] * 3,
                          "voice": ["Kremlin"] * 3, "text": ["A.", "B.", "C."]})
    first = pd.DataFrame({"item": ["i1", "i2", "i3"], "label": ["AGAINST", "NONE", "FAVOR"], "holder": ["author", "-", ""]})
    second = pd.DataFrame({"item": ["i1", "i2", "i3"], "label": ["AGAINST", "FAVOR", "FAVOR"], "holder": ["Putin", "Putin", "author"]})
    adjudicated = pd.DataFrame({"item": ["i2"], "label": ["NONE"], "holder": ["Putin"], "reason": ["no stance"]})
    rows = merge(items, first, second, adjudicated, sample="random", round_="3")
    assert rows["label"].tolist() == ["AGAINST", "NONE", "FAVOR"]
    assert rows["holder"].tolist() == ["author", "-", "author"]  # NONE has no holder; a blank one is the author's
    assert rows["adjudicated"].tolist() == ["no", "yes", "no"] and rows.loc[1, "reason"] == "no stance"
    assert rows["text_sha1"].tolist() == [stance.text_hash(t) for t in ("A.", "B.", "C.")] and (rows["text"] == "").all()
    with pytest.raises(ValueError, match="not adjudicated"):
        merge(items, first, second, adjudicated.iloc[:0], sample="random", round_="3")
    with pytest.raises(ValueError, match="pass 2: its items"):
        merge(items, first, second.iloc[::-1], adjudicated, sample="random", round_="3")
    with pytest.raises(ValueError, match="labels"):
        merge(items, first.assign(label=["AGAINST", "NONE", "PRO"]), second, adjudicated, sample="random", round_="3")


def test_every_russia_pair_of_the_four_voices_is_in_the_random_sample(annotations, study):
    from presslens import targets

    flags, _ = targets.tag_sentences(study.sentences, ["Russia"])
    voices = list(stance.SOURCE_OF_VOICE)
    named = set(flags.loc[flags["Russia"] & flags["voice"].isin(voices), "sentence_id"])
    table = annotations.table
    sampled = set(table.loc[(table["target"] == "Russia") & (table["sample"] == "random"), "sentence_id"])
    assert named and named == sampled & named and len(named - sampled) == 0


def test_the_headline_set_joins_and_never_overlaps_the_training_annotations():
    heads = stance.load_headline_annotations()
    assert heads.skipped.empty and len(heads.table) == 400
    assert heads.table["sentence_id"].str.startswith("headlines-").all()
    assert set(heads.table["target"]) == {"NATO", "Russia"}
    assert not set(heads.table["sentence_id"]) & set(stance.read_annotations()["sentence_id"])
