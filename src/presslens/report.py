"""``presslens report``: the analysis notebooks, run on your corpus, as a folder you can open.

The notebooks 01-05 take their inputs from one cell tagged ``parameters`` (papermill's convention):
the sources and how to read them, the voices and their order, the targets and their lexicon, the
date range, the binning of time axes, the events marked on them and the minimum count of a shown
cell. Their defaults are the study's, so the committed notebooks mean what they meant.

:func:`run` (``presslens report INPUT... --out DIR``, ``make report CORPUS=... OUT=...``):

1. reads the corpus with ``presslens analyze``'s reading and engines (:func:`presslens.pipeline.run`),
   which writes the Parquet tables, the rejected inputs and ``summary.json`` into ``DIR/tables``;
2. runs each notebook with papermill, its parameters set to your corpus, after dropping the cells
   tagged ``study-only``: those read what exists only for the study sources (the annotations, the
   NewsMTSC labels, the Kremlin's transcripts, the headlines file) or state the study's findings;
3. writes into ``DIR``: the executed notebooks, their figures (``DIR/figures``; never the
   repository's ``figures/``), a static HTML page per notebook and ``index.html``, which links them
   with one line per notebook saying what it answers.

A notebook that fails is named, with its cell and error, in the index and in the error raised at the
end; the other notebooks still run. Everything a corpus brings into the pages (titles, voices,
sentences) is escaped: HTML in a text is shown as text, never run.

The small functions below (:func:`select_dates`, :func:`voice_order`, :func:`bin_starts`,
:func:`enough`) are what the notebooks use to apply their parameters the same way.
"""
from __future__ import annotations

import html
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from presslens import paths

STUDY_TAG = "study-only"
# Each notebook, with the one line index.html gives it: the question it answers.
NOTEBOOKS = {
    "01-corpus": "What the corpus holds: whose words, when, how long, and what was dropped, removed or rejected.",
    "02-sentiment": "Which sentences name each target, and how positive or negative their language reads, by voice and over time.",
    "03-keywords": "Which words set each voice apart in the sentences that name each target, and how each voice names things.",
    "04-stance": "Whether sentences speak for or against NATO and Russia, by voice and over time (the stance model's labels).",
    "05-voices-over-time": "How the voices compare over time, in their own words and in the words they quote.",
}
BINNINGS = {"weekly": "W-SUN", "monthly": "M"}


class ReportError(RuntimeError):
    """One or more notebooks failed; the others ran. ``failures`` maps notebook to its error."""

    def __init__(self, failures: dict, out: Path):
        self.failures = failures
        lines = [f"{name}: {error}" for name, error in failures.items()]
        super().__init__(f"{len(failures)} notebook(s) failed (the others ran; see {out / 'index.html'}):\n  " + "\n  ".join(lines))


# --- what the notebooks use to apply their parameters ---------------------------------------------


def select_dates(corpus, start=None, end=None):
    """Return ``corpus`` with only the articles (and their sentences) dated from ``start`` to ``end``
    (ISO dates, both included; None: no bound). Articles left out are listed in ``corpus.notes``
    (kind ``date range``), so nothing leaves silently.

    >>> import presslens
    >>> select_dates(presslens.load("sample"), "2030-01-01").notes[["kind", "note"]].values.tolist()
    [['date range', 'outside 2030-01-01 to the end: 1 article(s) and their 28 sentence(s) left out']]
    """
    if start is None and end is None:
        return corpus
    from dataclasses import replace

    dates = corpus.articles["date"]
    keep = pd.Series(True, index=corpus.articles.index)
    if start is not None:
        keep &= dates >= pd.Timestamp(start)
    if end is not None:
        keep &= dates < pd.Timestamp(end) + pd.Timedelta(days=1)
    kept_ids = set(corpus.articles.loc[keep, "article_id"])
    in_range = corpus.sentences["article_id"].isin(kept_ids)
    notes = corpus.notes
    if (~keep).any():
        span = f"{start or 'the start'} to {end or 'the end'}"
        note = {"path": "", "line": None, "kind": "date range", "value": span,
                "note": f"outside {span}: {int((~keep).sum())} article(s) and their {int((~in_range).sum())} sentence(s) left out"}
        notes = pd.concat([notes, pd.DataFrame([note], columns=notes.columns)], ignore_index=True) if len(notes) else pd.DataFrame([note], columns=notes.columns)
    return replace(corpus, articles=corpus.articles[keep].reset_index(drop=True),
                   sentences=corpus.sentences[in_range].reset_index(drop=True), notes=notes)


def voice_order(frame: pd.DataFrame, voices=None) -> list:
    """Return the voices to show: ``voices`` as given (those present in ``frame``), or, when None,
    every voice of ``frame``, the one with most rows first (ties by name).

    >>> frame = pd.DataFrame({"voice": ["B", "A", "B", "C", "A"]})
    >>> voice_order(frame), voice_order(frame, ["C", "Z", "A"])
    (['A', 'B', 'C'], ['C', 'A'])
    """
    present = frame["voice"].value_counts()
    if voices is not None:
        return [v for v in voices if v in present.index]
    return sorted(present.index, key=lambda v: (-present[v], str(v)))


def bin_starts(dates, binning: str = "monthly") -> pd.Series:
    """Return the start of each date's bin: its month or its week (Monday to Sunday).

    >>> bin_starts(pd.Series(pd.to_datetime(["2022-02-24", "2022-02-27"])), "weekly").dt.strftime("%Y-%m-%d").tolist()
    ['2022-02-21', '2022-02-21']
    """
    if binning not in BINNINGS:
        raise ValueError(f"binning must be one of {sorted(BINNINGS)}, not {binning!r}")
    return pd.to_datetime(pd.Series(dates)).dt.to_period(BINNINGS[binning]).dt.start_time


def enough(n: int, min_count: int, what: str = "sentences") -> str | None:
    """Return None when ``n`` reaches ``min_count``, else the sentence a notebook prints instead of
    an estimate.

    >>> enough(3, 20)
    'too few to estimate: 3 sentences, fewer than the minimum of 20'
    """
    if n >= min_count:
        return None
    return f"too few to estimate: {n} {what}, fewer than the minimum of {min_count}"


def mark_events(ax, events) -> None:
    """Draw each event (``{"2022-02-24": "invasion", ...}``) as a dashed line, named at the top of
    the axes. An event outside the data widens the axis to show it: the reader asked for it."""
    for day, name in sorted((events or {}).items()):
        ax.axvline(pd.Timestamp(day), color="0.3", lw=0.8, ls="--")
        ax.text(pd.Timestamp(day), 0.98, f" {name}", transform=ax.get_xaxis_transform(), fontsize=7, color="0.3",
                va="top", ha="left", rotation=90)


# --- running the notebooks ------------------------------------------------------------------------


@dataclass
class Result:
    """What :func:`run` did: the analysis summary, and per notebook its status and files."""

    out: Path
    analysis: dict
    notebooks: dict = field(default_factory=dict)  # name -> {"status", "error", "seconds", "figures"}

    @property
    def failures(self) -> dict:
        return {name: info["error"] for name, info in self.notebooks.items() if info["status"] != "ok"}


def parse_events(text: str | None) -> dict:
    """Parse ``--events``: ``2022-02-24=invasion,2022-02-04=Putin-Xi statement``.

    >>> parse_events("2022-02-24=invasion,2022-02-04=Putin-Xi statement")
    {'2022-02-04': 'Putin-Xi statement', '2022-02-24': 'invasion'}
    """
    events = {}
    for pair in filter(None, (p.strip() for p in (text or "").split(","))):
        day, sep, name = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"event {pair!r} is not DATE=NAME")
        try:
            stamp = pd.Timestamp(day.strip())
        except ValueError as error:
            raise ValueError(f"event {pair!r}: {day.strip()!r} is not a date") from error
        events[stamp.strftime("%Y-%m-%d")] = name.strip()
    return dict(sorted(events.items()))


def parameters(inputs, *, columns=None, date_format=None, voices=None, targets=("NATO", "Russia"), lexicon=None,
               start=None, end=None, binning="monthly", events=None, split=None, min_count=20) -> dict:
    """Return the notebooks' parameters for a corpus (each notebook takes those it declares)."""
    if binning not in BINNINGS:
        raise ValueError(f"binning must be one of {sorted(BINNINGS)}, not {binning!r}")
    if min_count < 1:
        raise ValueError(f"the minimum count must be 1 or more, not {min_count}")
    from presslens import io

    # names of study sources stay names; anything else is a path, made absolute (the notebooks run
    # from the notebooks folder)
    sources = [str(s) if str(s) in io.STUDY_SOURCES or str(s) == "sample" else str(Path(s).resolve()) for s in inputs] or ["sample"]
    return {
        "SOURCES": sources, "COLUMNS": dict(columns) if columns else None, "DATE_FORMAT": date_format,
        "VOICES": list(voices) if voices else None, "TARGETS": list(targets),
        "LEXICON": str(Path(lexicon).resolve()) if lexicon else None, "START": start, "END": end,
        "BINNING": binning, "EVENTS": dict(events or {}), "MIN_COUNT": int(min_count),
        # no split unless asked for: before/after comparisons need a date that means something
        "SPLIT_DATE": next(iter(split), None) if split else None, "SPLIT_NAME": next(iter(split.values()), "") if split else "",
    }


def without_study_cells(nb):
    """Return the notebook without the cells tagged ``study-only``."""
    nb.cells = [cell for cell in nb.cells if STUDY_TAG not in cell.metadata.get("tags", [])]
    return nb


def run(inputs, out, *, columns=None, date_format=None, voices=None, targets=("NATO", "Russia"), lexicon=None,
        start=None, end=None, binning="monthly", events=None, split=None, min_count=20, notebooks=None,
        engine: str = "local", jobs: int | None = None, stance_model: str = "full", progress: bool = True,
        raise_on_failure: bool = True) -> Result:
    """Analyse ``inputs`` and run the notebooks on them into ``out`` (see the module's docstring).

    Returns a :class:`Result`; raises :class:`ReportError` at the end if a notebook failed (after
    writing everything else), unless ``raise_on_failure`` is False.
    """
    import nbformat
    import papermill
    from tqdm.auto import tqdm

    from presslens import pipeline

    out = Path(out).resolve()
    if out == paths.ROOT or out == paths.FIGURES_DIR.resolve() or out == paths.NOTEBOOKS_DIR.resolve():
        raise ValueError(f"--out {out} would overwrite the project's own files; choose another folder")
    names = list(NOTEBOOKS) if notebooks is None else list(notebooks)
    unknown = [n for n in names if n not in NOTEBOOKS]
    if unknown:
        raise ValueError(f"unknown notebooks {unknown}; there are {list(NOTEBOOKS)}")
    params = parameters(inputs, columns=columns, date_format=date_format, voices=voices, targets=targets,
                        lexicon=lexicon, start=start, end=end, binning=binning, events=events, split=split, min_count=min_count)
    out.mkdir(parents=True, exist_ok=True)
    figures = out / "figures"
    figures.mkdir(exist_ok=True)
    table_options = {k: v for k, v in (("columns", params["COLUMNS"]), ("date_format", date_format)) if v}
    analysis = pipeline.run(
        params["SOURCES"], out / "tables", target_names=params["TARGETS"], engine=engine, jobs=jobs, progress=progress,
        table_options=table_options or None, stance_model=stance_model,
        **({"lexicon": params["LEXICON"]} if params["LEXICON"] else {}),
    )
    result = Result(out=out, analysis=analysis)
    with paths.environment(**{paths.FIGURES_ENV: str(figures), "PRESSLENS_HEADLESS": "1"}), \
            tempfile.TemporaryDirectory() as scratch:  # the kernels inherit the figures folder
        bar = tqdm(names, unit="notebook", desc="notebooks", disable=not progress)
        for name in bar:
            bar.set_postfix_str(name)
            source = paths.NOTEBOOKS_DIR / f"{name}.ipynb"
            prepared = Path(scratch) / f"{name}.ipynb"
            nbformat.write(without_study_cells(nbformat.read(source, as_version=4)), prepared)
            declared = set(papermill.inspect_notebook(str(prepared)))
            started = time.perf_counter()
            status, error = "ok", ""
            try:
                papermill.execute_notebook(
                    str(prepared), str(out / f"{name}.ipynb"), parameters={k: v for k, v in params.items() if k in declared},
                    kernel_name="python3", cwd=str(paths.NOTEBOOKS_DIR), progress_bar=False, log_output=False,
                )
            except papermill.PapermillExecutionError as failure:
                status, error = "failed", f"cell {failure.exec_count}: {failure.ename}: {failure.evalue}"
            result.notebooks[name] = {
                "status": status, "error": error, "seconds": round(time.perf_counter() - started, 1),
                "figures": sorted(p.name for p in figures.glob(f"{name[:2]}-*.png")),
            }
            if (out / f"{name}.ipynb").exists():
                write_html(out / f"{name}.ipynb", out / f"{name}.html")
    write_index(result, params)
    (out / "report.json").write_text(json.dumps({"parameters": params, "notebooks": result.notebooks}, indent=2, default=str) + "\n")
    if result.failures and raise_on_failure:
        raise ReportError(result.failures, out)
    return result


def write_html(notebook: Path, target: Path) -> Path:
    """Write a static HTML page of an executed notebook (code shown, images embedded), with the HTML
    of markdown and of outputs sanitised: a ``<script>`` or an ``onerror=`` from the corpus is
    removed or shown as text, never run."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(sanitize_html=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target.write_text(body, encoding="utf-8")
    return target


def write_index(result: Result, params: dict) -> Path:
    """Write ``index.html``: what was read, then one line per notebook (what it answers, whether it
    ran, its pages and figures). Every value from the corpus or the command line is escaped."""
    e = html.escape
    a = result.analysis
    rows = []
    for name, info in result.notebooks.items():
        status = "ran" if info["status"] == "ok" else f"FAILED: {info['error']}"
        figures = " ".join(f'<a href="figures/{e(f)}"><img src="figures/{e(f)}" alt="{e(f)}" height="90"></a>' for f in info["figures"])
        rows.append(
            f'<tr><td><a href="{e(name)}.html">{e(name)}</a><br><small><a href="{e(name)}.ipynb">notebook</a></small></td>'
            f"<td>{e(NOTEBOOKS[name])}</td><td class=\"{'ok' if info['status'] == 'ok' else 'failed'}\">{e(status)}"
            f"<br><small>{info['seconds']} s</small></td><td>{figures}</td></tr>"
        )
    facts = [
        ("inputs", ", ".join(Path(s).name if Path(s).is_absolute() else s for s in params["SOURCES"])),
        ("articles kept", f"{a['articles']:,}"), ("sentences", f"{a['sentences']:,}"),
        ("duplicates dropped", f"{a['duplicates_dropped']:,}"),
        ("bad inputs (tables/rejected.parquet)", f"{a['bad_inputs']:,}"),
        ("targets", ", ".join(f"{t}: {n:,} sentences" for t, n in a["targets"].items())),
        ("stance", a["stance"]),
        ("notes", "; ".join(n["note"] for n in a["notes"]) or "none"),
    ]
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>presslens report</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}} td,th{{vertical-align:top;padding:.4em;border-bottom:1px solid #ddd;text-align:left}}
table{{border-collapse:collapse}} .failed{{color:#b00;font-weight:bold}} .ok{{color:#060}} small{{color:#666}}</style></head>
<body><h1>presslens report</h1>
<p>The notebooks of presslens, run on this corpus. Each page says how its numbers were
made; stance shares are the model's labels unless a page says they were corrected on annotated sentences.</p>
<h2>What was read</h2><table>{''.join(f'<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>' for k, v in facts)}</table>
<h2>The notebooks</h2><table><tr><th>notebook</th><th>what it answers</th><th>status</th><th>figures</th></tr>
{''.join(rows)}</table>
<p><small>Tables: <a href="tables/">tables/</a> (Parquet, as <code>presslens analyze</code> writes them). Parameters: <a href="report.json">report.json</a>.</small></p>
</body></html>
"""
    path = result.out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
