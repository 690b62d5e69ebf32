"""The ``presslens`` command: run the whole analysis on any corpus, without a notebook."""
from __future__ import annotations

import argparse
import sys

DESCRIPTION = """\
presslens: how the news speaks about NATO and Russia, measured reproducibly.

Commands:
  analyze   clean, deduplicate and split a corpus, find NATO and Russia (and other targets),
            score sentiment and stance, and write Parquet tables and a summary.
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
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
