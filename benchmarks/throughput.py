"""Throughput of the full per-sentence pipeline (targets + sentiment + stance) beside nltk VADER,
and peak memory on 1,000,000 sentences processed in chunks.

Prints, from one run in one process, in rounds (each round: the baseline, the pipeline in this
process, the pipeline in one process per core, VADER alone; every pipeline run starts from empty
memos), the rate of each round and the best, which the ratios use, as timeit does (on a shared
machine a slow run measures the neighbours):
- sentences/s of plain nltk VADER on one core (the baseline) and of the pipeline on every sentence
  of the study corpus, in this process alone and in one process per core (what
  ``presslens analyze`` does by default), and whether both give the same rows;
- VADER alone: presslens.vader beside nltk, and the largest difference in compound between the
  pipeline and nltk on the study corpus and on NewsMTSC (goal: 0);
- with ``--million``: 1,000,000 sentences resampled from the study corpus, scored in chunks in
  this process and written to Parquet chunk by chunk, with the peak resident memory (goal: under
  1.5 GB);
- last line ``ratio: <pipeline rate / nltk VADER rate>`` with one process per core (goal: 4 or
  more); the line above it gives the ratio for one process.

``--stance-model`` picks the stance model as ``presslens analyze`` does: ``fast`` (the sparse model
alone, the default here) or ``full`` (with the sentence encoder; its on-disk cache is switched off
for the run, so every sentence naming a target is encoded, as on a corpus never seen). The
``--million`` run always uses the fast model: the encoder's speed (about 40 sentences/s per core)
would make it hours.

Run: ``PRESSLENS_DATA=../shared/data .venv/bin/python benchmarks/throughput.py [--million] [--stance-model full --rounds 1]``
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time

import numpy as np
import pandas as pd

import presslens
from presslens import io, pipeline, sentiment, stance
from presslens.stance import encoder
from timing import timed  # benchmarks/timing.py (this folder is on sys.path when a script runs)

TARGETS = ("NATO", "Russia")


def cold():
    """Empty the token memos, so that each timed run learns its vocabulary as a fresh process would."""
    sentiment.scorer().forget()
    stance.forget()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def million(sentences: pd.DataFrame, model, chunk_size: int = 50_000, total: int = 1_000_000):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(20220224)
    before = peak_rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        writer = None
        start = time.perf_counter()
        for first in range(0, total, chunk_size):
            rows = rng.integers(0, len(sentences), min(chunk_size, total - first))
            chunk = sentences.iloc[rows].assign(sentence_id=[f"s{first + i}" for i in range(len(rows))])
            table = pa.Table.from_pandas(pipeline.score_partition(chunk, TARGETS, model), preserve_index=False)
            writer = writer or pq.ParquetWriter(os.path.join(folder, "sentences.parquet"), table.schema)
            writer.write_table(table)
        writer.close()
        seconds = time.perf_counter() - start
        size = os.path.getsize(os.path.join(folder, "sentences.parquet")) / 1e6
    return seconds, before, peak_rss_mb(), size


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--million", action="store_true", help="also process 1,000,000 sentences and report peak memory")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best of each is reported (default: 3)")
    parser.add_argument("--stance-model", choices=["fast", "full"], default="fast", help="the stance model (default: fast)")
    args = parser.parse_args()
    if args.stance_model == "full":
        os.environ[encoder.CACHE_ENV] = ""  # every sentence encoded, as on a new corpus

    corpus = presslens.load([*io.STUDY_SOURCES, "sample"])
    sentences = corpus.sentences
    texts = sentences["text"].astype(object).tolist()
    model = stance.model() if args.stance_model == "full" else stance.fast_model()
    plain = sentiment.nltk_reference()
    n = len(texts)

    jobs = pipeline.default_jobs()
    pipeline.score_partition(sentences.iloc[:500], TARGETS, model)  # first-call costs (imports) outside the timings
    # Rounds of: baseline, pipeline in one process, pipeline in one process per core, VADER alone;
    # each pipeline run starts from empty memos. The best time of each is kept, as timeit does:
    # on a shared machine, slow runs measure the neighbours.
    rounds = []
    for _ in range(args.rounds):
        base_s, base = timed(lambda: np.array([plain.polarity_scores(t)["compound"] for t in texts]))
        cold()
        one_s, scored = timed(lambda: pipeline.score_sentences(sentences, TARGETS, model, jobs=1))
        cold()
        all_s, scored_all = timed(lambda: pipeline.score_sentences(sentences, TARGETS, model, jobs=jobs))
        cold()
        fast_s, _ = timed(lambda: sentiment.scorer().compounds(texts))
        rounds.append((base_s, one_s, all_s, fast_s))
    best = np.min(np.array(rounds), axis=0)
    newsmtsc = pd.concat([io.read_newsmtsc(s) for s in ("train", "devtest_mt", "devtest_rw")])["text"].astype(object).tolist()
    news_base = np.array([plain.polarity_scores(t)["compound"] for t in newsmtsc])
    news_ours = sentiment.polarity(newsmtsc)

    names = ["baseline: plain nltk VADER, one core", "pipeline (targets + sentiment + stance), one process",
             f"pipeline (targets + sentiment + stance), {jobs} processes", "VADER alone: presslens.vader, one core"]
    print(f"machine: {os.cpu_count()} cores ({jobs} usable); {n:,} study sentences; {args.rounds} rounds; stance model: {args.stance_model}")
    print(f"{'what':<58}{'sentences/s, each round':>36}{'best':>10}")
    for k, name in enumerate(names):
        each = " ".join(f"{n / r[k]:>8,.0f}" for r in rounds)
        print(f"{name:<58}{each:>36}{n / best[k]:>10,.0f}")
    print(f"same rows from one process and from {jobs}: {scored.equals(scored_all)}")
    named = {t: int((scored[f'{t}_mentions'] > 0).sum()) for t in TARGETS}
    print(f"sentences naming each target (stance predicted for these): {named}")
    print(f"max |pipeline - nltk| VADER compound: study corpus {np.abs(scored['compound'].to_numpy() - base).max()}, "
          f"NewsMTSC ({len(newsmtsc):,} sentences) {np.abs(news_ours - news_base).max()}")
    print(f"VADER alone: presslens.vader / nltk = {best[0] / best[3]:.2f}")
    if args.million:
        seconds, before, peak, size = million(sentences, stance.fast_model())
        print(f"1,000,000 resampled sentences in chunks of 50,000 (fast stance model): {seconds:.1f} s ({1e6 / seconds:,.0f} sentences/s), "
              f"Parquet {size:.0f} MB; peak RSS {peak:,.0f} MB (before the run {before:,.0f} MB; goal < 1,500 MB)")
    print(f"ratio with one process: {best[0] / best[1]:.3f}")
    print(f"ratio: {best[0] / best[2]:.3f}")


if __name__ == "__main__":
    main()
