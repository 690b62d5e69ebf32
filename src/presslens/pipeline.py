"""The whole analysis as one pipeline, for any corpus: read -> clean -> dedupe -> sentences ->
targets -> sentiment -> stance, written as Parquet tables.

The per-sentence work is :func:`score_partition`, a pure function of a chunk of the sentence
table. The local engine runs it chunk by chunk in one process per CPU core (:func:`score_sentences`);
the Dask engine runs the same function on each partition of a ``dask.dataframe`` through a
``distributed`` scheduler, so both give the same rows (tested), whatever the number of processes.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from presslens import sentiment, stance, targets

SCORE_COLUMNS = ["compound"]
CHUNK_SIZE = 20_000


def score_columns(target_names) -> dict:
    """Return the output columns of :func:`score_partition` and their dtypes: ``<target>_stance``
    only for the targets that have a stance model (NATO, Russia)."""
    columns = {"article_id": "object", "sentence_id": "object", "voice": "object", "date": "datetime64[ns]", "compound": "float64"}
    for target in target_names:
        columns[f"{target}_mentions"] = "int64"
        columns[f"{target}_toward"] = "float64"
        if target in stance.TARGETS:
            columns[f"{target}_stance"] = "object"
    return columns


def score_partition(sentences: pd.DataFrame, target_names, model=None, lexicon=None) -> pd.DataFrame:
    """Score one chunk of the sentence table: VADER compound per sentence; per target the number
    of mentions, VADER on the target's clause and, for NATO and Russia, the predicted stance
    (empty where the sentence does not name the target, or where ``model`` is None: stance
    skipped). Targets are those of ``lexicon`` (a path, a DataFrame or its list of records; default
    ``data/targets.csv``).

    The numbers are those of :func:`presslens.sentiment.polarity`, :func:`presslens.sentiment.toward`
    and :func:`presslens.stance.predict` (a test checks this); the work is shared: targets are
    found once for all, and stance features reuse the sentence's VADER score and target spans.
    """
    texts = sentences["text"].astype(object).tolist()
    target_names = list(target_names)
    if isinstance(lexicon, list):  # records, as the Dask engine sends them (a DataFrame argument would be partitioned)
        lexicon = pd.DataFrame(lexicon)
    compound = np.array(sentiment.scorer().compounds(texts), dtype=float)
    out = pd.DataFrame(
        {
            "article_id": sentences["article_id"].astype(object).to_numpy(),
            "sentence_id": sentences["sentence_id"].astype(object).to_numpy(),
            "voice": sentences["voice"].astype(object).to_numpy(),
            "date": pd.to_datetime(sentences["date"]).astype("datetime64[ns]").to_numpy(),
            "compound": compound,
        }
    )
    with_stance = model is not None and any(t in stance.TARGETS for t in target_names)
    empty = pd.DataFrame(columns=targets.MENTION_COLUMNS)
    if lexicon is None:
        scan = list(dict.fromkeys(target_names + list(stance.TARGETS))) if with_stance else target_names  # stance marks both
        found = targets.mentions(texts, scan) if texts else empty
        marks = found
    else:  # the stance model marks NATO and Russia as data/targets.csv finds them (run() checks the lexicon agrees)
        found = targets.mentions(texts, target_names, lexicon=lexicon) if texts else empty
        marks = targets.mentions(texts, list(stance.TARGETS)) if texts and with_stance else empty
    index = found["text_index"].to_numpy(dtype=int)
    marks_index = marks["text_index"].to_numpy(dtype=int)
    for target in target_names:
        mine = found["target"].to_numpy() == target
        counts = np.bincount(index[mine], minlength=len(texts)) if len(texts) else np.array([], dtype=int)
        out[f"{target}_mentions"] = counts.astype("int64")
        named = np.flatnonzero(counts > 0)
        toward = np.full(len(texts), np.nan)
        labels = np.full(len(texts), None, dtype=object)
        if model is not None and target in stance.TARGETS and len(named):
            position = np.full(len(texts), -1)
            position[named] = np.arange(len(named))
            rows = marks[position[marks_index] >= 0]
            rows = rows.assign(text_index=position[rows["text_index"].to_numpy(dtype=int)])
            frame = stance.features([texts[i] for i in named], target, found=rows, compound=compound[named],
                                    embeddings=model.uses_embeddings)
            toward[named] = frame[f"{target}:vader_window"].to_numpy()
            labels[named] = model.predict(frame)
        elif len(named):
            spans = [[] for _ in named]
            position = {int(i): k for k, i in enumerate(named)}
            for i, start, end in zip(index[mine], found["start"].to_numpy()[mine], found["end"].to_numpy()[mine]):
                spans[position[int(i)]].append((int(start), int(end)))
            toward[named] = sentiment.toward_spans([texts[i] for i in named], spans)
        out[f"{target}_toward"] = toward
        if target in stance.TARGETS:
            out[f"{target}_stance"] = labels
    return out


def aggregate(scored: pd.DataFrame, target_names) -> pd.DataFrame:
    """Return one row per voice and week: sentences, mean compound, and per target the sentences
    naming it, mean sentiment toward it and, for the targets with a stance column (NATO, Russia),
    the AGAINST / FAVOR / NONE shares among them."""
    frame = scored.assign(week=pd.to_datetime(scored["date"]).dt.to_period("W-SUN").dt.start_time)
    rows = []
    for (voice, week), block in frame.groupby(["voice", "week"], sort=True, dropna=False):
        row = {"voice": voice, "week": week, "sentences": len(block), "compound": block["compound"].mean()}
        for target in target_names:
            named = block[block[f"{target}_mentions"] > 0]
            row[f"{target}_sentences"] = len(named)
            row[f"{target}_toward"] = named[f"{target}_toward"].mean() if len(named) else np.nan
            if f"{target}_stance" not in block.columns:
                continue
            labelled = named[f"{target}_stance"].dropna()
            for label in stance.LABELS:
                row[f"{target}_{label}"] = float((labelled == label).mean()) if len(labelled) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


STANCE_MODELS = ("full", "fast")


def trained_model_or_reason(kind: str = "full"):
    """Return ``(model, None)``, or ``(None, reason)`` when the stance model cannot be trained here.

    ``kind`` "full" is :func:`presslens.stance.model`; "fast" is :func:`presslens.stance.fast_model`,
    the sparse part alone (no sentence encoder: several times the throughput, a lower F_avg).
    """
    if kind not in STANCE_MODELS:
        raise ValueError(f"stance model must be one of {STANCE_MODELS}, not {kind!r}")
    try:
        return (stance.model() if kind == "full" else stance.fast_model()), None
    except Exception as error:  # the study data is missing, or the download failed
        return None, f"stance skipped: the model could not be trained ({type(error).__name__}: {str(error).splitlines()[0]})"


def stance_sentence(target_names, stance_model: str, skipped_reason: str | None = None) -> str:
    """Say in one sentence for which targets stance was predicted, by which model, and why not for
    the others.

    >>> stance_sentence(["NATO", "EU", "Ukraine"], "full")
    'predicted by the full model for sentences naming NATO; none for EU, Ukraine (stance exists for NATO and Russia only)'
    >>> stance_sentence(["Ukraine"], "full")
    'not predicted: stance exists for NATO and Russia only, and the targets asked for are Ukraine'
    """
    with_model = [t for t in target_names if t in stance.TARGETS]
    others = [t for t in target_names if t not in stance.TARGETS]
    if not with_model:
        return f"not predicted: stance exists for NATO and Russia only, and the targets asked for are {', '.join(others) or 'none'}"
    rest = f"; none for {', '.join(others)} (stance exists for NATO and Russia only)" if others else ""
    if skipped_reason:
        return skipped_reason + rest
    return f"predicted by the {stance_model} model for sentences naming {', '.join(with_model)}{rest}"


def run(inputs, out, *, target_names=stance.TARGETS, engine: str = "local", scheduler: str | None = None,
        chunk_size: int = CHUNK_SIZE, jobs: int | None = None, progress: bool = True,
        table_options: dict | None = None, stance_model: str = "full", lexicon=None) -> dict:
    """Run the pipeline on ``inputs`` (paths or study source names; none: the embedded sample) and
    write ``articles``, ``sentences``, ``aggregates`` (and ``rejected``) as Parquet into ``out``,
    plus ``summary.json``, which also gives the date format each table file was read with and
    every note of the load (where each table's voice came from, a UTF-16 file, an over-long
    sentence split). Returns the summary.

    ``target_names`` are targets of ``lexicon`` (a path or a DataFrame like ``data/targets.csv``,
    the default), checked before anything is read; the summary lists the aliases two of them share
    (:func:`presslens.targets.overlaps`), each target getting all its mentions. Stance is predicted
    for NATO and Russia only: the other targets get mentions and sentiment and no stance column,
    and ``summary["stance"]`` says so. The local engine scores the chunks in ``jobs`` processes
    (default: one per CPU core); the rows are the same whatever the number of processes (tested).
    ``stance_model`` is "full" (the default) or "fast" (see :func:`trained_model_or_reason`).
    """
    import presslens
    from presslens import io

    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be 1 or more, not {jobs}")
    target_names = list(target_names)
    lexicon_table = targets.as_lexicon(lexicon)
    known = set(lexicon_table["target"])
    unknown = [t for t in target_names if t not in known]
    if unknown:
        where = "the lexicon" if lexicon is None else f"the lexicon {lexicon if isinstance(lexicon, (str, Path)) else '<DataFrame>'}"
        raise ValueError(f"unknown targets {unknown}; {where} has {sorted(known)}")
    if stance_model not in STANCE_MODELS:
        raise ValueError(f"stance model must be one of {STANCE_MODELS}, not {stance_model!r}")
    stance.check_lexicon(target_names, None if lexicon is None else lexicon_table, hint=", or leave it out of the targets")
    lexicon_used = None if lexicon is None else lexicon_table
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sources = list(inputs) or ["sample"]
    readable = [s if (s in io.STUDY_SOURCES or s == "sample") else Path(s) for s in sources]
    corpus = presslens.load(readable, errors="report", table_options=table_options)  # bad files: reported
    articles, sentences, rejected = corpus.articles, corpus.sentences, corpus.rejected
    stance_targets = [t for t in target_names if t in stance.TARGETS]
    model, skipped_reason = trained_model_or_reason(stance_model) if stance_targets else (None, None)

    if engine == "local":
        scored = _run_local(sentences, target_names, model, chunk_size, progress, jobs or default_jobs(), lexicon_used)
    else:
        scored = _run_dask(sentences, target_names, model, chunk_size, scheduler, progress, lexicon_used)
    aggregates = aggregate(scored, target_names)

    articles.drop(columns=[c for c in ("text",) if c in articles.columns]).to_parquet(out / "articles.parquet", index=False)
    sentences[["sentence_id", "text"]].merge(scored, on="sentence_id").to_parquet(out / "sentences.parquet", index=False)
    aggregates.to_parquet(out / "aggregates.parquet", index=False)
    rejected.astype({"path": str, "line": "Int64", "reason": str}).to_parquet(out / "rejected.parquet", index=False)
    summary = {
        "inputs": [str(s) for s in sources],
        "engine": engine,
        "jobs": plan(len(sentences), chunk_size, jobs or default_jobs())[1] if engine == "local" else None,
        "articles": int(len(articles)),
        "sentences": int(len(sentences)),
        "duplicates_dropped": int(len(corpus.duplicates)),
        "bad_inputs": int(len(rejected)),
        "date_formats": corpus.date_formats(),
        "notes": [
            {"path": r.path, "line": None if pd.isna(r.line) else int(r.line), "kind": r.kind, "note": r.note}
            for r in corpus.notes.itertuples(index=False) if r.kind != "date format"
        ],
        "lexicon": None if lexicon is None else str(lexicon) if isinstance(lexicon, (str, Path)) else "<DataFrame>",
        "shared_aliases": targets.overlap_notes(target_names, lexicon=lexicon_table),
        "targets": {t: int((scored[f"{t}_mentions"] > 0).sum()) for t in target_names},
        "stance": stance_sentence(target_names, stance_model, skipped_reason),
        "stance_model": stance_model if stance_targets and not skipped_reason else None,
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def _chunks(frame: pd.DataFrame, size: int):
    for start in range(0, len(frame), size):
        yield frame.iloc[start:start + size]


def default_jobs() -> int:
    """The number of CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def plan(n_sentences: int, chunk_size: int, jobs: int) -> tuple[int, int]:
    """Return the chunk size and the number of processes that :func:`score_sentences` uses."""
    if jobs < 1:
        raise ValueError(f"jobs must be 1 or more, not {jobs}")
    if jobs > 1:  # several chunks per process, so that the processes finish together
        chunk_size = min(chunk_size, max(1_000, -(-n_sentences // (4 * jobs))))
    return chunk_size, min(jobs, max(1, -(-n_sentences // chunk_size)))


_WORKER: dict = {}


def _start_worker(target_names, model, lexicon=None):
    _WORKER.update(target_names=target_names, model=model, lexicon=lexicon)


def _score_in_worker(chunk: pd.DataFrame) -> pd.DataFrame:
    return score_partition(chunk, _WORKER["target_names"], _WORKER["model"], _WORKER["lexicon"])


def score_sentences(sentences: pd.DataFrame, target_names, model=None, *, chunk_size: int = CHUNK_SIZE,
                    jobs: int = 1, on_chunk=None, lexicon=None) -> pd.DataFrame:
    """Run :func:`score_partition` over the sentence table chunk by chunk, in this process
    (``jobs=1``) or in ``jobs`` worker processes, and return the rows in the input's order.

    Worker processes get the model once, when they start (forked where the platform allows, so
    nothing is copied; otherwise pickled). ``on_chunk(chunk)`` is called as each chunk is done.
    """
    target_names = list(target_names)
    chunk_size, jobs = plan(len(sentences), chunk_size, jobs)
    parts = []
    if jobs == 1:
        for chunk in _chunks(sentences, chunk_size):
            parts.append(score_partition(chunk, target_names, model, lexicon))
            if on_chunk:
                on_chunk(chunk)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        chunks = list(_chunks(sentences, chunk_size))
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                                 initializer=_start_worker, initargs=(target_names, model, lexicon)) as pool:
            for chunk, part in zip(chunks, pool.map(_score_in_worker, chunks)):
                parts.append(part)
                if on_chunk:
                    on_chunk(chunk)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in score_columns(target_names).items()})
    return pd.concat(parts, ignore_index=True)


def _run_local(sentences, target_names, model, chunk_size, progress, jobs, lexicon=None):
    from tqdm.auto import tqdm

    documents = tqdm(total=sentences["article_id"].nunique(), unit="doc", desc="documents", position=0, disable=not progress)
    bar = tqdm(total=len(sentences), unit="sentence", desc="sentences", position=1, disable=not progress)
    seen = set()

    def done(chunk):
        new = set(chunk["article_id"]) - seen
        seen.update(new)
        documents.update(len(new))
        bar.update(len(chunk))

    with documents, bar:
        return score_sentences(sentences, target_names, model, chunk_size=chunk_size, jobs=jobs, on_chunk=done, lexicon=lexicon)


def _run_dask(sentences, target_names, model, chunk_size, scheduler, progress, lexicon=None):
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster, progress as dask_progress

    columns = ["article_id", "sentence_id", "voice", "date", "text"]
    frame = sentences[columns].astype({"article_id": object, "sentence_id": object, "voice": object, "text": object})
    npartitions = max(1, -(-len(frame) // chunk_size))
    meta = pd.DataFrame({c: pd.Series(dtype=t) for c, t in score_columns(target_names).items()})
    cluster = None
    client = Client(scheduler) if scheduler else Client(cluster := LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None))
    try:
        ddf = dd.from_pandas(frame, npartitions=npartitions, sort=False)
        model_future = client.scatter(model, broadcast=True) if model is not None else None
        records = None if lexicon is None else lexicon.to_dict("records")  # a DataFrame argument would be partitioned
        scored = ddf.map_partitions(score_partition, list(target_names), model_future, records, meta=meta)
        persisted = client.persist(scored)
        if progress:
            dask_progress(persisted)
        result = persisted.compute()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return result.reset_index(drop=True)
