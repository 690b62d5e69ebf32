"""The model's inputs: the sentence with the target marked, the words next to it, the cue counts and
VADER scores (and, in :mod:`presslens.stance.encoder`, sentence embeddings)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from presslens import sentiment
from presslens import targets as targets_module
from presslens.stance.annotations import TARGETS, canonical_target
from presslens.stance.rules import _cue_table, _windows, cue_counts

TARGET_TOKEN, OTHER_TOKEN = "xxtarget", "xxother"


def mark_target(texts, target, *, found=None) -> list[str]:
    """Return the texts with each mention of the target replaced by a marker, the other target's by another.

    ``found`` is the :func:`presslens.targets.mentions` table of ``texts`` for both targets, if
    already at hand.

    >>> mark_target(["Putin said NATO's expansion threatens Russia."], "NATO")
    ['xxother said xxtarget expansion threatens xxother.']
    """
    target = canonical_target(target)
    texts = sentiment.check_texts(texts)
    if found is None:
        found = targets_module.mentions(texts, list(TARGETS))
    out = list(texts)
    # From the last mention back, so that earlier offsets stay valid.
    for i, start, end, name in sorted(
        zip(found["text_index"].tolist(), found["start"].tolist(), found["end"].tolist(), found["target"].tolist()),
        key=lambda row: (row[0], -row[1]),
    ):
        if name in TARGETS:
            out[i] = out[i][:start] + (TARGET_TOKEN if name == target else OTHER_TOKEN) + out[i][end:]
    return out


EMBEDDING_COLUMNS = [f"sentence_{i}" for i in range(384)] + [f"target_{i}" for i in range(384)]


def features(texts, target, *, found=None, compound=None, embeddings: bool = True) -> pd.DataFrame:
    """Return the model's input table: the marked text and the numeric features, per text.

    ``found`` (the :func:`presslens.targets.mentions` table of ``texts`` for NATO and Russia) and
    ``compound`` (:func:`presslens.sentiment.polarity` of ``texts``) may be passed by a caller
    that has them already, as the pipeline does; they are not recomputed then. With
    ``embeddings`` (the default) the table also holds the sentence and target embeddings of
    :func:`presslens.stance.encoder.pair_vectors` (``EMBEDDING_COLUMNS``); a model without its
    embedding part (``embedding_weight=0``) does not need them.
    """
    target = canonical_target(target)
    texts = sentiment.check_texts(texts)
    if found is None:
        found = targets_module.mentions(texts, list(TARGETS))
    spans = [[] for _ in texts]
    mine = found[found["target"] == target]
    for i, start, end in zip(mine["text_index"].tolist(), mine["start"].tolist(), mine["end"].tolist()):
        spans[i].append((start, end))
    windows = [_windows(t, s) for t, s in zip(texts, spans)]
    counts = _cue_table(texts, spans, windows)
    numeric = counts.add_prefix(f"{target}:")  # the same cue may mean different things per target
    numeric = pd.concat([numeric, counts.add_prefix("any:")], axis=1)
    compound = sentiment.polarity(texts) if compound is None else np.asarray(compound, dtype=float)
    score = sentiment.scorer().compound

    def window_score(i, window):  # a clause that is the whole sentence has the sentence's score
        return float(compound[i]) if window == texts[i] else score(window)

    # The mean over a text's windows, as sentiment.toward takes it (np.mean of one score is the score).
    numeric[f"{target}:vader_window"] = [
        window_score(i, ws[0]) if len(ws) == 1 else float(np.mean([window_score(i, w) for w in ws])) if ws else 0.0
        for i, ws in enumerate(windows)
    ]
    numeric[f"{target}:vader_sentence"] = compound
    marked = mark_target(texts, target, found=found)
    text_columns = pd.DataFrame(
        {
            "target": target,
            "marked": [f"xx{target.lower()} " + t for t in marked],
            "context": [context_tokens(t, target) for t in marked],
        },
        index=range(len(texts)),
    )
    parts = [text_columns, numeric]
    if embeddings:
        from presslens.stance import encoder

        vectors = encoder.pair_vectors(texts, spans)
        parts.append(pd.DataFrame(vectors, columns=EMBEDDING_COLUMNS, index=range(len(texts))))
    return pd.concat(parts, axis=1)


_CONTEXT_WORD = re.compile(r"[\w'-]+")
CONTEXT_WORDS = 3


def context_tokens(marked: str, target: str) -> str:
    """Return the words next to each marked mention as position tokens, tagged with the target.

    >>> context_tokens("sanctions against xxtarget troops shelled it", "Russia")
    'russia_L2_sanctions russia_L1_against russia_R1_troops russia_R2_shelled russia_R3_it'
    """
    if "\u0130" in marked:  # İ lowercases to two characters, the second not a word character
        words = [w.lower() for w in _CONTEXT_WORD.findall(marked)]
    else:  # the same words, found in one pass over the lowercased text
        words = _CONTEXT_WORD.findall(marked.lower())
    out = []
    marks = [i for i, word in enumerate(words) if word == TARGET_TOKEN] if TARGET_TOKEN in words else []
    for i in marks:
        for k in range(CONTEXT_WORDS, 0, -1):
            if i - k >= 0:
                out.append(f"{target.lower()}_L{k}_{words[i - k]}")
        for k in range(1, CONTEXT_WORDS + 1):
            if i + k < len(words):
                out.append(f"{target.lower()}_R{k}_{words[i + k]}")
    return " ".join(out)


def _numeric_columns():
    template = cue_counts([""], "NATO").columns
    names = []
    for target in TARGETS:
        names += [f"{target}:{c}" for c in template] + [f"{target}:vader_window", f"{target}:vader_sentence"]
    return names + [f"any:{c}" for c in template]


def annotation_features(table: pd.DataFrame, *, embeddings: bool = True) -> pd.DataFrame:
    """Return :func:`features` for annotated rows (each row with its own target), in row order."""
    parts = []
    for target in TARGETS:
        rows = table.index[table["target"] == target]
        if len(rows):
            parts.append(features(table.loc[rows, "text"].tolist(), target, embeddings=embeddings).set_index(rows))
    return pd.concat(parts).loc[table.index].reset_index(drop=True)
