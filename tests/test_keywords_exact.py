"""Exact checks of presslens.keywords' analysis functions: documented defaults, column names and
order, row order, dtypes, edge cases (empty input, zero counts, missing text) and values worked
by hand or by an independent reference implementation (plain Python, the published formulas).

They guard the details that the broader tests in test_keywords.py let pass: a table sorted the
wrong way, an extra index column, a default that drifted, a bootstrap that ignores its seed.
"""
import dataclasses
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from presslens import keywords

TABLE_COLUMNS = ["group", "reference", "term", "count", "reference_count"]


def frame(rows, columns=("voice", "article_id", "text")):
    return pd.DataFrame(rows, columns=list(columns))


# A: "tank tank peace" in two articles (3 words); B: "peace peace talks" in two articles (3 words).
TINY = frame([("A", "a1", "Tank, tank."), ("A", "a2", "Peace!"), ("B", "b1", "Peace, peace."), ("B", "b2", "Talks.")])


def tiny_counts():
    return keywords.count_terms(TINY, ngram_range=(1, 1), stop_words=None)


# --- words, stop words, terms -------------------------------------------------------------------


def test_the_default_stop_word_policy_is_scikit_learns_english_list():
    assert keywords.stop_word_list() == frozenset(ENGLISH_STOP_WORDS)
    assert keywords.stop_word_list("english") == frozenset(ENGLISH_STOP_WORDS)
    assert len(ENGLISH_STOP_WORDS) == 318  # the Glasgow list as scikit-learn ships it


def test_a_possessive_is_dropped_even_from_a_one_letter_word():
    assert keywords.tokens("A's B's") == ["a", "b"]
    assert keywords.tokens("NATO's") == ["nato"]


def test_one_letter_words_are_no_terms():
    # "a" and "b" are no terms, and they keep "war" from forming a bigram with anything.
    assert keywords.terms("a B war", stop_words=None) == ["war"]


# --- count_terms and TermCounts ------------------------------------------------------------------


def test_count_terms_is_blind_to_row_order_and_lists_units_sorted_with_their_group():
    rows = [("B", "b2", "grain ships"), ("A", "a1", "tanks rolled"), ("B", "b1", "grain"),
            ("A", "a2", "peace talks"), ("A", "a1", "more tanks")]
    counts = keywords.count_terms(frame(rows), ngram_range=(1, 1), stop_words=None)
    # a1: "tanks rolled" + "more tanks" = 4 words; a2: 2; b1: 1; b2: 2.
    assert counts.units["article_id"].tolist() == ["a1", "a2", "b1", "b2"]
    assert counts.units["voice"].tolist() == ["A", "A", "B", "B"]
    assert counts.units["words"].tolist() == [4, 2, 1, 2]
    assert counts.units["group_code"].tolist() == [0, 0, 1, 1]
    assert counts.units["words"].dtype.kind == "i" and counts.units["group_code"].dtype.kind == "i"
    assert counts.by == "voice"
    tanks = counts.column("tanks")
    assert counts.matrix[:, tanks].toarray().ravel().tolist() == [2, 0, 0, 0]  # both in a1
    reordered = keywords.count_terms(frame(sorted(rows, key=lambda r: r[1])), ngram_range=(1, 1), stop_words=None)
    assert reordered.units.equals(counts.units)
    assert (reordered.matrix != counts.matrix).nnz == 0


def test_count_terms_applies_the_stop_word_policy_it_is_given():
    rows = [("A", "a1", "the tanks"), ("B", "b1", "the grain")]
    assert "the" in keywords.count_terms(frame(rows), ngram_range=(1, 1), stop_words=None).vocabulary
    assert "the" not in keywords.count_terms(frame(rows), ngram_range=(1, 1)).vocabulary  # "english"


def test_count_terms_of_no_text_is_empty_not_an_error():
    counts = keywords.count_terms(frame([("A", "a1", None)]))
    assert counts.matrix.shape == (0, 0)
    assert counts.vocabulary.shape == (0,) and counts.vocabulary.dtype == object
    assert counts.groups == () and len(counts.units) == 0
    assert counts.by_group().shape == (0, 0)
    assert counts.words_by_group().shape == (0,)


def test_the_shared_unit_error_names_how_many_and_the_first_three():
    rows = [(voice, f"a{i}", "tanks") for i in range(1, 5) for voice in ("A", "B")]
    with pytest.raises(ValueError, match=r"^4 'article_id' units are in more than one 'voice' group \(e\.g\. \['a1', 'a2', 'a3'\]\), "):
        keywords.count_terms(frame(rows))


def test_shared_units_and_drop_shared_units_default_to_voice_and_article_id():
    rows = frame([("A", "a1", "x"), ("B", "a1", "y"), ("A", "a2", "z"), ("B", "b1", "w")])
    assert keywords.shared_units(rows) == ["a1"]
    kept = keywords.drop_shared_units(rows)
    assert kept["article_id"].tolist() == ["a2", "b1"] and kept.attrs["dropped"] == ["a1"]


def test_column_refuses_a_term_that_is_not_counted_wherever_it_would_sort():
    counts = tiny_counts()  # vocabulary: peace, talks, tank
    assert [counts.column(t) for t in ("peace", "talks", "tank")] == [0, 1, 2]
    for missing in ("aaa", "sanctions", "zzz"):  # before, inside and after the vocabulary
        with pytest.raises(KeyError, match=f"'{missing}' is not a counted term"):
            counts.column(missing)


def test_group_totals_are_floats_whatever_the_weights():
    counts = tiny_counts()  # units a1, a2, b1, b2; words 2, 1, 2, 1
    twice_a1 = sparse.csr_matrix(np.array([[2, 0, 0, 0], [0, 0, 1, 1]], dtype=np.int64))
    table = counts.by_group(twice_a1)
    assert table.dtype == np.float64 and table.tolist() == [[0.0, 0.0, 4.0], [2.0, 1.0, 0.0]]
    words = counts.words_by_group(twice_a1)
    assert words.dtype == np.float64 and words.tolist() == [4.0, 3.0]
    # TermCounts built by hand from integer counts (another tokenizer's, say) gives floats too.
    integer = dataclasses.replace(counts, matrix=sparse.csr_matrix(counts.matrix.toarray().astype(np.int64)))
    table = integer.by_group(twice_a1)
    assert table.dtype == np.float64 and table.tolist() == [[0.0, 0.0, 4.0], [2.0, 1.0, 0.0]]


# --- log-odds, G², log ratio --------------------------------------------------------------------


def test_log_odds_z_defaults_its_totals_to_the_sums_of_the_counts():
    # n_i = 3, n_j = 3, a0 = 2: delta_0 = log(3 / 2) - log(1 / 4) = log 6; var = 1/3 + 1/1 = 4/3.
    delta, se, z = keywords.log_odds_z([2, 1], [0, 3], [1, 1])
    assert delta[0] == pytest.approx(math.log(6))
    assert se[0] == pytest.approx(math.sqrt(4 / 3))
    assert z[0] == pytest.approx(math.log(6) / math.sqrt(4 / 3))
    # term 1: log(2 / 3) - log(4 / 1) = log(1 / 6)
    assert delta[1] == pytest.approx(-math.log(6))


def test_log_likelihood_of_a_term_absent_from_the_reference():
    # a=5 of c=100, b=0 of d=200: E1 = 100 * 5 / 300 = 5/3, G2 = 2 * 5 ln(5 / (5/3)) = 10 ln 3.
    assert keywords.log_likelihood(5, 0, 100, 200) == pytest.approx(10 * math.log(3))


def test_log_likelihood_handles_zero_counts_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g2 = keywords.log_likelihood([0, 4, 0], [6, 0, 0], [100, 100, 100], [100, 100, 100])
    # a=0, b=6: E2 = 3, G2 = 2 * 6 ln 2, negative (the reference uses it more); nothing used: 0.
    assert g2.tolist() == pytest.approx([-12 * math.log(2), 8 * math.log(2), 0.0])


def test_log_likelihood_does_not_overflow_on_32_bit_counts():
    # A big corpus in int32: c * (a + b) = 100,000 * 60,000 = 6e9 does not fit in 32 bits.
    a, b, c, d = 40_000, 20_000, 100_000, 300_000
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)  # Python floats: 15,000 and 45,000
    expected = 2 * (a * math.log(a / e1) + b * math.log(b / e2))
    got = keywords.log_likelihood(*(np.array([x], dtype=np.int32) for x in (a, b, c, d)))
    assert got[0] == pytest.approx(expected)


def test_keyness_log_ratio_uses_each_sides_own_number_of_words():
    # A: "tank tank peace" (3 words); B: "peace talks" (2 words). Log ratio, A against B:
    # tank log2((2/3) / (0.5/2)) = log2(8/3); peace log2((1/3) / (1/2)) = log2(2/3);
    # talks (0 -> 0.5) log2((0.5/3) / (1/2)) = log2(1/3).
    two = frame([("A", "a", "tank tank peace"), ("B", "b", "peace talks")])
    table = keywords.keyness(keywords.count_terms(two, ngram_range=(1, 1), stop_words=None), min_count=1)
    assert list(table.columns) == TABLE_COLUMNS + ["g2", "log_ratio"]
    ratio = table.set_index(["group", "term"])["log_ratio"]
    assert ratio[("A", "tank")] == pytest.approx(math.log2(8 / 3))
    assert ratio[("A", "peace")] == pytest.approx(math.log2(2 / 3))
    assert ratio[("A", "talks")] == pytest.approx(math.log2(1 / 3))
    assert ratio[("B", "tank")] == pytest.approx(-math.log2(8 / 3))


# --- the comparison tables ----------------------------------------------------------------------


def test_fightin_words_lists_each_comparison_best_z_first_with_integer_counts():
    # From test_keywords' hand-worked TINY (prior = pooled counts (3, 1, 2), a0 = 6), A vs the rest:
    #   tank  (log(4/5) - log(2/7)) / sqrt(3/4)          = +1.19
    #   peace (log(4/5) - log(5/4)) / sqrt(1/4 + 1/5)    = -0.665
    #   talks (log(1/8) - log(2/7)) / sqrt(3/2)          = -0.675
    # and B vs the rest is the mirror image.
    table = keywords.fightin_words(tiny_counts(), min_count=1)
    assert list(table.columns) == TABLE_COLUMNS + ["log_odds", "se", "z"]
    assert list(table.index) == list(range(6))
    assert list(zip(table["group"], table["term"])) == [
        ("A", "tank"), ("A", "peace"), ("A", "talks"), ("B", "talks"), ("B", "peace"), ("B", "tank")]
    assert table["count"].dtype.kind == "i" and table["reference_count"].dtype.kind == "i"
    assert table["count"].tolist() == [2, 1, 0, 1, 2, 0]


def test_no_comparison_asked_gives_an_empty_table():
    assert keywords.fightin_words(tiny_counts(), against=[], min_count=1).empty
    assert keywords.keyness(tiny_counts(), against=[], min_count=1).empty


def test_the_default_min_count_keeps_a_term_used_ten_times_and_drops_one_used_nine():
    rows = [("A", "a1", "tanks " * 5 + "grain " * 5), ("B", "b1", "tanks " * 5 + "grain " * 4)]
    counts = keywords.count_terms(frame(rows), ngram_range=(1, 1))
    assert set(keywords.fightin_words(counts)["term"]) == {"tanks"}
    assert set(keywords.keyness(counts)["term"]) == {"tanks"}


def test_top_terms_sorts_groups_references_score_and_term_and_ranks_from_one():
    scores = {  # (group, reference): terms and scores; "b" and "c" tie and go alphabetically
        ("B", "A"): [("x", 1.0)],
        ("A", "C"): [("a", 0.5), ("c", 2.0), ("b", 2.0)],
        ("A", "B"): [("y", 3.0), ("z", -1.0)],
    }
    rows = [(g, r, t, 1, 1, s) for (g, r), items in scores.items() for t, s in items]
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS + ["z"])
    top = keywords.top_terms(table, 2)
    assert list(top.columns) == ["group", "reference", "rank", "term", "count", "reference_count", "z"]
    assert list(top.index) == list(range(5))
    assert top[["group", "reference", "rank", "term"]].values.tolist() == [
        ["A", "B", 1, "y"], ["A", "B", 2, "z"], ["A", "C", 1, "b"], ["A", "C", 2, "c"], ["B", "A", 1, "x"]]


def test_top_terms_keeps_ten_by_default():
    rows = [("A", "rest", f"t{i:02d}", 1, 1, float(i)) for i in range(12)]
    top = keywords.top_terms(pd.DataFrame(rows, columns=TABLE_COLUMNS + ["g2"]))
    assert top["term"].tolist() == [f"t{i:02d}" for i in range(11, 1, -1)]
    assert top["rank"].tolist() == list(range(1, 11))


# --- TF-IDF -------------------------------------------------------------------------------------


def hand_tfidf(articles, min_df):
    """Sublinear TF-IDF as scikit-learn documents it: tf = 1 + ln(count), idf = ln((1 + n) / (1 + df))
    + 1, each article's vector scaled to length 1 (terms in fewer than ``min_df`` articles left out)."""
    n = len(articles)
    df = {}
    for words in articles:
        for w in set(words):
            df[w] = df.get(w, 0) + 1
    kept = sorted(w for w, f in df.items() if f >= min_df)
    vectors = []
    for words in articles:
        v = {w: (1 + math.log(words.count(w))) * (math.log((1 + n) / (1 + df[w])) + 1) for w in kept if w in words}
        length = math.sqrt(sum(x * x for x in v.values()))
        vectors.append({w: x / length for w, x in v.items()})
    return kept, vectors


def test_tfidf_top_terms_match_a_hand_computed_sublinear_tfidf():
    articles = {"a1": "peace peace talks war", "a2": "peace talks talks talks",
                "b1": "talks grain", "b2": "grain peace", "b3": "grain grain grain talks"}
    groups = {"a1": "A", "a2": "A", "b1": "B", "b2": "B", "b3": "B"}
    rows = [(groups[a], a, text) for a, text in articles.items()]
    counts = keywords.count_terms(frame(rows), ngram_range=(1, 1), stop_words=None)
    top = keywords.tfidf_top_terms(counts, k=5, min_df=2)
    assert list(top.columns) == ["group", "rank", "term", "mean_tfidf"]
    kept, vectors = hand_tfidf([text.split() for text in articles.values()], min_df=2)
    assert kept == ["grain", "peace", "talks"]  # "war" is in one article only
    vectors = dict(zip(articles, vectors))
    for group in ("A", "B"):
        ids = [a for a in articles if groups[a] == group]
        means = {w: sum(vectors[a].get(w, 0.0) for a in ids) / len(ids) for w in kept}
        expected = sorted(means.items(), key=lambda item: (-item[1], item[0]))
        got = top[top["group"] == group]
        assert got["rank"].tolist() == list(range(1, len(kept) + 1))
        assert got["term"].tolist() == [w for w, _ in expected]
        assert got["mean_tfidf"].tolist() == pytest.approx([m for _, m in expected])


def test_tfidf_top_terms_keeps_ten_by_default():
    words = " ".join(f"word{chr(97 + i)}" for i in range(12))
    rows = [("A", "a1", words), ("A", "a2", words)]
    top = keywords.tfidf_top_terms(keywords.count_terms(frame(rows), ngram_range=(1, 1)))
    assert len(top) == 10 and top["rank"].tolist() == list(range(1, 11))


# --- stability ----------------------------------------------------------------------------------


def reference_stability(counts, *, k, min_count, n_boot, seed, alpha0=None):
    """Stability by the documented recipe, term by term in plain Python: each draw resamples every
    group's articles with replacement (numpy's default_rng(seed), groups in order, one
    ``integers(0, n, n)`` per group), recomputes the prior and Monroe et al.'s z for each eligible
    term (each group against the rest), and keeps the top ``k`` (ties by term; a term absent from
    the whole draw ranks last)."""
    X = counts.matrix.toarray().astype(float)
    words = counts.units["words"].to_numpy(dtype=float)
    codes = counts.units["group_code"].tolist()
    vocab = list(counts.vocabulary)
    groups = list(counts.groups)
    eligible = [t for t in range(len(vocab)) if X[:, t].sum() >= min_count]
    members = [[u for u, c in enumerate(codes) if c == g] for g in range(len(groups))]
    full = keywords.top_terms(keywords.fightin_words(counts, alpha0=alpha0, min_count=min_count), k)
    kept = {(g, t): 0 for g, t in zip(full["group"], full["term"])}
    rng = np.random.default_rng(seed)
    for _ in range(n_boot):
        y = [[0.0] * len(vocab) for _ in groups]
        n = [0.0] * len(groups)
        for g, units in enumerate(members):
            for i in rng.integers(0, len(units), len(units)):
                y[g] = [a + b for a, b in zip(y[g], X[units[i]])]
                n[g] += words[units[i]]
        total = sum(n)
        a0 = total if alpha0 is None else alpha0
        for g, group in enumerate(groups):
            ranked = []
            for t in eligible:
                pooled = sum(y[h][t] for h in range(len(groups)))
                if pooled == 0:
                    ranked.append((math.inf, vocab[t]))
                    continue
                a = a0 * pooled / total
                yi, yj, ni, nj = y[g][t], pooled - y[g][t], n[g], total - n[g]
                delta = math.log((yi + a) / (ni + a0 - yi - a)) - math.log((yj + a) / (nj + a0 - yj - a))
                ranked.append((-delta / math.sqrt(1 / (yi + a) + 1 / (yj + a)), vocab[t]))
            for _, term in sorted(ranked)[:k]:
                if (group, term) in kept:
                    kept[(group, term)] += 1
    return [kept[(g, t)] / n_boot for g, t in zip(full["group"], full["term"])]


def random_corpus(seed=3):
    """Three voices, eight articles each, of 4 to 30 words drawn with voice-specific leanings."""
    rng = np.random.default_rng(seed)
    vocab = ["tanks", "grain", "peace", "talks", "sanctions", "drones", "ports", "energy", "border", "refugees"]
    rows = []
    for v, voice in enumerate("ABC"):
        weights = np.ones(len(vocab))
        weights[v * 3 : v * 3 + 3] = 4.0
        for a in range(8):
            words = rng.choice(vocab, size=int(rng.integers(4, 31)), p=weights / weights.sum())
            rows.append((voice, f"{voice.lower()}{a}", " ".join(words)))
    return frame(rows)


@pytest.mark.parametrize("alpha0", [None, 50.0])
def test_stability_matches_a_reference_bootstrap(alpha0):
    counts = keywords.count_terms(random_corpus(), ngram_range=(1, 2), stop_words=None)
    got = keywords.stability(counts, k=3, min_count=8, n_boot=30, seed=7, alpha0=alpha0)
    expected = reference_stability(counts, k=3, min_count=8, n_boot=30, seed=7, alpha0=alpha0)
    assert got["stability"].tolist() == expected
    assert 0 < min(expected) < 1  # the draws do move the lists


def test_stability_is_one_when_every_draw_is_the_full_data():
    # Every article of a voice is the same, so a resample of a voice's articles is the full data
    # again: every term in a top list stays there in every draw, whatever the options.
    texts = {"A": "tanks tanks tanks blockade grain grain of the port", "B": "grain grain talks peace peace of the port",
             "C": "talks talks talks peace tanks of the sea"}
    rows = [(voice, f"{voice}{i}", text) for voice, text in texts.items() for i in range(3)]
    counts = keywords.count_terms(frame(rows), ngram_range=(1, 2), stop_words=None)
    for options in ({"against": "pairs", "alpha0": 5.0, "min_count": 9}, {"min_count": 3}, {"alpha0": 0.5, "min_count": 6}):
        top = keywords.stability(counts, k=2, n_boot=20, **options)
        full = keywords.top_terms(keywords.fightin_words(counts, **options), 2)
        assert top.drop(columns="stability").equals(full)
        assert top["stability"].tolist() == [1.0] * len(full), options


def test_stability_compares_pairs_when_asked():
    counts = keywords.count_terms(random_corpus(), ngram_range=(1, 1), stop_words=None)
    top = keywords.stability(counts, k=1, against="pairs", min_count=1, n_boot=5)
    assert list(zip(top["group"], top["reference"])) == [("A", "B"), ("A", "C"), ("B", "A"), ("B", "C"), ("C", "A"), ("C", "B")]


def test_stability_defaults_are_the_documented_ones():
    # Ten articles a voice; twelve fillers in every article; "alpha" once in each A article (10
    # uses: eligible at the default min_count of 10); "tanks" twelve times in one A article, so
    # it drops out of the draws that miss that article (stability strictly between 0 and 1).
    fillers = "grain ports ships drones energy border refugees sanctions convoy harbour bridge railway"
    rows = [("A", f"a{i}", fillers + " alpha" + (" tanks" * 12 if i == 0 else "")) for i in range(10)]
    rows += [("B", f"b{i}", fillers + " beta") for i in range(10)]
    counts = keywords.count_terms(frame(rows), ngram_range=(1, 1), stop_words=None)
    default = keywords.stability(counts)
    explicit = keywords.stability(counts, k=10, min_count=10, n_boot=200, against="rest")
    pd.testing.assert_frame_equal(default, explicit)
    assert default.groupby("group").size().tolist() == [10, 10]
    assert "alpha" in set(default["term"])
    tanks = default.set_index(["group", "term"]).loc[("A", "tanks"), "stability"]
    assert 0 < tanks < 1


def test_stability_draws_without_warnings_when_a_term_is_missing_from_a_draw():
    # "tanks" is in one article of twenty: many of the 30 draws miss it entirely.
    rows = [("A", "a0", "tanks " * 12 + "peace")] + [("A", f"a{i}", "peace talks") for i in range(1, 10)]
    rows += [("B", f"b{i}", "talks grain") for i in range(10)]
    counts = keywords.count_terms(frame(rows), ngram_range=(1, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        top = keywords.stability(counts, k=1, min_count=1, n_boot=30)
    assert top.set_index("group").loc["A", "term"] == "tanks"


# --- KWIC ---------------------------------------------------------------------------------------


def kwic_sentences(texts):
    n = len(texts)
    return pd.DataFrame({"voice": ["A"] * n, "date": pd.to_datetime(["2022-03-01"] * n),
                         "article_id": [f"a{i}" for i in range(n)], "sentence_id": [f"a{i}-0000" for i in range(n)],
                         "text": texts})


def test_kwic_gives_exactly_its_columns_and_the_context_from_the_first_character():
    lines = keywords.kwic(kwic_sentences(["The Kyiv mayor spoke."]), "Kyiv", width=10)
    assert list(lines.columns) == keywords.KWIC_COLUMNS
    assert list(lines.index) == [0]
    assert lines.loc[0, ["left", "match", "right"]].tolist() == ["The ", "Kyiv", " mayor spo"]


def test_kwic_context_is_sixty_characters_by_default():
    before = "x" * 70 + " "
    lines = keywords.kwic(kwic_sentences([before + "Kyiv " + "y" * 70]), "Kyiv")
    assert lines.loc[0, "left"] == before[-60:] and len(lines.loc[0, "left"]) == 60
    assert lines.loc[0, "right"] == (" " + "y" * 70)[:60]


def test_kwic_skips_sentences_without_text():
    lines = keywords.kwic(kwic_sentences([None, "Kyiv again", float("nan")]), "Kyiv")
    assert lines["article_id"].tolist() == ["a1"]


# --- naming -------------------------------------------------------------------------------------


def write(tmp_path, text):
    path = tmp_path / "naming.csv"
    path.write_text(text)
    return path


def test_read_naming_names_the_missing_columns(tmp_path):
    path = write(tmp_path, "concept,variant\ncapital,Kyiv\n")
    with pytest.raises(ValueError, match=r"naming\.csv: missing columns \['forms'\]$"):
        keywords.read_naming(path)


def test_read_naming_needs_a_concept_on_every_line(tmp_path):
    path = write(tmp_path, "concept,variant,forms\ncapital,Kyiv,Kyiv\n,Kiev,Kiev\n")
    with pytest.raises(ValueError, match=r"naming\.csv:3: a concept and a variant are needed$"):
        keywords.read_naming(path)


def test_read_naming_refuses_a_form_without_words(tmp_path):
    path = write(tmp_path, "concept,variant,forms\nwar,war,war|!\n")
    with pytest.raises(ValueError, match=r"naming\.csv:2: forms 'war\|!' must be '\|'-separated words"):
        keywords.read_naming(path)


def test_read_naming_lists_every_row_of_a_variant_given_twice(tmp_path):
    path = write(tmp_path, "concept,variant,forms\nwar,war,war\ncapital,Kyiv,Kyiv\nwar,war,wars\n")
    with pytest.raises(ValueError, match=r"naming\.csv: variants listed twice: \[\['war', 'war'\], \['war', 'war'\]\]$"):
        keywords.read_naming(path)


def test_read_naming_keeps_every_field_as_text(tmp_path):
    path = write(tmp_path, "concept,variant,forms\nyear,2014,Crimea\n")
    table = keywords.read_naming(path)
    assert table["variant"].tolist() == ["2014"] and table["except"].tolist() == [""]


def test_naming_pattern_prefers_the_longest_form():
    pattern = keywords.naming_pattern("war | war crimes")
    assert pattern.search("They spoke of war crimes.").group() == "war crimes"
    assert pattern.findall("war crimes, and war") == ["war crimes", "war"]


NAMING = pd.DataFrame({"concept": ["capital", "capital", "war"], "variant": ["Kyiv", "Kiev", "war"],
                       "forms": ["Kyiv", "Kiev", "war|wars"]})
RATE_COLUMNS = ["concept", "variant", "group", "hits", "articles_with", "words", "rate", "low", "high", "interval"]


def naming_sentences():
    rows = [("A", "a1", "Kyiv and Kyiv at war."), ("A", "a2", "Kyiv today."), ("A", "a3", "Nothing here."),
            ("A", "a1", "More of the same."), ("B", "b1", "Kiev wars."), ("B", "b2", "Kiev, Kiev, Kiev.")]
    rows += [("A", f"a{i}", " ".join(["word"] * i + ["Kyiv"] * (i % 3))) for i in range(4, 12)]
    return frame(rows)


def test_naming_rates_lists_variants_in_table_order_then_groups():
    rates = keywords.naming_rates(naming_sentences(), naming=NAMING, n_boot=50)
    assert list(rates.columns) == RATE_COLUMNS
    assert list(rates.index) == list(range(6))
    assert list(zip(rates["variant"], rates["group"])) == [
        ("Kyiv", "A"), ("Kyiv", "B"), ("Kiev", "A"), ("Kiev", "B"), ("war", "A"), ("war", "B")]


def test_articles_with_counts_articles_with_a_single_use():
    rates = keywords.naming_rates(naming_sentences(), naming=NAMING, n_boot=50).set_index(["variant", "group"])
    # Kyiv in A: a1 (twice), a2 (once), a4, a5, a7, a8, a10, a11 (i % 3 of 1 or 2).
    assert rates.loc[("Kyiv", "A"), "articles_with"] == 8
    # war: a1 once in A; "wars" once in B's b1. Kiev: b1 once, b2 three times.
    assert rates.loc[("war", "A"), "articles_with"] == 1 and rates.loc[("war", "B"), "articles_with"] == 1
    assert rates.loc[("Kiev", "B"), "articles_with"] == 2 and rates.loc[("Kiev", "B"), "hits"] == 4


def test_naming_rates_are_blind_to_row_order_and_repeatable():
    sentences = naming_sentences()
    rates = keywords.naming_rates(sentences, naming=NAMING, n_boot=200)
    pd.testing.assert_frame_equal(rates, keywords.naming_rates(sentences, naming=NAMING, n_boot=200))
    pd.testing.assert_frame_equal(rates, keywords.naming_rates(sentences.iloc[::-1], naming=NAMING, n_boot=200))
    other_seed = keywords.naming_rates(sentences, naming=NAMING, n_boot=200, seed=1)
    assert not np.allclose(rates["low"], other_seed["low"]) or not np.allclose(rates["high"], other_seed["high"])


def test_without_an_except_column_nothing_is_taken_back():
    # "XXXX" (a redaction mark in a news text) is a word like any other.
    sentences = frame([("A", "a1", "Kyiv XXXX Kyiv")])
    rates = keywords.naming_rates(sentences, naming=NAMING.iloc[:1], n_boot=10)
    assert rates["hits"].tolist() == [2]


def test_an_empty_naming_table_gives_an_empty_table():
    rates = keywords.naming_rates(naming_sentences(), naming=NAMING.iloc[:0], n_boot=10)
    assert rates.empty and list(rates.columns) == RATE_COLUMNS


@pytest.mark.parametrize("column", ["voice", "article_id"])
def test_a_sentence_with_no_group_or_no_unit_is_refused_by_name(column):
    # Neither counted in a group it may not belong to, nor dropped in silence: refused, with the rows.
    frame = pd.DataFrame({"voice": ["A", "A", "B", "B"], "article_id": ["a1", "a1", "b1", "b2"],
                          "text": ["Tanks rolled.", "Peace talks.", "Peace.", "Talks."]})
    frame.loc[1, column] = None
    with pytest.raises(ValueError, match=r"^1 sentences have no 'voice' or no 'article_id' \(rows \[1\]\)"):
        keywords.count_terms(frame)



def test_the_rows_named_stop_at_three_and_say_there_are_more():
    frame = pd.DataFrame({"voice": [None, None, None, "A", None], "article_id": ["a1", "a2", "a3", "a4", "a5"],
                          "text": ["One.", "Two.", "Three.", "Four.", "Five."]})
    with pytest.raises(ValueError, match=r"^4 sentences have no 'voice' or no 'article_id' \(rows \[0, 1, 2\], \.\.\.\): "
                                         r"each must be in one unit and one group; drop or fill them first$"):
        keywords.count_terms(frame)
    three = frame.drop(index=4)
    with pytest.raises(ValueError, match=r"^3 sentences have no 'voice' or no 'article_id' \(rows \[0, 1, 2\]\): each"):
        keywords.count_terms(three)


def test_the_plots_are_still_reachable_from_keywords_and_nothing_else_is_invented():
    from presslens import plots

    assert keywords.plot_log_odds is plots.plot_log_odds and keywords.plot_naming is plots.plot_naming
    with pytest.raises(AttributeError, match=r"^module 'presslens.keywords' has no attribute 'plot_monthly'$"):
        keywords.plot_monthly  # noqa: B018  (in plots, but not one of the two kept here)
