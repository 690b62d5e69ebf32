"""How the language around NATO and Russia reads: VADER sentence and target-window sentiment.

VADER (Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text", ICWSM) scores a text from a lexicon of word valences with rules for negation,
intensifiers, "but" and capitals; its ``compound`` is the normalised sum in [-1, 1]. The rules are
nltk's ``SentimentIntensityAnalyzer``'s, run by :class:`presslens.vader.Scorer`, which gives nltk's
compound to the last digit about ten times faster (tested on every study and NewsMTSC sentence);
the lexicon is the file that the vaderSentiment wheel ships (no ``nltk.download``), pinned by its
SHA-256.

Warning: a lexicon knows words, not events. Reports of war are full of "killed", "attack" and
"war", so nearly every war sentence reads negative whoever is blamed; and phrases VADER lacks
("hit out at", "destabilising role") can read positive. Use ``toward`` for the language near a
target, and the stance module for what a sentence says about it.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache

import numpy as np

from presslens import targets as targets_module

LEXICON_SHA256 = "1ec9c6e9ee19aade328f8beb393a6afa71a5bb3acf7d3cc22d4ef568df374bf5"

# Words of war reporting that VADER's lexicon lacks, valued on VADER's -4..+4 scale by analogy
# with entries it has ("killed" -3.5, "torture" -2.9, "destroyed" -2.2, "hero" 2.6).
WAR_WORDS = {
    "slaughter": -3.5, "slaughtered": -3.5, "massacre": -3.5, "massacred": -3.5,
    "atrocity": -3.2, "atrocities": -3.2, "genocide": -3.7,
    "shelled": -2.5, "shelling": -2.5, "bombarded": -2.5, "bombing": -2.5, "bombed": -2.5,
    "invaded": -2.3, "invasion": -2.3, "invade": -2.3, "invaders": -2.5,
    "occupiers": -2.0, "annexed": -1.8, "annexation": -1.8, "looted": -2.5, "looting": -2.5,
    "deported": -2.0, "casualties": -2.2, "wounded": -2.0, "deaths": -2.6,
    "destabilising": -1.8, "destabilizing": -1.8, "mercenaries": -1.5,
    "liberated": 1.8, "liberation": 1.8, "victory": 2.4,
}
# Event words that make every war sentence negative whoever does what to whom.
EVENT_WORDS = (
    "war", "wars", "killed", "kill", "killing", "attack", "attacked", "attacks", "fighting",
    "died", "death", "deaths", "crisis", "strike", "strikes", "conflict", "invasion", "destroyed",
    "injured", "wounded", "casualties", "shelling",
)
PATCHES = (None, "war-words", "mask-events", "war-words+mask-events")

# Where a clause ends: punctuation, or a conjunction that starts a new clause.
_CLAUSE_BREAK = re.compile(r"[;:,()\"]|\s[-]\s|\s(?=(?:while|whereas|but|although|though|yet|because)\s)", re.IGNORECASE)
_WORD = re.compile(r"\S+")
MIN_CLAUSE_WORDS = 4  # a clause shorter than this ("NATO and Russia") is widened to a word window
WINDOW_WORDS = 8  # words either side of the mention in that wider window


def lexicon_path() -> str:
    """Return the path of the VADER lexicon shipped by the vaderSentiment wheel."""
    import vaderSentiment

    return os.path.join(os.path.dirname(vaderSentiment.__file__), "vader_lexicon.txt")


def nltk_reference():
    """Return nltk's own ``SentimentIntensityAnalyzer``, built by nltk's constructor on the pinned
    lexicon: the reference that tests and benchmarks compare :func:`polarity` with."""
    import nltk
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    nltk.data.path.insert(0, os.path.dirname(lexicon_path()))
    try:
        return SentimentIntensityAnalyzer(lexicon_file="vader_lexicon.txt")
    finally:
        nltk.data.path.pop(0)


@lru_cache(maxsize=8)
def analyzer(patch: str | None = None):
    """Return nltk's VADER analyser on the pinned lexicon, optionally patched for war reporting."""
    if patch not in PATCHES:
        raise ValueError(f"patch must be one of {PATCHES}, not {patch!r}")
    from nltk.sentiment.vader import SentimentIntensityAnalyzer, VaderConstants

    class _PinnedLexiconAnalyzer(SentimentIntensityAnalyzer):
        # nltk's constructor reads the lexicon through nltk.data (its data folders only); the
        # scoring code, the part that matters, is nltk's own and unchanged.
        def __init__(self, lexicon_text):
            self.lexicon_file = lexicon_text
            self.lexicon = self.make_lex_dict()
            self.constants = VaderConstants()

    with open(lexicon_path(), encoding="utf-8") as handle:
        sia = _PinnedLexiconAnalyzer(handle.read().rstrip("\n"))
    if patch and "war-words" in patch:
        sia.lexicon.update(WAR_WORDS)
    if patch and "mask-events" in patch:
        for word in EVENT_WORDS:
            sia.lexicon.pop(word, None)
    return sia


@lru_cache(maxsize=8)
def scorer(patch: str | None = None):
    """Return the fast exact VADER scorer (:class:`presslens.vader.Scorer`) on :func:`analyzer`'s lexicon."""
    from presslens.vader import Scorer

    return Scorer(analyzer(patch).lexicon)


def check_texts(texts) -> list[str]:
    """Return ``texts`` as a list, or raise a ValueError naming the first that is not a string."""
    if isinstance(texts, str):
        raise ValueError("texts must be a list of strings, not one string")
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"text {i} is {type(text).__name__}, not a string")
    return texts


def polarity(texts, *, patch: str | None = None) -> np.ndarray:
    """Return VADER's compound score for each text (identical to nltk's with no patch).

    >>> polarity(["NATO is a great partner.", "Russia attacked Ukraine."]).round(4).tolist()
    [0.6249, -0.4588]
    """
    return np.array(scorer(patch).compounds(check_texts(texts)), dtype=float)


def window(text: str, start: int, end: int) -> str:
    """Return the clause around the span ``start:end``, widened to a word window if very short.

    >>> window("NATO welcomed the plan, while Russia attacked Kyiv.", 30, 36)
    'while Russia attacked Kyiv.'
    """
    left = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, start):
        left = match.end()
    stop = _CLAUSE_BREAK.search(text, end)
    right = stop.start() if stop else len(text)
    clause = text[left:right].strip()
    if len(clause.split()) >= MIN_CLAUSE_WORDS:
        return clause
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    inside = [i for i, (s, e) in enumerate(words) if e > start and s < end] or [0]
    first = max(0, inside[0] - WINDOW_WORDS)
    last = min(len(words) - 1, inside[-1] + WINDOW_WORDS)
    return text[words[first][0]:words[last][1]] if words else text


def toward_spans(texts, spans, *, patch: str | None = None) -> np.ndarray:
    """Return the mean window score over each text's ``(start, end)`` spans; NaN where none."""
    compound = scorer(patch).compound
    out = np.full(len(texts), np.nan)
    for i, (text, text_spans) in enumerate(zip(texts, spans)):
        windows = sorted({window(text, s, e) for s, e in text_spans})
        if windows:
            out[i] = np.mean([compound(w) for w in windows])
    return out


def toward(texts, target, *, lexicon=None, patch: str | None = None) -> np.ndarray:
    """Return one target-window score per text: VADER on the clause around each mention.

    ``target`` is a name from the target lexicon (case-insensitive, with all its aliases) or any
    literal mention ("Trump", "the FBI"), or a list with one of these per text. ``lexicon`` is a
    path or a DataFrame like ``data/targets.csv`` (default: that file), for targets of your own. NaN
    where the text does not mention the target.

    >>> toward(["NATO welcomed the plan, while Russia attacked Kyiv."], "NATO").round(4).tolist()
    [0.34]
    >>> toward(["NATO welcomed the plan, while Russia attacked Kyiv."], "russia").round(4).tolist()
    [-0.4588]
    """
    texts = check_texts(texts)
    per_text = [target] * len(texts) if isinstance(target, str) else list(target)
    if len(per_text) != len(texts):
        raise ValueError(f"{len(per_text)} targets for {len(texts)} texts")
    lexicon = targets_module.as_lexicon(lexicon)
    known = {t.lower(): t for t in lexicon["target"]}
    spans = [[] for _ in texts]
    for name in sorted(set(per_text)):
        rows = [i for i, t in enumerate(per_text) if t == name]
        if name.lower() in known:
            found = targets_module.mentions([texts[i] for i in rows], known[name.lower()], lexicon=lexicon)
            for j, s, e in zip(found["text_index"], found["start"], found["end"]):
                spans[rows[j]].append((s, e))
        else:
            pattern = targets_module.literal_pattern(name)
            for i in rows:
                spans[i].extend((m.start(), m.end()) for m in pattern.finditer(texts[i]))
    return toward_spans(texts, spans, patch=patch)


NEUTRAL_BAND = 0.05  # VADER's own: |compound| < 0.05 is neutral (Hutto & Gilbert 2014)
# Macro-F1 of the NewsMTSC paper's best neural model (Hamborg & Donnay 2021, table 4), for reference.
NEWSMTSC_PAPER_F1 = {"devtest_rw": 83.1, "devtest_mt": 82.5}


def to_label(compound, threshold: float = NEUTRAL_BAND) -> np.ndarray:
    """Map compound scores to negative / neutral / positive with VADER's band (default +-0.05)."""
    compound = np.asarray(compound, dtype=float)
    return np.where(compound >= threshold, "positive", np.where(compound <= -threshold, "negative", "neutral"))


METHODS = {
    "sentence VADER": ("sentence", None),
    "target-window VADER": ("window", None),
    "target-window VADER + war words": ("window", "war-words"),
    "target-window VADER, event words masked": ("window", "mask-events"),
}
THRESHOLDS = np.round(np.arange(0.05, 0.80, 0.05), 2)


def score_newsmtsc(frame, method: str) -> np.ndarray:
    """Return compound scores for NewsMTSC rows with one of :data:`METHODS`.

    Target windows use the gold span of each row's target (``start``, ``end``).
    """
    kind, patch = METHODS[method]
    texts = frame["text"].tolist()
    if kind == "sentence":
        return polarity(texts, patch=patch)
    spans = [[(s, e)] for s, e in zip(frame["start"], frame["end"])]
    return toward_spans(texts, spans, patch=patch)


def tune_threshold(scores, gold) -> float:
    """Return the neutral band (from :data:`THRESHOLDS`) with the best macro-F1 on ``gold``."""
    from presslens.stats import macro_f1

    results = [(macro_f1(gold, to_label(scores, t)), -t) for t in THRESHOLDS]
    return float(-max(results)[1])


def evaluate_newsmtsc(*, n_boot: int = 1000) -> "pd.DataFrame":
    """Macro-F1 with bootstrap 95% intervals on NewsMTSC devtest_rw and devtest_mt.

    For each method the neutral band is VADER's default (0.05) and, separately, the band tuned on
    ``train`` only; the devtest sets are never used to choose anything. The intervals resample
    sentences, each with all its targets (NewsMTSC does not say which article a sentence is from).
    """
    import pandas as pd

    from presslens import io
    from presslens.stats import bootstrap_ci, macro_f1

    train = io.read_newsmtsc("train")
    tests = {split: io.read_newsmtsc(split) for split in ("devtest_rw", "devtest_mt")}
    rows = []
    for method in METHODS:
        tuned = tune_threshold(score_newsmtsc(train, method), train["label"].to_numpy())
        for split, frame in tests.items():
            scores = score_newsmtsc(frame, method)
            gold = frame["label"].to_numpy()
            for band_name, band in (("default 0.05", 0.05), (f"tuned on train {tuned:.2f}", tuned)):
                est, low, high = bootstrap_ci(macro_f1, gold, to_label(scores, band), clusters=frame["text"].to_numpy(), n_boot=n_boot)
                rows.append(
                    {"method": method, "band": band_name, "split": split, "n": len(frame),
                     "macro_f1": 100 * est, "low": 100 * low, "high": 100 * high}
                )
    return pd.DataFrame(rows)
