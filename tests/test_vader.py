"""presslens.vader gives nltk's VADER compound exactly: on every study and NewsMTSC sentence, and on
generated sentences crowded with the cases its rules treat specially."""
import random

import numpy as np
import pandas as pd
import pytest

from presslens import io, sentiment, vader

# Words that VADER's rules react to, and a few ordinary ones.
RULE_WORDS = [
    "good", "bad", "great", "terrible", "war", "love", "hate", "kind", "of", "sort", "the", "shit", "bomb", "ass",
    "yeah", "right", "cut", "mustard", "kiss", "death", "hand", "to", "mouth", "never", "so", "this", "but",
    "least", "at", "very", "not", "isn't", "dont", "without", "no", "just", "enough", "extremely", "barely",
    "kinda", "NATO", "Russia", "a", "I", "!", "?", "!!", "...", ":)", ":(", ":-)", "<3", "lol", "killed", "peace",
]
MARKS = ["", "", "", ".", ",", "!", "?", "!!", "?!", "?!?", "'", '"', "(", ")", "-", ":", ";", "...", "!?!?"]


def generated_sentences(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    lexicon = sorted(sentiment.analyzer().lexicon)

    def token():
        word = rng.choice(RULE_WORDS) if rng.random() < 0.7 else rng.choice(lexicon)
        r = rng.random()
        word = word.upper() if r < 0.15 else word.capitalize() if r < 0.25 else word
        if rng.random() < 0.3:
            mark = rng.choice(MARKS)
            word = mark + word if rng.random() < 0.5 else word + mark
        return word

    return [" ".join(token() for _ in range(rng.randint(1, 14))) for _ in range(n)]


EDGE_CASES = [
    "", " ", "a", "!!!", "good good GOOD", "kind of good", "not so good", "never so good", "never this good",
    "the shit", "yeah right good", "cut the mustard", "at least good", "very least good", "least good",
    "GOOD but BAD!!", "good BUT bad??", "It is not bad at all!!!!!", "good??? bad???", "(good) 'bad' \"great\"",
    "Russia's  war  kills", "Ruſſia İs GREAT", "I LOVE it", "KIND OF great", "sort of good", "just enough good",
]


def nltk_compound(texts):
    reference = sentiment.nltk_reference()
    return np.array([reference.polarity_scores(t)["compound"] for t in texts])


def test_identical_to_nltk_on_every_study_sentence(study):
    texts = study.sentences["text"].tolist()
    assert len(texts) > 80_000
    assert np.abs(np.array(vader.Scorer(sentiment.analyzer().lexicon).compounds(texts)) - nltk_compound(texts)).max() == 0


def test_identical_to_nltk_on_every_newsmtsc_sentence(study):
    texts = pd.concat([io.read_newsmtsc(s) for s in ("train", "devtest_mt", "devtest_rw")])["text"].tolist()
    assert len(texts) > 11_000
    assert np.abs(sentiment.polarity(texts) - nltk_compound(texts)).max() == 0


def test_identical_to_nltk_on_generated_edge_cases():
    texts = generated_sentences(20_000) + EDGE_CASES
    ours, theirs = sentiment.polarity(texts), nltk_compound(texts)
    assert (theirs != 0).mean() > 0.9  # the sentences exercise the rules, not just zeros
    assert np.array_equal(ours, theirs)


def test_the_comparison_can_fail():
    # A scorer with one valence changed must be caught by the same comparison.
    lexicon = dict(sentiment.analyzer().lexicon, good=2.0)
    texts = generated_sentences(2_000) + EDGE_CASES
    assert not np.array_equal(np.array(vader.Scorer(lexicon).compounds(texts)), nltk_compound(texts))


def test_a_full_memo_is_emptied_without_changing_scores(monkeypatch):
    monkeypatch.setattr(vader, "MEMO_SIZE", 16)
    scorer = vader.Scorer(sentiment.analyzer().lexicon)
    texts = generated_sentences(500, seed=3)
    assert np.array_equal(np.array(scorer.compounds(texts)), nltk_compound(texts))
    assert len(scorer._memo) <= 16


@pytest.mark.parametrize("token, word", [
    ("Ukraine.", "Ukraine"), ('"war', "war"), ("!!ok", "ok"), ("ok?!?", "ok"), ("?!ok", "?!ok"),
    ("(NATO)", "(NATO)"), ("U.S.", "U.S."), ("a.", "a."), (":)", ":)"), ("don't", "don't"), ("'tis'", "'tis'"),
])
def test_strip_token_follows_nltk(token, word):
    from nltk.sentiment.vader import SentiText, VaderConstants

    assert vader.strip_token(token) == word
    nltk_words = SentiText(token, VaderConstants.PUNC_LIST, VaderConstants.REGEX_REMOVE_PUNCTUATION).words_and_emoticons
    assert nltk_words == [word]
