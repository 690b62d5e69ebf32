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
