"""`presslens report`: notebooks 01-05 run on a corpus the project has never seen.

Three corpora, each reported once per test session (module fixtures): the embedded sample (one
voice, one article); a synthetic corpus built here (a CSV with its own column names, twenty
outlets as voices, ten years of dates, a voice with three sentences, a text in French, HTML in
titles and text, a target that is not in data/targets.csv given as a lexicon file); and one voice
with three sentences, none of which names NATO. Each must run every notebook without an error output, write every figure (none blank),
escape the corpus' HTML in every page, and leave the repository as it was.
"""
from __future__ import annotations

import html
import json
import random
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from presslens import cli, paths, report

XSS_SCRIPT = '<script>alert("presslens-xss")</script>'
XSS_IMG = '<img src=x onerror=alert("presslens-xss")>'
VOICES = ["Daily Bugle", "Evening Star", "Morning Post"]
SMALL_VOICES = [f"Local Gazette {n:02d}" for n in range(1, 18)]  # twenty voices in all, most of them small
FRENCH = ("La Russie et l'OTAN se sont réunies à Genève pour des négociations. Les diplomates de la "
          "Russie ont dit que les discussions sont difficiles. Le ministre a parlé avec les journalistes.")
SENTENCES = [
    "NATO leaders met in Brussels to discuss support for Ukraine.",
    "Russia launched new missile strikes on Kharkiv overnight, officials said.",
    "President Zelenskyy thanked NATO for its steady support.",
    "Zelensky said Russia must be held accountable for the attacks.",
    "The Kremlin rejected the accusations as baseless.",
    "Analysts said the alliance would expand its presence on the eastern flank.",
    "Moscow warned that NATO expansion threatens its security.",
    "Ukrainian forces recaptured several villages near Izium.",
    "The summit ended with a joint statement on energy security.",
    "Prices of grain rose sharply after the port was blockaded by Russian ships.",
    "Mr Zelenskyy called for more air defence systems.",
    "Russian troops shelled residential areas of the city.",
]


def repository_state() -> str:
    """What `git status` and the tracked files' contents say; '' where there is no git checkout."""
    if not (paths.ROOT / ".git").exists():
        return ""
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=paths.ROOT,
                            capture_output=True, text=True, check=True).stdout
    diff = subprocess.run(["git", "diff", "--stat"], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout
    return status + diff


def synthetic_corpus(folder: Path) -> dict:
    """Write a CSV corpus and a lexicon file; return what the report needs to read them."""
    rng = random.Random(20261130)
    rows = []
    for v, voice in enumerate(VOICES):
        for k in range(30 + 10 * v):
            # ten years of dates, unevenly spread
            day = pd.Timestamp("2014-03-01") + pd.Timedelta(days=int(rng.random() ** 2 * 3650))
            body = " ".join(rng.sample(SENTENCES, 5))
            rows.append({"headline": f"{voice} report {k}", "published": day.strftime("%d/%m/%Y"), "body": body,
                         "outlet": voice, "link": f"https://example.org/{v}/{k}"})
    for v, voice in enumerate(SMALL_VOICES):
        for k in range(3):
            day = pd.Timestamp("2021-01-01") + pd.Timedelta(days=int(rng.random() * 730))
            rows.append({"headline": f"{voice} item {k}", "published": day.strftime("%d/%m/%Y"), "outlet": voice,
                         "body": " ".join(rng.sample(SENTENCES, 3)), "link": f"https://example.org/small/{v}/{k}"})
    rows.append({"headline": f"Breaking {XSS_SCRIPT}", "published": "02/01/2014", "outlet": "Daily Bugle",
                 "body": f"NATO met in Brussels. {XSS_IMG} Russia killed and tortured terrified civilians in a horrible, brutal massacre. The talks went on.", "link": "https://example.org/x"})
    rows.append({"headline": "Brèves", "published": "06/06/2021", "body": FRENCH, "outlet": "Le Courrier", "link": "https://example.org/fr"})
    rows.append({"headline": "A short one", "published": "07/07/2022", "outlet": "Tiny Weekly",
                 "body": "Russia and NATO met. Zelenskyy spoke. Nothing was agreed.", "link": "https://example.org/t"})
    corpus = folder / "my-corpus.csv"
    pd.DataFrame(rows).to_csv(corpus, index=False)
    lexicon = folder / "my-targets.csv"
    pd.read_csv(paths.DATA_DIR / "targets.csv", dtype=str, keep_default_na=False).pipe(
        lambda t: pd.concat([t, pd.DataFrame([{"target": "Zelenskyy", "alias": a, "case_sensitive": "no", "kind": "name"}
                                              for a in ("Zelenskyy", "Zelensky", "Zelenskiy")])], ignore_index=True)
    ).fillna("").to_csv(lexicon, index=False)
    return {"corpus": corpus, "lexicon": lexicon, "sentences": sum(len(r["body"].split(". ")) for r in rows)}


def run_report(args, out: Path):
    before = repository_state()
    code = cli.main(["report", *args, "--out", str(out), "--quiet"])
    assert repository_state() == before, "presslens report changed the repository"
    return code, json.loads((out / "report.json").read_text())


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-report")
    code, info = run_report([], out)
    return code, info, out


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    made = synthetic_corpus(folder)
    out = folder / "report"
    code, info = run_report(
        [str(made["corpus"]), "--columns", "title=headline,date=published,text=body,voice=outlet,url=link",
         "--date-format", "%d/%m/%Y", "--lexicon", str(made["lexicon"]), "--targets", "NATO,Russia,Zelenskyy",
         "--events", "2022-02-24=invasion,2014-03-18=Crimea annexed", "--split", "2022-02-24=invasion", "--binning", "monthly"], out)
    return code, info, out


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "one.txt").write_text("A short note\n20220301\nhttps://example.org/one\n"
                                    "Russia asked for talks.\nThe minister spoke to reporters about Russia.\nThe talks continue.\n")
    out = folder / "report"
    code, info = run_report([str(folder / "one.txt")], out)
    return code, info, out


def error_outputs(notebook: Path) -> list[str]:
    nb = nbformat.read(notebook, as_version=4)
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"{output.get('ename')}: {output.get('evalue')}")
            if output.get("name") == "stderr" and "warning" in output.get("text", "").lower():
                found.append(f"warning: {output['text'][:200]}")
    return found


def not_blank(png: Path) -> bool:
    import matplotlib.image

    pixels = matplotlib.image.imread(png)
    return float(np.ptp(pixels[..., :3])) > 0.1


def check_report(code, info, out: Path, expected_figures: set[str]):
    assert code == 0, info["notebooks"]
    assert set(info["notebooks"]) == set(report.NOTEBOOKS)
    for name, status in info["notebooks"].items():
        assert status["status"] == "ok", (name, status["error"])
        assert error_outputs(out / f"{name}.ipynb") == [], name
        assert (out / f"{name}.html").stat().st_size > 10_000
        assert not any(cell.metadata.get("tags", []) and report.STUDY_TAG in cell.metadata["tags"]
                       for cell in nbformat.read(out / f"{name}.ipynb", as_version=4).cells)
    written = {p.stem for p in (out / "figures").glob("*.png")}
    assert expected_figures <= written, expected_figures - written
    assert all(not_blank(p) for p in (out / "figures").glob("*.png"))
    assert not (paths.FIGURES_DIR / "index.html").exists()
    index = (out / "index.html").read_text()
    for name, question in report.NOTEBOOKS.items():
        assert f'href="{name}.html"' in index and html.escape(question) in index


BASE_FIGURES = {"01-articles-per-month", "01-article-lengths", "01-mention-share", "02-sentiment-over-time",
                "03-naming-choices", "04-stance-over-time", "05-own-vs-quoted", "05-weekly"}


def test_report_on_the_embedded_sample(sample_report):
    code, info, out = sample_report
    check_report(code, info, out, BASE_FIGURES)
    assert (out / "tables" / "sentences.parquet").exists() and (out / "tables" / "rejected.parquet").exists()
    page = (out / "03-keywords.html").read_text()
    assert "nothing to compare" in page  # one voice: no Fightin' Words contrast, said plainly


def test_report_on_a_synthetic_corpus_with_its_own_columns_and_target(synthetic_report):
    code, info, out = synthetic_report
    check_report(code, info, out, BASE_FIGURES | {"03-distinctive-nato", "03-distinctive-russia", "03-distinctive-zelenskyy"})
    assert info["parameters"]["TARGETS"] == ["NATO", "Russia", "Zelenskyy"]
    articles = pd.read_parquet(out / "tables" / "articles.parquet")
    assert set(VOICES) | set(SMALL_VOICES) | {"Tiny Weekly", "Le Courrier"} == set(articles["voice"])  # outlets as voices
    assert articles["date"].min().year == 2014 and articles["date"].max().year >= 2023  # ten years
    sentences = pd.read_parquet(out / "tables" / "sentences.parquet")
    assert (sentences["Zelenskyy_mentions"] > 0).sum() > 0
    assert "Zelenskyy_stance" not in sentences.columns  # stance exists for NATO and Russia only
    corpus_page = (out / "01-corpus.html").read_text()
    assert "flagged as not English" in corpus_page and "function words of other languages" in corpus_page
    stance_page = (out / "04-stance.html").read_text()
    assert "not corrected" in stance_page  # no annotations for this corpus: the shares are the model's
    assert "too few to estimate" in (out / "05-voices-over-time.html").read_text()  # Tiny Weekly, Le Courrier


def test_report_escapes_html_from_the_corpus_in_every_page(synthetic_report):
    import re

    _, _, out = synthetic_report
    pages = sorted(out.glob("*.html"))
    assert len(pages) == len(report.NOTEBOOKS) + 1
    shown = False
    for page in pages:
        text = page.read_text().lower()
        assert "<script>alert(" not in text, page.name  # a live tag starts with "<"; shown as text it starts with "&lt;"
        assert not re.search(r"<img[^>]*onerror", text), page.name
        shown = shown or "&lt;script&gt;alert" in text
    assert shown  # the title was shown, as text


def test_report_on_one_voice_with_three_sentences(tiny_report):
    code, info, out = tiny_report
    check_report(code, info, out, BASE_FIGURES)
    for name in ("02-sentiment", "04-stance", "05-voices-over-time"):
        assert "too few to estimate" in (out / f"{name}.html").read_text(), name
    sentences = pd.read_parquet(out / "tables" / "sentences.parquet")
    assert len(sentences) == 3 and (sentences["NATO_mentions"] == 0).all()  # no sentence names NATO


def test_a_failing_notebook_is_named_and_the_others_still_run(tmp_path, monkeypatch):
    broken = tmp_path / "notebooks"
    broken.mkdir()
    for name in report.NOTEBOOKS:
        nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
        if name == "02-sentiment":
            nb.cells.insert(4, nbformat.v4.new_code_cell('raise RuntimeError("planted failure")'))
        nbformat.write(nb, broken / f"{name}.ipynb")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", broken)
    with pytest.raises(report.ReportError, match="02-sentiment: cell .*RuntimeError: planted failure"):
        report.run([], tmp_path / "out", notebooks=["01-corpus", "02-sentiment", "03-keywords"], progress=False)
    info = json.loads((tmp_path / "out" / "report.json").read_text())["notebooks"]
    assert [info[n]["status"] for n in ("01-corpus", "02-sentiment", "03-keywords")] == ["ok", "failed", "ok"]
    assert "FAILED" in (tmp_path / "out" / "index.html").read_text()


def test_parameters_and_events_are_checked():
    assert report.parse_events("2022-02-24=invasion") == {"2022-02-24": "invasion"}
    with pytest.raises(ValueError, match="not DATE=NAME"):
        report.parse_events("2022-02-24")
    with pytest.raises(ValueError, match="not a date"):
        report.parse_events("someday=invasion")
    with pytest.raises(ValueError, match="binning"):
        report.parameters([], binning="daily")
    with pytest.raises(ValueError, match="overwrite"):
        report.run([], paths.FIGURES_DIR, progress=False)


def test_every_analysis_notebook_declares_the_same_corpus_parameters():
    import papermill

    for name in report.NOTEBOOKS:
        declared = set(papermill.inspect_notebook(str(paths.NOTEBOOKS_DIR / f"{name}.ipynb")))
        assert {"SOURCES", "COLUMNS", "DATE_FORMAT", "VOICES", "TARGETS", "LEXICON", "START", "END"} <= declared, name
