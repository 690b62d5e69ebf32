"""Draw the items of the second annotation round (issue 15) and write them for the annotators.

Two sets, each annotated by two independent passes and adjudicated, as the first round was:

* ``guided-2``: 500 new sentence-target pairs from the four study voices, never annotated before:
  every NATO pair left (19: the first round took nearly all 724) and 481 Russia pairs drawn without
  replacement with probability proportional to the first-round model's P(FAVOR), to raise the rare
  FAVOR class. Training data only: it is not a random sample, so no score or share
  is computed on it.
* ``random-2``: a simple random sample, within each voice and target, of 1,500 Russia pairs from
  each of the Guardian, the Kremlin and the Ukrainian presidency, drawn from the pairs that the
  first round's random sample did not take (guided pairs included, so that the union of the two
  rounds stays a simple random sample of each stratum: a guided pair that is drawn joins the random
  sample with its labels and needs no new annotation). The learning curve of the first round showed
  that more annotation pays (issue 15).
* ``random-3``: every Russia pair of the four voices that no random sample had taken yet (the
  same rule for guided pairs), so that with the first two rounds each voice's Russia pairs are
  all annotated: the round-2 learning curve still rose (issue 15). Drawn with
  ``python annotation/sample_items.py OUTDIR --round 3`` once round 2 is in the annotation file.
* ``headlines``: an out-of-domain test set from the headlines file (news shared on Reddit, the
  model never trained on one): every headline pair naming NATO (89) and a simple random sample of
  311 of the 950 naming Russia. Never used for training.

Run from the project root with the study data cached: ``python annotation/sample_items.py OUTDIR``.
Writes ``OUTDIR/<set>.csv`` with ``item, sentence_id, target, voice, text`` (the text is for the
annotators; the project keeps only IDs and a hash of the text).
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from presslens import corpus, stance, targets

SEED = 15
RANDOM_2_PER_VOICE = 1500
STUDY = ["kremlin", "ukraine_president", "guardian", "nyt"]


def pairs(frame):
    flags, _ = targets.tag_sentences(frame)
    rows = [flags.loc[flags[t], ["sentence_id", "article_id", "voice", "text"]].assign(target=t) for t in stance.TARGETS]
    return pd.concat(rows, ignore_index=True).sort_values(["sentence_id", "target"], ignore_index=True)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    everything = stance.read_annotations()
    first = everything["round"] == "1"
    annotated = everything[first]
    seen = set(annotated["sentence_id"])
    first_model = stance.train(stance.load_annotations().table.query("round == '1'"))

    study = pairs(corpus.load(STUDY).sentences)
    fresh = study[~study["sentence_id"].isin(seen)].reset_index(drop=True)
    p_favor = np.zeros(len(fresh))
    for target in stance.TARGETS:
        rows = np.flatnonzero(fresh["target"].to_numpy() == target)
        p_favor[rows] = stance.predict_proba(fresh.loc[rows, "text"].tolist(), target, model=first_model)["FAVOR"].to_numpy()
    nato_left = np.flatnonzero(fresh["target"].to_numpy() == "NATO")
    pool = np.flatnonzero(fresh["target"].to_numpy() == "Russia")
    weights = p_favor[pool] / p_favor[pool].sum()
    pick = np.sort(np.concatenate([nato_left, rng.choice(pool, size=500 - len(nato_left), replace=False, p=weights)]))
    guided = fresh.iloc[pick].assign(p_favor=p_favor[pick])

    heads = pairs(corpus.load("headlines").sentences)
    nato = heads[heads["target"] == "NATO"]
    russia = heads[heads["target"] == "Russia"]
    russia = russia.iloc[np.sort(rng.choice(len(russia), size=311, replace=False))]
    ood = pd.concat([nato, russia]).sort_values(["sentence_id", "target"], ignore_index=True)

    # drawn after the other two sets, so that adding it left their draws as they were
    annotated = everything  # the first round and guided-2
    first_random = set(zip(*annotated.loc[annotated["sample"] == "random", ["sentence_id", "target"]].to_numpy().T))
    keys = list(zip(study["sentence_id"], study["target"]))
    pool = study[[k not in first_random for k in keys]].reset_index(drop=True)
    drawn = []
    for voice in ("Guardian", "Kremlin", "Ukrainian presidency"):
        stratum = np.flatnonzero((pool["voice"].to_numpy() == voice) & (pool["target"].to_numpy() == "Russia"))
        drawn.append(np.sort(rng.choice(stratum, size=RANDOM_2_PER_VOICE, replace=False)))
    drawn = pool.iloc[np.concatenate(drawn)]
    known = set(zip(annotated["sentence_id"], annotated["target"]))
    is_known = np.array([k in known for k in zip(drawn["sentence_id"], drawn["target"])])
    drawn[is_known][["sentence_id", "target"]].to_csv(out / "random-2-already-annotated.csv", index=False)
    random_2 = drawn[~is_known]

    for name, table in (("guided-2", guided), ("random-2", random_2), ("headlines", ood)):
        table = table.sample(frac=1.0, random_state=SEED).reset_index(drop=True)  # shuffled for reading
        table.insert(0, "item", [f"{name}-{i:04d}" for i in range(len(table))])
        table[["item", "sentence_id", "target", "voice", "text"]].to_csv(out / f"{name}.csv", index=False)
        print(name, len(table), table["target"].value_counts().to_dict())


def round_3(out: Path) -> None:
    annotated = stance.read_annotations()
    random_keys = set(zip(*annotated.loc[annotated["sample"] == "random", ["sentence_id", "target"]].to_numpy().T))
    known = set(zip(annotated["sentence_id"], annotated["target"]))
    study = pairs(corpus.load(STUDY).sentences)
    keys = list(zip(study["sentence_id"], study["target"]))
    rest = study[[k not in random_keys and t == "Russia" for k, t in zip(keys, study["target"])]].reset_index(drop=True)
    is_known = np.array([k in known for k in zip(rest["sentence_id"], rest["target"])])
    rest[is_known][["sentence_id", "target"]].to_csv(out / "random-3-already-annotated.csv", index=False)
    table = rest[~is_known].sample(frac=1.0, random_state=SEED).reset_index(drop=True)
    table.insert(0, "item", [f"random-3-{i:04d}" for i in range(len(table))])
    table[["item", "sentence_id", "target", "voice", "text"]].to_csv(out / "random-3.csv", index=False)
    print("random-3", len(table), "new;", int(is_known.sum()), "guided pairs join the random sample")


if __name__ == "__main__":
    if sys.argv[2:] == ["--round", "3"]:
        round_3(Path(sys.argv[1]))
    else:
        main(Path(sys.argv[1]))
