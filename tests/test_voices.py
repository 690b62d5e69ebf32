"""voices: per-holder and per-outlet cells, and the gaps that break weekly lines, on hand-made frames."""
import numpy as np
import pandas as pd
import pytest

from presslens import voices


def _scored(rows):
    frame = pd.DataFrame(rows, columns=["sentence_id", "article_id", "voice", "target", "kind", "toward", "stance"])
    frame["week"] = pd.Timestamp("2022-02-07")
    return frame


def test_by_holder_splits_own_words_from_quoted_ones_with_hand_computed_shares():
    rows = []
    for i in range(4):  # Kremlin's own words: 4 articles x 1 sentence, 3 AGAINST
        rows.append((f"o{i}", f"a{i}", "Kremlin", "NATO", "own", -0.5, "AGAINST" if i < 3 else "NONE"))
    for i in range(4):  # quoted in the same articles: 1 AGAINST, 2 FAVOR
        rows.append((f"q{i}", f"a{i}", "Kremlin", "NATO", "quoted", 0.25, ["AGAINST", "FAVOR", "FAVOR", "NONE"][i]))
    rows.append(("x0", "b0", "NYT", "NATO", "own", 0.0, "NONE"))  # one sentence: below any minimum
    table = voices.by_holder(_scored(rows), min_count=4, n_boot=200).set_index(["voice", "kind"])
    own, quoted = table.loc[("Kremlin", "own")], table.loc[("Kremlin", "quoted")]
    assert (own["n"], own["AGAINST"], own["FAVOR"], own["sentiment"]) == (4, 0.75, 0.0, -0.5)
    assert (quoted["n"], quoted["AGAINST"], quoted["FAVOR"], quoted["sentiment"]) == (4, 0.25, 0.5, 0.25)
    assert own["AGAINST low"] <= 0.75 <= own["AGAINST high"] and own["AGAINST high"] > own["AGAINST low"]
    small = table.loc[("NYT", "own")]
    assert small["n"] == 1 and np.isnan(small["AGAINST"]) and np.isnan(small["sentiment"])  # too few: no estimate


def test_headline_outlets_keeps_the_top_outlets_every_non_western_one_and_no_platform():
    outlets = pd.DataFrame({
        "domain": ["big.com", "mid.com", "tass.ru", "kyiv.ua", "twitter.com"],
        "outlet": ["Big", "Mid", "TASS", "Kyiv Post", "Twitter"],
        "country": ["US", "UK", "RU", "UA", ""],
        "group": ["Western", "Western", "Russian state", "Ukrainian", "platform"],
    })
    rows = []
    counts = {"big.com": 30, "mid.com": 10, "tass.ru": 2, "kyiv.ua": 25, "twitter.com": 50, "blog.example": 5}
    for domain, n in counts.items():
        for i in range(n):
            rows.append((f"{domain}-{i}", f"{domain}-{i}", domain, "Russia", "own", 0.1, "AGAINST" if i % 2 else "NONE"))
    table = voices.headline_outlets(_scored(rows), top=1, min_count=20, n_boot=100, outlets=outlets)
    assert set(table["outlet"]) == {"Big", "TASS", "Kyiv Post"}  # top 1 of all, plus every non-Western outlet
    row = table.set_index("outlet").loc["Big"]
    assert row["n"] == 30 and row["group"] == "Western" and row["AGAINST"] == pytest.approx(15 / 30)
    assert np.isnan(table.set_index("outlet").loc["TASS", "AGAINST"])  # 2 headlines: under min_count
    # sorted by target, group, then size
    assert table["group"].tolist() == sorted(table["group"])
    wider = voices.headline_outlets(_scored(rows), top=4, min_count=20, n_boot=100, outlets=outlets)  # Big, Kyiv, Mid, blog
    assert "blog.example" in set(wider["outlet"]) and "Twitter" not in set(wider["outlet"])  # unlisted kept by domain


def test_with_gaps_adds_an_empty_row_for_each_missing_week():
    block = pd.DataFrame({"week": pd.to_datetime(["2022-02-07", "2022-02-14", "2022-03-07"]), "AGAINST": [0.1, 0.2, 0.4]})
    out = voices.with_gaps(block)
    assert out["week"].dt.strftime("%m-%d").tolist() == ["02-07", "02-14", "02-21", "02-28", "03-07"]
    assert out["AGAINST"].isna().tolist() == [False, False, True, True, False]
    assert voices.with_gaps(block.iloc[:0]).empty


# --- targets of your own, stance said early, no needless cross-validation, notes (issue 17) -----

def _sentences(texts, ids=None):
    n = len(texts)
    return pd.DataFrame({
        "sentence_id": ids or [f"mine-{i:04d}" for i in range(n)], "article_id": [f"a{i // 2}" for i in range(n)],
        "position": [i % 2 for i in range(n)], "voice": ["Daily"] * n, "date": pd.to_datetime(["2022-03-01"] * n),
        "text": texts, "speaker": [""] * n,
    })


def test_score_serves_a_target_of_a_lexicon_file_without_stance(tmp_path):
    from presslens import sentiment

    path = tmp_path / "mine.csv"
    path.write_text("target,alias\nZelenskyy,Zelenskyy\nZelenskyy,Zelensky\nZelenskyy,Zelenskiy\n")
    texts = ["Zelensky visited the brave volunteers in Kharkiv.", "The weather was fine.", '"We will win," Zelenskiy said.']
    out = voices.score(_sentences(texts), ["Zelenskyy"], lexicon=path, stance=False)
    assert out["sentence_id"].tolist() == ["mine-0000", "mine-0002"] and set(out["target"]) == {"Zelenskyy"}
    assert out["stance"].isna().all()  # no stance model for this target: empty, not guessed
    assert out["toward"].tolist() == [sentiment.polarity([texts[0]])[0], sentiment.polarity([texts[2]])[0]]  # no clause break, or a short clause: the whole sentence
    assert out["toward"].iloc[0] > 0
    assert out["kind"].tolist() == ["own", "quoted"] and out.loc[1, "speaker"] == "Zelenskiy"
    assert out["week"].tolist() == [pd.Timestamp("2022-02-28")] * 2  # Tuesday 1 March: the week of Monday 28 February


def test_unknown_and_stance_less_targets_are_refused_before_any_work(monkeypatch):
    from presslens import attribution, stance

    def no_work(*args, **kwargs):
        raise AssertionError("work started before the targets were checked")

    for name in ("predict", "held_out_labels", "annotated_pairs"):
        monkeypatch.setattr(stance, name, no_work)
    monkeypatch.setattr(attribution, "attribute", no_work)
    sentences = _sentences(["The EU met NATO."])
    with pytest.raises(ValueError, match=r"stance is predicted for NATO and Russia only, not for EU; pass stance=False"):
        voices.score(sentences, ("EU", "NATO"))
    with pytest.raises(ValueError, match=r"unknown target 'Atlantis'; the lexicon has \['China', 'EU', 'NATO', 'Russia', 'Ukraine', 'United States'\]"):
        voices.score(sentences, ["NATO", "Atlantis"], stance=False)
    # A lexicon that gives NATO other aliases cannot feed the stance model, which was trained with data/targets.csv's.
    mine = pd.DataFrame({"target": ["NATO"], "alias": ["the alliance"]})
    with pytest.raises(ValueError, match=r"aliases of NATO in data/targets.csv.*or pass stance=False"):
        voices.score(sentences, ["NATO"], lexicon=mine)


def test_no_cross_validation_when_no_sentence_is_annotated(monkeypatch):
    from presslens import stance

    def cross_validation(*args, **kwargs):
        raise AssertionError("the study annotations were cross-validated for sentences none of which is annotated")

    monkeypatch.setattr(stance, "held_out_labels", cross_validation)
    monkeypatch.setattr(stance, "predict", lambda texts, target: ["NONE"] * len(texts))  # no model to train here
    texts = ["NATO met in Brussels.", "Russia replied."] * 45  # 90 sentences of one's own
    out = voices.score(_sentences(texts), ("NATO", "Russia"))
    assert len(out) == 90 and set(out["stance"]) == {"NONE"}
    # One annotated sentence (its ID and target in data/stance-annotations.csv) brings the held-out labels back.
    annotated_id, target = sorted(pair for pair in stance.annotated_pairs() if pair[1] == "Russia")[0]
    held = pd.Series(["AGAINST"], index=pd.MultiIndex.from_tuples([(annotated_id, "Russia")]))
    monkeypatch.setattr(stance, "held_out_labels", lambda: held)
    out = voices.score(_sentences(["Russia replied.", "NATO met."], ids=[annotated_id, "mine-0001"]), ("NATO", "Russia"))
    assert out.set_index("target")["stance"].to_dict() == {"NATO": "NONE", "Russia": "AGAINST"}


def test_weekly_says_why_a_week_has_no_estimate():
    rows = [(f"s{i}", f"a{i}", "Kremlin", "NATO", "own", 0.1, "AGAINST") for i in range(3)]
    rows += [(f"t{i}", f"b{i}", "NYT", "NATO", "own", -0.1, "NONE") for i in range(5)]
    table = voices.weekly(_scored(rows), min_count=4, n_boot=50).set_index("voice")
    assert table.loc["Kremlin", "note"] == "too few to estimate: 3 sentences, fewer than min_count 4"
    assert table.loc["NYT", "note"] == "" and table.loc["NYT", "AGAINST"] == 0.0
    # Every week under the minimum: no error, the rows say so, and what to do.
    every = voices.weekly(_scored(rows), min_count=20, n_boot=50).set_index("voice")
    assert every["sentiment"].isna().all()
    assert every.loc["NYT", "note"] == ("too few to estimate: 5 sentences, fewer than min_count 20; no cell reaches min_count 20 "
                                        "(the largest has 5): lower min_count, or group more widely (by month, not by week)")
    # by_holder keeps its columns, with the note added last.
    assert voices.by_holder(_scored(rows), min_count=4, n_boot=50).columns.tolist()[-2:] == ["FAVOR high", "note"]
