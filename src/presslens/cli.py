"""The ``presslens`` command: run the whole analysis on any corpus, without a notebook."""
from __future__ import annotations

import argparse
import sys

DESCRIPTION = """\
presslens: how the news speaks about NATO and Russia, measured reproducibly.

Commands:
  analyze   clean, deduplicate and split a corpus, find NATO and Russia (and other targets),
            score sentiment and stance, and write Parquet tables and a summary.
  report    the same analysis, then notebooks 01-05 run on the corpus: executed notebooks, figures,
            HTML pages and an index.html, in one folder.
"""

REPORT_EPILOG = """\
what you get (in --out):
  index.html          one line per notebook saying what it answers, whether it ran, its figures
  NN-name.html        each notebook as a static page (code, tables, figures)
  NN-name.ipynb       each notebook, executed on your corpus (open it in JupyterLab to go on)
  figures/            every figure, as PNG
  tables/             what `presslens analyze` writes: articles, sentences, aggregates, rejected
  report.json         the parameters the notebooks ran with, and each notebook's status

Cells that need what exists only for the study sources (the stance annotations, NewsMTSC, the
Kremlin's transcripts, the headlines file) or state the study's findings are left out.

examples:
  presslens report articles.csv --columns text=body,date=published,title=headline,voice=outlet --out report/
  presslens report my-folder/ --events "2022-02-24=invasion,2022-06-29=Madrid summit" --binning weekly --out report/
  presslens report articles.csv --lexicon my-targets.csv --targets NATO,Russia,Zelenskyy --out report/
"""

ANALYZE_EPILOG = """\
inputs:
  seed-format .txt files, CSV / JSON Lines / JSON / Parquet tables, folders of them, or the names of
  the pinned study sources (kremlin, ukraine_president, guardian, nyt, headlines). With no input, the
  embedded sample article is analysed. A bad file is listed in rejected.parquet and counted in the
  summary; the rest is analysed.

outputs (in --out):
  articles.parquet    one row per article kept (id, source, voice, date, title, url)
  sentences.parquet   one row per sentence: text, VADER compound, and per target the mentions,
                      sentiment toward it and the predicted stance (FAVOR / AGAINST / NONE)
  aggregates.parquet  one row per voice and week: counts, mean sentiment, stance shares
  rejected.parquet    every input that could not be used: path, line, reason
  summary.json        what was read, kept, dropped and found

examples:
  presslens analyze --out results/
  presslens analyze articles.csv --columns text=body,date=published,title=headline --out results/
  presslens analyze kremlin guardian --targets NATO,Russia,China --out results/
  presslens analyze articles.csv --columns voice=outlet --lexicon my-targets.csv --targets NATO,Zelenskyy --out results/
  presslens analyze big/ --engine dask --scheduler tcp://10.0.0.5:8786 --out results/
"""


def _mapping(text: str) -> dict:
    mapping = {}
    for pair in filter(None, text.split(",")):
        if "=" not in pair:
            raise argparse.ArgumentTypeError(f"{pair!r} is not NAME=COLUMN")
        name, column = pair.split("=", 1)
        mapping[name.strip()] = column.strip()
    return mapping


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="presslens", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    from presslens import __version__

    parser.add_argument("--version", action="version", version=f"presslens {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    analyze = commands.add_parser(
        "analyze", help="analyse a corpus and write Parquet tables", description="Analyse a corpus and write Parquet tables.",
        epilog=ANALYZE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    analyze.add_argument("inputs", nargs="*", metavar="INPUT", help="files, folders or study source names (default: the embedded sample)")
    analyze.add_argument("--out", required=True, metavar="DIR", help="folder for the output tables (created if missing)")
    analyze.add_argument("--targets", default="NATO,Russia", metavar="T1,T2", help="targets from the lexicon (default: NATO,Russia); stance is predicted for NATO and Russia only, the others get mentions and sentiment")
    analyze.add_argument("--lexicon", default=None, metavar="FILE", help="a target lexicon: a CSV with the columns of data/targets.csv (target, alias, case_sensitive, kind, not_followed_by, not_preceded_by, note), for targets of your own (default: data/targets.csv)")
    analyze.add_argument("--engine", choices=["local", "dask"], default="local", help="local: chunk by chunk on this machine; dask: the same per-partition functions on a Dask cluster")
    analyze.add_argument("--jobs", type=int, default=None, metavar="N", help="local engine: processes to score chunks in (default: one per CPU core; 1: this process only)")
    analyze.add_argument("--scheduler", metavar="ADDRESS", help="address of a running dask.distributed scheduler (default with --engine dask: a local cluster of 2 workers)")
    analyze.add_argument("--chunk-size", type=int, default=20_000, metavar="N", help="sentences per chunk or partition (default: 20000)")
    analyze.add_argument("--columns", type=_mapping, default=None, metavar="NAME=COLUMN,...", help="for tables: which of your columns hold title, date, text, url, voice")
    analyze.add_argument("--date-format", default=None, metavar="FORMAT", help="for tables: 'ISO8601', 'epoch' or a strptime format such as %%d.%%m.%%Y (default: one format inferred for the whole column; a column that day-first and month-first both read is refused until this option says which)")
    analyze.add_argument("--stance-model", choices=["full", "fast"], default="full", help="full: the sparse model averaged with the sentence-embedding model (the better one); fast: the sparse model alone, several times faster (benchmarks/stance_speed.py)")
    analyze.add_argument("--quiet", action="store_true", help="no progress bars")
    report = commands.add_parser(
        "report", help="run notebooks 01-05 on a corpus: notebooks, figures, HTML pages and index.html",
        description="Analyse a corpus, then run notebooks 01-05 on it with papermill.",
        epilog=REPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("inputs", nargs="*", metavar="INPUT", help="files, folders or study source names (default: the embedded sample)")
    report.add_argument("--out", required=True, metavar="DIR", help="folder for the report (created if missing)")
    report.add_argument("--columns", type=_mapping, default=None, metavar="NAME=COLUMN,...", help="for tables: which of your columns hold title, date, text, url, voice")
    report.add_argument("--date-format", default=None, metavar="FORMAT", help="for tables: 'ISO8601', 'epoch' or a strptime format (as for analyze)")
    report.add_argument("--targets", default="NATO,Russia", metavar="T1,T2", help="targets to study (default: NATO,Russia); stance is predicted for NATO and Russia only")
    report.add_argument("--lexicon", default=None, metavar="FILE", help="a target lexicon in the schema of data/targets.csv (default: data/targets.csv)")
    report.add_argument("--voices", default=None, metavar="V1,V2", help="the voices to show, in this order (default: all, the largest first)")
    report.add_argument("--events", default=None, metavar="DATE=NAME,...", help="events marked on time axes, e.g. 2022-02-24=invasion (default: none)")
    report.add_argument("--split", default=None, metavar="DATE=NAME", help="compare before and from this date, e.g. 2022-02-24=invasion (default: no split)")
    report.add_argument("--from", dest="start", default=None, metavar="DATE", help="leave out articles before this date")
    report.add_argument("--to", dest="end", default=None, metavar="DATE", help="leave out articles after this date")
    report.add_argument("--binning", choices=["monthly", "weekly"], default="monthly", help="time axes by month (default) or by week")
    report.add_argument("--min-count", type=int, default=20, metavar="N", help="a cell with fewer sentences is counted but not estimated (default: 20)")
    report.add_argument("--notebooks", default=None, metavar="01,03", help="run only these notebooks (default: 01-05)")
    report.add_argument("--engine", choices=["local", "dask"], default="local", help="the analysis engine, as for analyze")
    report.add_argument("--stance-model", choices=["full", "fast"], default="full", help="as for analyze")
    report.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def _report(args, parser) -> int:
    from presslens import report

    try:
        events = report.parse_events(args.events)
        split = report.parse_events(args.split)
        if len(split) > 1:
            raise ValueError(f"--split takes one DATE=NAME, not {len(split)}")
        chosen = None
        if args.notebooks:
            wanted = [n.strip() for n in args.notebooks.split(",") if n.strip()]
            chosen = [name for name in report.NOTEBOOKS if any(name.startswith(w) for w in wanted)]
        result = report.run(
            args.inputs, args.out, columns=args.columns, date_format=args.date_format,
            voices=[v.strip() for v in args.voices.split(",") if v.strip()] if args.voices else None,
            targets=[t.strip() for t in args.targets.split(",") if t.strip()], lexicon=args.lexicon,
            start=args.start, end=args.end, binning=args.binning, events=events, split=split, min_count=args.min_count,
            notebooks=chosen, engine=args.engine, stance_model=args.stance_model, progress=not args.quiet,
            raise_on_failure=False,
        )
    except ValueError as error:
        parser.exit(2, f"presslens report: error: {error}\n")
    a = result.analysis
    print(f"articles kept: {a['articles']:,}; sentences: {a['sentences']:,}; bad inputs: {a['bad_inputs']:,} (see tables/rejected.parquet)")
    for name, info in result.notebooks.items():
        print(f"{name}: {'ran' if info['status'] == 'ok' else 'FAILED, ' + info['error']} ({info['seconds']} s, {len(info['figures'])} figures)")
    print(f"open {result.out / 'index.html'}")
    if result.failures:
        print(f"presslens report: error: {len(result.failures)} notebook(s) failed: {', '.join(result.failures)}", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "report":
        return _report(args, parser)
    if args.command != "analyze":
        parser.print_help()
        return 0 if args.command is None else 2
    from presslens import pipeline

    target_names = [t.strip() for t in args.targets.split(",") if t.strip()]
    table_options = {k: v for k, v in (("columns", args.columns), ("date_format", args.date_format)) if v}
    try:
        summary = pipeline.run(
            args.inputs, args.out, target_names=target_names, engine=args.engine, scheduler=args.scheduler,
            chunk_size=args.chunk_size, jobs=args.jobs, progress=not args.quiet, table_options=table_options or None,
            stance_model=args.stance_model, lexicon=args.lexicon,
        )
    except ValueError as error:
        parser.exit(2, f"presslens analyze: error: {error}\n")
    jobs = summary["jobs"]
    engine = f"local engine ({jobs} process{'es' if jobs > 1 else ''})" if jobs else f"{summary['engine']} engine"
    print(f"read {', '.join(summary['inputs'])} with the {engine} in {summary['seconds']} s")
    print(f"articles kept: {summary['articles']:,}; sentences: {summary['sentences']:,}; duplicates dropped: {summary['duplicates_dropped']:,}")
    print(f"bad inputs (see rejected.parquet): {summary['bad_inputs']:,}")
    for path, date_format in summary["date_formats"].items():
        print(f"dates in {path}: read as {date_format}" if date_format else f"dates in {path}: no format fits")
    for note in summary["notes"]:
        print(f"note: {note['path']}: {note['note']}")
    if summary["lexicon"]:
        print(f"targets from the lexicon {summary['lexicon']}")
    for note in summary["shared_aliases"]:
        print(f"note: {note}")
    for target, count in summary["targets"].items():
        print(f"sentences naming {target}: {count:,}")
    print(f"stance: {summary['stance']}")
    print(f"tables written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
