"""Property-based tests (hypothesis) of the invariants the analyses rely on: generated inputs, a
fixed number of examples and derandomised, so a run is the same on every machine."""
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import presslens
from presslens import cleaning, sentiment, stats, vader

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

groups_and_values = st.integers(min_value=2, max_value=12).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(min_value=-5, max_value=5, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.sampled_from(["x", "y"]), min_size=n, max_size=n).filter(lambda g: len(set(g)) == 2),
    )
)


@SETTINGS
@given(groups_and_values)
def test_permutation_p_is_in_0_1_and_blind_to_the_names_of_the_groups(data):
    values, groups = data
    difference, p = stats.permutation_test(values, groups, n_perm=99)
    assert 0 < p <= 1
    swapped = ["y" if g == "x" else "x" for g in groups]
    difference2, p2 = stats.permutation_test(values, swapped, n_perm=99)
    assert p2 == p and difference2 == pytest.approx(-difference)


clustered_values = st.integers(min_value=2, max_value=8).flatmap(
    lambda n_articles: st.lists(
        st.tuples(st.integers(min_value=0, max_value=n_articles - 1), st.floats(min_value=-1, max_value=1, allow_nan=False)),
        min_size=3, max_size=40,
    ).filter(lambda rows: len({a for a, _ in rows}) >= 2)
)


@SETTINGS
@given(clustered_values)
def test_every_cluster_bootstrap_interval_contains_its_estimate(rows):
    articles, values = zip(*rows)
    mean, low, high = stats.mean_ci(list(values), list(articles), n_boot=200)
    assert mean == pytest.approx(np.mean(values))
    assert low <= mean + 1e-12 and mean <= high + 1e-12


@SETTINGS
@given(st.lists(st.sampled_from(["FAVOR", "AGAINST", "NONE"]), min_size=2, max_size=30), st.data())
def test_every_share_interval_contains_its_share(labels, data):
    articles = data.draw(st.lists(st.integers(0, 5), min_size=len(labels), max_size=len(labels)))
    share, low, high = stats.mean_ci(np.asarray(labels) == "AGAINST", articles if len(set(articles)) > 1 else None, n_boot=200)
    assert low <= share <= high


WORDS = ["nato", "russia", "kyiv", "talks", "grain", "sanctions", "summit", "troops", "border", "peace"]
articles_strategy = st.lists(
    st.tuples(st.sampled_from(["2022-02-01", "2022-02-02", "2022-02-03"]),
              st.lists(st.sampled_from(WORDS), min_size=1, max_size=40),
              st.sampled_from(["https://a.org/1", "https://a.org/2", "https://b.org/1", ""])),
    min_size=1, max_size=12,
)


def _frame(rows):
    frame = pd.DataFrame(
        [(f"id{i:02d}", date, url, " ".join(words)) for i, (date, words, url) in enumerate(rows)],
        columns=["article_id", "date", "url", "text"],
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@SETTINGS
@given(articles_strategy, st.randoms(use_true_random=False))
def test_deduplication_is_idempotent_and_blind_to_input_order(rows, random):
    frame = _frame(rows)
    report = cleaning.find_duplicates(frame).sort_values("article_id").reset_index(drop=True)
    shuffled = frame.sample(frac=1, random_state=random.randint(0, 10_000)).reset_index(drop=True)
    again = cleaning.find_duplicates(shuffled).sort_values("article_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(report, again)
    kept = frame[~frame["article_id"].isin(report["article_id"])]
    assert cleaning.find_duplicates(kept).empty
    assert set(report["kept_id"]) <= set(kept["article_id"])


FILE_KINDS = st.lists(st.sampled_from(["good", "copy", "bad date", "no body", "bad url", "bad json line"]), min_size=1, max_size=10)


@SETTINGS
@given(FILE_KINDS)
def test_every_record_seen_is_loaded_rejected_or_a_duplicate(tmp_path_factory, kinds):
    folder = tmp_path_factory.mktemp("corpus")
    seen = 0
    good = 0
    for i, kind in enumerate(kinds):
        if kind in ("good", "copy") and (kind == "good" or good == 0):
            good += 1
            (folder / f"{i:02d}.txt").write_text(f"Title {i}\n202202{good:02d}\nhttps://example.org/{i}\nStory number {good} here.\n")
        elif kind == "copy":  # the words of story 1, at another address, later
            (folder / f"{i:02d}.txt").write_text(f"Copy {i}\n20220301\nhttps://mirror.org/{i}\nStory number 1 here.\n")
        elif kind == "bad date":
            (folder / f"{i:02d}.txt").write_text(f"Title {i}\n2022-02-01\nhttps://example.org/{i}\nA sentence.\n")
        elif kind == "no body":
            (folder / f"{i:02d}.txt").write_text(f"Title {i}\n20220201\nhttps://example.org/{i}\n")
        elif kind == "bad url":
            (folder / f"{i:02d}.txt").write_text(f"Title {i}\n20220201\nno address\nA sentence.\n")
        else:
            (folder / f"{i:02d}.jsonl").write_text('{"title": "T", "date": "2022-02-01", "text": "Wire."}\n{"title": \n')
            seen += 1  # the good line of this file
        seen += 1
    corpus = presslens.load(folder, errors="report")
    assert len(corpus.articles) + len(corpus.rejected) + len(corpus.duplicates) == seen


printable_words = st.lists(
    st.one_of(st.sampled_from(sorted(sentiment.analyzer().lexicon)[:4000]),
              st.sampled_from(["not", "never", "but", "very", "kind", "of", "!!", "?", "NATO", "GOOD", "bad", ":)"]),
              st.text(alphabet=string.ascii_letters + "!?.,'", min_size=1, max_size=8)),
    min_size=0, max_size=15,
)


@SETTINGS
@given(printable_words)
def test_presslens_vader_equals_nltk_on_generated_sentences(words):
    text = " ".join(words)
    reference = sentiment.nltk_reference()
    expected = reference.polarity_scores(text)["compound"]
    assert vader.Scorer(sentiment.analyzer().lexicon).compounds([text])[0] == expected
