"""Load news into tidy tables: one row per article, one row per sentence.

``load`` is the one entry point: it reads (``presslens.io``), cleans, deduplicates and splits
(``presslens.cleaning``), and returns a :class:`Corpus` whose tables say what was loaded and, just
as plainly, what was not: ``duplicates`` (dropped, with the article kept instead), ``removed``
(boilerplate lines, with the rule that removed them) and ``rejected`` (bad input: path, line,
reason).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from presslens import cleaning, io, paths
from presslens.io import CorpusError

ARTICLE_COLUMNS = ["article_id", "source", "voice", "date", "title", "url", "text"]
SENTENCE_COLUMNS = ["article_id", "sentence_id", "position", "voice", "date", "text", "speaker"]
DUPLICATE_COLUMNS = ["article_id", "kept_id", "reason", "similarity", "source", "title", "kept_title"]
REJECTED_COLUMNS = ["path", "line", "reason"]
REMOVED_COLUMNS = ["article_id", "rule", "text"]
NOTE_COLUMNS = ["path", "line", "kind", "value", "note"]
# A "sentence" longer than this is split at spaces into pieces no longer than this, and noted: no
# sentence of the study corpus comes near it (the longest has 1,275 characters), but a file without
# punctuation, or one 21 MB line, would otherwise become one sentence.
MAX_SENTENCE_CHARS = 2000


@dataclass
class Corpus:
    """Tidy tables of a loaded corpus."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    duplicates: pd.DataFrame
    rejected: pd.DataFrame
    removed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REMOVED_COLUMNS))
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NOTE_COLUMNS))

    def __repr__(self) -> str:
        voices = sorted(set(self.voice_notes().values()))
        said = f"; {voices[0]}" if len(voices) == 1 else f"; {len(voices)} voice notes (see .voice_notes())" if voices else ""
        return (
            f"<Corpus: {len(self.articles)} articles, {len(self.sentences)} sentences, "
            f"{len(self.duplicates)} duplicates dropped, {len(self.rejected)} inputs rejected{said}>"
        )

    def date_formats(self) -> dict[str, str]:
        """Return the date format each table file was read with (its path -> format)."""
        rows = self.notes[self.notes["kind"] == "date format"]
        return dict(zip(rows["path"], rows["value"]))

    def voice_notes(self) -> dict[str, str]:
        """Return where each table's voice came from (its path -> the note): a column, the voice
        given, or the file's name. The study sources have fixed voices and no note."""
        rows = self.notes[self.notes["kind"] == "voice"]
        return dict(zip(rows["path"], rows["note"]))


def _article_ids(raw: pd.DataFrame) -> list[str]:
    """Content-derived IDs: the same article gets the same ID on every run and machine.

    Identical records in one source get ``~2``, ``~3``... in file order, so exact copies stay
    distinct rows until deduplication reports them.
    """
    seen: dict[str, int] = {}
    ids = []
    days = raw["date"].dt.strftime("%Y-%m-%d").tolist()
    columns = [raw[c].tolist() for c in ("id", "source", "url", "title", "text")]
    for given, source, url, title, text, day in zip(*columns, days):
        if isinstance(given, str) and given:
            ids.append(given)
            continue
        key = "\x1f".join([source, url, title, day, text])
        base = f"{source}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}~{seen[base]}")
    return ids


def _read(source, problems, table_options=None, notes=None) -> pd.DataFrame:
    if isinstance(source, (list, tuple)):
        frames = [_read(s, problems, table_options, notes) for s in source]
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else io._empty_raw()
    if isinstance(source, pd.DataFrame):
        return io.read_frame(source, problems=problems, notes=notes, **(table_options or {}))
    if isinstance(source, str) and source in io.STUDY_SOURCES:
        return io.read_study(source, problems=problems, notes=notes)
    if isinstance(source, str) and source == "sample":
        return io.read_path(paths.SAMPLE_FILE, problems=problems, notes=notes)
    if isinstance(source, (str, Path)):
        return io.read_path(source, problems=problems, notes=notes, **(table_options or {}))
    raise TypeError(f"source must be a path, a study source name, a pandas DataFrame or a list of them, not {type(source).__name__}")


def _table_options(table_options, columns, date_format, voice) -> dict:
    """Merge ``load``'s keyword arguments into the table options; the same option given two ways
    with two values is an error that says which."""
    options = dict(table_options or {})
    unknown = set(options) - {"columns", "source", "voice", "date_format"}
    if unknown:
        raise ValueError(f"unknown table_options {sorted(unknown)}; use columns, source, voice, date_format")
    mapping = dict(options.get("columns") or {})
    for name, column in (columns or {}).items():
        if name in mapping and mapping[name] != column:
            raise ValueError(f"columns={{{name!r}: {column!r}}} and table_options' columns {{{name!r}: {mapping[name]!r}}} disagree")
        mapping[name] = column
    if voice is not None:
        if mapping.get("voice", voice) != voice:
            raise ValueError(f"voice={voice!r} and columns={{'voice': {mapping['voice']!r}}} name two columns; give one")
        mapping["voice"] = voice
    if mapping:
        options["columns"] = mapping
    if date_format is not None:
        if options.get("date_format", date_format) != date_format:
            raise ValueError(f"date_format={date_format!r} and table_options' date_format {options['date_format']!r} disagree")
        options["date_format"] = date_format
    return options


def load(source="sample", *, columns: dict | None = None, date_format: str | None = None, voice: str | None = None,
         errors: str = "raise", table_options: dict | None = None) -> Corpus:
    """Load, clean, deduplicate and split a corpus.

    Parameters
    ----------
    source
        A path (seed-format ``.txt``, CSV/JSONL/JSON/Parquet, or a folder of them), a pandas
        DataFrame of articles (read like a table file, named ``"<DataFrame>"`` in notes and
        rejected rows, its rows counted from 1 as lines), a study source name (``"kremlin"``,
        ``"ukraine_president"``, ``"guardian"``, ``"nyt"``, ``"headlines"``), ``"sample"`` for the
        embedded seed article, or a list of these.
    columns
        For tables and DataFrames: which of your columns hold presslens's fields, e.g.
        ``{"title": "headline", "date": "published", "text": "body"}`` (fields: ``id``, ``title``,
        ``date``, ``url``, ``text``, ``source``, ``voice``). A field left out is read from a column
        of its own name if there is one; ``text`` and ``date`` are required.
    date_format
        For tables: ``"ISO8601"``, ``"epoch"`` or a strptime format such as ``"%d.%m.%Y"``; by
        default one format is inferred for the whole column (:func:`presslens.io.infer_date_format`).
    voice
        For tables: the column that holds each article's voice (outlet, speaker, country), the same
        as ``columns={"voice": ...}``. Without one, every article of a file gets the file's name
        as its voice; ``Corpus.notes`` (and the corpus's repr) says which happened.
    errors
        ``"raise"``: the first bad input raises :class:`presslens.CorpusError` naming the file and
        line. ``"report"``: good inputs load and each bad one is a row of ``Corpus.rejected``.
    table_options
        The older way to give the same options (kept working): ``columns``, ``date_format``,
        ``source`` (every article's source) and ``voice``, which here is one fixed voice for every
        article, as in :func:`presslens.io.read_table`.

    ``Corpus.notes`` lists what was read but changed on the way, with path and line: the date format
    each table was read with (also :meth:`Corpus.date_formats`), where each table's voice came from
    (kind ``"voice"``, also :meth:`Corpus.voice_notes`), a file decoded from UTF-16, and any
    sentence longer than :data:`MAX_SENTENCE_CHARS` characters, split into pieces.

    >>> import pandas as pd
    >>> mine = pd.DataFrame({"headline": ["Talks"], "published": ["24.02.2022"], "body": ["NATO met."],
    ...                      "outlet": ["Daily"]})
    >>> load(mine, columns={"title": "headline", "date": "published", "text": "body"}, date_format="%d.%m.%Y", voice="outlet")
    <Corpus: 1 articles, 1 sentences, 0 duplicates dropped, 0 inputs rejected; voice: from column 'outlet'>
    """
    if errors not in ("raise", "report"):
        raise ValueError(f"errors must be 'raise' or 'report', not {errors!r}")
    table_options = _table_options(table_options, columns, date_format, voice)
    problems = None if errors == "raise" else []
    notes: list[dict] = []
    raw = _read(source, problems, table_options, notes)
    raw = raw.reset_index(drop=True)
    raw["article_id"] = _article_ids(raw) if len(raw) else []
    _check_unique_ids(raw, problems)
    raw = raw.drop_duplicates("article_id", keep="first") if problems is not None else raw

    texts, titles, removed = [], [], []
    for aid, title, text in zip(raw["article_id"].tolist(), raw["title"].tolist(), raw["text"].tolist()):
        clean_title = cleaning.normalise(title)
        if text == title:  # a headline-only record: its text is its title
            clean, dropped = clean_title, []
        else:
            clean, dropped = cleaning.strip_boilerplate(cleaning.normalise(text))
            clean = cleaning.strip_repeated_title(clean_title, clean)
        titles.append(clean_title)
        texts.append(clean)
        removed.extend((aid, rule, line) for rule, line in dropped)
    raw["text"] = pd.Series(texts, index=raw.index, dtype=object)
    raw["title"] = pd.Series(titles, index=raw.index, dtype=object)
    empty = raw["text"].map(lambda t: not t.strip()).astype(bool)
    for rec in raw[empty].itertuples(index=False):
        _report(problems, rec.path, rec.line, "empty body after removing boilerplate")
    raw = raw[~empty]

    articles = raw[ARTICLE_COLUMNS].reset_index(drop=True)
    duplicates = cleaning.find_duplicates(articles)
    titles = articles.set_index("article_id")["title"]
    sources = articles.set_index("article_id")["source"]
    duplicates["source"] = duplicates["article_id"].map(sources)
    duplicates["title"] = duplicates["article_id"].map(titles)
    duplicates["kept_title"] = duplicates["kept_id"].map(titles)
    articles = articles[~articles["article_id"].isin(duplicates["article_id"])]
    articles = articles.sort_values(["source", "date", "article_id"], kind="stable").reset_index(drop=True)

    where = dict(zip(raw["article_id"], zip(raw["path"], raw["line"])))
    for aid, text in zip(articles["article_id"].tolist(), articles["text"].tolist()):
        reason = cleaning.language_flag(text)  # kept, but flagged: every method here reads English only
        if reason:
            path, line = where[aid]
            notes.append({"path": str(path), "line": line, "kind": "language", "value": aid, "note": reason})
    return Corpus(
        articles=articles,
        sentences=split_articles(articles, notes=notes, where=where),
        duplicates=duplicates[DUPLICATE_COLUMNS].reset_index(drop=True),
        rejected=pd.DataFrame(problems or [], columns=REJECTED_COLUMNS),
        removed=pd.DataFrame(removed, columns=REMOVED_COLUMNS),
        notes=pd.DataFrame(notes, columns=NOTE_COLUMNS),
    )


def _report(problems, path, line, reason):
    if problems is None:
        raise CorpusError(path, line, reason)
    problems.append({"path": str(path), "line": line, "reason": reason})


def _check_unique_ids(raw: pd.DataFrame, problems) -> None:
    clash = raw[raw["article_id"].duplicated(keep=False)]
    first: dict[str, tuple] = {}
    for rec in clash.itertuples(index=False):
        if rec.article_id not in first:
            first[rec.article_id] = (rec.path, rec.line)
            continue
        where = "{}:{}".format(*first[rec.article_id])
        _report(problems, rec.path, rec.line, f"duplicate ID {rec.article_id!r} (first at {where})")


def cap_sentence(text: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, at the last space before each cut
    (or at the limit where a piece has no space). Text within the limit comes back whole.

    >>> cap_sentence("aaa bbb ccc", 7)
    ['aaa bbb', 'ccc']
    >>> cap_sentence("abcdefghij", 4)
    ['abcd', 'efgh', 'ij']
    """
    pieces = []
    while len(text) > limit:
        cut = text.rfind(" ", 1, limit + 1)
        cut = limit if cut <= 0 else cut
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return pieces + ([text] if text else [])


def _capped(pairs, aid, notes, where):
    out = []
    for position, (sentence, speaker) in enumerate(pairs):
        if len(sentence) <= MAX_SENTENCE_CHARS:
            out.append((sentence, speaker))
            continue
        pieces = cap_sentence(sentence)
        path, line = where.get(aid, ("", None))
        if notes is not None:
            notes.append({
                "path": str(path), "line": line, "kind": "long sentence", "value": len(sentence),
                "note": f"article {aid}: sentence {position} of {len(sentence):,} characters split into "
                        f"{len(pieces):,} pieces of at most {MAX_SENTENCE_CHARS:,}",
            })
        out.extend((piece, speaker) for piece in pieces)
    return out


def split_articles(articles: pd.DataFrame, *, notes: list | None = None, where: dict | None = None) -> pd.DataFrame:
    """Return the sentence table: one row per sentence, with a stable ``sentence_id``.

    A sentence longer than :data:`MAX_SENTENCE_CHARS` is split into pieces (:func:`cap_sentence`),
    and each such split is appended to ``notes`` with the article's file and line from ``where``.
    """
    columns = {c: [] for c in SENTENCE_COLUMNS}
    for aid, voice, date, text in zip(
        articles["article_id"].tolist(), articles["voice"].tolist(), articles["date"].tolist(), articles["text"].tolist()
    ):
        pairs = _capped(cleaning.split_with_speakers(text), aid, notes, where or {})
        n = len(pairs)
        columns["article_id"].extend([aid] * n)
        columns["sentence_id"].extend(f"{aid}-{i:04d}" for i in range(n))
        columns["position"].extend(range(n))
        columns["voice"].extend([voice] * n)
        columns["date"].extend([date] * n)
        columns["text"].extend(s for s, _ in pairs)
        columns["speaker"].extend(sp for _, sp in pairs)
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in columns.items()})
    return frame.astype({"position": "int64", "date": articles["date"].dtype})


def text_hash(text: str) -> str:
    """Return the short hash that ties a stored annotation to its sentence's text.

    >>> text_hash("NATO is not a threat to anyone.")
    '52c1b6390230'
    """
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def join_sentences(table: pd.DataFrame, sentences: pd.DataFrame, *, keys=("sentence_id",)):
    """Join annotations stored by sentence ID (no text) with the sentences of a loaded corpus.

    ``table`` has ``sentence_id``, ``text_sha1`` and ``text`` (empty unless the text may be stored,
    as for the seed). Returns ``(joined, skipped)``: the rows with the sentence's text, article and
    date, and every row that could not be used with its file line and reason (sentence missing,
    or its text changed since it was annotated). Nothing is dropped silently.
    """
    indexed = sentences.set_index("sentence_id")
    rows, skipped = [], []
    for line, row in enumerate(table.to_dict("records"), start=2):
        where = [row[k] for k in keys]
        if row["sentence_id"] in indexed.index:
            found = indexed.loc[row["sentence_id"]]
            row.update(text=found["text"], article_id=found["article_id"], date=found["date"])
        elif row.get("text"):
            row.update(article_id=row["sentence_id"].rsplit("-", 1)[0], date=pd.NaT)
        else:
            skipped.append((line, *where, "sentence not in the corpus"))
            continue
        if text_hash(row["text"]) != row["text_sha1"]:
            skipped.append((line, *where, "sentence text changed since annotation"))
            continue
        rows.append(row)
    joined = pd.DataFrame(rows, columns=[*table.columns, "article_id", "date"])
    joined["text"] = joined["text"].astype(object)
    return joined, pd.DataFrame(skipped, columns=["line", *keys, "reason"])
