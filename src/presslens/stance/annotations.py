"""The annotations: the label set, reading and joining ``data/stance-annotations.csv``, and the
agreement of the two independent passes."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from presslens import paths, stats
from presslens.corpus import join_sentences, text_hash  # noqa: F401  (text_hash: the stored hash's definition)

LABELS = ("FAVOR", "AGAINST", "NONE")
TARGETS = ("NATO", "Russia")
ANNOTATION_FILE = paths.DATA_DIR / "stance-annotations.csv"
# The out-of-domain test set: headlines shared on news subreddits (never used for training).
HEADLINE_FILE = paths.DATA_DIR / "stance-headlines.csv"
ANNOTATION_COLUMNS = [
    "sentence_id", "target", "voice", "label", "holder", "label_a", "holder_a", "label_b", "holder_b",
    "adjudicated", "reason", "text_sha1", "text", "sample", "round",
]
SAMPLES = ("random", "guided")  # drawn at random within voice and target / picked to enrich FAVOR
# Round 1: the first 4,451 pairs; round 2 (issue 15): 500 guided pairs, 3,986 random ones and the
# headline set; round 3: every Russia pair of the four voices left. Each round: two independent
# passes by AI assistants, disagreements adjudicated by a third (annotation/ has the scripts that
# drew the items and merged the passes).
ROUNDS = ("1", "2", "3")
# Where annotated sentences come from: a corpus voice -> the source that load() reads.
SOURCE_OF_VOICE = {
    "Kremlin": "kremlin", "Ukrainian presidency": "ukraine_president", "Guardian": "guardian", "NYT": "nyt",
}
SEED = stats.SEED


def canonical_target(target) -> str:
    """Return "NATO" or "Russia" for a target name in any case; anything else is a ValueError."""
    if not isinstance(target, str) or target.lower() not in {t.lower() for t in TARGETS}:
        raise ValueError(f"target must be one of {TARGETS} (any case), not {target!r}")
    return {t.lower(): t for t in TARGETS}[target.lower()]


def annotated_pairs(path=None) -> set[tuple[str, str]]:
    """Return the ``(sentence_id, target)`` pairs of the annotation file, read cheaply: two columns,
    no checks, no corpus. Enough to know whether any sentence of a table is annotated (and so
    whether its held-out labels are needed) without training anything."""
    table = pd.read_csv(path or ANNOTATION_FILE, dtype=str, keep_default_na=False, usecols=["sentence_id", "target"])
    return set(zip(table["sentence_id"], table["target"]))


def check_lexicon(target_names, lexicon, *, hint: str = "") -> list[str]:
    """Return the targets of ``target_names`` that have a stance model (NATO, Russia), after checking
    that ``lexicon`` (a table from :func:`presslens.targets.read_lexicon`, or None) gives each of
    them the aliases of ``data/targets.csv``: the model was trained on sentences found with those,
    and marks them so, so a lexicon that names NATO otherwise cannot be used for stance. ``hint``
    ends the error with what the caller can do instead.
    """
    from presslens import targets

    chosen = [t for t in target_names if t in TARGETS]
    if lexicon is None or not chosen:
        return chosen
    reference = targets.read_lexicon()
    for target in chosen:
        if sorted(targets._key(lexicon, [target])) != sorted(targets._key(reference, [target])):
            raise ValueError(f"stance toward {target} is predicted from the aliases of {target} in data/targets.csv, which "
                             f"the stance model was trained with; the lexicon gives {target} other rows: keep {target}'s rows "
                             f"as they are in data/targets.csv{hint}")
    return chosen


def read_annotations(path=None) -> pd.DataFrame:
    """Return the annotation file, checked: known targets and labels, one row per sentence and target.

    A bad row raises a ValueError that names the file and line.
    """
    path = path or ANNOTATION_FILE
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(ANNOTATION_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if row.target not in TARGETS:
            raise ValueError(f"{path}:{line}: unknown target {row.target!r}")
        for column in ("label", "label_a", "label_b"):
            if getattr(row, column) not in LABELS:
                raise ValueError(f"{path}:{line}: {column} {getattr(row, column)!r} is not one of {LABELS}")
        if row.sample not in SAMPLES:
            raise ValueError(f"{path}:{line}: sample {row.sample!r} is not one of {SAMPLES}")
        if row.round not in ROUNDS:
            raise ValueError(f"{path}:{line}: round {row.round!r} is not one of {ROUNDS}")
        if not re.fullmatch(r"[0-9a-f]{12}", row.text_sha1):
            raise ValueError(f"{path}:{line}: text_sha1 {row.text_sha1!r} is not a 12-digit hash")
    duplicated = table.duplicated(["sentence_id", "target"], keep=False)
    if duplicated.any():
        line = int(np.flatnonzero(duplicated)[0]) + 2
        raise ValueError(f"{path}:{line}: sentence {table.loc[line - 2, 'sentence_id']} is annotated twice for one target")
    table["adjudicated"] = table["adjudicated"].eq("yes")
    return table


@dataclass
class Annotations:
    """Annotated pairs with their sentence text, and the rows that could not be joined (with why)."""

    table: pd.DataFrame
    skipped: pd.DataFrame


def load_annotations(corpus=None, *, path=None) -> Annotations:
    """Return the annotations joined with their sentences' text, voice, date and article.

    ``corpus`` defaults to the four study sources (fetched or cached) plus the seed sample. A row
    whose sentence is missing or whose text no longer matches its hash is not used: it is listed in
    ``skipped`` with the reason. The seed's rows carry their own text.
    """
    import presslens

    table = read_annotations(path)
    if corpus is None:
        corpus = presslens.load([*SOURCE_OF_VOICE.values(), "sample"])
    joined, skipped = join_sentences(table, corpus.sentences, keys=["sentence_id", "target"])
    return Annotations(joined, skipped)


def load_headline_annotations(corpus=None, *, path=None) -> Annotations:
    """Return the out-of-domain set (``data/stance-headlines.csv``) joined with the headlines' text.

    ``corpus`` defaults to the headlines source (fetched or cached).
    """
    import presslens

    table = read_annotations(path or HEADLINE_FILE)
    if corpus is None:
        corpus = presslens.load("headlines")
    joined, skipped = join_sentences(table, corpus.sentences, keys=["sentence_id", "target"])
    return Annotations(joined, skipped)


def cohen_kappa(first, second, labels=LABELS) -> float:
    """Return Cohen's kappa of two annotators' labels: (observed - chance) / (1 - chance).

    >>> cohen_kappa(["A", "A", "B", "B"], ["A", "B", "B", "B"], labels=("A", "B"))  # (0.75 - 0.5) / 0.5
    0.5
    """
    first, second = np.asarray(first), np.asarray(second)
    observed = np.mean(first == second)
    chance = sum(np.mean(first == label) * np.mean(second == label) for label in labels)
    return float((observed - chance) / (1 - chance))


def agreement(table: pd.DataFrame, *, by=None, n_boot: int = stats.N_BOOT) -> pd.DataFrame:
    """Return the two passes' agreement: n, observed agreement and Cohen's kappa with a 95% interval
    that resamples articles (the cluster bootstrap; ``table`` needs ``article_id``)."""
    groups = [("all", table)] if by is None else list(table.groupby(by, sort=True))
    rows = []
    for key, block in groups:
        kappa = stats.bootstrap_ci(cohen_kappa, block["label_a"].to_numpy(), block["label_b"].to_numpy(),
                                   clusters=block["article_id"].to_numpy(), n_boot=n_boot)
        observed = float(np.mean(block["label_a"].to_numpy() == block["label_b"].to_numpy()))
        rows.append((key, len(block), observed, *kappa))
    return pd.DataFrame(rows, columns=[by or "pairs", "n", "observed", "kappa", "low", "high"])
