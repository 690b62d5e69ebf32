"""Throughput of target tagging + sentence sentiment on the whole study corpus.

Prints sentences/s for presslens (target mentions + VADER compound per sentence) next to plain
nltk VADER on the same sentences, measured in the same process, and checks that the compound
scores are identical (max absolute difference 0).

Run: ``PRESSLENS_DATA=../shared/data .venv/bin/python benchmarks/sentiment_speed.py``
"""
from __future__ import annotations

import os

import numpy as np

import presslens
from presslens import io, sentiment, targets
from timing import timed  # benchmarks/timing.py (this folder is on sys.path when a script runs)


def main():
    sentences = presslens.load([*io.STUDY_SOURCES, "sample"]).sentences["text"].tolist()
    n = len(sentences)
    plain = sentiment.nltk_reference()
    sentiment.scorer()  # built once, as any session does

    base_s, base = timed(lambda: np.array([plain.polarity_scores(t)["compound"] for t in sentences]))
    tag_s, found = timed(lambda: targets.mentions(sentences))
    score_s, ours = timed(lambda: sentiment.polarity(sentences))
    total = tag_s + score_s
    print(f"machine: {os.cpu_count()} cores; {n:,} sentences of the study corpus, one process, one core")
    print(f"{'what':<42}{'seconds':>9}{'sentences/s':>14}")
    print(f"{'baseline: plain nltk VADER':<42}{base_s:>9.2f}{n / base_s:>14,.0f}")
    print(f"{'presslens: target tagging':<42}{tag_s:>9.2f}{n / tag_s:>14,.0f}")
    print(f"{'presslens: sentence sentiment':<42}{score_s:>9.2f}{n / score_s:>14,.0f}")
    print(f"{'presslens: tagging + sentiment':<42}{total:>9.2f}{n / total:>14,.0f}")
    print(f"mentions found: {len(found):,}; max |presslens - nltk| compound: {np.abs(ours - base).max()}")
    print(f"ratio: {base_s / total:.3f}")


if __name__ == "__main__":
    main()
