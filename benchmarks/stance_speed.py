"""Stance: how long training takes, and the sentences per second of each model beside nltk VADER.

Prints, from one run in one process:
- the time of the first ``stance.predict`` call (it loads the cached corpus, joins the annotations,
  encodes the annotated sentences unless the encoder's cache has them, and trains);
- the training time of each model on the annotations (features computed once beforehand);
- sentences/s on the same study sentences naming NATO or Russia (a fixed random sample of
  ``--sentences``, default 2,000) of: plain nltk VADER (the baseline); the old model (issue 15's
  starting point: the sparse model alone with C=4, no FAVOR shift); the fast model
  (``presslens analyze --stance-model fast``); the new model with the sentence encoder's cache off
  (every sentence encoded, as on a new corpus) and with its cache warm (as on a corpus seen before).

Run: ``PRESSLENS_DATA=../shared/data .venv/bin/python benchmarks/stance_speed.py [--sentences N]``
"""
from __future__ import annotations

import argparse
import os

import numpy as np

import presslens
from presslens import sentiment, stance, targets
from presslens.stance import encoder
from timing import timed  # benchmarks/timing.py (this folder is on sys.path when a script runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    args = parser.parse_args()

    stance._trained.cache_clear()
    first_s, _ = timed(lambda: stance.predict(["NATO is not a threat to anyone."], "NATO"))

    corpus = presslens.load([*stance.SOURCE_OF_VOICE.values(), "sample"])
    annotations = stance.load_annotations(corpus).table
    frame = stance.annotation_features(annotations)
    labels = annotations["label"].to_numpy()
    old_options = {"C": 4.0, "embedding_weight": 0.0, "favor_bias": 0.0, "groups": stance.SPARSE_GROUPS}
    trained = {}
    train_s = {}
    for name, options in (("old", old_options), ("fast", stance.FAST_OPTIONS), ("new", {})):
        train_s[name], trained[name] = timed(lambda options=options: stance.StanceModel(**options).fit(frame, labels))

    flagged, _ = targets.tag_sentences(corpus.sentences, list(stance.TARGETS))
    rng = np.random.default_rng(0)
    pairs = [(text, target) for target in stance.TARGETS for text in flagged.loc[flagged[target], "text"]]
    pairs = [pairs[i] for i in np.sort(rng.choice(len(pairs), size=min(args.sentences, len(pairs)), replace=False))]
    batches = {t: [text for text, target in pairs if target == t] for t in stance.TARGETS}
    n = len(pairs)

    def run(model):
        return [stance.predict(batch, target, model=model) for target, batch in batches.items()]

    plain = sentiment.nltk_reference()
    rows = [("baseline: plain nltk VADER", timed(lambda: [plain.polarity_scores(t)["compound"] for t, _ in pairs])[0])]
    rows.append(("old model (sparse, issue 15's start)", timed(lambda: run(trained["old"]))[0]))
    rows.append(("fast model (--stance-model fast)", timed(lambda: run(trained["fast"]))[0]))
    cached = os.environ.get(encoder.CACHE_ENV)
    os.environ[encoder.CACHE_ENV] = ""  # no cache: every sentence encoded
    rows.append(("new model, encoder cache off", timed(lambda: run(trained["new"]))[0]))
    if cached is None:
        del os.environ[encoder.CACHE_ENV]
    else:
        os.environ[encoder.CACHE_ENV] = cached
    run(trained["new"])  # fill the cache
    rows.append(("new model, encoder cache warm", timed(lambda: run(trained["new"]))[0]))

    print(f"machine: {os.cpu_count()} cores; {len(annotations):,} annotated pairs; {n:,} sentence-target pairs; one process")
    print(f"first predict call (load corpus, join annotations, encode, train): {first_s:.2f} s")
    print("training on features at hand: " + ", ".join(f"{k} {v:.2f} s" for k, v in train_s.items()))
    print(f"{'what':<44}{'seconds':>9}{'pairs/s':>12}{'vs VADER':>10}")
    base = rows[0][1]
    for name, seconds in rows:
        print(f"{name:<44}{seconds:>9.2f}{n / seconds:>12,.0f}{base / seconds:>10.3f}")


if __name__ == "__main__":
    main()
