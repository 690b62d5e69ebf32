"""Keywords: Fightin' Words, G², TF-IDF, stability, KWIC and naming rates, checked by hand."""
import math

import numpy as np
import pandas as pd
import pytest

from presslens import keywords, plots, targets

# A tiny corpus worked by hand. Voice A: "tank tank peace"; voice B: "peace peace talks".
# Unigrams only, no stop words: y_A = (peace 1, talks 0, tank 2), y_B = (2, 1, 0), n_A = n_B = 3.
TINY = pd.DataFrame(
    {
        "voice": ["A", "A", "B", "B"],
        "article_id": ["a1", "a2", "b1", "b2"],
        "text": ["Tank, tank.", "Peace!", "Peace, peace.", "Talks."],
    }
)


def tiny_counts(**options):
    return keywords.count_terms(TINY, ngram_range=(1, 1), stop_words=None, **options)


def test_terms_follow_the_stop_word_policy_and_break_bigrams_at_punctuation():
    assert keywords.terms("Russia's war, NATO's door") == ["russia", "war", "nato", "door", "russia war", "nato door"]
    assert keywords.terms("the war of 2022 in Kyiv", stop_words=None) == [
        "the", "war", "of", "in", "kyiv", "the war", "war of", "in kyiv",
    ]  # "2022" is no term and keeps "of" and "in" apart
    assert keywords.terms("Putin said", stop_words=["said"]) == ["putin"]
    assert keywords.terms("NATO-led anti-Russia drills", ngram_range=(2, 2)) == ["nato-led anti-russia", "anti-russia drills"]
    with pytest.raises(ValueError, match="stop_words"):
        keywords.terms("x", stop_words="russian")


def test_count_terms_counts_per_article_and_group():
    counts = tiny_counts()
    assert counts.groups == ("A", "B")
    assert list(counts.vocabulary) == ["peace", "talks", "tank"]
    assert counts.by_group().tolist() == [[1, 0, 2], [2, 1, 0]]
    assert counts.units["words"].tolist() == [2, 1, 2, 1]
    with pytest.raises(ValueError, match="more than one"):
        keywords.count_terms(TINY.assign(article_id="same"))
    with pytest.raises(ValueError, match="lack the columns"):
        keywords.count_terms(TINY.drop(columns="voice"))


def test_fightin_words_matches_the_hand_worked_log_odds_and_z():
    # Prior: the pooled counts, alpha = (3, 1, 2), a0 = 6.
    # tank, A vs B: log((2+2)/(3+6-2-2)) - log((0+2)/(3+6-0-2)) = log(4/5) - log(2/7)
    #   var = 1/(2+2) + 1/(0+2) = 3/4
    # talks, A vs B: log((0+1)/(3+6-0-1)) - log((1+1)/(3+6-1-1)) = log(1/8) - log(2/7)
    #   var = 1/1 + 1/2 = 3/2
    table = keywords.fightin_words(tiny_counts(), min_count=1).set_index(["group", "term"])
    tank = math.log(4 / 5) - math.log(2 / 7)
    talks = math.log(1 / 8) - math.log(2 / 7)
    assert table.loc[("A", "tank"), "log_odds"] == pytest.approx(tank)
    assert table.loc[("A", "tank"), "z"] == pytest.approx(tank / math.sqrt(3 / 4))
    assert table.loc[("A", "talks"), "z"] == pytest.approx(talks / math.sqrt(3 / 2))
    assert table.loc[("B", "tank"), "z"] == pytest.approx(-tank / math.sqrt(3 / 4))  # the mirror image
    assert "p" not in table.columns  # z ranks terms; no p-value is claimed


def test_totals_count_words_not_unigrams_plus_bigrams():
    # A: "tank tank peace" (3 words; terms tank 2, peace 1, "tank tank" 1, "tank peace" 1: 5 counts);
    # B: "peace talks" (2 words; peace 1, talks 1, "peace talks" 1). Prior: the pooled counts, in
    # total a0 = the pooled number of words, 5 (so alpha = pooled counts * 5 / 5).
    # tank, A vs B: log((2+2)/(3+5-2-2)) - log((0+2)/(2+5-0-2)) = log(1) - log(2/5) = log(2.5).
    two = pd.DataFrame({"voice": ["A", "B"], "article_id": ["a", "b"], "text": ["tank tank peace", "peace talks"]})
    counts = keywords.count_terms(two, ngram_range=(1, 2), stop_words=None)
    assert counts.by_group().sum(axis=1).tolist() == [5.0, 3.0]
    assert counts.words_by_group().tolist() == [3.0, 2.0]
    table = keywords.fightin_words(counts, min_count=1).set_index(["group", "term"])
    assert table.loc[("A", "tank"), "log_odds"] == pytest.approx(math.log(2.5))
    assert table.loc[("A", "tank"), "se"] == pytest.approx(math.sqrt(1 / 4 + 1 / 2))
    g2 = keywords.keyness(counts, min_count=1).set_index(["group", "term"])
    assert g2.loc[("A", "tank"), "g2"] == pytest.approx(keywords.log_likelihood(2, 0, 3, 2))
    assert "p" not in g2.columns


def test_fightin_words_scales_the_prior_with_alpha0():
    # alpha0 = 3: alpha = 3 * (3, 1, 2) / 6 = (1.5, 0.5, 1).
    # tank: log((2+1)/(3+3-2-1)) - log((0+1)/(3+3-0-1)) = log(1) - log(1/5); var = 1/3 + 1
    table = keywords.fightin_words(tiny_counts(), alpha0=3, min_count=1).set_index(["group", "term"])
    assert table.loc[("A", "tank"), "z"] == pytest.approx(math.log(5) / math.sqrt(4 / 3))


def test_fightin_words_compares_any_number_of_groups():
    three = pd.concat([TINY, pd.DataFrame({"voice": ["C"], "article_id": ["c1"], "text": ["tank talks talks"]})])
    counts = keywords.count_terms(three, ngram_range=(1, 1), stop_words=None)
    rest = keywords.fightin_words(counts, min_count=1)
    assert sorted(rest["group"].unique()) == ["A", "B", "C"] and set(rest["reference"]) == {"rest"}
    # C against the rest: y_C = (0, 2, 1), rest = A + B = (3, 1, 2); prior = pooled (3, 3, 3), a0 = 9.
    c_talks = math.log((2 + 3) / (3 + 9 - 2 - 3)) - math.log((1 + 3) / (6 + 9 - 1 - 3))
    got = rest.set_index(["group", "term"]).loc[("C", "talks"), "z"]
    assert got == pytest.approx(c_talks / math.sqrt(1 / 5 + 1 / 4))
    pairs = keywords.fightin_words(counts, against="pairs", min_count=1)
    assert len(pairs.groupby(["group", "reference"])) == 6
    ab = pairs[(pairs["group"] == "A") & (pairs["reference"] == "B")].set_index("term")["z"]
    ba = pairs[(pairs["group"] == "B") & (pairs["reference"] == "A")].set_index("term")["z"]
    assert np.allclose(ab.sort_index(), -ba.sort_index())
    with pytest.raises(ValueError, match="unknown groups"):
        keywords.fightin_words(counts, against=[("A", "Z")])


def test_min_count_filters_rows_but_not_totals():
    full = keywords.fightin_words(tiny_counts(), min_count=1)
    kept = keywords.fightin_words(tiny_counts(), min_count=2)
    assert set(kept["term"]) == {"peace", "tank"}
    merged = kept.merge(full, on=["group", "reference", "term"], suffixes=("", "_full"))
    assert np.allclose(merged["z"], merged["z_full"])


def test_log_likelihood_matches_hand_worked_values():
    # a=10 of c=100 against b=5 of d=200: E1 = 5, E2 = 10, G2 = 2 (10 ln 2 + 5 ln 0.5) = 10 ln 2.
    assert keywords.log_likelihood(10, 5, 100, 200) == pytest.approx(10 * math.log(2))
    assert keywords.log_likelihood(5, 10, 200, 100) == pytest.approx(-10 * math.log(2))
    # a=0: G2 = 2 b ln(b / E2) with E2 = d (a + b) / (c + d) = 200 * 5 / 300.
    assert keywords.log_likelihood(0, 5, 100, 200) == pytest.approx(-2 * 5 * math.log(5 / (200 * 5 / 300)))
    assert keywords.log_ratio(0, 4, 100, 100) == pytest.approx(math.log2(0.5 / 4))


def test_keyness_ranks_the_over_used_term_first():
    table = keywords.keyness(tiny_counts(), min_count=1)
    top = keywords.top_terms(table, 1)
    # B: talks 1 of 3 vs 0 of 3 -> G2 = 2 ln 2 = 1.39; peace 2 vs 1 -> 2 (2 ln 4/3 + ln 2/3) = 0.34
    assert dict(zip(top["group"], top["term"])) == {"A": "tank", "B": "talks"}
    assert table.set_index(["group", "term"]).loc[("B", "peace"), "g2"] == pytest.approx(
        2 * (2 * math.log(4 / 3) + math.log(2 / 3))
    )
    tank = table.set_index(["group", "term"]).loc[("A", "tank")]
    assert tank["g2"] == pytest.approx(keywords.log_likelihood(2, 0, 3, 3)) and tank["g2"] > 0


def test_tfidf_top_terms_prefer_a_groups_own_words():
    frame = pd.DataFrame(
        {
            "voice": ["A", "A", "B", "B"],
            "article_id": ["a1", "a2", "b1", "b2"],
            "text": ["sanctions war", "sanctions war", "war talks", "war talks"],
        }
    )
    top = keywords.tfidf_top_terms(keywords.count_terms(frame, ngram_range=(1, 1)), k=1)
    assert dict(zip(top["group"], top["term"])) == {"A": "sanctions", "B": "talks"}


def test_stability_is_one_for_a_word_in_every_article_and_repeatable():
    rows = [("A", f"a{i}", "blockade tanks" if i % 2 else "blockade peace") for i in range(20)]
    rows += [("B", f"b{i}", "talks peace" if i % 2 else "talks grain") for i in range(20)]
    frame = pd.DataFrame(rows, columns=["voice", "article_id", "text"])
    counts = keywords.count_terms(frame, ngram_range=(1, 1))
    first = keywords.stability(counts, k=1, min_count=1, n_boot=50)
    assert first.set_index("group").loc["A", "term"] == "blockade"
    assert first["stability"].tolist() == [1.0, 1.0]
    again = keywords.stability(counts, k=2, min_count=1, n_boot=50)
    assert again.equals(keywords.stability(counts, k=2, min_count=1, n_boot=50))
    assert 0 < again.set_index(["group", "term"]).loc[("A", "tanks"), "stability"] <= 1


def test_kwic_lists_matches_in_a_fixed_order_with_context():
    sentences = pd.DataFrame(
        {
            "voice": ["B", "A", "A"],
            "date": pd.to_datetime(["2022-01-01", "2022-03-01", "2022-02-01"]),
            "article_id": ["b1", "a2", "a1"],
            "sentence_id": ["b1-0000", "a2-0000", "a1-0000"],
            "text": ["Kyiv's mayor met the mayor of Kyiv.", "Anti-Kyiv slogans", "Kiev, or Kyiv?"],
        }
    )
    lines = keywords.kwic(sentences, "Kyiv", width=10)
    assert lines["sentence_id"].tolist() == ["a1-0000", "b1-0000", "b1-0000"]  # "Anti-Kyiv" is one word
    assert lines.loc[1, ["left", "match", "right"]].tolist() == ["", "Kyiv's", " mayor met"]
    assert lines.loc[2, "left"] == " mayor of "
    assert keywords.kwic(sentences, "kyiv", width=10, limit=1).equals(lines.head(1))
    assert len(keywords.kwic(sentences, "mayor met")) == 1
    with pytest.raises(ValueError, match="no words"):
        keywords.kwic(sentences, "...")


def test_kwic_lists_exactly_the_occurrences_that_were_counted(study):
    flags, _ = targets.tag_sentences(study.sentences, ["NATO"])
    nato = flags[flags["NATO"] & flags["voice"].isin(["Kremlin", "Ukrainian presidency", "Guardian", "NYT"])]
    table = keywords.fightin_words(keywords.count_terms(nato))
    top = keywords.top_terms(table, 5)
    assert len(top) == 20
    for group, term, count in top[["group", "term", "count"]].itertuples(index=False):
        assert len(keywords.kwic(nato[nato["voice"] == group], term)) == count, (group, term)


def test_naming_rates_match_hand_counts():
    sentences = pd.DataFrame(
        {
            "voice": ["A", "A", "B"],
            "article_id": ["a1", "a2", "b1"],
            "text": ["Kiev, Kiev and the war", "Peace in Kyiv", "No war: a special military operation"],
        }
    )
    naming = pd.DataFrame(
        {
            "concept": ["capital", "capital", "war", "war"],
            "variant": ["Kyiv", "Kiev", "war", "special military operation"],
            "forms": ["Kyiv", "Kiev", "war|wars", "special military operation"],
        }
    )
    rates = keywords.naming_rates(sentences, naming=naming, n_boot=200).set_index(["variant", "group"])
    # Voice A: 5 + 3 = 8 words; Kiev twice, Kyiv once. Voice B: 6 words.
    assert rates.loc[("Kiev", "A"), "hits"] == 2 and rates.loc[("Kiev", "A"), "words"] == 8
    assert rates.loc[("Kiev", "A"), "rate"] == pytest.approx(2 / 8 * 10_000)
    assert rates.loc[("Kiev", "A"), "articles_with"] == 1
    assert rates.loc[("special military operation", "B"), "rate"] == pytest.approx(1 / 6 * 10_000)
    zero = rates.loc[("Kiev", "B")]
    assert zero["hits"] == 0 and zero["interval"].startswith("Poisson")
    assert zero["high"] == pytest.approx(3.6889 / 6 * 10_000, rel=1e-4)
    ok = rates[rates["hits"] > 0]
    assert ((ok["low"] <= ok["rate"]) & (ok["rate"] <= ok["high"])).all()


def test_naming_file_is_checked_and_names_the_line(tmp_path):
    table = keywords.read_naming()
    assert {"Kyiv", "Kiev", "special military operation", "invasion", "war", "denazification", "aggression", "sanctions"} <= set(table["variant"])
    bad = tmp_path / "naming.csv"
    bad.write_text("concept,variant,forms\nwar,war,war\nwar,invasion,\n")
    with pytest.raises(ValueError, match=r"naming.csv:3: forms"):
        keywords.read_naming(bad)


def test_plots_draw_one_panel_per_comparison_and_concept():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plots.plot_log_odds(keywords.fightin_words(tiny_counts(), min_count=1), k=1)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["A vs the rest", "B vs the rest"]
    plt.close(fig)
    rates = keywords.naming_rates(TINY.assign(text=["Kiev war", "Kyiv", "war", "peace"]), n_boot=50)
    fig = plots.plot_naming(rates)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == rates["concept"].nunique()
    plt.close(fig)


def test_war_is_counted_apart_from_war_crimes_world_war_and_cold_war():
    frame = pd.DataFrame({
        "voice": ["A"] * 3, "article_id": ["a1", "a2", "a3"],
        "text": ["The war began; war crimes followed.", "World War II and the Cold War ended.", "Wars and a war."],
    })
    rates = keywords.naming_rates(frame, n_boot=10).set_index("variant")["hits"]
    assert rates["war"] == 3  # "war", "Wars", "war": not the war of war crimes, World War or Cold War
    assert (rates["war crimes"], rates["World War"], rates["Cold War"]) == (1, 1, 1)


def test_an_except_phrase_must_contain_a_form(tmp_path):
    path = tmp_path / "naming.csv"
    path.write_text("concept,variant,forms,except,note\nc,war,war,peace talks,\n")
    with pytest.raises(ValueError, match=r"naming\.csv:2: except phrase 'peace talks'"):
        keywords.read_naming(path)


def test_stability_resamples_articles_so_a_one_article_term_is_unstable():
    # Group A's top term ("tanks") comes from one article of twenty. A resample of A's twenty
    # articles misses that article with probability (19/20)^20 = 0.358, and the term then drops out
    # of the top 1 ("peace" leads instead): expected stability about 0.64. Without resampling, or
    # resampling something that keeps the article, it would be 1.
    rows = [("A", "a0", " ".join(["tanks"] * 40))]
    rows += [("A", f"a{i}", "peace peace talks") for i in range(1, 20)]
    rows += [("B", f"b{i}", "talks grain grain") for i in range(20)]
    counts = keywords.count_terms(pd.DataFrame(rows, columns=["voice", "article_id", "text"]), ngram_range=(1, 1))
    top = keywords.stability(counts, k=1, min_count=1, n_boot=400).set_index("group")
    assert top.loc["A", "term"] == "tanks"
    assert 0.64 - 0.1 < top.loc["A", "stability"] < 0.64 + 0.1
    assert top.loc["B", "stability"] == 1.0  # "grain" is in every B article


def test_naming_rate_intervals_resample_articles_not_sentences():
    # Ten articles of ten 10-word sentences; "Kiev" once in every sentence of two articles. Rate:
    # 20 per 1,000 words = 200 per 10,000. Resampling articles, the number of Kiev articles drawn is
    # Binomial(10, 0.2): the 2.5% quantile is 0 (P(0) = 0.107) and the 97.5% quantile 400-500 per
    # 10,000 words. Resampling the 100 sentences instead would give about [120, 280].
    rows = []
    for a in range(10):
        for s in range(10):
            words = ["Kiev"] + ["word"] * 9 if a < 2 else ["word"] * 10
            rows.append(("A", f"a{a}", " ".join(words)))
    sentences = pd.DataFrame(rows, columns=["voice", "article_id", "text"])
    naming = pd.DataFrame({"concept": ["capital"], "variant": ["Kiev"], "forms": ["Kiev"]})
    row = keywords.naming_rates(sentences, naming=naming, n_boot=4000).iloc[0]
    assert row["rate"] == pytest.approx(200) and row["interval"] == "article bootstrap"
    assert row["low"] <= 20 and 400 <= row["high"] <= 500
    assert row["high"] - row["low"] > 300  # a resampling with no spread fails here


def test_naming_rate_bootstrap_matches_an_independent_article_bootstrap():
    rng = np.random.default_rng(5)
    rows = []
    for a in range(30):
        hits = int(rng.integers(0, 4))
        rows.append(("A", f"a{a}", " ".join(["Kyiv"] * hits + ["word"] * (20 - hits))))
    sentences = pd.DataFrame(rows, columns=["voice", "article_id", "text"])
    naming = pd.DataFrame({"concept": ["capital"], "variant": ["Kyiv"], "forms": ["Kyiv"]})
    row = keywords.naming_rates(sentences, naming=naming, n_boot=4000).iloc[0]
    hits = np.array([text.split().count("Kyiv") for text in sentences["text"]], dtype=float)
    draws = np.random.default_rng(11).integers(0, 30, size=(4000, 30))
    boot = hits[draws].sum(axis=1) / (20 * 30) * 10_000
    low, high = np.quantile(boot, [0.025, 0.975])
    assert row["low"] == pytest.approx(low, rel=0.08) and row["high"] == pytest.approx(high, rel=0.08)


def test_a_unit_in_two_groups_is_refused_with_the_way_out_and_the_way_out_works():
    # One row per sentence and target, as voices.score gives them: s1 names both NATO and Russia.
    rows = pd.DataFrame({
        "sentence_id": ["s1", "s1", "s2", "s3"], "article_id": ["a1", "a1", "a2", "a3"],
        "target": ["NATO", "Russia", "NATO", "Russia"],
        "text": ["NATO and Russia talk.", "NATO and Russia talk.", "Tanks rolled.", "Grain ships sailed."],
    })
    with pytest.raises(ValueError, match=r"1 'sentence_id' units are in more than one 'target' group \(e\.g\. \['s1'\]\).*"
                                         r"keywords\.drop_shared_units\(sentences, by='target', unit='sentence_id'\)"):
        keywords.count_terms(rows, by="target", unit="sentence_id")
    kept = keywords.drop_shared_units(rows, by="target", unit="sentence_id")
    assert kept.attrs["dropped"] == ["s1"] and kept["sentence_id"].tolist() == ["s2", "s3"]
    counts = keywords.count_terms(kept, by="target", unit="sentence_id", ngram_range=(1, 1))
    assert counts.groups == ("NATO", "Russia") and list(counts.vocabulary) == ["grain", "rolled", "sailed", "ships", "tanks"]
    assert counts.by_group().tolist() == [[0, 1, 0, 0, 1], [1, 0, 1, 1, 0]]
