"""Throughput of load -> clean -> dedupe -> split on the whole study corpus.

Prints documents/s and sentences/s per stage, next to a baseline in the same process: pandas
reading the same files with no cleaning, deduplication or splitting (the floor any loader pays).
Goal (issue 2): the whole pipeline under 5 s on a 2-core machine.

Run: ``PRESSLENS_DATA=../shared/data .venv/bin/python benchmarks/corpus_speed.py``
"""
from __future__ import annotations

import json
import os
import time

import pandas as pd

import presslens
from presslens import cleaning, corpus, io

REPEATS = 3


def best_of(fn, repeats=REPEATS):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def baseline():
    frames = [pd.read_csv(io.fetch(n)) for n in ("kremlin", "ukraine_president", "guardian", "nyt")]
    with open(io.fetch("headlines"), encoding="utf-8") as handle:
        frames.append(pd.DataFrame(json.load(handle)))
    return sum(len(f) for f in frames)


def main():
    sources = [*io.STUDY_SOURCES, "sample"]
    print(f"machine: {os.cpu_count()} cores; best of {REPEATS} runs each")
    base_s, n_rows = best_of(baseline)
    read_s, raw = best_of(lambda: pd.concat([io.read_study(n) for n in io.STUDY_SOURCES], ignore_index=True))
    clean_s, _ = best_of(lambda: [cleaning.strip_boilerplate(cleaning.normalise(t)) for t in raw["text"]])
    total_s, loaded = best_of(lambda: presslens.load(sources))
    arts = loaded.articles
    dedupe_s, _ = best_of(lambda: cleaning.find_duplicates(arts))
    split_s, _ = best_of(lambda: corpus.split_articles(arts))
    n_docs, n_sents = len(raw) + 1, len(loaded.sentences)
    print(f"{'stage':<34}{'seconds':>9}{'docs/s':>12}{'sentences/s':>14}")
    rows = [
        ("baseline: pandas read, no cleaning", base_s, n_rows, None),
        ("read + parse (presslens.io)", read_s, n_docs, None),
        ("normalise + strip boilerplate", clean_s, n_docs, None),
        ("deduplicate", dedupe_s, len(arts), None),
        ("split sentences + speakers", split_s, len(arts), n_sents),
        ("presslens.load: all of it", total_s, n_docs, n_sents),
    ]
    for name, seconds, docs, sents in rows:
        rate = f"{sents / seconds:>14,.0f}" if sents else f"{'':>14}"
        print(f"{name:<34}{seconds:>9.2f}{docs / seconds:>12,.0f}{rate}")
    print(f"documents: {n_docs:,} in, {len(arts):,} kept; sentences: {n_sents:,}")
    print(f"goal: whole pipeline under 5 s -> {total_s:.2f} s ({'met' if total_s < 5 else 'NOT met'})")


if __name__ == "__main__":
    main()
