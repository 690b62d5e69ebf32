"""The lesson: checkers give the right feedback, corpus text is escaped, the explorer works headless."""
import pandas as pd
import pytest

from presslens import keywords, lesson

MARKUP = 'NATO said <script>alert("x")</script> and <b>bold</b> & <img src=x onerror=alert(1)>'


def test_checkers_accept_right_answers_and_do_not_give_the_answer_away():
    assert lesson.check_framing_word("Kremlin", "Special Military Operation").ok
    assert lesson.check_framing_word("Guardian", "what he called").ok
    wrong = lesson.check_framing_word("Kremlin", "Article 51")
    assert not wrong.ok and "special military operation" not in wrong.message
    assert lesson.check_same_event(kremlin="favor", ukrainian_presidency="AGAINST").ok
    assert not lesson.check_same_event(kremlin="AGAINST", ukrainian_presidency="AGAINST").ok
    assert "FAVOR, AGAINST or NONE" in lesson.check_same_event(kremlin="", ukrainian_presidency="").message
    assert lesson.check_chart_limits("ad").ok and lesson.check_chart_limits(["D", "A"]).ok
    partial = lesson.check_chart_limits("AB")
    assert not partial.ok and "B:" in partial.message and "D:" not in partial.message
    answers = {sid: ("own" if kind == "own" else speaker.split()[-1]) for sid, (kind, speaker) in lesson.SPEAKERS.items()}
    assert lesson.check_who_is_speaking(answers).ok
    empty = lesson.check_who_is_speaking({})
    assert not empty.ok and empty.message.startswith("0 of 4") and "Podolyak" not in empty.message


def test_break_vader_needs_a_positive_score_and_blame_of_the_target():
    assert lesson.check_break_vader("Russia's brilliant generals proudly shelled a maternity hospital.").ok
    assert "not positive" in lesson.check_break_vader("Russia shelled a hospital.").message
    assert "does not name" in lesson.check_break_vader("What a wonderful day.").message
    assert repr(lesson.Feedback(True, "x")) == "Right. x"


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
