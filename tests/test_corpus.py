import pandas as pd
import pytest

import presslens
from presslens import corpus as corpus_module
from presslens import paths

GOOD = "A title\n20220204\nhttps://example.org/{n}\nNATO met in Brussels.\nRussia replied.\n"


def test_load_sample_gives_tidy_tables():
    corpus = presslens.load("sample")
    assert list(corpus.articles.columns) == corpus_module.ARTICLE_COLUMNS
    assert list(corpus.sentences.columns) == corpus_module.SENTENCE_COLUMNS
    assert corpus.articles["article_id"].tolist() == ["seed-000_efa578a6a8d258fa"]
    # 28 body lines, less two boilerplate lines, two of which hold two sentences.
    assert len(corpus.sentences) == 28
    assert sorted(corpus.removed["rule"]) == ["also_read", "syndication"]
    assert corpus.sentences["sentence_id"].is_unique
    assert corpus.rejected.empty and corpus.duplicates.empty


def test_ids_are_stable_across_runs(write, tmp_path):
    write("a.csv", "date,text,title\n2022-01-01,NATO met.,T1\n2022-01-01,NATO met.,T1\n2022-01-02,Russia spoke.,T2\n")
    first = presslens.load(tmp_path / "a.csv")
    second = presslens.load(tmp_path / "a.csv")
    assert first.articles["article_id"].tolist() == second.articles["article_id"].tolist()
    assert first.sentences["sentence_id"].tolist() == second.sentences["sentence_id"].tolist()
    # The exact copy gets an ID of its own and is reported, not lost.
    dup = first.duplicates.iloc[0]
    assert dup["article_id"].endswith("~2") and dup["kept_id"] == dup["article_id"][:-2]
    assert dup["reason"] == "exact copy"


def test_report_mode_loads_good_files_and_lists_bad_ones(write, tmp_path):
    write("folder/01.txt", GOOD.format(n=1))
    write("folder/02.txt", "Title\n2022-02-04\nhttps://example.org/2\nBody.\n")
    write("folder/03.txt", "Title\n20220204\nhttps://example.org/3\n")
    write("folder/04.txt", GOOD.format(n=4).replace("NATO met in Brussels.", "NATO met in Oslo."))
    write("folder/05.txt", b"\x00\x01 binary")
    write("folder/notes.md", "ignored: not an input type")
    with pytest.raises(presslens.CorpusError, match=r"02\.txt:2: bad date"):
        presslens.load(tmp_path / "folder")
    corpus = presslens.load(tmp_path / "folder", errors="report")
    assert len(corpus.articles) == 2
    rejected = corpus.rejected.assign(file=corpus.rejected["path"].str.rsplit("/", n=1).str[-1])
    assert rejected[["file", "line"]].values.tolist() == [["02.txt", 2], ["03.txt", 4], ["05.txt", 1]]
    assert len(corpus.articles) + len(corpus.rejected) == 4 + 0 + 1  # every .txt input accounted for


def test_duplicate_ids_name_both_places(write, tmp_path):
    write("one/000_abc.txt", GOOD.format(n=1))
    write("two/000_abc.txt", GOOD.format(n=2))
    with pytest.raises(presslens.CorpusError, match=r"two/000_abc\.txt:1: duplicate ID 'seed-000_abc' \(first at .*one/000_abc\.txt:1\)"):
        presslens.load([tmp_path / "one", tmp_path / "two"])
    corpus = presslens.load([tmp_path / "one", tmp_path / "two"], errors="report")
    assert len(corpus.articles) == 1 and len(corpus.rejected) == 1


def test_table_with_an_id_column_rejects_repeated_ids(write):
    path = write("ids.csv", "id,date,text\nx1,2022-01-01,First.\nx1,2022-01-02,Second.\n")
    with pytest.raises(presslens.CorpusError, match=r"ids\.csv:3: duplicate ID 'x1'"):
        presslens.load(path)


def test_errors_argument_is_checked():
    with pytest.raises(ValueError, match="errors must be"):
        presslens.load("sample", errors="ignore")
    with pytest.raises(TypeError):
        presslens.load(42)


def test_missing_path_is_an_error_naming_it(tmp_path):
    with pytest.raises(presslens.CorpusError, match="no such file"):
        presslens.load(tmp_path / "nowhere.txt")


# --- the study corpus and its known quirks (../shared/data/README.md) ------------------------


def test_study_corpus_sizes(study):
    counts = study.articles.groupby("source").size().to_dict()
    dropped = study.duplicates.groupby("source").size().to_dict()
    raw = {"kremlin": 816, "ukraine_president": 980, "guardian": 188, "nyt": 219, "headlines": 10037, "seed": 1}
    for source, n in raw.items():
        assert counts[source] + dropped.get(source, 0) == n, source
    assert study.rejected.empty


def test_press_releases_hold_one_exact_duplicate_each_and_the_guardian_ten(study):
    exact = study.duplicates[study.duplicates["reason"] == "exact copy"].groupby("source").size()
    assert exact["kremlin"] == 1 and exact["ukraine_president"] == 1 and exact["guardian"] == 10


def test_headline_links_are_unique_after_dedup(study):
    heads = study.articles[study.articles["source"] == "headlines"]
    assert heads["url"].is_unique
    dropped = study.duplicates[study.duplicates["source"] == "headlines"]
    assert len(dropped) >= 167  # the 167 repeated links, plus identical headlines elsewhere


def test_kremlin_transcripts_keep_their_speakers(study):
    kremlin = study.sentences[study.sentences["voice"] == "Kremlin"]
    speakers = kremlin["speaker"].value_counts()
    assert speakers.index[0].endswith("Vladimir Putin")
    assert {"Dmitry Peskov", "Margarita Simonyan"} <= set(speakers.index)
    assert not kremlin["text"].str.match(r"(?:Vladimir Putin|Dmitry Peskov): ").any()


def test_dates_from_every_format(study):
    span = study.articles.groupby("source")["date"].agg(["min", "max"])
    assert span.loc["nyt"].tolist() == [pd.Timestamp("2022-05-10"), pd.Timestamp("2022-07-31")]
    assert span.loc["headlines", "min"] == pd.Timestamp("2021-11-16")
    assert span.loc["kremlin", "min"] == pd.Timestamp("2021-10-24")


def test_curly_quotes_and_boilerplate_are_gone(study):
    text = study.sentences["text"]
    assert not text.str.contains("[\u2018\u2019\u201c\u201d]").any()
    assert not text.str.match(r"Sign up to First Edition").any()
    assert (study.removed["rule"] == "newsletter").sum() >= 63  # 57 + 6 'First Edition' lines alone


def test_a_lead_that_continues_the_headline_is_kept(study):
    # The body starts with the headline's words but goes on with the same sentence: it is the
    # article's own lead, not a repeated headline, and cutting it would leave "who will be...".
    row = study.articles[study.articles["title"].str.startswith("On December 16, Vladimir Putin will hold talks")]
    assert row["text"].iloc[0].startswith(row["title"].iloc[0] + ", who will be in Russia")


def test_sample_sentences_keep_the_seed_text(study):
    sample = study.sentences[study.sentences["voice"] == "rashtranews.com"]
    seed = " ".join(paths.SAMPLE_FILE.read_text(encoding="utf-8").split())
    assert len(sample) == 28 and all(s in seed for s in sample["text"])


# --- your own corpus: columns, date format and voice as keywords, or a DataFrame (issue 17) ------

OWN = ("headline,published,body,outlet\n"
       "Talks,24.02.2022,NATO met in Brussels. Russia replied.,Daily Planet\n"
       "More talks,25.02.2022,Kyiv answered.,Evening Star\n"
       "No outlet,26.02.2022,Nobody signed it.,\n")


def test_load_takes_columns_date_format_and_voice_as_keywords(write):
    path = write("own.csv", OWN)
    corpus = presslens.load(path, columns={"title": "headline", "date": "published", "text": "body"},
                            date_format="%d.%m.%Y", voice="outlet")
    by_title = corpus.articles.set_index("title")
    assert by_title["voice"].to_dict() == {"Talks": "Daily Planet", "More talks": "Evening Star", "No outlet": ""}
    assert by_title["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-02-24", "2022-02-25", "2022-02-26"]
    assert corpus.voice_notes() == {str(path): "voice: from column 'outlet'"}
    assert repr(corpus).endswith("0 inputs rejected; voice: from column 'outlet'>")
    # The older spelling still works and gives the same corpus.
    old = presslens.load(path, table_options={"columns": {"title": "headline", "date": "published", "text": "body", "voice": "outlet"},
                                              "date_format": "%d.%m.%Y"})
    pd.testing.assert_frame_equal(old.articles, corpus.articles)


def test_without_a_voice_column_the_note_says_every_article_gets_the_file_name(write):
    path = write("wire.csv", "date,text\n2022-02-24,NATO met.\n2022-02-25,Russia replied.\n")
    corpus = presslens.load(path)
    assert corpus.articles["voice"].tolist() == ["wire", "wire"]
    note = corpus.voice_notes()[str(path)]
    assert note == ("voice: no voice column (looked for 'voice'); every article gets the file name 'wire' as its voice "
                    "(pass voice= or columns={'voice': ...})")
    assert corpus.notes.loc[corpus.notes["kind"] == "voice", "value"].tolist() == [""]
    assert "every article gets the file name 'wire'" in repr(corpus)


def test_a_voice_column_that_is_not_there_is_an_error_naming_the_file(write):
    path = write("own.csv", OWN)
    with pytest.raises(presslens.CorpusError, match=r"own\.csv:1: no 'channel' column for the voice \(found \['body', 'headline', 'outlet', 'published'\]\)"):
        presslens.load(path, columns={"date": "published", "text": "body"}, voice="channel")
    with pytest.raises(ValueError, match="name two columns"):
        presslens.load(path, columns={"voice": "outlet"}, voice="headline")
    with pytest.raises(ValueError, match="disagree"):
        presslens.load(path, date_format="%d.%m.%Y", table_options={"date_format": "ISO8601"})


def test_load_reads_a_dataframe_like_a_table_file(write):
    frame = pd.read_csv(write("own.csv", OWN), keep_default_na=False)
    corpus = presslens.load(frame, columns={"title": "headline", "date": "published", "text": "body"}, voice="outlet")
    assert sorted(corpus.articles["voice"]) == ["", "Daily Planet", "Evening Star"]
    assert set(corpus.articles["source"]) == {"dataframe"}
    assert len(corpus.sentences) == 4  # two sentences in the first article, one in each other
    assert corpus.date_formats() == {"<DataFrame>": "%d.%m.%Y"}
    assert corpus.voice_notes() == {"<DataFrame>": "voice: from column 'outlet'"}
    # A bad row is named by the frame and its row, counted from 1.
    bad = frame.assign(published=["24.02.2022", "someday", "26.02.2022"])
    report = presslens.load(bad, columns={"title": "headline", "date": "published", "text": "body"}, errors="report")
    assert report.rejected.values.tolist() == [["<DataFrame>", 2, "bad date 'someday' (the column's format is %d.%m.%Y)"]]
    assert "every article gets the name 'dataframe' as its voice" in report.voice_notes()["<DataFrame>"]
    # A frame with datetime dates, and one inside a list with the sample.
    dated = frame.assign(published=pd.to_datetime(frame["published"], format="%d.%m.%Y"))
    both = presslens.load([dated, "sample"], columns={"title": "headline", "date": "published", "text": "body"}, voice="outlet")
    assert len(both.articles) == 4 and both.articles["date"].min() == pd.Timestamp("2022-02-04")
