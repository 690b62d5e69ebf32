"""Read news into one raw schema, and fetch the pinned study files.

Every reader returns a frame with the columns of :data:`RAW_COLUMNS`: ``source``, ``voice``,
``title``, ``date``, ``url``, ``text``, plus ``path`` and ``line`` (where the record starts in its
file, 1-based) so that any later message can point back at the input.

Bad input never disappears: a reader either raises :class:`CorpusError` naming the file and line,
or, when given a ``problems`` list, appends ``(path, line, reason)`` to it and goes on.

The study files are public files pinned to a commit. :func:`fetch` downloads one from its public
address with pooch, checks its SHA-256 and caches it in :func:`presslens.paths.cache_dir`
(``$PRESSLENS_DATA`` overrides it). A file already cached with the right checksum is used without
any network.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from presslens import paths

RAW_COLUMNS = ["source", "voice", "title", "date", "url", "text", "path", "line"]
SCHEMA_FIELDS = ("id", "title", "date", "url", "text", "source", "voice")
TABLE_SUFFIXES = {".csv", ".jsonl", ".ndjson", ".json", ".parquet"}

STUDY_VOICES = {
    "kremlin": "Kremlin",
    "ukraine_president": "Ukrainian presidency",
    "guardian": "Guardian",
    "nyt": "NYT",
}
STUDY_SOURCES = ("kremlin", "ukraine_president", "guardian", "nyt", "headlines")

_SEED_DATE = re.compile(r"\d{8}")
_URL_BASE = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"

# Kremlin and NYT transcripts are long: a single CSV field holds up to 176k characters.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class CorpusError(ValueError):
    """Bad input: ``path`` and ``line`` say where, ``reason`` what is wrong."""

    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {reason}")


class DataFileError(RuntimeError):
    """A pinned study file is missing, unreachable or corrupt."""


def _fail(problems, path, line, reason):
    if problems is None:
        raise CorpusError(path, line, reason)
    problems.append({"path": str(path), "line": line, "reason": reason})


# --- the registry of pinned study files -------------------------------------------------------


def registry() -> pd.DataFrame:
    """Return the pinned study files: name, cache file, repo, commit, upstream path, SHA-256."""
    table = pd.read_csv(paths.REGISTRY_FILE, dtype=str, keep_default_na=False)
    table["url"] = [
        _URL_BASE.format(repo=r.repo, commit=r.commit, path=r.path) for r in table.itertuples()
    ]
    return table.set_index("name")


def sha256(path) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(name: str) -> Path:
    """Return the local path of pinned study file ``name``, downloading it once if needed.

    A cached file with the right checksum is used offline. A cached file with another checksum is
    never used; a failed download says which file, where it was looked for and how to get it.
    """
    table = registry()
    if name not in table.index:
        raise KeyError(f"no pinned study file {name!r}; known: {', '.join(table.index)}")
    entry = table.loc[name]
    target = paths.cache_dir() / entry["file"]
    how = (
        f"download {entry['url']} to {target} (SHA-256 {entry['sha256']}), "
        f"or set {paths.CACHE_ENV} to a folder that holds {entry['file']}"
    )
    if target.exists():
        found = sha256(target)
        if found == entry["sha256"]:
            return target
        raise DataFileError(
            f"{name}: {target} has SHA-256 {found}, expected {entry['sha256']}; "
            f"delete it and {how}"
        )
    import pooch

    try:
        got = pooch.retrieve(
            entry["url"],
            known_hash=f"sha256:{entry['sha256']}",
            fname=target.name,
            path=target.parent,
            progressbar=False,
        )
    except Exception as error:  # pooch raises requests', OS and hash errors alike
        raise DataFileError(
            f"{name}: not in the cache ({target}) and the download failed ({error}); {how}"
        ) from error
    return Path(got)


def fetch_all() -> list[Path]:
    """Fetch every pinned study file (for ``make reproduce``)."""
    return [fetch(name) for name in registry().index]


# --- readers --------------------------------------------------------------------------------


def _domain(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


_URL = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)


def _is_url(text: str) -> bool:
    return _URL.fullmatch(text) is not None


def _note(notes, path, line, kind, value, note):
    if notes is not None:
        notes.append({"path": str(path), "line": line, "kind": kind, "value": value, "note": note})


def _utf16(data: bytes) -> str | None:
    """Return the name of the UTF-16 byte order the data is in, or None: a byte-order mark, or (with
    none) text whose every other byte is NUL, as ASCII text saved as UTF-16 is."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    if len(sample) >= 4 and len(sample) % 2 == 0:
        if sample[1::2].count(0) > 0.9 * len(sample) / 2 and sample[0::2].count(0) == 0:
            return "utf-16-le"
        if sample[0::2].count(0) > 0.9 * len(sample) / 2 and sample[1::2].count(0) == 0:
            return "utf-16-be"
    return None


def _read_text(path: Path, problems, notes=None):
    """Return the file's text, or None after reporting why it cannot be read as text.

    UTF-8 (with or without a byte-order mark) is read as it is; UTF-16 is decoded and noted in
    ``notes``; anything else is reported with the line and byte where it fails.
    """
    data = path.read_bytes()
    encoding = _utf16(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            _fail(problems, path, None, f"looks like UTF-16 but does not decode ({error.reason} at byte "
                  f"{error.start}); convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8")
            return None
        _note(notes, path, None, "encoding", "UTF-16", "read as UTF-16 (UTF-8 is the expected encoding)")
        return text.lstrip("\ufeff")
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        _fail(problems, path, line, "binary file (NUL byte), not text")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        _fail(problems, path, line, f"not UTF-8: byte {data[error.start]:#04x} at offset {error.start}")
        return None


def read_seed(path, *, source: str = "seed", problems: list | None = None, notes: list | None = None) -> pd.DataFrame:
    """Read one seed-format file: title, YYYYMMDD date, URL, then one sentence per line.

    The article's voice is the URL's domain; its text is the body lines joined by newlines
    (the sentence order in seed files is not meaningful).
    """
    path = Path(path)
    text = _read_text(path, problems, notes)
    if text is None:
        return _empty_raw()
    lines = text.splitlines()
    header = lines[:3] + [""] * (3 - len(lines[:3]))
    title, date, url = (h.strip() for h in header)
    if not title:
        _fail(problems, path, 1, "missing title (line 1 must be the headline)")
        return _empty_raw()
    if not _SEED_DATE.fullmatch(date):
        _fail(problems, path, 2, f"bad date {date!r}: line 2 must be YYYYMMDD")
        return _empty_raw()
    parsed = pd.to_datetime(date, format="%Y%m%d", errors="coerce")
    if pd.isna(parsed):
        _fail(problems, path, 2, f"bad date {date!r}: no such day")
        return _empty_raw()
    if parsed > latest_date():
        _fail(problems, path, 2, f"bad date {date!r}: in the future")
        return _empty_raw()
    if not _is_url(url):
        _fail(problems, path, 3, f"not a URL: {url!r} (line 3 must be the article's http(s) address)")
        return _empty_raw()
    body = [line for line in lines[3:] if line.strip()]
    if not body:
        _fail(problems, path, 4, "empty body: no sentence after the three header lines")
        return _empty_raw()
    row = {
        "id": f"seed-{path.stem}",
        "source": source,
        "voice": _domain(url),
        "title": title,
        "date": parsed,
        "url": url,
        "text": "\n".join(body),
        "path": str(path),
        "line": 1,
    }
    return pd.DataFrame([row])


def _empty_raw() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ["id", *RAW_COLUMNS]})


def _records(path: Path, problems, notes=None):
    """Yield ``(line, record)`` from a CSV, JSON Lines, JSON list or Parquet file."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as error:
            _fail(problems, path, None, f"unreadable Parquet file ({error})")
            return
        for i, rec in enumerate(frame.to_dict("records")):
            yield i + 1, rec
        return
    text = _read_text(path, problems, notes)
    if text is None:
        return
    if suffix == ".csv":
        reader = csv.DictReader(text.splitlines(keepends=True))
        start = 2
        try:
            for rec in reader:
                yield start, rec
                start = reader.line_num + 1
        except csv.Error as error:
            _fail(problems, path, reader.line_num, f"malformed CSV ({error})")
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            _fail(problems, path, error.lineno, f"malformed JSON ({error.msg})")
            return
        if not isinstance(data, list):
            _fail(problems, path, 1, "a JSON file must hold a list of records")
            return
        for i, rec in enumerate(data):
            yield i + 1, rec
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as error:
                _fail(problems, path, number, f"malformed JSON line ({error.msg})")
                continue
            if not isinstance(rec, dict):
                _fail(problems, path, number, "a JSON line must be an object")
                continue
            yield number, rec


# Formats tried, one for a whole column, when no ``date_format`` is given (after ISO 8601). Day-first
# and month-first orders are both here on purpose: when both fit every value, the reader refuses to
# guess. Each numeric form is also tried with a time of day.
_DATE_ONLY = (
    "%d.%m.%Y", "%m.%d.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y/%m/%d", "%Y.%m.%d",
    "%Y%m%d", "%d.%m.%y", "%m/%d/%y", "%d/%m/%y",
)
DATE_FORMATS = (
    *_DATE_ONLY,
    *(f"{f} %H:%M" for f in _DATE_ONLY),
    *(f"{f} %H:%M:%S" for f in _DATE_ONLY),
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y",
    "%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %Z",
)


def latest_date() -> pd.Timestamp:
    """The latest date a record may have: tomorrow (UTC), so that no time zone is refused."""
    return pd.Timestamp.now(tz="UTC").tz_convert(None).normalize() + pd.Timedelta(days=1)


class AmbiguousDates(ValueError):
    """More than one date format reads every value of a column, with different results."""


def _try_format(text: pd.Series, date_format: str) -> pd.Series:
    if date_format == "epoch":
        return pd.to_datetime(pd.to_numeric(text, errors="coerce"), unit="s", utc=True, errors="coerce")
    return pd.to_datetime(text, format=date_format, utc=True, errors="coerce")


def infer_date_format(values) -> str | None:
    """Return the one date format that reads a column: ``"ISO8601"``, or a strptime format from
    :data:`DATE_FORMATS`. None when no format reads any value.

    The format that reads the most values wins; where several read as many values but give other
    dates (``03.01.2022``: 3 January or 1 March?) it raises :class:`AmbiguousDates` naming them.

    >>> infer_date_format(["2022-02-24", "2022-03-01T10:00:00Z"])
    'ISO8601'
    >>> infer_date_format(["24.02.2022", "03.01.2022"])
    '%d.%m.%Y'
    >>> infer_date_format(["03.01.2022", "10.01.2022"])
    Traceback (most recent call last):
    ...
    presslens.io.AmbiguousDates: dates fit more than one format: '%d.%m.%Y', '%m.%d.%Y'
    """
    text = pd.Series(values, dtype="string").str.strip()
    text = text[text.notna() & (text != "")]
    if text.empty:
        return None
    candidates = ("ISO8601", *DATE_FORMATS)
    parsed = {"ISO8601": _try_format(text, "ISO8601")}
    if parsed["ISO8601"].notna().all():
        return "ISO8601"
    parsed.update((f, _try_format(text, f)) for f in DATE_FORMATS)
    best = max(int(p.notna().sum()) for p in parsed.values())
    if best == 0:
        return None
    winners = [f for f in candidates if int(parsed[f].notna().sum()) == best]
    distinct = [f for i, f in enumerate(winners) if not any(parsed[f].equals(parsed[g]) for g in winners[:i])]
    if len(distinct) > 1:
        raise AmbiguousDates(f"dates fit more than one format: {', '.join(repr(f) for f in distinct)}")
    return winners[0]


def _parse_dates(values: pd.Series, date_format: str | None) -> tuple[pd.Series, str | None]:
    """Return the parsed dates (NaT where a value does not fit) and the format used."""
    text = values.astype("string").str.strip()
    if date_format is None:
        date_format = infer_date_format(text)
        if date_format is None:
            return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]"), None
    return _try_format(text, date_format), date_format


FRAME_NAME = "<DataFrame>"  # the "path" of a DataFrame's records in notes and rejected rows


def read_table(
    path,
    *,
    columns: dict | None = None,
    source: str | None = None,
    voice: str | None = None,
    date_format: str | None = None,
    problems: list | None = None,
    notes: list | None = None,
    note_voice: bool = True,
) -> pd.DataFrame:
    """Read a CSV, JSON Lines, JSON or Parquet file of articles.

    ``columns`` maps schema fields (``id``, ``title``, ``date``, ``url``, ``text``, ``source``,
    ``voice``) to the file's column names; unmapped fields use a column of the same name if
    present. ``text`` and ``date`` are required, and so is the voice column when ``columns`` names
    one; ``source`` defaults to the file's stem and ``voice`` (a fixed voice for every article
    without a voice column) to the source. ``date_format`` is a strptime format, ``"ISO8601"``,
    ``"epoch"`` for seconds since 1970, or None to infer one format for the whole column
    (:func:`infer_date_format`): a column that two formats read differently (day-first or
    month-first) is refused until ``date_format`` says which. The format used is noted in ``notes``
    (kind ``"date format"``), and so is where the voice came from (kind ``"voice"``: a column, the
    voice given, or the file's name), unless ``note_voice`` is false. A value the format does not
    read, or a date in the future, rejects its record.
    """
    path = Path(path)
    rows = list(_records(path, problems, notes))
    return _read_records(rows, path, path.stem, columns=columns, source=source, voice=voice, date_format=date_format,
                         problems=problems, notes=notes, note_voice=note_voice)


def read_frame(
    frame: pd.DataFrame,
    *,
    columns: dict | None = None,
    source: str | None = None,
    voice: str | None = None,
    date_format: str | None = None,
    problems: list | None = None,
    notes: list | None = None,
    name: str = FRAME_NAME,
) -> pd.DataFrame:
    """Read a pandas DataFrame of articles as :func:`read_table` reads a table file.

    Records are named ``name`` (``"<DataFrame>"``) where a file would give its path, and their
    ``line`` is the row's position counted from 1 (as for a Parquet file). ``source`` defaults to
    ``"dataframe"``.

    >>> frame = pd.DataFrame({"published": ["2022-02-24"], "body": ["NATO met."], "outlet": ["Daily"]})
    >>> read_frame(frame, columns={"date": "published", "text": "body", "voice": "outlet"})[["source", "voice", "line"]].values.tolist()
    [['dataframe', 'Daily', 1]]
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"read_frame reads a pandas DataFrame, not {type(frame).__name__}")
    records = frame.reset_index(drop=True).to_dict("records")
    rows = [(i + 1, {str(k): v for k, v in rec.items()}) for i, rec in enumerate(records)]
    return _read_records(rows, name, "dataframe", columns=columns, source=source, voice=voice, date_format=date_format,
                         problems=problems, notes=notes, note_voice=True)


def _read_records(rows, path, stem, *, columns, source, voice, date_format, problems, notes, note_voice) -> pd.DataFrame:
    """Turn ``(line, record)`` pairs into the raw schema (the body of :func:`read_table`)."""
    columns = dict(columns or {})
    unknown = set(columns) - set(SCHEMA_FIELDS)
    if unknown:
        raise ValueError(f"unknown schema fields in columns: {sorted(unknown)}; use {SCHEMA_FIELDS}")
    if not rows:
        if problems is None or not any(p["path"] == str(path) for p in problems):
            _fail(problems, path, 1, "no records")
        return _empty_raw()
    header = set().union(*(rec.keys() for _, rec in rows[:50]))
    mapping = {f: columns.get(f, f) for f in SCHEMA_FIELDS}
    for field in ("text", "date"):
        if mapping[field] not in header:
            _fail(problems, path, 1, f"no {field!r} column (looked for {mapping[field]!r}; found {sorted(header)})")
            return _empty_raw()
    if "voice" in columns and mapping["voice"] not in header:
        _fail(problems, path, 1, f"no {mapping['voice']!r} column for the voice (found {sorted(header)})")
        return _empty_raw()
    lines = [line for line, _ in rows]
    frame = pd.DataFrame.from_records([rec for _, rec in rows])

    def column(field, default=""):
        name = mapping[field]
        if name in frame.columns:
            return frame[name].astype(object).where(frame[name].notna(), None)
        return pd.Series([default] * len(frame), dtype=object)

    raw_dates = column("date", None)
    try:
        dates, used_format = _parse_dates(raw_dates, date_format)
    except AmbiguousDates as error:
        _fail(problems, path, None, f"{error} in column {mapping['date']!r}; say which with date_format= "
              f"(on the command line: --date-format), e.g. --date-format '%d.%m.%Y'")
        return _empty_raw()
    _note(notes, path, None, "date format", used_format or "",
          f"dates in column {mapping['date']!r} read as {used_format}" if used_format
          else f"no date format reads column {mapping['date']!r}")
    out = pd.DataFrame(
        {
            "id": column("id", None),
            "source": column("source", None),
            "voice": column("voice", None),
            "title": column("title").map(lambda v: "" if v is None else str(v)),
            "date": dates,
            "url": column("url").map(lambda v: "" if v is None else str(v)),
            "text": column("text").map(lambda v: "" if v is None else str(v)),
            "path": str(path),
            "line": lines,
        }
    )
    if note_voice:
        _note_voice(notes, path, out["voice"], mapping["voice"] in frame.columns, mapping["voice"], voice, source, stem)
    out["source"] = out["source"].fillna(source or stem).astype(str)
    out["voice"] = out["voice"].fillna(voice).fillna(out["source"]).astype(str)
    if source is not None:
        out["source"] = source
    keep = pd.Series(True, index=out.index)
    expected = f" (the column's format is {used_format})" if used_format else " (no known date format reads this column; pass date_format)"
    for i in out.index[out["date"].isna()]:
        _fail(problems, path, int(out.at[i, "line"]), f"bad date {raw_dates[i]!r}{expected}")
        keep[i] = False
    latest = latest_date()
    for i in out.index[keep & (out["date"].dt.tz_convert(None) > latest)]:
        _fail(problems, path, int(out.at[i, "line"]), f"bad date {raw_dates[i]!r}: in the future")
        keep[i] = False
    for i in out.index[keep & (out["text"].str.strip() == "")]:
        _fail(problems, path, int(out.at[i, "line"]), "empty body")
        keep[i] = False
    for i in out.index[keep & (out["url"] != "") & ~out["url"].map(_is_url)]:
        _fail(problems, path, int(out.at[i, "line"]), f"not a URL: {out.at[i, 'url']!r}")
        keep[i] = False
    out = out[keep].reset_index(drop=True)
    out["date"] = out["date"].dt.tz_convert(None).dt.normalize()
    # Plain Python strings: the cleaning steps iterate over them, and Arrow-backed strings
    # would be converted one by one.
    return out.astype({c: object for c in ("source", "voice", "title", "url", "text")})


def _note_voice(notes, path, values, has_column, column_name, voice, source, stem) -> None:
    """Note where the voice of a table's articles comes from: a column, the voice given, or the name
    of the file (or the source), which is every article's voice when nothing else says."""
    fallback = voice or source or stem
    if has_column:
        empty = int(values.isna().sum())
        gap = f" ({empty:,} record{'s' if empty != 1 else ''} without one get {fallback!r})" if empty else ""
        _note(notes, path, None, "voice", column_name, f"voice: from column {column_name!r}{gap}")
    elif voice:
        _note(notes, path, None, "voice", voice, f"voice: {voice!r} for every article (given; no {column_name!r} column)")
    else:
        what = f"the source {source!r}" if source else (f"the name {stem!r}" if str(path) == FRAME_NAME else f"the file name {stem!r}")
        _note(notes, path, None, "voice", "",
              f"voice: no voice column (looked for {column_name!r}); every article gets {what} as its voice "
              f"(pass voice= or columns={{'voice': ...}})")


_STUDY_READERS = {
    "kremlin": dict(columns={"title": "headline", "url": "link", "text": "body"}),
    "ukraine_president": dict(columns={"title": "headline", "url": "link", "text": "body"}),
    "guardian": dict(columns={"title": "headlines", "date": "published", "text": "articles"}),
    "nyt": dict(
        columns={"title": "headlines", "date": "published", "text": "articles"},
        date_format="%Y/%m/%d",
    ),
    "headlines": dict(
        columns={"title": "title", "text": "title", "url": "link", "date": "timestamp", "voice": "domain"},
        date_format="epoch",
    ),
}


def read_study(name: str, *, problems: list | None = None, notes: list | None = None) -> pd.DataFrame:
    """Read pinned study source ``name`` (fetched and checksum-verified) into the raw schema.

    The press releases and articles get a fixed voice (``STUDY_VOICES``); each headline's voice is
    the outlet's domain.
    """
    if name not in _STUDY_READERS:
        raise KeyError(f"no study source {name!r}; known: {', '.join(_STUDY_READERS)}")
    spec = _STUDY_READERS[name]
    return read_table(
        fetch(name),
        columns=spec["columns"],
        source=name,
        voice=STUDY_VOICES.get(name),
        date_format=spec.get("date_format"),
        problems=problems,
        notes=notes,
        note_voice=False,  # a study source's voice is fixed and documented (STUDY_VOICES, the domain)
    )


def read_path(path, *, problems: list | None = None, notes: list | None = None, **table_options) -> pd.DataFrame:
    """Read a seed-format ``.txt`` file, a table file, or every such file in a folder (sorted)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and _readable(p))
        if not files:
            _fail(problems, path, None, "folder holds no .txt, .csv, .jsonl, .json or .parquet file")
            return _empty_raw()
        frames = [read_path(p, problems=problems, notes=notes, **table_options) for p in files]
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else _empty_raw()
    if not path.exists():
        _fail(problems, path, None, "no such file or folder")
        return _empty_raw()
    if path.suffix.lower() == ".txt":
        return read_seed(path, problems=problems, notes=notes)
    if path.suffix.lower() in TABLE_SUFFIXES:
        return read_table(path, problems=problems, notes=notes, **table_options)
    _fail(problems, path, None, f"unsupported file type {path.suffix!r}; use .txt (seed format), .csv, .jsonl, .json or .parquet")
    return _empty_raw()


def _readable(path: Path) -> bool:
    return path.suffix.lower() in TABLE_SUFFIXES | {".txt"} and not path.name.startswith(".")


NEWSMTSC_LABELS = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def read_newsmtsc(split: str) -> pd.DataFrame:
    """Read a NewsMTSC split (``train``, ``devtest_rw``, ``devtest_mt``): one row per target.

    Columns: ``gid``, ``text`` (the sentence), ``mention`` (the target as written), ``start``,
    ``end`` (its character span) and ``label`` (negative / neutral / positive, agreed by 5+
    coders). Hamborg & Donnay (2021), "NewsMTSC: A Dataset for (Multi-)Target-dependent Sentiment
    Classification in Political News Articles", EACL.
    """
    path = fetch(f"newsmtsc_{split}")
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusError(path, number, f"malformed JSON line ({error.msg})") from error
            for target in record["targets"]:
                if target["polarity"] not in NEWSMTSC_LABELS:
                    raise CorpusError(path, number, f"unknown polarity {target['polarity']!r}")
                rows.append(
                    {
                        "gid": target["Input.gid"],
                        "text": record["sentence_normalized"],
                        "mention": target["mention"],
                        "start": int(target["from"]),
                        "end": int(target["to"]),
                        "label": NEWSMTSC_LABELS[target["polarity"]],
                    }
                )
    return pd.DataFrame(rows)
