"""The command line and the pipeline: outputs, bad input, and the Dask engine equal to the local one."""
import json

import numpy as np
import pandas as pd
import pytest

from presslens import cli, pipeline, sentiment


def test_help_reads_well(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "analyze" in text and "NATO and Russia" in text
    with pytest.raises(SystemExit):
        cli.main(["analyze", "--help"])
    text = capsys.readouterr().out
    for phrase in ("--engine {local,dask}", "--scheduler ADDRESS", "sentences.parquet", "rejected.parquet", "examples:"):
        assert phrase in text, phrase


def test_analyze_the_sample_writes_every_table(tmp_path, capsys):
    assert cli.main(["analyze", "--out", str(tmp_path), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "articles kept: 1; sentences: 28" in printed
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["inputs"] == ["sample"] and summary["bad_inputs"] == 0
    sentences = pd.read_parquet(tmp_path / "sentences.parquet")
    assert len(sentences) == 28 and summary["targets"] == {"NATO": 7, "Russia": 22}
    assert np.array_equal(sentences["compound"].to_numpy(), sentiment.polarity(sentences["text"].tolist()))
    named = sentences["NATO_mentions"] > 0
    assert sentences.loc[named, "NATO_stance"].isin(["FAVOR", "AGAINST", "NONE"]).all()
    assert sentences.loc[~named, "NATO_stance"].isna().all() and sentences.loc[~named, "NATO_toward"].isna().all()
    aggregates = pd.read_parquet(tmp_path / "aggregates.parquet")
    assert aggregates["sentences"].sum() == 28 and aggregates["NATO_sentences"].sum() == 7
    assert len(pd.read_parquet(tmp_path / "articles.parquet")) == 1


def test_bad_inputs_are_reported_not_fatal(tmp_path, capsys):
    table = tmp_path / "mine.csv"
    table.write_text('headline,published,body\nA,2022-01-01,"NATO expansion threatens Russia."\nB,someday,"x"\n')
    out = tmp_path / "out"
    code = cli.main(["analyze", str(table), str(tmp_path / "missing.txt"), "--columns", "title=headline,date=published,text=body",
                     "--date-format", "%Y-%m-%d", "--out", str(out), "--quiet"])
    assert code == 0
    rejected = pd.read_parquet(out / "rejected.parquet")
    assert sorted(rejected["reason"]) == ["bad date 'someday' (the column's format is %Y-%m-%d)", "no such file or folder"]
    assert rejected.loc[rejected["reason"].str.startswith("bad date"), "line"].tolist() == [3]
    assert json.loads((out / "summary.json").read_text())["bad_inputs"] == 2
    assert "bad inputs (see rejected.parquet): 2" in capsys.readouterr().out


def test_an_unknown_target_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["analyze", "--targets", "NATO,Atlantis", "--out", str(tmp_path), "--quiet"])
    assert done.value.code == 2 and "unknown targets ['Atlantis']" in capsys.readouterr().err


@pytest.mark.cluster
def test_the_dask_engine_gives_the_local_engine_tables_row_for_row(tmp_path):
    import dask.distributed  # noqa: F401  (a hard dependency: imported, never skipped)
    local = pipeline.run([], tmp_path / "local", engine="local", chunk_size=7, progress=False)
    dask = pipeline.run([], tmp_path / "dask", engine="dask", chunk_size=7, progress=False)
    assert local["sentences"] == dask["sentences"] == 28
    for name in ("sentences", "aggregates", "articles"):
        a = pd.read_parquet(tmp_path / "local" / f"{name}.parquet")
        b = pd.read_parquet(tmp_path / "dask" / f"{name}.parquet")
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


@pytest.fixture(scope="module")
def scored_sample(study):
    # Every sentence naming NATO and as many others, so that stance is exercised on both targets.
    from presslens import targets

    sentences = study.sentences
    texts = sentences["text"].tolist()
    nato = set(targets.mentions(texts, "NATO")["text_index"])
    rows = sorted(nato) + list(range(0, len(texts), 40))
    return sentences.iloc[sorted(set(rows))].reset_index(drop=True)


def test_score_partition_gives_the_numbers_of_the_separate_functions(scored_sample):
    from presslens import stance

    model = stance.model()
    texts = scored_sample["text"].tolist()
    scored = pipeline.score_partition(scored_sample, ["NATO", "Russia", "China"], model)
    assert np.array_equal(scored["compound"].to_numpy(), sentiment.polarity(texts))
    for target in ("NATO", "Russia", "China"):
        toward = sentiment.toward(texts, target)
        assert np.array_equal(scored[f"{target}_toward"].to_numpy(), toward, equal_nan=True), target
        named = np.flatnonzero(~np.isnan(toward))
        assert (scored[f"{target}_mentions"].to_numpy() > 0).sum() == len(named) > 20
        if target == "China":  # no stance model for China: no stance column
            assert "China_stance" not in scored.columns
        else:
            labels = scored[f"{target}_stance"]
            assert labels.iloc[named].tolist() == stance.predict([texts[i] for i in named], target, model=model)
            assert labels.drop(index=named).isna().all()


def test_worker_processes_give_the_rows_of_one_process(scored_sample):
    from presslens import stance

    model = stance.model()
    one = pipeline.score_sentences(scored_sample, ["NATO", "Russia"], model, chunk_size=1_000, jobs=1)
    two = pipeline.score_sentences(scored_sample, ["NATO", "Russia"], model, chunk_size=1_000, jobs=2)
    assert len(scored_sample) > 2_000
    pd.testing.assert_frame_equal(one, two)
    with pytest.raises(ValueError, match="jobs must be 1 or more"):
        pipeline.score_sentences(scored_sample, ["NATO"], model, jobs=0)


def test_jobs_on_the_command_line(tmp_path, capsys):
    assert cli.main(["analyze", "--out", str(tmp_path), "--quiet", "--jobs", "2", "--chunk-size", "10"]) == 0
    assert "with the local engine (2 processes) in" in capsys.readouterr().out
    assert json.loads((tmp_path / "summary.json").read_text())["jobs"] == 2
    assert cli.main(["analyze", "--out", str(tmp_path), "--quiet", "--jobs", "2"]) == 0  # 28 sentences: one chunk
    assert "with the local engine (1 process) in" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        cli.main(["analyze", "--out", str(tmp_path), "--quiet", "--jobs", "0"])
    assert done.value.code == 2 and "jobs must be 1 or more" in capsys.readouterr().err


def test_day_first_dates_are_read_as_one_format_and_the_summary_says_which(tmp_path, capsys):
    table = tmp_path / "dotted.csv"
    table.write_text("headline,published,body\nA,03.01.2022,NATO met.\nB,10.01.2022,Russia spoke.\nC,18.01.2022,Kyiv answered.\n")
    out = tmp_path / "out"
    assert cli.main(["analyze", str(table), "--columns", "title=headline,date=published,text=body", "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["date_formats"] == {str(table): "%d.%m.%Y"}
    articles = pd.read_parquet(out / "articles.parquet").sort_values("title")
    assert articles["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-01-03", "2022-01-10", "2022-01-18"]
    assert f"dates in {table}: read as %d.%m.%Y" in capsys.readouterr().out


def test_dates_that_two_formats_read_differently_are_refused_until_the_option_says_which(tmp_path):
    table = tmp_path / "ambiguous.csv"
    table.write_text("headline,published,body\nA,03.01.2022,NATO met.\nB,10.01.2022,Russia spoke.\n")
    out = tmp_path / "out"
    columns = ["--columns", "title=headline,date=published,text=body", "--quiet"]
    assert cli.main(["analyze", str(table), *columns, "--out", str(out)]) == 0
    rejected = pd.read_parquet(out / "rejected.parquet")
    assert len(rejected) == 1 and rejected["path"][0] == str(table)
    reason = rejected["reason"][0]
    assert "'%d.%m.%Y', '%m.%d.%Y'" in reason and "--date-format" in reason
    assert json.loads((out / "summary.json").read_text())["articles"] == 0
    assert cli.main(["analyze", str(table), *columns, "--date-format", "%m.%d.%Y", "--out", str(out)]) == 0
    dates = pd.read_parquet(out / "articles.parquet")["date"].dt.strftime("%Y-%m-%d")
    assert sorted(dates) == ["2022-03-01", "2022-10-01"]


def test_the_fast_stance_model_on_the_command_line(tmp_path, capsys):
    from presslens import stance

    assert cli.main(["analyze", "--out", str(tmp_path), "--quiet", "--stance-model", "fast"]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["stance_model"] == "fast" and "by the fast model" in summary["stance"]
    sentences = pd.read_parquet(tmp_path / "sentences.parquet")
    named = sentences["NATO_mentions"] > 0
    assert named.any()
    expected = stance.predict(sentences.loc[named, "text"].tolist(), "NATO", model=stance.fast_model())
    assert sentences.loc[named, "NATO_stance"].tolist() == expected
    assert "predicted by the fast model" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["analyze", "--out", str(tmp_path), "--quiet", "--stance-model", "huge"])


def test_aggregate_gives_hand_computed_weekly_shares_per_voice():
    """Two voices over three weeks (weeks start on Monday): counts, means and shares by hand. The
    stance shares are among the sentences that name the target, not among all sentences."""
    from presslens import pipeline

    rows = [  # voice, date, compound, NATO mentions, NATO toward, NATO stance
        ("A", "2022-02-07", 0.5, 1, -0.2, "AGAINST"),   # Monday, week of 7 Feb
        ("A", "2022-02-13", -0.5, 1, 0.4, "FAVOR"),     # Sunday, same week
        ("A", "2022-02-13", 0.1, 0, 0.0, None),         # names no NATO
        ("A", "2022-02-14", 0.3, 1, -0.6, "AGAINST"),   # Monday, next week
        ("A", "2022-02-28", 0.0, 0, 0.0, None),         # a week with no NATO sentence
        ("B", "2022-02-08", -0.4, 1, -0.1, "AGAINST"),
        ("B", "2022-02-09", 0.2, 1, 0.1, "NONE"),
        ("B", "2022-02-10", 0.2, 1, 0.3, "AGAINST"),
        ("B", "2022-02-11", 0.0, 1, 0.2, "NONE"),
    ]
    scored = pd.DataFrame(rows, columns=["voice", "date", "compound", "NATO_mentions", "NATO_toward", "NATO_stance"])
    scored["date"] = pd.to_datetime(scored["date"])
    out = pipeline.aggregate(scored, ["NATO"]).set_index(["voice", "week"])
    week = pd.Timestamp
    assert list(out.index) == [("A", week("2022-02-07")), ("A", week("2022-02-14")), ("A", week("2022-02-28")),
                               ("B", week("2022-02-07"))]
    a1 = out.loc[("A", week("2022-02-07"))]
    assert a1["sentences"] == 3 and a1["compound"] == pytest.approx(0.1 / 3)
    assert a1["NATO_sentences"] == 2 and a1["NATO_toward"] == pytest.approx(0.1)
    assert (a1["NATO_AGAINST"], a1["NATO_FAVOR"], a1["NATO_NONE"]) == (0.5, 0.5, 0.0)  # of 2, not of 3
    a2 = out.loc[("A", week("2022-02-14"))]
    assert (a2["sentences"], a2["NATO_sentences"], a2["NATO_AGAINST"]) == (1, 1, 1.0)
    a3 = out.loc[("A", week("2022-02-28"))]
    assert a3["NATO_sentences"] == 0 and np.isnan(a3["NATO_AGAINST"]) and np.isnan(a3["NATO_toward"])
    b1 = out.loc[("B", week("2022-02-07"))]
    assert b1["sentences"] == 4 and b1["compound"] == pytest.approx(0.0)
    assert (b1["NATO_AGAINST"], b1["NATO_FAVOR"], b1["NATO_NONE"]) == (0.5, 0.0, 0.5)
    assert b1["NATO_toward"] == pytest.approx(0.125)


def _two_voices_three_weeks(path):
    rows = []
    sentences = ["NATO expansion threatens Russia.", "Russia shelled the city overnight.", "NATO allies met in Brussels.",
                 "Sanctions against Russia were widened.", "The talks ended without a result."]
    for voice in ("Outlet A", "Outlet B"):
        for week, day in enumerate(("2022-02-01", "2022-02-09", "2022-02-23")):
            text = " ".join(sentences[(week + k) % len(sentences)] for k in range(3 + (voice == "Outlet B")))
            rows.append({"title": f"{voice} story {week}", "date": day, "text": text, "voice": voice,
                         "url": f"https://example.org/{voice[-1]}/{week}"})
    pd.DataFrame(rows).to_csv(path, index=False)


@pytest.mark.cluster
def test_analyze_with_the_dask_engine_equals_the_local_engine_on_several_voices_and_weeks(tmp_path):
    import dask.distributed  # noqa: F401  (a hard dependency: imported, never skipped)

    corpus = tmp_path / "corpus.csv"
    _two_voices_three_weeks(corpus)
    for engine in ("local", "dask"):
        code = cli.main(["analyze", str(corpus), "--engine", engine, "--chunk-size", "4", "--stance-model", "fast",
                         "--out", str(tmp_path / engine), "--quiet"])
        assert code == 0
    local = pd.read_parquet(tmp_path / "local" / "aggregates.parquet")
    assert len(local) == 6 and set(local["voice"]) == {"Outlet A", "Outlet B"}  # two voices x three weeks
    assert local["sentences"].tolist() == [3, 3, 3, 4, 4, 4]
    for name in ("sentences", "aggregates", "articles"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "local" / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / "dask" / f"{name}.parquet"), check_dtype=False)



@pytest.mark.cluster
def test_the_dask_engine_on_a_scheduler_given_equals_the_local_engine(tmp_path):
    # The same comparison on a Dask cluster of threads in this process, given as --scheduler,
    # with the model scattered to the workers.
    from dask.distributed import LocalCluster

    corpus = tmp_path / "corpus.csv"
    _two_voices_three_weeks(corpus)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        for engine, extra in (("local", []), ("dask", ["--scheduler", cluster.scheduler_address])):
            code = cli.main(["analyze", str(corpus), "--engine", engine, *extra, "--chunk-size", "4",
                             "--stance-model", "fast", "--out", str(tmp_path / engine), "--quiet"])
            assert code == 0
    summary = json.loads((tmp_path / "dask" / "summary.json").read_text())
    assert summary["engine"] == "dask" and summary["stance_model"] == "fast"
    for name in ("sentences", "aggregates", "articles"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "local" / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / "dask" / f"{name}.parquet"), check_dtype=False)
    scored = pd.read_parquet(tmp_path / "dask" / "sentences.parquet")
    assert scored["NATO_stance"].notna().any()  # the scattered model predicted

# --- a target of your own on the command line: --lexicon (issue 17) -----------------------------

OWN_CORPUS = ("headline,published,body,outlet\n"
              "One,2022-03-01,Zelenskyy spoke in Kyiv. ZELENSKIY thanked the brave volunteers.,Daily\n"
              "Two,2022-03-02,Ukraine waits. Nothing else happened here.,Daily\n"
              "Three,2022-03-09,Zelenskyi met NATO leaders. The EU agreed.,Evening\n")
OWN_LEXICON = ("target,alias,case_sensitive,kind,not_followed_by,not_preceded_by,note\n"
               "Ukraine,Ukraine,yes,name,,,\nUkraine,Kyiv,yes,name,,,\nUkraine,Zelenskyy,yes,name,,,\n"
               "Zelenskyy,Zelenskyy,,name,,,\nZelenskyy,Zelensky,,name,,,\nZelenskyy,Zelenskiy,,name,,,\nZelenskyy,Zelenskyi,,name,,,\n")
OWN_COLUMNS = ["--columns", "title=headline,date=published,text=body,voice=outlet"]


def _own(tmp_path):
    corpus, lexicon = tmp_path / "own.csv", tmp_path / "my-targets.csv"
    corpus.write_text(OWN_CORPUS)
    lexicon.write_text(OWN_LEXICON)
    return corpus, lexicon


def test_analyze_serves_a_target_of_a_lexicon_file_sharing_aliases_with_another(tmp_path, capsys):
    corpus, lexicon = _own(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["analyze", str(corpus), *OWN_COLUMNS, "--lexicon", str(lexicon), "--targets", "Ukraine,Zelenskyy",
                     "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    sentences = pd.read_parquet(out / "sentences.parquet").set_index("text")
    # By hand: Zelenskyy is named in three sentences (three spellings), Ukraine in two; "Zelenskyy spoke in Kyiv." names both.
    assert sentences["Zelenskyy_mentions"].to_dict() == {
        "Zelenskyy spoke in Kyiv.": 1, "ZELENSKIY thanked the brave volunteers.": 1, "Ukraine waits.": 0,
        "Nothing else happened here.": 0, "Zelenskyi met NATO leaders.": 1, "The EU agreed.": 0}
    assert sentences["Ukraine_mentions"].to_dict()["Zelenskyy spoke in Kyiv."] == 2  # the shared alias and Kyiv
    assert sentences["Ukraine_mentions"].sum() == 3
    assert sentences.loc["ZELENSKIY thanked the brave volunteers.", "Zelenskyy_toward"] > 0
    assert not [c for c in sentences.columns if c.endswith("_stance")]  # no stance model for these targets
    aggregates = pd.read_parquet(out / "aggregates.parquet")
    assert not [c for c in aggregates.columns if c.endswith(("_AGAINST", "_FAVOR", "_NONE"))]
    assert aggregates.groupby("voice")["Zelenskyy_sentences"].sum().to_dict() == {"Daily": 2, "Evening": 1}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["targets"] == {"Ukraine": 2, "Zelenskyy": 3} and summary["lexicon"] == str(lexicon)
    assert summary["stance"] == "not predicted: stance exists for NATO and Russia only, and the targets asked for are Ukraine, Zelenskyy"
    assert summary["shared_aliases"] == ["shared alias: 'Zelenskyy' names both Ukraine and Zelenskyy; each target gets all its mentions"]
    assert f"note: {corpus}: voice: from column 'outlet'" in printed
    assert "note: shared alias: 'Zelenskyy' names both Ukraine and Zelenskyy" in printed
    assert "stance: not predicted: stance exists for NATO and Russia only, and the targets asked for are Ukraine, Zelenskyy" in printed
    assert "predicted for sentences naming \n" not in printed


def test_analyze_says_which_targets_have_no_stance_and_writes_no_empty_stance_column(tmp_path, capsys):
    corpus, _ = _own(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["analyze", str(corpus), *OWN_COLUMNS, "--targets", "NATO,EU", "--stance-model", "fast",
                     "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stance"] == ("predicted by the fast model for sentences naming NATO; none for EU "
                                 "(stance exists for NATO and Russia only)")
    assert "stance: predicted by the fast model for sentences naming NATO; none for EU" in capsys.readouterr().out
    sentences = pd.read_parquet(out / "sentences.parquet")
    assert "EU_stance" not in sentences.columns and "NATO_stance" in sentences.columns
    assert sentences.loc[sentences["NATO_mentions"] > 0, "NATO_stance"].notna().all()
    assert sentences["EU_mentions"].sum() == 1 and summary["shared_aliases"] == []
    aggregates = pd.read_parquet(out / "aggregates.parquet")
    assert "NATO_AGAINST" in aggregates.columns and "EU_AGAINST" not in aggregates.columns


def test_analyze_checks_the_targets_against_the_lexicon_given(tmp_path, capsys):
    corpus, lexicon = _own(tmp_path)
    common = [str(corpus), *OWN_COLUMNS, "--lexicon", str(lexicon), "--out", str(tmp_path / "out"), "--quiet"]
    with pytest.raises(SystemExit) as done:
        cli.main(["analyze", *common, "--targets", "NATO,Zelenskyy"])
    assert done.value.code == 2
    assert f"unknown targets ['NATO']; the lexicon {lexicon} has ['Ukraine', 'Zelenskyy']" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("target,alias,kind\nZelenskyy,Zelensky,person\n")
    with pytest.raises(SystemExit) as done:
        cli.main(["analyze", str(corpus), *OWN_COLUMNS, "--lexicon", str(bad), "--targets", "Zelenskyy", "--out", str(tmp_path / "out")])
    assert done.value.code == 2 and "bad.csv:2: kind 'person' must be one of ('name', 'demonym')" in capsys.readouterr().err
    other_nato = tmp_path / "other-nato.csv"
    other_nato.write_text("target,alias\nNATO,the alliance\n")
    with pytest.raises(SystemExit) as done:
        cli.main(["analyze", str(corpus), *OWN_COLUMNS, "--lexicon", str(other_nato), "--targets", "NATO", "--out", str(tmp_path / "out")])
    assert done.value.code == 2 and "the stance model was trained with" in capsys.readouterr().err


@pytest.mark.cluster
def test_the_dask_engine_reads_the_lexicon_as_the_local_one(tmp_path):
    import dask.distributed  # noqa: F401  (a hard dependency: imported, never skipped)

    corpus, lexicon = _own(tmp_path)
    table_options = {"columns": {"title": "headline", "date": "published", "text": "body", "voice": "outlet"}}
    for engine in ("local", "dask"):
        pipeline.run([str(corpus)], tmp_path / engine, target_names=["Ukraine", "Zelenskyy"], engine=engine, chunk_size=2,
                     progress=False, table_options=table_options, lexicon=lexicon)
    local = pd.read_parquet(tmp_path / "local" / "sentences.parquet")
    assert local["Zelenskyy_mentions"].sum() == 3
    pd.testing.assert_frame_equal(local, pd.read_parquet(tmp_path / "dask" / "sentences.parquet"), check_dtype=False)
