import numpy as np
import pytest

from presslens import io, sentiment, stats


def test_lexicon_is_the_pinned_file():
    assert io.sha256(sentiment.lexicon_path()) == sentiment.LEXICON_SHA256


def test_polarity_is_identical_to_nltk_on_the_study_sentences(study):
    reference = sentiment.nltk_reference()
    texts = study.sentences["text"].sample(3000, random_state=1).tolist()
    ours = sentiment.polarity(texts)
    theirs = np.array([reference.polarity_scores(t)["compound"] for t in texts])
    assert np.abs(ours - theirs).max() == 0


def test_polarity_rejects_what_is_not_a_list_of_strings():
    with pytest.raises(ValueError, match="not one string"):
        sentiment.polarity("NATO")
    with pytest.raises(ValueError, match="text 1 is float"):
        sentiment.polarity(["ok", float("nan")])


def test_window_separates_two_targets_in_one_sentence():
    text = "NATO welcomed the plan, while Russia attacked Kyiv."
    nato, russia = sentiment.toward([text], "NATO")[0], sentiment.toward([text], "Russia")[0]
    assert nato > 0.05 and russia < -0.05
    assert sentiment.polarity([text])[0] != nato != russia


@pytest.mark.parametrize(
    "text, start, end, expected",
    [
        ("NATO and Russia met in Geneva on Monday for talks.", 0, 4, "NATO and Russia met in Geneva on Monday for talks."),
        ("After weeks of talks, Russia rejected the offer, officials said.", 22, 28, "Russia rejected the offer"),
        ("He said NATO is strong but Russia is weak.", 8, 12, "He said NATO is strong"),
    ],
)
def test_window_is_the_clause_or_a_word_window(text, start, end, expected):
    assert sentiment.window(text, start, end) == expected


def test_toward_is_nan_without_a_mention_and_takes_literal_targets():
    scores = sentiment.toward(["Talks went well.", "The FBI did a terrible job."], "the FBI")
    assert np.isnan(scores[0]) and scores[1] < 0
    per_text = sentiment.toward(["NATO is great.", "Trump is terrible."], ["nato", "Trump"])
    assert per_text[0] > 0 > per_text[1]


def test_patches_change_what_they_say():
    text = ["Civilians were slaughtered in the war."]
    plain = sentiment.polarity(text)[0]
    assert sentiment.polarity(text, patch="war-words")[0] < plain
    masked = sentiment.polarity(["The war went on."], patch="mask-events")[0]
    assert masked == 0 and sentiment.polarity(["The war went on."])[0] < 0
    assert sentiment.analyzer(None).lexicon.get("slaughtered") is None  # the plain lexicon is untouched
    with pytest.raises(ValueError, match="patch must be"):
        sentiment.polarity(["x"], patch="magic")


def test_vader_misreads_hit_out_at_destabilising_role():
    # A documented failure kept as a test: the seed's hostile sentence scores positive.
    text = ("In a long strategy document, Moscow and Beijing hit out at what they said was "
            "Washingtons destabilising role in global security.")
    assert sentiment.polarity([text])[0] > 0.05


def test_to_label_band():
    assert sentiment.to_label([-0.5, -0.05, 0.0, 0.04, 0.05]).tolist() == [
        "negative", "negative", "neutral", "neutral", "positive"]
    assert sentiment.to_label([0.1], threshold=0.2).tolist() == ["neutral"]


def test_tune_threshold_picks_the_best_band():
    scores = np.array([-0.6, -0.3, -0.1, 0.0, 0.1, 0.3, 0.6])
    gold = np.array(["negative", "negative", "neutral", "neutral", "neutral", "positive", "positive"])
    assert sentiment.tune_threshold(scores, gold) == 0.15


def test_newsmtsc_reader(study):
    frame = io.read_newsmtsc("devtest_rw")
    assert set(frame["label"]) == {"negative", "neutral", "positive"}
    assert frame["text"].nunique() == 1067
    row = frame.iloc[0]
    assert row["text"][row["start"]:row["end"]] == row["mention"]


def test_evaluate_newsmtsc_scores_with_scikit_learn_and_tunes_on_train_only(study):
    from sklearn.metrics import f1_score

    table = sentiment.evaluate_newsmtsc(n_boot=50)
    assert len(table) == len(sentiment.METHODS) * 2 * 2  # methods x test splits x (default, tuned) bands
    assert ((table["low"] <= table["macro_f1"]) & (table["macro_f1"] <= table["high"])).all()
    train, test = io.read_newsmtsc("train"), io.read_newsmtsc("devtest_rw")
    assert (table.loc[table["split"] == "devtest_rw", "n"] == len(test)).all()
    # The default band, recomputed with scikit-learn's macro F1 on the sentence scores.
    labels = np.where(sentiment.polarity(test["text"].tolist()) >= 0.05, "positive",
                      np.where(sentiment.polarity(test["text"].tolist()) <= -0.05, "negative", "neutral"))
    row = table[(table["method"] == "sentence VADER") & (table["split"] == "devtest_rw") & (table["band"] == "default 0.05")]
    assert row["macro_f1"].item() == pytest.approx(100 * f1_score(test["label"], labels, average="macro"))
    # The tuned band is the one that is best on train (never chosen on a test split).
    tuned = sentiment.tune_threshold(sentiment.score_newsmtsc(train, "sentence VADER"), train["label"].to_numpy())
    bands = table.loc[table["method"] == "sentence VADER", "band"].unique().tolist()
    assert bands == ["default 0.05", f"tuned on train {tuned:.2f}"]


def test_toward_a_target_of_a_lexicon_file_scores_the_clause_of_each_alias(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("target,alias,case_sensitive\nZelenskyy,Zelenskyy,\nZelenskyy,Zelensky,\nZelenskyy,Zelenskiy,\n")
    texts = ["The talks failed, but Zelensky praised the brave defenders.", "Nobody came.", "ZELENSKIY was angry."]
    scores = sentiment.toward(texts, "zelenskyy", lexicon=path)
    expected = sentiment.polarity(["but Zelensky praised the brave defenders."])[0]  # the clause after the comma
    assert scores[0] == expected > 0 and np.isnan(scores[1])
    assert scores[2] == sentiment.polarity(["ZELENSKIY was angry."])[0] < 0  # a short clause: the whole sentence
    # Without the lexicon "Zelenskyy" is a literal name: the other spellings are not found.
    assert np.isnan(sentiment.toward(texts, "Zelenskyy")).all()
