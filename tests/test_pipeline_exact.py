"""Exact tests of presslens.pipeline for mutation testing (issue 18), fast and without the study corpus.

They guard: the column table of :func:`score_columns`; :func:`score_partition` against the separate
functions (``sentiment.polarity``, ``sentiment.toward``, ``targets.mentions``, ``stance.features``)
on a hand-counted chunk, with and without a stance model and a lexicon of one's own; the worker
entry points called in this process; :func:`score_sentences` in one process and in a forked pool;
the chunking arithmetic of :func:`plan` and :func:`_chunks` worked by hand; :func:`aggregate` on
hand-computed shares; :func:`run`'s every summary field, its tables and its errors on a
hand-built corpus; the progress bars of the local engine; and the Dask engine's own cluster.

The stance model is a stand-in (``EchoModel``) whose "label" is a digest of the feature row it is
given, so a test sees exactly which feature table the pipeline built, without training anything.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import re
import os
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import presslens
from presslens import pipeline, sentiment, stance, targets


class EchoModel:
    """A stand-in stance model: each row's label is ``tag:digest-of-the-row:number-of-columns``."""

    def __init__(self, tag: str = "echo", uses_embeddings: bool = False):
        self.tag = tag
        self.uses_embeddings = uses_embeddings

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.array([f"{self.tag}:{hashlib.sha1(repr(list(row)).encode()).hexdigest()[:12]}:{frame.shape[1]}"
                         for row in frame.itertuples(index=False)], dtype=object)


def expected_labels(model, texts, target):
    """The labels the model gives to ``texts`` for ``target``, the features built from scratch."""
    return list(model.predict(stance.features(list(texts), target, embeddings=model.uses_embeddings)))


# Counted by hand with data/targets.csv: NATO's aliases include NATO, Russia's Russia, EU's EU and
# Ukraine's Ukraine and Zelensky. "Brussels", "city", "allies" name nothing.
TEXTS = [
    "NATO expansion threatens Russia.",               # NATO 1, Russia 1
    "Russia shelled the city that Russia claims.",    # Russia 2
    "The EU agreed to help Ukraine.",                 # EU 1
    "Nothing happened today.",                        # nothing
    "NATO allies met and NATO leaders smiled.",       # NATO 2
    "Zelensky thanked NATO warmly.",                  # NATO 1 (Zelenskyy 1 in the lexicon of one's own)
]
MENTIONS = {"NATO": [1, 0, 0, 0, 2, 1], "Russia": [1, 2, 0, 0, 0, 0], "EU": [0, 0, 1, 0, 0, 0], "Zelenskyy": [0, 0, 0, 0, 0, 1]}


def chunk(texts=TEXTS, start=0):
    n = len(texts)
    return pd.DataFrame({
        "article_id": pd.array([f"a{(start + i) // 3}" for i in range(n)], dtype="string"),
        "sentence_id": pd.array([f"s{start + i}" for i in range(n)], dtype="string"),
        "voice": pd.array(["Daily" if (start + i) % 2 == 0 else "Evening" for i in range(n)], dtype="string"),
        "date": pd.Series(pd.to_datetime([f"2022-03-{1 + start + i:02d}" for i in range(n)])).astype("datetime64[s]"),
        "text": pd.array(list(texts), dtype="string"),
    })


def own_lexicon(tmp_path) -> Path:
    """NATO's rows exactly as in data/targets.csv (so stance may be predicted) and a target of one's own."""
    reference = (Path(presslens.__file__).parents[2] / "data" / "targets.csv").read_text().splitlines()
    rows = [reference[0]] + [line for line in reference[1:] if line.startswith("NATO,")]
    rows += ["Zelenskyy,Zelenskyy,,name,,,", "Zelenskyy,Zelensky,,name,,,", "Zelenskyy,Zelenskiy,,name,,,"]
    path = tmp_path / "mine.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def same_rows(a, b):
    """The same columns, index and values (a stance column is str or object as its chunks had labels or not)."""
    def plain(frame):
        return frame.astype(object).where(frame.notna(), None)

    pd.testing.assert_frame_equal(plain(a), plain(b))
    assert list(a.index) == list(b.index)


# --- score_columns ------------------------------------------------------------------------------

def test_score_columns_names_each_target_column_with_its_dtype_and_stance_only_for_nato_and_russia():
    assert list(pipeline.score_columns(["EU", "NATO", "Russia"]).items()) == [
        ("article_id", "object"), ("sentence_id", "object"), ("voice", "object"), ("date", "datetime64[ns]"),
        ("compound", "float64"),
        ("EU_mentions", "int64"), ("EU_toward", "float64"),
        ("NATO_mentions", "int64"), ("NATO_toward", "float64"), ("NATO_stance", "object"),
        ("Russia_mentions", "int64"), ("Russia_toward", "float64"), ("Russia_stance", "object"),
    ]


# --- score_partition ----------------------------------------------------------------------------

def check_scored(out, frame, target_names, model=None, lexicon=None):
    texts = list(frame["text"])
    assert list(out.columns) == list(pipeline.score_columns(target_names))
    numeric = {c: t for c, t in pipeline.score_columns(target_names).items() if not t == "object"}
    assert {c: str(out[c].dtype) for c in numeric} == numeric
    for column in ("article_id", "sentence_id", "voice"):
        assert out[column].tolist() == frame[column].tolist()
    assert out["date"].tolist() == list(pd.to_datetime(frame["date"]))
    assert np.array_equal(out["compound"].to_numpy(), sentiment.polarity(texts))
    for target in target_names:
        assert out[f"{target}_mentions"].tolist() == MENTIONS[target][:len(texts)], target
        toward = sentiment.toward(texts, target, lexicon=lexicon)
        assert np.array_equal(out[f"{target}_toward"].to_numpy(), toward, equal_nan=True), target
        if target not in stance.TARGETS:
            continue
        named = [i for i, n in enumerate(MENTIONS[target][:len(texts)]) if n > 0]
        labels = out[f"{target}_stance"]
        unnamed = [i for i in range(len(texts)) if i not in named]
        assert labels.iloc[unnamed].isna().all(), target
        if model is None:
            assert labels.isna().all()
        else:
            assert labels.iloc[named].tolist() == expected_labels(model, [texts[i] for i in named], target)


def test_score_partition_without_a_model_counts_mentions_scores_and_leaves_stance_empty():
    frame = chunk()
    out = pipeline.score_partition(frame, ("NATO", "Russia", "EU"))
    check_scored(out, frame, ["NATO", "Russia", "EU"])
    assert out["NATO_mentions"].tolist() == [1, 0, 0, 0, 2, 1] and out["Russia_mentions"].tolist() == [1, 2, 0, 0, 0, 0]


def test_score_partition_with_a_model_gives_the_labels_of_the_features_of_the_named_sentences():
    frame = chunk()
    model = EchoModel()
    for names in (["NATO", "Russia", "EU"], ["NATO"], ["EU", "Russia"]):
        out = pipeline.score_partition(frame, names, model)
        check_scored(out, frame, names, model)


def test_score_partition_marks_the_other_stance_target_even_when_only_one_is_asked_for():
    # "NATO expansion threatens Russia.": for NATO the model reads "xxother" where Russia is named.
    frame = chunk(TEXTS[:1])
    seen = []

    class Spy(EchoModel):
        def predict(self, features):
            seen.extend(features["marked"])
            return super().predict(features)

    pipeline.score_partition(frame, ["NATO"], Spy())
    assert seen == ["xxnato xxtarget expansion threatens xxother."]


def test_score_partition_with_a_lexicon_of_ones_own_as_a_path_a_frame_or_records(tmp_path):
    path = own_lexicon(tmp_path)
    table = targets.read_lexicon(path)
    frame = chunk()
    model = EchoModel()
    out = pipeline.score_partition(frame, ["NATO", "Zelenskyy"], model, lexicon=table)
    check_scored(out, frame, ["NATO", "Zelenskyy"], model, lexicon=table)
    same_rows(pipeline.score_partition(frame, ["NATO", "Zelenskyy"], model, lexicon=path), out)
    same_rows(pipeline.score_partition(frame, ["NATO", "Zelenskyy"], model, lexicon=table.to_dict("records")), out)
    plain = pipeline.score_partition(frame, ["Zelenskyy"], None, lexicon=table.to_dict("records"))
    check_scored(plain, frame, ["Zelenskyy"], None, lexicon=table)


def test_score_partition_of_an_empty_chunk_is_an_empty_table_and_scans_nothing(monkeypatch, tmp_path):
    table = targets.read_lexicon(own_lexicon(tmp_path))

    def scan(*args, **kwargs):
        raise AssertionError("an empty chunk needs no scan")

    monkeypatch.setattr(targets, "mentions", scan)
    empty = chunk()[:0]
    for names, lexicon in ((["NATO", "Russia", "EU"], None), (["NATO", "Zelenskyy"], table)):
        for model in (None, EchoModel()):
            out = pipeline.score_partition(empty, names, model, lexicon=lexicon)
            assert len(out) == 0
            assert list(out.columns) == list(pipeline.score_columns(names))
            assert all(str(out[c].dtype) == t for c, t in pipeline.score_columns(names).items() if t != "object")


def test_score_partition_passes_the_sentence_embeddings_to_a_model_that_uses_them(monkeypatch):
    monkeypatch.setenv("PRESSLENS_CACHE", "")  # no vector cache written
    frame = chunk(["NATO met."])
    model = EchoModel(uses_embeddings=True)
    out = pipeline.score_partition(frame, ["NATO"], model)
    label = out["NATO_stance"][0]
    assert label == expected_labels(model, ["NATO met."], "NATO")[0]
    assert label.endswith(f":{len(stance.EMBEDDING_COLUMNS) + len(stance.features(['NATO met.'], 'NATO', embeddings=False).columns)}")


# --- the worker entry points, called in this process ---------------------------------------------

def test_a_worker_scores_a_chunk_with_what_it_was_started_with(monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "_WORKER", {})
    table = targets.read_lexicon(own_lexicon(tmp_path))
    model = EchoModel()
    pipeline._start_worker(["NATO", "Zelenskyy"], model, table)
    frame = chunk()
    same_rows(pipeline._score_in_worker(frame), pipeline.score_partition(frame, ["NATO", "Zelenskyy"], model, table))
    assert pipeline._WORKER["model"] is model and pipeline._WORKER["lexicon"] is table
    pipeline._start_worker(["EU"], None)  # the lexicon defaults to data/targets.csv
    assert pipeline._WORKER == {"target_names": ["EU"], "model": None, "lexicon": None}
    same_rows(pipeline._score_in_worker(frame), pipeline.score_partition(frame, ["EU"]))


# --- plan, _chunks, default_jobs, by hand --------------------------------------------------------

def test_plan_by_hand():
    # One process: the chunk size asked for, one process.
    assert pipeline.plan(10, 3, 1) == (3, 1)
    assert pipeline.plan(100, 5000, 1) == (5000, 1)
    # Several: chunks of ceil(n / (4 jobs)), at least 1000, at most the size asked for ...
    assert pipeline.plan(100_000, 20_000, 4) == (6250, 4)      # ceil(100000 / 16) = 6250
    assert pipeline.plan(100_001, 20_000, 4) == (6251, 4)      # ceil(100001 / 16) = 6251
    assert pipeline.plan(10, 5000, 2) == (1000, 1)             # at least 1000; ceil(10 / 1000) = 1 process
    assert pipeline.plan(10, 3, 2) == (3, 2)                   # at most 3; ceil(10 / 3) = 4 chunks, 2 processes
    assert pipeline.plan(10, 4, 8) == (4, 3)                   # ceil(10 / 4) = 3 chunks: 3 processes of 8
    assert pipeline.plan(0, 4, 8) == (4, 1)                    # nothing to do: still one process
    assert pipeline.plan(9_000, 20_000, 2) == (1125, 2)        # ceil(9000 / 8) = 1125
    for jobs in (0, -1):
        with pytest.raises(ValueError, match=f"^jobs must be 1 or more, not {jobs}$"):
            pipeline.plan(10, 4, jobs)


def test_chunks_cut_the_frame_in_order_the_last_one_shorter():
    frame = pd.DataFrame({"x": range(5)}, index=[10, 11, 12, 13, 14])
    assert [part.index.tolist() for part in pipeline._chunks(frame, 2)] == [[10, 11], [12, 13], [14]]
    assert [part["x"].tolist() for part in pipeline._chunks(frame, 5)] == [[0, 1, 2, 3, 4]]
    assert list(pipeline._chunks(frame[:0], 2)) == []


def test_default_jobs_is_the_cores_this_process_may_use(monkeypatch):
    assert pipeline.default_jobs() == len(os.sched_getaffinity(0))
    monkeypatch.delattr(os, "sched_getaffinity")  # as where it does not exist
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert pipeline.default_jobs() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # unknown: one
    assert pipeline.default_jobs() == 1


# --- score_sentences ---------------------------------------------------------------------------

CALLS: list = []  # chunks scored in this process, by the spy below


def spy_partition(real):
    def partition(frame, *args, **kwargs):
        CALLS.append(frame.index.tolist())
        out = real(frame, *args, **kwargs)
        return out.assign(pid=os.getpid())  # which process scored each row
    return partition


def test_score_sentences_in_one_process_scores_chunk_by_chunk_in_order(monkeypatch):
    frame = chunk().set_index(pd.Index([7, 3, 9, 1, 8, 2]))
    whole = pipeline.score_partition(frame, ["NATO", "Russia"], EchoModel())
    monkeypatch.setattr(pipeline, "score_partition", spy_partition(pipeline.score_partition))
    CALLS.clear()
    done = []
    out = pipeline.score_sentences(frame, ("NATO", "Russia"), EchoModel(), chunk_size=4, on_chunk=lambda c: done.append(c.index.tolist()))
    assert CALLS == done == [[7, 3, 9, 1], [8, 2]]  # the default is one process: this one
    assert out["pid"].tolist() == [os.getpid()] * 6
    same_rows(out.drop(columns="pid"), whole)  # index 0..5, as the input's rows
    CALLS.clear()
    assert pipeline.score_sentences(frame, ["NATO"], chunk_size=2, jobs=1).shape == (6, 9)
    assert CALLS == [[7, 3], [9, 1], [8, 2]]


def test_score_sentences_of_no_sentences_is_an_empty_table_of_the_score_columns():
    out = pipeline.score_sentences(chunk()[:0], ("EU", "NATO"), chunk_size=3, jobs=2)
    assert list(out.columns) == list(pipeline.score_columns(["EU", "NATO"])) and len(out) == 0
    assert {c: str(t) for c, t in out.dtypes.items()} == pipeline.score_columns(["EU", "NATO"])


def test_worker_processes_forked_with_the_model_give_the_rows_of_one_process(monkeypatch, tmp_path):
    import concurrent.futures
    import multiprocessing

    table = targets.read_lexicon(own_lexicon(tmp_path))
    frame = chunk()
    model = EchoModel()
    one = pipeline.score_sentences(frame, ["NATO", "Zelenskyy"], model, chunk_size=2, lexicon=table)
    pools = []

    class Pool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append((args, kwargs))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(pipeline, "score_partition", spy_partition(pipeline.score_partition))
    CALLS.clear()
    done = []
    two = pipeline.score_sentences(frame, ("NATO", "Zelenskyy"), model, chunk_size=2, jobs=2, lexicon=table,
                                   on_chunk=lambda c: done.append(c.index.tolist()))
    assert CALLS == [] and done == [[0, 1], [2, 3], [4, 5]]  # scored in the workers, reported here in order
    assert os.getpid() not in set(two["pid"]) and len(set(two["pid"])) <= 2  # forked: the spy is there too
    same_rows(two.drop(columns="pid"), one)
    [(args, kwargs)] = pools
    assert args == (2,) and kwargs["mp_context"] is multiprocessing.get_context("fork")
    assert kwargs["initializer"] is pipeline._start_worker and kwargs["initargs"] == (["NATO", "Zelenskyy"], model, table)


# --- the local engine's progress bars ------------------------------------------------------------

class Bar:
    made: list = []

    def __init__(self, **kwargs):
        self.kwargs, self.updates, self.entered, self.closed = kwargs, [], False, False
        Bar.made.append(self)

    def update(self, n):
        self.updates.append(n)

    def __enter__(self):
        self.entered = True
        return self

    def __exit__(self, *exc):
        self.closed = True


@pytest.fixture
def bars(monkeypatch):
    import tqdm.auto

    Bar.made = []
    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    return Bar.made


def test_the_local_engine_counts_documents_and_sentences_as_chunks_finish(bars):
    frame = chunk()  # articles a0 (rows 0-2) and a1 (rows 3-5)
    out = pipeline._run_local(frame, ["NATO"], None, 2, True, 1)
    same_rows(out, pipeline.score_partition(frame, ["NATO"]))
    documents, sentences = bars
    assert documents.kwargs == {"total": 2, "unit": "doc", "desc": "documents", "position": 0, "disable": False}
    assert sentences.kwargs == {"total": 6, "unit": "sentence", "desc": "sentences", "position": 1, "disable": False}
    # chunks [0, 1], [2, 3], [4, 5]: a0 new; a1 new (a0 seen); nothing new
    assert documents.updates == [1, 1, 0] and sentences.updates == [2, 2, 2]
    assert documents.entered and documents.closed and sentences.entered and sentences.closed
    bars.clear()
    out = pipeline._run_local(frame, ["NATO", "Russia"], EchoModel(), 4, False, 1, None)
    same_rows(out, pipeline.score_partition(frame, ["NATO", "Russia"], EchoModel()))
    assert [b.kwargs["disable"] for b in bars] == [True, True] and bars[1].updates == [4, 2]


def test_the_local_engine_passes_the_lexicon_and_the_processes(bars, tmp_path):
    table = targets.read_lexicon(own_lexicon(tmp_path))
    frame = chunk()
    out = pipeline._run_local(frame, ["NATO", "Zelenskyy"], EchoModel(), 2, False, 2, table)
    same_rows(out, pipeline.score_partition(frame, ["NATO", "Zelenskyy"], EchoModel(), table))
    assert bars[1].updates == [2, 2, 2]


# --- aggregate ---------------------------------------------------------------------------------

def test_aggregate_with_several_targets_a_week_naming_none_and_a_missing_voice():
    """EU has no stance column, NATO has; rows out of order; one voice is missing (NaN), kept as a
    group of its own; weeks start on Monday. Shares are among the labelled sentences naming NATO."""
    rows = [  # voice, date, compound, EU mentions, EU toward, NATO mentions, NATO toward, NATO stance
        ("B", "2022-02-16", 0.4, 0, np.nan, 2, 0.5, "FAVOR"),     # Wed, week of 14 Feb
        ("A", "2022-02-08", 0.2, 1, 0.3, 1, -0.4, "AGAINST"),     # Tue, week of 7 Feb
        ("A", "2022-02-09", -0.6, 2, 0.1, 1, 0.2, None),          # names NATO, no label
        ("A", "2022-02-10", 0.1, 0, np.nan, 0, np.nan, None),     # names nothing
        ("A", "2022-02-06", 0.9, 0, np.nan, 1, 0.8, "NONE"),      # Sunday: the week of 31 Jan
        ("B", "2022-02-15", 0.0, 0, np.nan, 0, np.nan, None),     # week of 14 Feb, names nothing
        (np.nan, "2022-02-15", -0.2, 0, np.nan, 0, np.nan, None), # no voice
        ("B", "2022-02-21", 0.3, 0, np.nan, 0, np.nan, None),     # a week naming neither
    ]
    scored = pd.DataFrame(rows, columns=["voice", "date", "compound", "EU_mentions", "EU_toward", "NATO_mentions", "NATO_toward", "NATO_stance"])
    scored["date"] = pd.to_datetime(scored["date"])
    out = pipeline.aggregate(scored, ["EU", "NATO"])
    assert list(out.columns) == ["voice", "week", "sentences", "compound", "EU_sentences", "EU_toward",
                                 "NATO_sentences", "NATO_toward", "NATO_FAVOR", "NATO_AGAINST", "NATO_NONE"]
    week = pd.Timestamp
    assert out["voice"].iloc[:4].tolist() == ["A", "A", "B", "B"] and pd.isna(out["voice"].iloc[4])
    assert out["week"].tolist() == [week("2022-01-31"), week("2022-02-07"), week("2022-02-14"), week("2022-02-21"), week("2022-02-14")]
    assert out["sentences"].tolist() == [1, 3, 2, 1, 1]
    assert out["compound"].tolist() == pytest.approx([0.9, (0.2 - 0.6 + 0.1) / 3, 0.2, 0.3, -0.2])
    assert out["EU_sentences"].tolist() == [0, 2, 0, 0, 0]
    assert out["EU_toward"].tolist() == pytest.approx([np.nan, 0.2, np.nan, np.nan, np.nan], nan_ok=True)
    assert out["NATO_sentences"].tolist() == [1, 2, 1, 0, 0]
    assert out["NATO_toward"].tolist() == pytest.approx([0.8, -0.1, 0.5, np.nan, np.nan], nan_ok=True)
    # A, week of 7 Feb: two sentences name NATO, one labelled AGAINST: shares of 1, not of 2 or 3.
    assert out["NATO_AGAINST"].tolist() == pytest.approx([0.0, 1.0, 0.0, np.nan, np.nan], nan_ok=True)
    assert out["NATO_FAVOR"].tolist() == pytest.approx([0.0, 0.0, 1.0, np.nan, np.nan], nan_ok=True)
    assert out["NATO_NONE"].tolist() == pytest.approx([1.0, 0.0, 0.0, np.nan, np.nan], nan_ok=True)
    assert isinstance(out["NATO_AGAINST"].iloc[0], float)


def test_aggregate_of_no_rows_is_an_empty_table():
    empty = pd.DataFrame({"voice": [], "date": pd.to_datetime([]), "compound": [], "NATO_mentions": [], "NATO_toward": []})
    assert pipeline.aggregate(empty, ["NATO"]).empty


# --- trained_model_or_reason and stance_sentence ------------------------------------------------

@pytest.fixture
def models(monkeypatch):
    """Stand-ins for the full and the fast model; ``trained`` lists which were asked for. The Dask
    engine is not to be reached (a test that wants it puts it back)."""
    trained = []
    full, fast = EchoModel("full"), EchoModel("fast")

    def make(kind, model):
        def train():
            trained.append(kind)
            return model
        return train

    def no_dask(*args, **kwargs):
        raise AssertionError("the local engine was asked for")

    monkeypatch.setattr(pipeline, "_run_dask", no_dask)
    monkeypatch.setattr(stance, "model", make("full", full))
    monkeypatch.setattr(stance, "fast_model", make("fast", fast))
    return types.SimpleNamespace(full=full, fast=fast, trained=trained)


def test_trained_model_or_reason_trains_the_kind_asked_for(models, monkeypatch):
    assert pipeline.trained_model_or_reason() == (models.full, None)
    assert pipeline.trained_model_or_reason("fast") == (models.fast, None)
    assert pipeline.trained_model_or_reason("full") == (models.full, None)
    assert models.trained == ["full", "fast", "full"]
    with pytest.raises(ValueError, match=r"^stance model must be one of \('full', 'fast'\), not 'huge'$"):
        pipeline.trained_model_or_reason("huge")

    def missing():
        raise FileNotFoundError("no study data here\nsee the README")

    monkeypatch.setattr(stance, "fast_model", missing)
    assert pipeline.trained_model_or_reason("fast") == (
        None, "stance skipped: the model could not be trained (FileNotFoundError: no study data here)")


def test_stance_sentence_says_for_which_targets_by_which_model_and_why_not():
    only = "stance exists for NATO and Russia only"
    assert pipeline.stance_sentence([], "full") == f"not predicted: {only}, and the targets asked for are none"
    assert pipeline.stance_sentence(["EU", "Ukraine"], "fast") == f"not predicted: {only}, and the targets asked for are EU, Ukraine"
    assert pipeline.stance_sentence(["Russia", "NATO"], "fast") == "predicted by the fast model for sentences naming Russia, NATO"
    assert pipeline.stance_sentence(["NATO", "EU", "Russia", "China"], "full") == (
        f"predicted by the full model for sentences naming NATO, Russia; none for EU, China ({only})")
    assert pipeline.stance_sentence(["NATO"], "full", "stance skipped: why") == "stance skipped: why"
    assert pipeline.stance_sentence(["NATO", "EU", "China"], "full", "stance skipped: why") == f"stance skipped: why; none for EU, China ({only})"
    assert pipeline.stance_sentence(["EU"], "full", "stance skipped: why") == f"not predicted: {only}, and the targets asked for are EU"


# --- run ----------------------------------------------------------------------------------------

LONG = "The talks went on" + " and on" * 300 + "."  # 2118 characters: split into two pieces of at most 2,000


def corpus(tmp_path) -> Path:
    """Four articles: a, its copy b (dropped as a duplicate), c (one short sentence and one too long)
    and d with a bad date (rejected, line 5 counting the header)."""
    path = tmp_path / "corpus.csv"
    pd.DataFrame({
        "headline": ["a", "b", "c", "d"],
        "published": ["2022-03-01", "2022-03-02", "2022-03-09", "someday"],
        "body": ["NATO expansion threatens Russia. Russia shelled the city that Russia claims."] * 2 + [f"The EU agreed. {LONG}", "x"],
        "outlet": ["Daily", "Daily", "Evening", "Evening"],
    }).to_csv(path, index=False)
    return path


OPTIONS = {"columns": {"title": "headline", "date": "published", "text": "body", "voice": "outlet"}}


@pytest.fixture
def clock(monkeypatch):
    # run() reads time.perf_counter twice: at the start (after the checks) and for the summary.
    ticks = itertools.cycle([10.0, 12.345678])
    monkeypatch.setattr(pipeline, "time", types.SimpleNamespace(perf_counter=lambda: next(ticks)))


def written_without_index(path: Path) -> list[str]:
    """The file's columns, after checking that no index was written (not even as metadata)."""
    pandas_meta = json.loads(pq.read_metadata(path).metadata[b"pandas"])
    assert pandas_meta["index_columns"] == [], path
    return pq.read_schema(path).names


def test_run_writes_every_table_and_a_summary_of_every_count(tmp_path, models, bars, clock, monkeypatch):
    monkeypatch.setattr(pipeline, "default_jobs", lambda: 4)  # 5 sentences: one chunk of 1000, one process
    source, missing = corpus(tmp_path), tmp_path / "missing.txt"
    out = tmp_path / "new" / "out"  # parents made
    summary = pipeline.run([str(source), missing], out, target_names=("NATO", "Russia", "EU"), table_options=OPTIONS,
                           stance_model="fast", progress=False)
    only = "stance exists for NATO and Russia only"
    expected = {
        "inputs": [str(source), str(missing)],
        "engine": "local",
        "jobs": 1,
        "articles": 2,               # a (or its copy) and c
        "sentences": 5,              # a: 2; c: "The EU agreed." and two pieces of LONG
        "duplicates_dropped": 1,
        "bad_inputs": 2,             # d's date, the missing file
        "date_formats": {str(source): "ISO8601"},
        "notes": [
            {"path": str(source), "line": None, "kind": "voice", "note": "voice: from column 'outlet'"},
            {"path": str(source), "line": 4, "kind": "long sentence", "note": summary["notes"][1]["note"]},
        ],
        "lexicon": None,
        "shared_aliases": [],
        "targets": {"NATO": 1, "Russia": 2, "EU": 1},  # sentences naming each; Russia twice in one
        "stance": f"predicted by the fast model for sentences naming NATO, Russia; none for EU ({only})",
        "stance_model": "fast",
        "seconds": 2.35,             # 12.345678 - 10.0, rounded to hundredths
    }
    assert summary == expected
    # sentences counted from 0: LONG is sentence 1 of article c
    assert summary["notes"][1]["note"].endswith(f"sentence 1 of {len(LONG):,} characters split into 2 pieces of at most 2,000")
    assert (out / "summary.json").read_text() == json.dumps(expected, indent=2) + "\n"
    assert models.trained == ["fast"]

    articles = pd.read_parquet(out / "articles.parquet")
    assert "text" not in written_without_index(out / "articles.parquet") and len(articles) == 2
    assert sorted(articles["voice"]) == ["Daily", "Evening"]

    sentences = pd.read_parquet(out / "sentences.parquet")
    assert written_without_index(out / "sentences.parquet") == ["sentence_id", "text", *[
        c for c in pipeline.score_columns(["NATO", "Russia", "EU"]) if c != "sentence_id"]]  # joined on sentence_id
    assert sentences["text"].tolist()[:3] == ["NATO expansion threatens Russia.", "Russia shelled the city that Russia claims.", "The EU agreed."]
    assert sentences["NATO_mentions"].tolist() == [1, 0, 0, 0, 0] and sentences["Russia_mentions"].tolist() == [1, 2, 0, 0, 0]
    assert sentences["NATO_stance"][0] == expected_labels(models.fast, [sentences["text"][0]], "NATO")[0]
    assert sentences["voice"].tolist() == ["Daily", "Daily", "Evening", "Evening", "Evening"]

    aggregates = pd.read_parquet(out / "aggregates.parquet")
    assert written_without_index(out / "aggregates.parquet")[:4] == ["voice", "week", "sentences", "compound"]
    assert aggregates["week"].tolist() == [pd.Timestamp("2022-02-28"), pd.Timestamp("2022-03-07")]
    assert aggregates["sentences"].tolist() == [2, 3] and aggregates["Russia_sentences"].tolist() == [2, 0]

    rejected = pd.read_parquet(out / "rejected.parquet")
    assert written_without_index(out / "rejected.parquet") == ["path", "line", "reason"]
    assert str(rejected["line"].dtype) == "Int64"
    assert rejected.sort_values("path").astype(object).where(rejected.notna(), None).values.tolist() == [
        [str(source), 5, "bad date 'someday' (the column's format is ISO8601)"], [str(missing), None, "no such file or folder"]]


def test_run_defaults_the_local_engine_the_full_model_progress_shown_and_one_process_per_core(tmp_path, models, bars, clock, monkeypatch):
    monkeypatch.setattr(pipeline, "default_jobs", lambda: 1)
    out = tmp_path / "out"
    out.mkdir()  # an existing folder is fine
    summary = pipeline.run([str(corpus(tmp_path))], out, target_names=["NATO"], table_options=OPTIONS, jobs=2, chunk_size=2)
    assert summary["engine"] == "local" and summary["stance_model"] == "full" and models.trained == ["full"]
    assert summary["jobs"] == 2  # plan(5, 2, 2): chunks of 2, 3 of them, 2 processes
    assert summary["stance"] == "predicted by the full model for sentences naming NATO"
    assert [b.kwargs["disable"] for b in bars] == [False, False] and bars[1].updates == [2, 2, 1]
    sentences = pd.read_parquet(out / "sentences.parquet")
    assert sentences["NATO_stance"][0] == expected_labels(models.full, [sentences["text"][0]], "NATO")[0]


def test_run_reads_the_sample_without_inputs_and_a_study_source_by_its_name(tmp_path, models, bars, clock, monkeypatch):
    summary = pipeline.run([], tmp_path / "sample", target_names=["EU"], jobs=1, progress=False)
    assert (summary["inputs"], summary["articles"], summary["sentences"], summary["bad_inputs"]) == (["sample"], 1, 28, 0)
    assert summary["stance_model"] is None and models.trained == []  # no target with stance: nothing trained
    source = corpus(tmp_path)

    def read_study(name, *, problems=None, notes=None):  # a study source, read from the small corpus
        assert name == "kremlin"
        return presslens.io.read_path(source, problems=problems, notes=notes, **OPTIONS)

    monkeypatch.setattr(presslens.io, "read_study", read_study)
    summary = pipeline.run(("kremlin",), tmp_path / "study", target_names=["EU"], jobs=1, progress=False)
    assert (summary["inputs"], summary["articles"], summary["sentences"], summary["bad_inputs"]) == (["kremlin"], 2, 5, 1)



def test_run_says_why_stance_was_skipped_when_no_model_can_be_trained(tmp_path, monkeypatch):
    # Where the study data is missing, the summary gives the reason, and no stance model is named.
    monkeypatch.setattr(pipeline, "trained_model_or_reason", lambda kind: (None, "stance skipped: no annotations here"))
    summary = pipeline.run([], tmp_path / "out", target_names=["NATO", "EU"], jobs=1, progress=False)
    assert summary["stance"] == "stance skipped: no annotations here; none for EU (stance exists for NATO and Russia only)"
    assert summary["stance_model"] is None
    scored = pd.read_parquet(tmp_path / "out" / "sentences.parquet")
    assert scored["NATO_stance"].isna().all()

def test_run_with_a_lexicon_of_ones_own_as_a_path_or_a_frame(tmp_path, models, bars, clock):
    path = tmp_path / "zel.csv"
    path.write_text("target,alias\nUkraine,Zelensky\nUkraine,Kyiv\nZelenskyy,Zelensky\n")
    source = tmp_path / "own.csv"
    source.write_text("title,date,text,voice\nOne,2022-03-01,Zelensky spoke in Kyiv. Nothing else.,Daily\n")
    summary = pipeline.run([source], tmp_path / "a", target_names=["Ukraine", "Zelenskyy"], lexicon=path, jobs=1, progress=False)
    assert summary["lexicon"] == str(path) and summary["targets"] == {"Ukraine": 1, "Zelenskyy": 1}
    assert summary["shared_aliases"] == ["shared alias: 'Zelensky' names both Ukraine and Zelenskyy; each target gets all its mentions"]
    assert summary["stance"] == ("not predicted: stance exists for NATO and Russia only, and the targets asked for are "
                                 "Ukraine, Zelenskyy") and summary["stance_model"] is None and models.trained == []
    sentences = pd.read_parquet(tmp_path / "a" / "sentences.parquet")
    assert sentences["Ukraine_mentions"].tolist() == [2, 0] and sentences["Zelenskyy_mentions"].tolist() == [1, 0]
    framed = pipeline.run([source], tmp_path / "b", target_names=["Zelenskyy"], lexicon=targets.read_lexicon(path), jobs=1, progress=False)
    assert framed["lexicon"] == "<DataFrame>" and framed["targets"] == {"Zelenskyy": 1} and framed["shared_aliases"] == []
    own = own_lexicon(tmp_path)  # NATO as in data/targets.csv, and Zelenskyy: stance for NATO
    both = pipeline.run([source], tmp_path / "c", target_names=["NATO", "Zelenskyy"], lexicon=own, jobs=1, progress=False,
                        stance_model="fast")
    assert both["targets"] == {"NATO": 0, "Zelenskyy": 1} and both["stance_model"] == "fast"


def test_run_refuses_bad_arguments_before_reading_anything(tmp_path, models):
    out = tmp_path / "out"

    def refused(match, **options):
        with pytest.raises(ValueError, match=match):
            pipeline.run([], out, **options)
        assert not out.exists()

    refused(r"^engine must be 'local' or 'dask', not 'spark'$", engine="spark")
    refused(r"^jobs must be 1 or more, not 0$", jobs=0)
    known = sorted(set(targets.read_lexicon()["target"]))
    refused(rf"^unknown targets \['Atlantis'\]; the lexicon has {re.escape(str(known))}$", target_names=["NATO", "Atlantis"])
    mine = tmp_path / "mine.csv"
    mine.write_text("target,alias\nUkraine,Kyiv\nZelenskyy,Zelensky\n")
    refused(rf"^unknown targets \['NATO'\]; the lexicon {re.escape(str(mine))} has \['Ukraine', 'Zelenskyy'\]$", target_names=["NATO"], lexicon=mine)
    refused(r"^unknown targets \['NATO'\]; the lexicon <DataFrame> has \['Ukraine', 'Zelenskyy'\]$", target_names=["NATO"],
            lexicon=targets.read_lexicon(mine))
    refused(r"^stance model must be one of \('full', 'fast'\), not 'huge'$", stance_model="huge")
    other = tmp_path / "other.csv"
    other.write_text("target,alias\nNATO,the alliance\n")
    refused(r"^stance toward NATO .* keep NATO's rows as they are in data/targets\.csv, or leave it out of the targets$",
            target_names=["NATO"], lexicon=other)
    assert models.trained == []


# --- the Dask engine ----------------------------------------------------------------------------

PARTITIONS: list = []  # the length of each partition scored (the workers are threads of this process)
_REAL_PARTITION = pipeline.score_partition
_REAL_RUN_DASK = pipeline._run_dask


def counted_partition(frame, *args, **kwargs):
    PARTITIONS.append(len(frame))
    return _REAL_PARTITION(frame, *args, **kwargs)


def test_the_dask_engine_scores_partitions_of_the_chunk_size_on_the_cluster_given_or_its_own(monkeypatch, tmp_path, models):
    import dask.distributed
    from distributed import utils as dask_utils

    # A fresh offload thread: in a process forked after an earlier Dask run (as mutmut runs each
    # mutant) the module-level one is a dead thread, and the computation would wait forever.
    monkeypatch.setattr(dask_utils, "_offload_executor", dask_utils.ThreadPoolExecutor(max_workers=1, thread_name_prefix="Dask-Offload"))

    table = targets.read_lexicon(own_lexicon(tmp_path))
    frame = chunk()
    model = EchoModel()
    local = pipeline.score_sentences(frame, ["NATO", "Zelenskyy"], model, chunk_size=4, lexicon=table)
    monkeypatch.setattr(pipeline, "score_partition", counted_partition)
    monkeypatch.setattr(pipeline, "_run_dask", _REAL_RUN_DASK)
    made, shown = [], []
    monkeypatch.setattr(dask.distributed, "progress", lambda persisted: shown.append(persisted))
    with dask.distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        # run() with the Dask engine on the cluster given: the summary and the rows of the local engine.
        own_target = tmp_path / "own.csv"
        own_target.write_text("headline,published,body,outlet\nOne,2022-03-01,Zelensky thanked NATO warmly. Nothing else.,Daily\n")
        def own_cluster(**options):  # stands in for the engine's own cluster of processes: this one of threads
            made.append(options)
            return cluster

        monkeypatch.setattr(dask.distributed, "LocalCluster", own_cluster)
        PARTITIONS.clear()
        summary = pipeline.run([own_target], tmp_path / "dask", target_names=["NATO", "Zelenskyy"], engine="dask",
                               scheduler=cluster.scheduler_address, chunk_size=1, table_options=OPTIONS,
                               lexicon=own_lexicon(tmp_path), stance_model="fast")
        assert made == []  # the cluster given was used
        assert (summary["engine"], summary["jobs"], summary["sentences"], summary["targets"]) == ("dask", None, 2, {"NATO": 1, "Zelenskyy": 1})
        assert PARTITIONS == [1, 1] and len(shown) == 1  # chunks of 1 sentence; progress shown by default
        scored = pd.read_parquet(tmp_path / "dask" / "sentences.parquet")
        assert scored["NATO_stance"][0] == expected_labels(models.fast, ["Zelensky thanked NATO warmly."], "NATO")[0]
        shown.clear()
        PARTITIONS.clear()
        given = pipeline._run_dask(frame, ("NATO", "Zelenskyy"), model, 10, cluster.scheduler_address, False, table)
        assert PARTITIONS == [6] and shown == []  # one partition of all 6 rows; no progress asked for
        same_rows(given, local)
        # No lexicon: the default targets file, as the local engine reads it.
        same_rows(pipeline._run_dask(frame, ("NATO",), model, 10, cluster.scheduler_address, False, None),
                  pipeline.score_sentences(frame, ["NATO"], model, chunk_size=10))
        assert made == []
        PARTITIONS.clear()
        own = pipeline._run_dask(frame, ("NATO", "Zelenskyy"), model, 4, None, True, table)
        assert PARTITIONS == [3, 3] and len(shown) == 1  # ceil(6 / 4) = 2 partitions (Dask cuts them even); progress shown
        assert hasattr(shown[0], "npartitions") and shown[0].npartitions == 2  # the bar follows the persisted collection
        same_rows(own, local)
        assert made == [{"n_workers": 2, "threads_per_worker": 1, "processes": True, "dashboard_address": None}]
        assert cluster.status.name == "closed"  # the engine closes the cluster it started


def test_score_partition_of_a_chunk_naming_no_target_counts_zeros():
    frame = chunk(["Nothing happened today.", "The talks ended."])
    for model in (None, EchoModel()):
        out = pipeline.score_partition(frame, ["NATO", "EU"], model)
        assert out["NATO_mentions"].tolist() == [0, 0] and out["EU_mentions"].tolist() == [0, 0]
        assert out["NATO_toward"].isna().all() and out["NATO_stance"].isna().all()


def test_stance_marks_the_targets_as_data_targets_csv_finds_them_whatever_the_lexicon_counts(tmp_path):
    # A lexicon where "the alliance" names NATO: the sentence counts as naming NATO, but the model,
    # trained on data/targets.csv's marks, sees no NATO mention in it (none of those aliases).
    other = tmp_path / "other.csv"
    other.write_text("target,alias\nNATO,alliance\n")
    frame = chunk(["The alliance met.", "Nothing happened."])
    model = EchoModel()
    out = pipeline.score_partition(frame, ["NATO"], model, lexicon=other)
    assert out["NATO_mentions"].tolist() == [1, 0]
    assert out["NATO_stance"][0] == expected_labels(model, ["The alliance met."], "NATO")[0]
    assert "xxtarget" not in stance.features(["The alliance met."], "NATO", embeddings=False)["marked"][0]
