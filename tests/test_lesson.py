"""The lesson: checkers give the right feedback, corpus text is escaped, the explorer works headless."""
import pandas as pd
import pytest

from presslens import keywords, lesson

MARKUP = 'NATO said <script>alert("x")</script> and <b>bold</b> & <img src=x onerror=alert(1)>'


def test_feedback_is_a_verdict_and_short_escaped_lines():
    feedback = lesson.Feedback(False, ["first <b>line</b>", "second"])
    assert repr(feedback) == "Not yet. first <b>line</b> second" and feedback.message == "first <b>line</b>\nsecond"
    page = lesson.feedback_html(feedback)
    assert "Not yet." in page and page.count("<li>") == 2 and "&lt;b&gt;line" in page
    assert repr(lesson.Feedback(True, "x")) == "Right. x"


def test_names_match_across_transliterations_and_only_the_person():
    for given in ("Podolyak", "Podoliak", "PODOLIAK", "Mykhailo Podolák", "Mikhail Podolyak"):
        assert lesson.same_person(given, "Mykhailo Podolyak"), given
    for given in ("Zelenskyy", "Poroshenko", "Putin", "", "Yermak"):
        assert not lesson.same_person(given, "Mykhailo Podolyak"), given


def test_the_student_version_has_no_part_of_the_teachers_key():
    student, teacher = lesson.versions()
    student_text = "\n".join(cell.source for cell in student.cells)
    teacher_text = "\n".join(cell.source for cell in teacher.cells)
    for marker in (lesson.SOLUTION_BEGIN, lesson.SOLUTION_END):
        assert marker not in student_text and marker not in teacher_text
    for teacher_only in ("Teacher's version", "45-minute plan", "Key, exercise 1", "Key, exercise 5", "Common wrong answers",
                         "For discussion", "Learning goals"):
        assert teacher_only in teacher_text and teacher_only not in student_text, teacher_only
    assert "Content note" in student.cells[0].source  # before any war material
    code = [cell for cell in student.cells if cell.cell_type == "code"]
    assert code and all(cell.metadata["jupyter"]["source_hidden"] and "hide-input" in cell.metadata["tags"] for cell in code)
    assert "ANSWER" not in student_text and "<details>" not in student_text  # nothing to type into code, no key


def test_the_committed_student_notebook_is_the_build_of_the_source():
    import nbformat

    student, _ = lesson.versions()
    committed = nbformat.read(lesson.student_file(), as_version=4)
    assert [(c.cell_type, c.source) for c in committed.cells] == [(c.cell_type, c.source) for c in student.cells], \
        "notebooks/06 differs from lesson/06's student version: run `make reproduce`"


def test_unbalanced_solution_markers_name_the_cell_and_line(tmp_path):
    import nbformat
    from nbformat.v4 import new_markdown_cell, new_notebook

    for text, message in (("a\n### BEGIN SOLUTION\nkey", "never closed"), ("### END SOLUTION", "line 1: ### END SOLUTION without"),
                          ("### BEGIN SOLUTION\n### BEGIN SOLUTION", "line 2")):
        path = tmp_path / "source.ipynb"
        nbformat.write(new_notebook(cells=[new_markdown_cell("intro"), new_markdown_cell(text)]), path)
        with pytest.raises(ValueError, match=f"source.ipynb, cell 1.*{message}"):
            lesson.versions(path)


def test_a_missing_data_cache_is_said_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSLENS_CACHE", str(tmp_path))
    assert lesson.load_data() is None
    notice = lesson.missing_data_notice().data
    assert "missing" in notice and "make lesson-data" in notice
    monkeypatch.setenv("PRESSLENS_CACHE", "")
    assert lesson.data_folder() is None and lesson.load_data() is None


def test_the_chart_is_saved_only_when_a_figures_folder_is_set(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    weeks = pd.DataFrame({"target": ["NATO"] * 2, "voice": ["Kremlin"] * 2, "week": pd.to_datetime(["2022-02-07", "2022-02-28"]),
                          "AGAINST": [0.5, 0.6], "AGAINST low": [0.4, 0.5], "AGAINST high": [0.6, 0.7]})
    monkeypatch.delenv("PRESSLENS_FIGURES", raising=False)
    monkeypatch.setattr("presslens.plots.save_figure", lambda *a, **k: pytest.fail("a student's run saved a figure"))
    plt.close(lesson.chart(weeks, ["Kremlin"]))
    saved = []
    monkeypatch.setattr("presslens.plots.save_figure", lambda fig, name: saved.append(name))
    monkeypatch.setenv("PRESSLENS_FIGURES", str(tmp_path))
    plt.close(lesson.chart(weeks, ["Kremlin"]))
    assert saved == ["06-chart-exercise"]


def lesson_data():
    sentences = pd.DataFrame({
        "sentence_id": [*lesson.exercise_sentence_ids()],
        "voice": "Kremlin", "date": pd.Timestamp("2022-02-24"), "title": "A <i>headline</i>", "text": MARKUP,
    }).set_index("sentence_id")
    return lesson.LessonData(scored=pd.DataFrame(), weeks=pd.DataFrame(), sentences=sentences)


def test_exercise_cards_show_voice_date_and_headline_never_an_id(monkeypatch):
    monkeypatch.setenv("PRESSLENS_HEADLESS", "1")
    for page in (lesson.exercise_framing(lesson_data()).data, lesson.exercise_who_is_speaking(lesson_data()).data,
                 lesson.exercise_same_event(lesson_data()).data, lesson.exercise_chart().data, lesson.exercise_break_vader().data):
        assert not any(sid in page for sid in lesson.exercise_sentence_ids())
        assert "<script>" not in page and "<i>headline" not in page
        assert "ANSWER" not in page and "e.g." not in page
    assert "Headline: <i>A &lt;i&gt;headline&lt;/i&gt;</i>" in lesson.exercise_framing(lesson_data()).data
    assert "24 February 2022" in lesson.exercise_framing(lesson_data()).data


def test_every_exercise_widget_checks_hints_and_answers_in_short_lines(monkeypatch):
    import ipywidgets  # noqa: F401  (a hard dependency: imported, never skipped)

    monkeypatch.delenv("PRESSLENS_HEADLESS", raising=False)

    def parts(box):
        found = {"buttons": [], "text": [], "toggles": [], "ticks": [], "html": []}

        def walk(widget):
            kind = type(widget).__name__
            if kind == "Button":
                found["buttons"].append(widget)
            elif kind == "Text":
                found["text"].append(widget)
            elif kind == "ToggleButtons":
                found["toggles"].append(widget)
            elif kind == "Checkbox":
                found["ticks"].append(widget)
            elif kind == "HTML":
                found["html"].append(widget)
            for child in getattr(widget, "children", ()):
                walk(child)

        walk(box)
        return found

    def press(found, description):
        [button] = [b for b in found["buttons"] if b.description == description]
        button.click()
        return found["html"][-1].value, found["html"][-2].value  # feedback, hint

    framing = parts(lesson.exercise_framing(lesson_data()))
    assert len(framing["text"]) == 3
    feedback, hint = press(framing, "Show a hint")
    assert "Hint" in hint and feedback == ""
    for box, answer in zip(framing["text"], ("decision", "treacherous attack", "attacked")):
        box.value = answer
    feedback, _ = press(framing, "Check")
    assert "Not yet." in feedback and feedback.count("<li>") == 3 and "deciding" in feedback
    framing["text"][0].value = "special military operation"
    assert "Right." in press(framing, "Check")[0]

    vader = parts(lesson.exercise_break_vader())
    vader["text"][0].value = "Russia shelled a hospital."
    assert "not positive" in press(vader, "Check")[0]
    vader["text"][0].value = "Russia's brilliant leaders proudly earned the harshest sanctions in history."
    assert "Right." in press(vader, "Check")[0]

    speaking = parts(lesson.exercise_who_is_speaking(lesson_data()))
    for box, answer in zip(speaking["text"], ("Podoliak", "podolyak", "Putin", "own")):
        box.value = answer
    assert "Right." in press(speaking, "Check")[0]

    same = parts(lesson.exercise_same_event(lesson_data()))
    same["toggles"][0].value, same["toggles"][1].value, same["toggles"][2].value = "FAVOR", "AGAINST", "NATO"
    assert "Not yet." in press(same, "Check")[0]
    same["toggles"][2].value = "The sentence does not say"
    assert "Right." in press(same, "Check")[0]

    chart = parts(lesson.exercise_chart())
    assert [t.description for t in chart["ticks"]] == list("ABCDE")
    chart["ticks"][0].value = chart["ticks"][3].value = True
    assert "Right." in press(chart, "Check")[0]


def test_corpus_text_is_escaped_wherever_it_becomes_html():
    lines = pd.DataFrame({"voice": ["<i>v</i>"], "date": ["2022-02-24"], "left": [MARKUP], "match": ["NATO"], "right": [MARKUP]})
    page = lesson.kwic_html(lines)
    assert "<script>" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page and "&amp;" in page
    block = lesson.sentence_html(MARKUP)
    assert "<script>" not in block and "&lt;img src=x onerror=alert(1)&gt;" in block
    # pandas tables, which show KWIC lines in notebook 03, escape too
    table = keywords.kwic(pd.DataFrame({"voice": ["A"], "date": ["2022"], "article_id": ["a"], "sentence_id": ["a-0"], "text": [MARKUP]}), "NATO")
    assert "<script>" not in table._repr_html_() and "&lt;script&gt;" in table._repr_html_()


def scored_frame():
    rows = [
        ("s1", "a1", "Kremlin", "2022-01-10", "Russia", "Sanctions against Russia will fail <script>x</script>.", 0.2, "FAVOR"),
        ("s2", "a2", "Kremlin", "2022-03-10", "Russia", "Russia rejects the sanctions.", -0.1, "NONE"),
        ("s3", "a3", "NYT", "2022-03-12", "Russia", "New sanctions hit Russia.", -0.3, "AGAINST"),
        ("s4", "a3", "NYT", "2022-03-12", "NATO", "NATO met in Brussels.", 0.0, "NONE"),
    ]
    frame = pd.DataFrame(rows, columns=["sentence_id", "article_id", "voice", "date", "target", "text", "toward", "stance"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_explore_filters_by_voice_target_term_and_months():
    summary, lines = lesson.explore(scored_frame(), voice="all", target="russia", term="sanctions", start="2022-03", end="2022-03")
    assert summary.set_index("measure").loc["sentences", "value"] == 2
    assert summary.set_index("measure").loc["share AGAINST", "value"] == 0.5
    assert lines["match"].str.lower().tolist() == ["sanctions", "sanctions"]
    summary, lines = lesson.explore(scored_frame(), voice="NYT", target="NATO")
    assert summary.set_index("measure").loc["sentences", "value"] == 1 and lines["match"].tolist() == ["NATO"]


def test_explore_says_which_method_each_share_used():
    summary, _ = lesson.explore(scored_frame(), target="Russia")
    assert summary.set_index("measure").loc["share AGAINST", "method"].startswith("model only, not corrected (no labelled sample)")
    assert summary.set_index("measure").loc["mean sentiment toward target", "method"].startswith("VADER, not corrected")
    annotated = scored_frame().assign(gold=["AGAINST", "NONE", "AGAINST", None])  # every Russia sentence annotated
    row = lesson.explore(annotated, voice="Kremlin", target="Russia")[0].set_index("measure").loc["share AGAINST"]
    assert row["method"] == "gold labels" and row["value"] == pytest.approx(1 / 2)  # the annotators', not the model's 0
    # all voices: corrected voice by voice (annotations are drawn within voices), weighted by sentences
    row = lesson.explore(annotated, target="Russia")[0].set_index("measure").loc["share AGAINST"]
    assert row["value"] == pytest.approx(2 / 3 * 0.5 + 1 / 3 * 1.0) and "voices weighted" in row["method"]


def test_the_explorer_falls_back_to_escaped_html_when_headless(monkeypatch):
    monkeypatch.setenv("PRESSLENS_HEADLESS", "1")
    view = lesson.explorer(scored_frame(), ["Kremlin", "NYT"], term="sanctions")
    assert "<script>x" not in view.data and "&lt;script&gt;x" in view.data and "presslens-kwic" in view.data


def test_the_explorer_builds_widgets_that_update(monkeypatch):
    import ipywidgets  # noqa: F401  (a hard dependency: imported, never skipped)
    monkeypatch.delenv("PRESSLENS_HEADLESS", raising=False)
    box = lesson.explorer(scored_frame(), ["Kremlin", "NYT"], term="sanctions")
    voice, target = box.children[0].children
    out = box.children[2]
    before = out.value
    voice.value = "NYT"
    assert out.value != before and "New" in out.value and "will fail" not in out.value
    target.value = "NATO"
    assert "Brussels" not in out.value  # term "sanctions" is not in the NATO sentence


def test_both_same_event_sentences_name_russia_as_the_guideline_requires(study):
    from presslens import targets

    text = study.sentences.set_index("sentence_id")["text"]
    for sentence_id in lesson.SAME_EVENT.values():
        found = targets.mentions([text[sentence_id]], ["Russia"])
        assert len(found) >= 1, sentence_id
    assert {str(d.date()) for d in study.sentences.set_index("sentence_id").loc[list(lesson.SAME_EVENT.values()), "date"]} == {"2022-02-24"}


def test_the_explorer_says_how_many_matches_it_shows_out_of_how_many():
    lines = pd.DataFrame({"voice": ["A"] * 20, "date": ["2022"] * 20, "left": ["x"] * 20, "match": ["NATO"] * 20, "right": ["y"] * 20})
    page = lesson.kwic_html(lines, max_rows=15)
    assert page.count("<tr><td>") == 15 and "Showing 15 of 20 matches" in page
    assert "Showing" not in lesson.kwic_html(lines.head(3))
