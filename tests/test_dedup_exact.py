"""Exact tests of cleaning's deduplication: ``_url_key``, ``shingle_matrix``, ``_near_pairs`` and
every column of ``find_duplicates``' report.

Each expected value is worked out by hand in a comment, or comes from a plain-Python reference
(word 5-gram sets and their Jaccard similarity computed with ``set``), never from the code's own
output. They guard what the mutation tests of issue 18 found unguarded: URL normalisation, the
shingle count of each text (the 30-word floor, the text boundaries, a binary matrix, no hash
collisions), the order of the pairs, the order of the passes, chains of copies, ties in dates,
the rounding of the similarity and empty inputs.
"""
import random
import warnings

import numpy as np
import pandas as pd
import pytest

from presslens import cleaning

COLUMNS = ["article_id", "kept_id", "reason", "similarity"]


def _articles(rows):
    frame = pd.DataFrame(rows, columns=["article_id", "date", "url", "text"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _rows(report):
    """The report as sorted tuples, so that a comparison says which row differs."""
    assert list(report.columns) == COLUMNS
    return sorted(tuple(row) for row in report.itertuples(index=False))


def _words(prefix, n, start=0):
    return [f"{prefix}{i}" for i in range(start, start + n)]


def _shingles(words):
    """Reference: the set of word 5-grams of a text, empty under 30 words (the documented floor)."""
    if len(words) < 30:
        return set()
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


def _jaccard(a, b):
    a, b = _shingles(a), _shingles(b)
    return len(a & b) / len(a | b)


# --- _url_key --------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, key", [
    # By hand: strip spaces, lower-case, cut the #fragment, drop "http://" or "https://" and a
    # "www." right after it, then the trailing slashes.
    ("https://example.org/news/1", "example.org/news/1"),
    ("http://example.org/news/1", "example.org/news/1"),
    ("HTTPS://WWW.Example.ORG/News/1/", "example.org/news/1"),
    ("  https://example.org/a  ", "example.org/a"),
    ("https://example.org/a#comments", "example.org/a"),
    ("https://example.org/a#b#c", "example.org/a"),  # the fragment starts at the first "#"
    ("https://example.org/a/#top", "example.org/a"),  # fragment cut before the slash is dropped
    ("https://example.org/a//", "example.org/a"),  # every trailing slash
    ("https://example.org/a?id=3", "example.org/a?id=3"),  # the query is part of the address
    ("example.org/a/", "example.org/a"),  # no scheme
    ("www.example.org/a", "www.example.org/a"),  # "www." only goes with a scheme
    ("https://wwwexample.org/a", "wwwexample.org/a"),  # "www" without its dot is the host's name
    ("ftp://example.org/a", "ftp://example.org/a"),  # only http and https are dropped
    ("https://example.org/http://x", "example.org/http://x"),  # only a leading scheme
    ("", ""),
    ("https://", ""),  # a bare scheme is no address: such articles share no URL
    ("HTTP://www./", ""),
])
def test_url_key_normalises_by_hand(url, key):
    assert cleaning._url_key(url) == key


# --- shingle_matrix --------------------------------------------------------------------------------

def test_a_text_of_exactly_30_words_has_26_shingles_and_one_of_29_none():
    # 30 distinct words: 5-grams start at 0..25, so 26; 29 words fall under the 30-word floor.
    matrix = cleaning.shingle_matrix([_words("w", 30), _words("v", 29)])
    assert matrix.shape == (2, 26)
    assert np.diff(matrix.indptr).tolist() == [26, 0]


def test_shingles_do_not_cross_from_one_text_into_the_next():
    # Two texts of 30 distinct words each: 26 + 26 shingles, none shared, and none made of the
    # end of the first text and the start of the second (those would be 4 more).
    matrix = cleaning.shingle_matrix([_words("w", 30), _words("w", 30, start=30)])
    assert matrix.shape == (2, 52)
    assert (matrix @ matrix.T).toarray().tolist() == [[26, 0], [0, 26]]


def test_short_texts_get_empty_rows_in_their_own_places():
    # Rows 0 and 2 are short (10 words; 4 words, shorter than a shingle): empty. Rows 1 and 3
    # have 35 words: 31 shingles each; row 3 repeats row 1, so 31 columns in all.
    long = _words("w", 35)
    matrix = cleaning.shingle_matrix([_words("s", 10), long, ["a", "b", "c", "d"], long, _words("t", 12)])
    assert matrix.shape == (5, 31)
    assert np.diff(matrix.indptr).tolist() == [0, 31, 0, 31, 0]
    assert (matrix @ matrix.T).toarray()[1, 3] == 31


def test_a_repeated_shingle_counts_once_in_a_binary_matrix():
    # "a b c d e" eight times (40 words): the 36 5-grams are the 5 rotations of "a b c d e".
    matrix = cleaning.shingle_matrix([list("abcde") * 8])
    assert matrix.shape == (1, 5)
    assert matrix.toarray().tolist() == [[1, 1, 1, 1, 1]]
    assert np.issubdtype(matrix.dtype, np.integer)


@pytest.mark.parametrize("words", [[], [["a", "b"]], [_words("s", 29), [], _words("t", 4)]])
def test_no_text_long_enough_gives_an_empty_integer_matrix_with_one_row_per_text(words):
    # No shingle at all: one row per text, nothing in it; a single empty column (a matrix needs
    # one), of the same integer type as when there are shingles.
    matrix = cleaning.shingle_matrix(words)
    assert matrix.shape == (len(words), 1)
    assert matrix.nnz == 0
    assert np.issubdtype(matrix.dtype, np.integer)


def test_shingles_that_differ_in_one_word_anywhere_are_different_columns():
    # B is A (40 distinct words) with its first word changed, C with its last word changed, D
    # with word 20 changed. Each changed word changes the 5-grams that hold it: 1, 1 and 5 of
    # them, so A shares 35, 35 and 31 shingles with B, C and D (a hash that lost the first or
    # the last word of a 5-gram would count these as shared).
    a = _words("w", 40)
    b = ["x"] + a[1:]
    c = a[:-1] + ["y"]
    d = a[:20] + ["z"] + a[21:]
    gram = (cleaning.shingle_matrix([a, b, c, d]) @ cleaning.shingle_matrix([a, b, c, d]).T).toarray()
    assert gram[0].tolist() == [36, 35, 35, 31]
    # B and C: B lost shingle 0, C lost shingle 35: they share the 34 in between.
    assert gram[1, 2] == 34


def _generated_texts(seed):
    """Texts of 20 to 45 words from a 5-word vocabulary (many repeated and near-identical 5-grams),
    some of them edited copies of others, so that overlaps take many values."""
    rng = random.Random(seed)
    vocabulary = ["nato", "russia", "talks", "kyiv", "sanctions"]
    texts = []
    for _ in range(8):
        if texts and rng.random() < 0.5:
            words = list(rng.choice(texts))
            for _ in range(rng.randint(1, 3)):
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
        else:
            words = [rng.choice(vocabulary) for _ in range(rng.randint(20, 45))]
        texts.append(words)
    return texts


@pytest.mark.parametrize("seed", range(6))
def test_shingle_matrix_matches_python_sets_on_generated_texts(seed):
    texts = _generated_texts(seed)
    sets = [_shingles(words) for words in texts]
    matrix = cleaning.shingle_matrix(texts)
    assert matrix.shape == (len(texts), max(1, len(set().union(*sets))))
    assert set(matrix.data.tolist()) <= {1}
    gram = (matrix @ matrix.T).toarray()
    assert gram.tolist() == [[len(s & t) for t in sets] for s in sets]


# --- _near_pairs -----------------------------------------------------------------------------------

def _chain():
    """Three 40-word texts: Q is P's first 36 words and 4 new ones, R is Q with its first 4 words
    replaced. Each has 36 shingles. P and Q share the shingles starting at 0..31 (32): J = 32/40 =
    0.8; Q and R share those starting at 4..35 (32): 0.8; P and R share only P's words 4..35, 32
    words, so 28 shingles: J = 28 / (72 - 28) = 0.636."""
    p = _words("p", 40)
    q = p[:36] + _words("q", 4)
    r = _words("r", 4) + q[4:]
    return p, q, r


def test_the_chain_fixture_has_the_hand_counted_jaccard():
    p, q, r = _chain()
    assert (_jaccard(p, q), _jaccard(q, r), _jaccard(p, r)) == (0.8, 0.8, 28 / 44)


def test_near_pairs_yields_later_earlier_similarity_in_order():
    p, q, r = _chain()
    # Pairs in the order of (earlier index, later index): (P, Q), (P, R), (Q, R).
    assert list(cleaning._near_pairs(["P", "Q", "R"], [p, q, r], 0.6)) == [
        ("Q", "P", 0.8), ("R", "P", pytest.approx(28 / 44)), ("R", "Q", 0.8)]
    assert list(cleaning._near_pairs(["P", "Q", "R"], [p, q, r], 0.8)) == [("Q", "P", 0.8), ("R", "Q", 0.8)]
    assert list(cleaning._near_pairs(["P", "Q", "R"], [p, q, r], 0.81)) == []


def test_near_pairs_names_the_texts_by_the_ids_given():
    p, q, r = _chain()
    # Same texts in the order R, P, Q: indices 0, 1, 2. Pairs by index: (0, 1) R-P 0.636,
    # (0, 2) R-Q 0.8, (1, 2) P-Q 0.8; each yields (later id, earlier id).
    assert list(cleaning._near_pairs(["r", "p", "q"], [r, p, q], 0.6)) == [
        ("p", "r", pytest.approx(28 / 44)), ("q", "r", 0.8), ("q", "p", 0.8)]


def test_near_pairs_of_texts_of_different_sizes():
    # A has 40 words (36 shingles), B is A's first 34 words (30 shingles, all in A): J = 30/36.
    a = _words("w", 40)
    found = list(cleaning._near_pairs(["a", "b"], [a, a[:34]], 0.8))
    assert found == [("b", "a", pytest.approx(30 / 36))]
    assert isinstance(found[0][2], float)


def test_near_pairs_never_pairs_a_text_with_itself_or_short_texts():
    a = _words("w", 40)
    assert list(cleaning._near_pairs(["a"], [a], 0.5)) == []
    assert list(cleaning._near_pairs(["s", "t"], [_words("s", 10), _words("s", 10)], 0.5)) == []
    assert list(cleaning._near_pairs([], [], 0.5)) == []


@pytest.mark.parametrize("seed", range(6))
def test_near_pairs_match_python_sets_on_generated_texts(seed):
    texts = _generated_texts(seed)
    ids = [f"t{i}" for i in range(len(texts))]
    for threshold in (0.3, 0.6, 0.9):
        expected = [
            (ids[j], ids[i], pytest.approx(_jaccard(texts[i], texts[j])))
            for i in range(len(texts)) for j in range(i + 1, len(texts))
            if _shingles(texts[i]) & _shingles(texts[j]) and _jaccard(texts[i], texts[j]) >= threshold
        ]
        assert list(cleaning._near_pairs(ids, texts, threshold)) == expected


# --- find_duplicates -------------------------------------------------------------------------------

A40 = " ".join(_words("alpha", 40))
A_NEAR = " ".join(_words("alpha", 36) + _words("beta", 4))  # J with A40 = 32/40 = 0.8 (see _chain)


def test_an_empty_table_gives_an_empty_report_with_the_four_columns():
    report = cleaning.find_duplicates(_articles([]))
    assert list(report.columns) == COLUMNS and report.empty


def test_no_duplicates_gives_an_empty_report_with_the_four_columns():
    report = cleaning.find_duplicates(_articles([
        ("a", "2022-01-01", "https://x.org/a", A40),
        ("b", "2022-01-02", "https://x.org/b", "A short text."),
    ]))
    assert list(report.columns) == COLUMNS and report.empty


def test_every_column_of_the_report_on_a_hand_made_table():
    articles = _articles([
        ("a", "2022-01-01", "https://x.org/a", A40),
        ("b", "2022-01-02", "https://x.org/b", A40.upper().replace(" ", ", ")),  # same words
        ("c", "2022-01-03", "http://www.x.org/a/", "Other words, same address."),
        ("d", "2022-01-04", "https://x.org/d", A_NEAR),
        ("e", "2022-01-05", "", "A short note."),
        ("f", "2022-01-06", "", "Another short note."),  # no URL is not a repeated URL
    ])
    assert _rows(cleaning.find_duplicates(articles)) == [
        ("b", "a", "exact copy", 1.0),
        ("c", "a", "repeated URL", 1.0),
        ("d", "a", "near duplicate", 0.8),
    ]


def test_the_report_does_not_depend_on_the_frame_index():
    articles = _articles([
        ("a", "2022-01-01", "https://x.org/a", A40),
        ("b", "2022-01-02", "https://x.org/b", A40.lower()),
        ("c", "2022-01-03", "https://x.org/a", "Other words."),
    ])
    shuffled = articles.iloc[[2, 0, 1]].set_axis([10, 30, 20])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = cleaning.find_duplicates(shuffled)
    assert _rows(report) == [("b", "a", "exact copy", 1.0), ("c", "a", "repeated URL", 1.0)]


def test_the_passes_run_in_order_exact_copy_then_url_then_near():
    articles = _articles([
        ("a", "2022-01-01", "https://x.org/a", A40),
        ("b", "2022-01-02", "https://x.org/a", A40),  # same words and same URL: an exact copy
        ("c", "2022-01-03", "https://x.org/a/", A_NEAR),  # same URL and near: a repeated URL
    ])
    assert _rows(cleaning.find_duplicates(articles)) == [
        ("b", "a", "exact copy", 1.0),
        ("c", "a", "repeated URL", 1.0),
    ]


def test_a_chain_through_the_three_passes_points_to_the_article_finally_kept():
    # By hand: exact copies first: D has C's words, so D is dropped for C. URLs next: C has B's
    # URL, so C is dropped for B. Near duplicates last: B is A's near copy (0.8), so B is dropped
    # for A. Each keeps its own reason and similarity, and all point to A.
    articles = _articles([
        ("D", "2022-01-04", "https://x.org/d", "CONVOY SEEN NEAR KYIV!"),
        ("C", "2022-01-03", "https://x.org/b", "Convoy seen near Kyiv."),
        ("B", "2022-01-02", "https://x.org/b/", A_NEAR),
        ("A", "2022-01-01", "https://x.org/a", A40),
    ])
    assert _rows(cleaning.find_duplicates(articles)) == [
        ("B", "A", "near duplicate", 0.8),
        ("C", "A", "repeated URL", 1.0),
        ("D", "A", "exact copy", 1.0),
    ]


def test_later_passes_only_compare_the_articles_earlier_passes_kept():
    # B is dropped as an exact copy of A; C has B's URL but B is gone, and A has another URL:
    # C is kept. E is dropped as A's copy too; its text is near D's, but E is gone: D is kept.
    articles = _articles([
        ("A", "2022-01-01", "https://x.org/a", "Convoy seen near Kyiv."),
        ("B", "2022-01-02", "https://x.org/b", "convoy seen near kyiv"),
        ("C", "2022-01-03", "https://x.org/b", "Other words."),
        ("D", "2022-01-04", "https://x.org/d", A40),
        ("E", "2022-01-05", "https://x.org/a", A_NEAR),
    ])
    assert _rows(cleaning.find_duplicates(articles)) == [
        ("B", "A", "exact copy", 1.0),
        ("E", "A", "repeated URL", 1.0),
    ]


def test_a_near_copy_of_a_dropped_near_copy_is_kept_if_it_is_not_near_a_kept_one():
    # _chain: P~Q and Q~R at 0.8, P and R at 0.636. Q is dropped for P; R is near only Q, which
    # is gone, so R is kept.
    p, q, r = (" ".join(words) for words in _chain())
    articles = _articles([("P", "2022-01-01", "u1", p), ("Q", "2022-01-02", "u2", q), ("R", "2022-01-03", "u3", r)])
    assert _rows(cleaning.find_duplicates(articles)) == [("Q", "P", "near duplicate", 0.8)]


def test_an_article_near_two_kept_ones_is_dropped_for_the_earliest():
    # Dates P, R, Q: P and R are kept (0.636 < 0.8); Q is near both (0.8 each) and is reported
    # once, for the earlier, P.
    p, q, r = (" ".join(words) for words in _chain())
    articles = _articles([("P", "2022-01-01", "u1", p), ("R", "2022-01-02", "u3", r), ("Q", "2022-01-03", "u2", q)])
    assert _rows(cleaning.find_duplicates(articles)) == [("Q", "P", "near duplicate", 0.8)]


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 2, 0]])
def test_on_the_same_date_the_longest_copy_is_kept(order):
    # Same date and words; lengths 19, 23 and 18 characters: "z", the longest, is kept, though
    # its ID is the largest.
    rows = [
        ("m", "2022-01-01", "https://x.org/m", "NATO met in Geneva."),
        ("z", "2022-01-01", "https://x.org/z", "NATO met -- in Geneva!!"),
        ("a", "2022-01-01", "https://x.org/a", "nato met in geneva"),
    ]
    report = cleaning.find_duplicates(_articles([rows[i] for i in order]))
    assert _rows(report) == [("a", "z", "exact copy", 1.0), ("m", "z", "exact copy", 1.0)]


@pytest.mark.parametrize("order", [[0, 1], [1, 0]])
def test_on_the_same_date_and_length_the_smallest_id_is_kept(order):
    rows = [
        ("q", "2022-01-01", "https://x.org/q", "Talks END."),
        ("p", "2022-01-01", "https://x.org/p", "talks end."),
    ]
    assert _rows(cleaning.find_duplicates(_articles([rows[i] for i in order]))) == [("q", "p", "exact copy", 1.0)]


def test_the_earliest_copy_is_kept_before_a_longer_one_or_a_smaller_id():
    articles = _articles([
        ("a", "2022-01-02", "https://x.org/a", "Talks ended in Geneva, finally!"),
        ("b", "2022-01-01", "https://x.org/b", "talks ended in geneva finally"),
    ])
    assert _rows(cleaning.find_duplicates(articles)) == [("a", "b", "exact copy", 1.0)]


def test_texts_without_words_are_not_copies_of_each_other():
    # "", "... !" and "—" have no words: no exact copy; "" and "  " are no URL: no repeated URL.
    articles = _articles([
        ("a", "2022-01-01", "", ""),
        ("b", "2022-01-02", "", "... !"),
        ("c", "2022-01-03", "  ", "—"),
    ])
    assert cleaning.find_duplicates(articles).empty


def test_words_are_compared_lower_cased():
    # The documented rule is lower-cased words (shingle_matrix: "each text's lower-cased words"):
    # "STRASSE" lower-cases to "strasse", which is another word than "straße" (str.lower keeps
    # the "ß"), so these two short texts are not copies; "STRAßE" is the same word as "Straße".
    articles = _articles([
        ("a", "2022-01-01", "https://x.org/a", "Die Straße ist gesperrt."),
        ("b", "2022-01-02", "https://x.org/b", "DIE STRASSE IST GESPERRT."),
        ("c", "2022-01-03", "https://x.org/c", "DIE STRAßE IST GESPERRT."),
    ])
    assert _rows(cleaning.find_duplicates(articles)) == [("c", "a", "exact copy", 1.0)]


def test_the_threshold_is_passed_on_and_the_similarity_rounded_to_3_decimals():
    # 40 words; B keeps A's first 30 and adds 10: shingles at 0..25 shared, 26 of 36 each:
    # J = 26 / 46 = 0.56521... -> 0.565 at threshold 0.5; not a duplicate at the default 0.8.
    a = _words("w", 40)
    b = a[:30] + _words("x", 10)
    articles = _articles([("A", "2022-01-01", "u1", " ".join(a)), ("B", "2022-01-02", "u2", " ".join(b))])
    assert _rows(cleaning.find_duplicates(articles, threshold=0.5)) == [("B", "A", "near duplicate", 0.565)]
    assert cleaning.find_duplicates(articles).empty
