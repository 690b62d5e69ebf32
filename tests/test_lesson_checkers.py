"""The lesson's checkers, table-driven: every exercise gets at least ten right and ten wrong answers,
written as students would write them (spellings, wordings, the cases the review found), not built
from the answer key. A right answer must be accepted; a wrong one must be told why, in lines that
do not give the answer away."""
import pytest

from presslens import lesson

SENTENCES = {  # the exercise-1 sentences as the corpus has them (checked against it below)
    "Kremlin": "In this context, in accordance with Article 51(Chapter VII) of the UN Charter, with permission of Russia's "
    "Federation Council, and in execution of the treaties of friendship and mutual assistance with the Donetsk People's "
    "Republic and the Lugansk People's Republic, ratified by the Federal Assembly on February 22, I made a decision to "
    "carry out a special military operation.",
    "Ukrainian presidency": "The Armed Forces are actively resisting the troops of the Russian Federation, which carried out "
    "a treacherous attack on our state.",
    "Guardian": "Russian forces have attacked Ukraine on the orders of Vladimir Putin, who announced what he called a "
    "\"special military operation\" at dawn.",
}

FRAMING_RIGHT = [
    ("Kremlin", "special military operation"), ("Kremlin", "Special Military Operation"),
    ("Kremlin", "'special military operation'"), ("Kremlin", "a special military operation"),
    ("Kremlin", "military operation"), ("Kremlin", "  special   military operation. "),
    ("Ukrainian presidency", "treacherous attack"), ("Ukrainian presidency", "a treacherous attack"),
    ("Ukrainian presidency", "attack"), ("Ukrainian presidency", "Treacherous Attack!"),
    ("Guardian", "attacked"), ("Guardian", "have attacked"), ("Guardian", "Russian forces have attacked"),
    ("Guardian", "attacked Ukraine"),
]
FRAMING_WRONG = [  # (voice, answer, a word the explanation must contain)
    ("Guardian", "banana", "not in the"),  # the review's case: it is not in the sentence
    ("Guardian", "invasion", "not in the"),
    ("Kremlin", "decision", "deciding"),
    ("Kremlin", "Article 51", "legal"),
    ("Kremlin", "treaties", "legal"),
    ("Kremlin", "operation", "nearly"),
    ("Kremlin", "", "copied"),
    ("Ukrainian presidency", "resisting", "Ukraine"),
    ("Ukrainian presidency", "treacherous", "nearly"),
    ("Ukrainian presidency", "troops", "who acted"),
    ("Guardian", "special military operation", "distance"),
    ("Guardian", "dawn", "when"),
    ("Guardian", "orders", "who decided"),
    ("Guardian", "Vladimir Putin", "does not name"),
]


def test_the_exercise_sentences_are_the_corpus_sentences(study):
    text = study.sentences.set_index("sentence_id")["text"]
    for voice, sentence_id in lesson.FRAMING.items():
        assert text[sentence_id] == SENTENCES[voice]


@pytest.mark.parametrize("voice, answer", FRAMING_RIGHT)
def test_framing_accepts_every_right_answer(voice, answer):
    assert lesson.check_framing_word(voice, answer, SENTENCES[voice]).ok


@pytest.mark.parametrize("voice, answer, why", FRAMING_WRONG)
def test_framing_explains_every_wrong_answer(voice, answer, why):
    result = lesson.check_framing_word(voice, answer, SENTENCES[voice])
    assert not result.ok
    assert why.lower() in result.message.lower(), result.message
    assert lesson.FRAMING_ANSWERS[voice][0] not in result.message.lower() or voice == "Guardian" and "distance" in why
    assert all(len(line) <= 200 for line in result.lines)


VADER_RIGHT = [
    "Russia's brilliant leaders proudly earned the harshest sanctions in history.",
    "Great job, Russia, your army destroyed another city.",
    "Congratulations to Putin, the proud winner of the world's toughest sanctions.",
    "What a wonderful success: Russia invaded its peaceful neighbour.",
    "Russia brilliantly managed to threaten all of Europe at once.",
    "Thanks to the Kremlin's genius, Russia is now the most sanctioned country on earth, congratulations!",
    "Moscow's excellent plan to attack Ukraine was a great success for nobody.",
    "Russia's talented generals proudly invaded a peaceful country.",
    "The Kremlin is truly excellent at spreading lies and propaganda.",
    "Well done, Russia: you are the best at breaking promises.",
    "Russia deserves a prize for the best aggression of the year.",
]
VADER_WRONG = [  # (sentence, what the feedback must say)
    ("Russia is a great country with a proud history.", "no blame"),
    ("Russia shelled a hospital.", "not positive"),
    ("What a wonderful day.", "does not name"),
    ("Russia attacked Ukraine and killed many people.", "not positive"),
    ("NATO is a brilliant alliance.", "does not name"),
    ("", "write a sentence"),
    ("   ", "write a sentence"),
    ("Russia and Ukraine signed a good agreement.", "no blame"),
    ("Russia is terrible and evil.", "not positive"),
    ("Putin is a wonderful leader who protects his people.", "no blame"),
    ("The brilliant sanctions hurt the economy.", "does not name"),
]


@pytest.mark.parametrize("sentence", VADER_RIGHT)
def test_break_vader_accepts_every_right_answer(sentence):
    assert lesson.check_break_vader(sentence, "Russia").ok


@pytest.mark.parametrize("sentence, why", VADER_WRONG)
def test_break_vader_explains_every_wrong_answer(sentence, why):
    result = lesson.check_break_vader(sentence, "Russia")
    assert not result.ok and why in result.message.lower(), result.message


PODOLYAK, PODOLIAK, PUTIN, GUARDIAN = lesson.SPEAKERS  # the four sentences, in the page's order
SPEAKER_RIGHT = [
    (PODOLYAK, "Mykhailo Podolyak"), (PODOLYAK, "podolyak"), (PODOLYAK, "Podoliak"), (PODOLYAK, "Mykhailo Podolak"),
    (PODOLYAK, "Mikhail Podolyak"), (PODOLYAK, "the adviser"),
    (PODOLIAK, "Mykhailo Podoliak"), (PODOLIAK, "Podolyak"), (PODOLIAK, "M. Podoliak"), (PODOLIAK, "Podolják"),
    (PUTIN, "Vladimir Putin"), (PUTIN, "Putin"), (PUTIN, "V. Putin"), (PUTIN, "the president"), (PUTIN, "Wladimir Putin"),
    (PUTIN, "President of Russia"),
    (GUARDIAN, "own"), (GUARDIAN, "Own voice"), (GUARDIAN, "the Guardian"), (GUARDIAN, "the newspaper"), (GUARDIAN, "the journalist"),
]
SPEAKER_WRONG = [  # (sentence, answer, what the feedback must say)
    (PODOLYAK, "own", "quotation marks"),
    (PODOLYAK, "Zelenskyy", "adviser"),
    (PODOLYAK, "Zelensky", "adviser"),
    (PODOLYAK, "the press service", "publishes"),
    (PODOLIAK, "own", "according to"),
    (PODOLIAK, "Putin", "not who speaks"),
    (PUTIN, "own", "headline"),
    (PUTIN, "the Kremlin", "who says 'i'"),
    (PUTIN, "Lavrov", "not who speaks"),
    (GUARDIAN, "Putin", "main clause"),
    (GUARDIAN, "Vladimir Putin", "main clause"),
    (GUARDIAN, "", "type 'own'"),
]


@pytest.mark.parametrize("sentence_id, answer", SPEAKER_RIGHT)
def test_who_is_speaking_accepts_every_right_answer_in_any_spelling(sentence_id, answer):
    assert lesson.check_speaker(sentence_id, answer).ok


@pytest.mark.parametrize("sentence_id, answer, why", SPEAKER_WRONG)
def test_who_is_speaking_explains_every_wrong_answer(sentence_id, answer, why):
    result = lesson.check_speaker(sentence_id, answer)
    assert not result.ok and why in result.message.lower(), result.message


def test_who_is_speaking_gives_one_short_line_per_sentence_and_no_ids():
    answers = {PODOLYAK: "Podolyak", PODOLIAK: "own", PUTIN: "Putin", GUARDIAN: ""}
    result = lesson.check_who_is_speaking(answers)
    assert not result.ok and result.lines[0] == "2 of 4 right."
    assert [line.split(":")[0] for line in result.lines[1:]] == ["Sentence 1", "Sentence 2", "Sentence 3", "Sentence 4"]
    assert not any("-0" in line for line in result.lines)  # no sentence ID
    assert len({line.split(": ", 1)[1] for line in result.lines[1:]}) == 4  # no hint repeated
    assert lesson.check_who_is_speaking({PODOLYAK: "Podoliak", PODOLIAK: "Podolyak", PUTIN: "putin", GUARDIAN: "own"}).ok


SAME_EVENT_RIGHT = [
    ("FAVOR", "AGAINST", None), ("favor", "against", None), (" Favor ", "AGAINST.", None),
    ("FAVOR", "AGAINST", "The sentence does not say"), ("favor", "Against", "The sentence does not say"),
    ("FAVOR", "against", None), ("Favor", "AGAINST", None), ("FAVOR", " against", "The sentence does not say"),
    ("'FAVOR'", "AGAINST", None), ("FAVOR", "\"AGAINST\"", None),
]
SAME_EVENT_WRONG = [  # (kremlin, ukrainian presidency, passive, what the feedback must say)
    ("AGAINST", "AGAINST", None, "defence"),
    ("NONE", "AGAINST", None, "takes a side"),
    ("FAVOR", "NONE", None, "judgement"),
    ("FAVOR", "FAVOR", None, "not support"),
    ("NONE", "NONE", None, "judgement"),
    ("", "", None, "choose favor, against or none"),
    ("yes", "no", None, "choose favor, against or none"),
    ("FAVOR", "AGAINST", "Vladimir Putin", "names no one"),
    ("FAVOR", "AGAINST", "NATO", "did not take the decision"),
    ("FAVOR", "AGAINST", "Ukraine", "names no one"),
    ("AGAINST", "FAVOR", "The sentence does not say", "defence"),
]


@pytest.mark.parametrize("kremlin, kyiv, passive", SAME_EVENT_RIGHT)
def test_same_event_accepts_every_right_answer(kremlin, kyiv, passive):
    assert lesson.check_same_event(kremlin, kyiv, passive=passive).ok


@pytest.mark.parametrize("kremlin, kyiv, passive, why", SAME_EVENT_WRONG)
def test_same_event_explains_every_wrong_answer(kremlin, kyiv, passive, why):
    result = lesson.check_same_event(kremlin, kyiv, passive=passive)
    assert not result.ok and why in result.message.lower(), result.message


CHART_RIGHT = ["AD", "ad", "DA", "A D", "A, D", "a and d", ["A", "D"], ["d", "a"], {"A", "D"}, "A+D"]
CHART_WRONG = [  # (choice, what the feedback must say)
    ("", "tick"), ("A", "1 supported statement not ticked"), ("D", "1 supported statement not ticked"),
    ("AB", "shares, not counts"), ("ADE", "left out on purpose"), ("ACD", "press office"),
    ("ABCDE", "shares, not counts"), ("B", "2 supported statements"), ("CE", "press office"), ("AX", "choose among"),
]


@pytest.mark.parametrize("choice", CHART_RIGHT, ids=str)
def test_chart_accepts_every_right_answer(choice):
    assert lesson.check_chart_limits(choice).ok


@pytest.mark.parametrize("choice, why", CHART_WRONG, ids=str)
def test_chart_explains_every_wrong_answer(choice, why):
    result = lesson.check_chart_limits(choice)
    assert not result.ok and why in result.message.lower(), result.message
    # a wrong answer is told about what it picked, not given the reasons for the right ones
    assert "overlap" not in result.message or "D" in str(choice).upper()


def test_chart_statements_are_readings_of_the_chart_and_give_no_length_hint():
    assert "e.g." not in lesson.exercise_chart().data if lesson.headless() else True
    assert "model that is often wrong" not in lesson.CHART_STATEMENTS["D"]  # a reading, not a caveat
