"""Stance: how long the first call takes (load the annotations' sentences and train), and throughput.

Prints the time of the first ``stance.predict`` call (it loads the cached corpus, joins the
annotations and trains; the goal is under 30 s), the training time alone, and the sentences/s of
``stance.predict`` on every study sentence naming NATO or Russia next to plain nltk VADER on the
same sentences, measured in the same process.

Run: ``PRESSLENS_DATA=../shared/data .venv/bin/python benchmarks/stance_speed.py``
"""
from __future__ import annotations

import os

import presslens
from presslens import sentiment, stance, targets
from timing import timed  # benchmarks/timing.py (this folder is on sys.path when a script runs)


def main():
    stance._trained.cache_clear()
    first_s, _ = timed(lambda: stance.predict(["NATO is not a threat to anyone."], "NATO"))

    corpus = presslens.load([*stance.SOURCE_OF_VOICE.values(), "sample"])
    annotations = stance.load_annotations(corpus).table
    train_s, _ = timed(lambda: stance.train(annotations))

    flagged, _ = targets.tag_sentences(corpus.sentences, list(stance.TARGETS))
    batches = {t: flagged.loc[flagged[t], "text"].tolist() for t in stance.TARGETS}
    n = sum(len(b) for b in batches.values())
    plain = sentiment.nltk_reference()
    base_s, _ = timed(lambda: [plain.polarity_scores(t)["compound"] for b in batches.values() for t in b])
    ours_s, _ = timed(lambda: [stance.predict(b, t) for t, b in batches.items()])

    print(f"machine: {os.cpu_count()} cores; {len(annotations):,} annotated pairs; one process")
    print(f"first predict call (load corpus, join annotations, train): {first_s:.2f} s (goal < 30 s)")
    print(f"training alone: {train_s:.2f} s")
    print(f"{'what':<44}{'seconds':>9}{'sentences/s':>14}")
    print(f"{'baseline: plain nltk VADER':<44}{base_s:>9.2f}{n / base_s:>14,.0f}")
    print(f"{'presslens: stance.predict (trained model)':<44}{ours_s:>9.2f}{n / ours_s:>14,.0f}")
    print(f"ratio: {base_s / ours_s:.3f}")


if __name__ == "__main__":
    main()
