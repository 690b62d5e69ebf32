"""Turn one annotation round's files into rows of the project's annotation files.

    python annotation/merge_round.py ITEMS_DIR OUT_DIR DEST.csv BATCH_PREFIX ROUND

ITEMS_DIR holds what ``sample_items.py`` wrote (``<set>.csv``: item, sentence_id, target, voice,
text); OUT_DIR the annotators' files: ``<batch>-pass1.csv`` and ``<batch>-pass2.csv`` (item,
label, holder) for each batch file ``<batch>.csv`` of a set (a set may be split into batches named
``<set>a``, ``<set>b`` or ``r2-01``...), and ``adjudicated*.csv`` (item, label, holder, reason) for
every item whose two labels differ. Writes DEST.csv: the rows of every batch whose name starts with
BATCH_PREFIX, in the project's columns (without the text: only its hash is kept), sorted, to be
added to ``data/stance-annotations.csv`` (training sets) or written as ``data/stance-headlines.csv``
(the out-of-domain set).
"""
import sys
from pathlib import Path

import pandas as pd

from presslens.corpus import text_hash
from presslens.stance import LABELS


def holder(value, label):
    """The guideline's convention: `-` exactly for NONE; a stance with no holder given is the author's."""
    return "-" if label == "NONE" else (value if value and value != "-" else "author")


def merge(items: pd.DataFrame, first: pd.DataFrame, second: pd.DataFrame, adjudicated: pd.DataFrame, *, sample, round_):
    for name, table in (("pass 1", first), ("pass 2", second)):
        if table["item"].tolist() != items["item"].tolist():
            raise ValueError(f"{name}: its items are not the items file's, in order")
        bad = sorted(set(table["label"]) - set(LABELS))
        if bad:
            raise ValueError(f"{name}: labels {bad} are not {LABELS}")
    differ = first["label"].to_numpy() != second["label"].to_numpy()
    adjudicated = adjudicated.set_index("item")
    missing = sorted(set(items.loc[differ, "item"]) - set(adjudicated.index))
    if missing:
        raise ValueError(f"{len(missing)} disagreements not adjudicated, e.g. {missing[:3]}")
    label = [adjudicated.loc[i, "label"] if d else a for i, d, a in zip(items["item"], differ, first["label"])]
    out = pd.DataFrame({
        "sentence_id": items["sentence_id"], "target": items["target"], "voice": items["voice"], "label": label,
        "holder": [holder(adjudicated.loc[i, "holder"] if d else h, l) for i, d, h, l in zip(items["item"], differ, first["holder"], label)],
        "label_a": first["label"], "holder_a": [holder(h, l) for h, l in zip(first["holder"], first["label"])],
        "label_b": second["label"], "holder_b": [holder(h, l) for h, l in zip(second["holder"], second["label"])],
        "adjudicated": ["yes" if d else "no" for d in differ],
        "reason": [adjudicated.loc[i, "reason"] if d else "" for i, d in zip(items["item"], differ)],
        "text_sha1": [text_hash(t) for t in items["text"]], "text": "", "sample": sample, "round": round_,
    })
    return out.sort_values(["sentence_id", "target"], ignore_index=True)


def main(items_dir: Path, out_dir: Path, dest: Path, prefix: str, round_: str) -> None:
    read = lambda path: pd.read_csv(path, dtype=str, keep_default_na=False)  # noqa: E731
    adjudicated = pd.concat([read(p) for p in sorted(out_dir.glob("adjudicated*.csv"))], ignore_index=True)
    blocks = []
    for first_path in sorted(out_dir.glob(f"{prefix}*-pass1.csv")):
        batch = first_path.name.removesuffix("-pass1.csv")
        items = read(items_dir / f"{batch}.csv")
        second = read(out_dir / f"{batch}-pass2.csv")
        sample = "guided" if batch.startswith("guided") else "random"
        blocks.append(merge(items, read(first_path), second, adjudicated, sample=sample, round_=round_))
    rows = pd.concat(blocks).sort_values(["sentence_id", "target"], ignore_index=True)
    rows.to_csv(dest, index=False)
    print(dest, len(rows), rows["label"].value_counts().to_dict())


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], sys.argv[5])
