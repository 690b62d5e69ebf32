"""The media-literacy lesson: exercises on real sentences, checkers that give feedback, an explorer.

Every text from the corpus is untrusted: wherever it is rendered as HTML it goes through
:func:`html.escape` (see :func:`kwic_html`), so a sentence with markup or a script in it shows as
text and never runs.

The explorer uses ipywidgets when a widget front end can show them (JupyterLab, Voila). Where none
can (nbval, nbconvert, a plain console), set ``PRESSLENS_HEADLESS=1`` and it shows the same result
as plain HTML for the default choices; the Makefile does this for ``make test`` and
``make reproduce``.
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from presslens import keywords, sentiment, stance, stats

# The sentences of the exercises, by ID: the text is the corpus's, the questions and answers ours.
# The page shows each with its voice, date and headline, never its ID.
FRAMING = {
    "Kremlin": "kremlin-1f08b7f0fa81-0137",
    "Ukrainian presidency": "ukraine_president-a5ce0c7e06e5-0001",
    "Guardian": "guardian-ac4939a925fd-0002",
}
FRAMING_ANSWERS = {
    "Kremlin": ("special military operation", "military operation", "special operation"),
    "Ukrainian presidency": ("treacherous attack", "attack", "carried out a treacherous attack"),
    "Guardian": ("attacked", "have attacked", "russian forces have attacked"),
}
# Words of the sentence that students often pick, and what the choice reveals.
FRAMING_MISREADINGS = {
    "Kremlin": {
        "decision": "'decision' names Putin's act of deciding, not the event he decided on.",
        "article 51": "Article 51 is the legal wrapping: it is cited to make the event sound lawful, but it does not name it.",
        "treaties": "the treaties are the legal wrapping, not the name of the event.",
        "friendship": "'friendship' describes the treaties, not the event.",
        "mutual assistance": "'mutual assistance' describes the treaties, not the event.",
        "operation": "nearly: which words around 'operation' make it sound limited and official?",
        "special": "nearly: 'special' is part of a longer name; what is special?",
    },
    "Ukrainian presidency": {
        "resisting": "'resisting' names what Ukraine's forces do, not what Russia did.",
        "actively resisting": "'actively resisting' names what Ukraine's forces do, not what Russia did.",
        "treacherous": "nearly: 'treacherous' judges the event; which noun does it judge?",
        "troops": "'troops' names who acted, not what they did.",
        "armed forces": "the Armed Forces are Ukraine's, the ones resisting; look for what Russia's troops did.",
    },
    "Guardian": {
        "special military operation": "that is Putin's name, and the paper keeps it at a distance: 'what he called'. "
        "What does the paper itself say Russian forces did?",
        "operation": "that word belongs to Putin's name for it, which the paper quotes at a distance. What does the paper itself say?",
        "orders": "'orders' tells who decided, not what happened.",
        "announced": "'announced' is what Putin did at dawn, not what the forces did.",
        "dawn": "'dawn' is when, not what.",
    },
}
FRAMING_WHY = {
    "Kremlin": "Putin names it a 'special military operation', wrapped in legal language (Article 51, "
    "treaties, the Federation Council): the frame is lawful, limited, defensive.",
    "Ukrainian presidency": "'a treacherous attack' names an aggressor and a betrayal; the Armed Forces are "
    "'actively resisting'.",
    "Guardian": "the paper says Russian forces 'attacked' in its own voice, and keeps Putin's term at a "
    "distance: 'what he called a \"special military operation\"'. The quotation marks are the frame.",
}
FRAMING_HINT = "Look for the noun or verb that says what happened on 24 February, not who did it, when, or why."

BREAK_VADER_HINT = ("Start from praise words VADER likes (brilliant, proud, great, success) and put them next to "
                    "something that blames Russia: sanctions it earned, harm it caused, a threat it makes.")
BREAK_VADER_EXAMPLE = "Russia's brilliant leaders proudly earned the harshest sanctions in history."

SPEAKERS = {
    "ukraine_president-a5ce0c7e06e5-0013": ("quoted", "Mykhailo Podolyak"),
    "ukraine_president-a5ce0c7e06e5-0007": ("quoted", "Mykhailo Podoliak"),
    "kremlin-1f08b7f0fa81-0137": ("quoted", "Vladimir Putin"),
    "guardian-ac4939a925fd-0002": ("own", ""),
}
SPEAKERS_WHY = {
    "ukraine_president-a5ce0c7e06e5-0013": "'..., said Mykhailo Podolyak': the speech verb comes after the quotation.",
    "ukraine_president-a5ce0c7e06e5-0007": "'According to Mykhailo Podoliak, ...': the whole claim is his, not the press service's "
    "(the same adviser as sentence 1, his name spelt another way).",
    "kremlin-1f08b7f0fa81-0137": "the headline says it: 'Address by the President of the Russian Federation'. "
    "The 'I' is Vladimir Putin.",
    "guardian-ac4939a925fd-0002": "the Guardian's own voice: 'Russian forces have attacked Ukraine' is the paper's statement; "
    "Putin's words are only in a subordinate clause ('what he called ...').",
}
SPEAKERS_MISREADINGS = {
    "ukraine_president-a5ce0c7e06e5-0013": "the press service published it, but the quotation marks and 'said' give the words to someone else.",
    "ukraine_president-a5ce0c7e06e5-0007": "'according to' hands the whole claim to someone: the press service only reports it.",
    "kremlin-1f08b7f0fa81-0137": "the sentence says 'I': read the headline to find out who that is.",
    "guardian-ac4939a925fd-0002": "Putin is mentioned, but only inside 'what he called ...'; the main clause is the paper's own statement.",
}
# Other people a student may name, and why they are not the speaker.
SPEAKER_DECOYS = {
    "zelenskyy": "President Zelenskyy is not the speaker here: the press service quotes his adviser.",
    "press service": "the press service publishes the sentence, but the words belong to the person it quotes.",
    "guardian": "the Guardian publishes it; whose words are they?",
    "kremlin": "the Kremlin's site publishes it; who says 'I'?",
    "journalist": "a journalist writes it down; whose words are they?",
}
SPEAKERS_HINT = ("Look for a speech verb (said, noted), 'according to', quotation marks, or a headline that says whose "
                 "address it is; then ask which clause is the main one.")
# The names that count as the same person (transliterations of Ukrainian and Russian names vary).
NAME_ALIASES = {
    "Mykhailo Podolyak": ("podolyak", "podoliak", "podolak", "mykhailo", "mikhail podolyak", "adviser", "advisor",
                          "adviser to the head of the office of the president"),
    "Mykhailo Podoliak": ("podolyak", "podoliak", "podolak", "mykhailo", "mikhail podolyak", "adviser", "advisor",
                          "adviser to the head of the office of the president"),
    "Vladimir Putin": ("putin", "vladimir", "vladimir putin", "wladimir putin", "president of russia",
                       "president of the russian federation", "russian president", "the president", "president"),
}
OWN_VOICE = ("own", "own voice", "the outlet", "outlet", "the newspaper", "newspaper", "the paper", "paper",
             "the guardian", "guardian", "the author", "author", "the journalist", "journalist", "the reporter", "reporter")

SAME_EVENT = {"Kremlin": "kremlin-782f72eb9b4d-0001", "Ukrainian presidency": "ukraine_president-fec0497f3475-0000"}
SAME_EVENT_ANSWERS = {"Kremlin": "FAVOR", "Ukrainian presidency": "AGAINST"}
SAME_EVENT_MISREADINGS = {
    ("Kremlin", "AGAINST"): "the sentence does not blame Russia: it presents the operation as Russia's answer to NATO's "
    "'unacceptable' build-up, a defence. That is on Russia's side.",
    ("Kremlin", "NONE"): "the sentence names Russia and takes a side: 'unacceptable to Russia' justifies what Russia does next.",
    ("Ukrainian presidency", "FAVOR"): "breaking off relations with Russia is not support: the sentence says Russia "
    "'treacherously attacked'.",
    ("Ukrainian presidency", "NONE"): "'treacherously attacked' is a judgement, not a neutral report: it blames Russia.",
}
SAME_EVENT_HINT = "Ask who is shown as protecting or reacting, and who as attacking. Calm words can still take a side."
PASSIVE_CHOICES = ("Vladimir Putin", "NATO", "The sentence does not say", "Ukraine")
PASSIVE_ANSWER = "The sentence does not say"
PASSIVE_WHY = ("'the decision was taken' is in the passive voice: it hides who decided. Elsewhere (exercise 3) "
               "Putin says 'I made a decision'; here the decision seems to take itself.")
PASSIVE_MISREADINGS = {
    "Vladimir Putin": "you know it from elsewhere, but this sentence does not say so: 'the decision was taken' names no one.",
    "NATO": "NATO is blamed for the circumstances, but it did not take the decision; and the sentence names no one who did.",
    "Ukraine": "Ukraine is where NATO is said to expand, not who decided; the sentence names no one.",
}

CHART_STATEMENTS = {
    "A": "In the weeks shown, a larger share of the Kremlin's sentences naming NATO are classified AGAINST NATO "
    "than of the Ukrainian presidency's.",
    "B": "The Kremlin published more articles hostile to NATO after 24 February than before.",
    "C": "Ukrainians became more hostile to NATO after the invasion.",
    "D": "In a week where two voices' intervals overlap, the chart cannot tell which voice's share was higher.",
    "E": "A week with no point is a week in which the voice never mentioned NATO.",
}
CHART_ANSWERS = {"A", "D"}
CHART_WHY = {
    "A": "supported: the chart shows shares of sentences, by voice, and the Kremlin's points are above Kyiv's.",
    "B": "not shown: the chart shows shares, not counts of articles, and a share can rise while the number falls.",
    "C": "not shown: the Ukrainian presidency is a press office, not the people; and under the guideline, "
    "criticism of NATO for not doing enough (the usual kind from Kyiv) counts as AGAINST.",
    "D": "supported: overlapping intervals mean the difference may be chance; and the intervals leave out the "
    "model's own errors, so the real uncertainty is larger still.",
    "E": "not shown: weeks with fewer than the minimum number of sentences are left out on purpose.",
}
CHART_HINT = "For each statement ask: does the chart itself show this, or does it need facts the chart does not have?"


@dataclass
class Feedback:
    """What a checker says: whether the answer is right, and why, in short lines."""

    ok: bool
    lines: tuple

    def __post_init__(self):
        self.lines = (self.lines,) if isinstance(self.lines, str) else tuple(self.lines)

    @property
    def message(self) -> str:
        return "\n".join(self.lines)

    def __repr__(self) -> str:
        return ("Right. " if self.ok else "Not yet. ") + " ".join(self.lines)

    def _repr_html_(self) -> str:
        return feedback_html(self)


def feedback_html(feedback: Feedback) -> str:
    """Return the feedback as HTML: a verdict, then one short line each, every line escaped."""
    verdict = "Right." if feedback.ok else "Not yet."
    colour = "#1b7837" if feedback.ok else "#b35806"
    items = "".join(f"<li>{html.escape(line)}</li>" for line in feedback.lines)
    return (f'<div class="presslens-feedback"><b style="color:{colour}">{verdict}</b>'
            f'<ul style="margin:0.2em 0">{items}</ul></div>')


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower().strip("'\"“”‘’.,;:!?()"))


def _fold(text) -> str:
    """Lowercase ASCII letters and spaces, with the transliteration variants of one name made equal
    (Podolyak, Podoliak, Podolák; Zelenskyy, Zelensky, Zelenskiy).

    >>> _fold("Podolyak") == _fold("Podoliak") == _fold("Podolják"), _fold("Zelenskyy") == _fold("Zelenskiy")
    (True, True)
    """
    import unicodedata

    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z ]+", " ", text)
    for variant, common in (("iy", "y"), ("yy", "y"), ("ii", "i"), ("yj", "y"), ("j", "y"), ("ya", "ia"), ("yu", "iu"),
                            ("ye", "ie"), ("yo", "io"), ("kh", "h"), ("w", "v")):
        text = text.replace(variant, common)
    return re.sub(r"(.)\1+", r"\1", re.sub(r"\s+", " ", text).strip())


def same_person(given: str, expected: str) -> bool:
    """Whether ``given`` names the person ``expected`` (a name in ``NAME_ALIASES``), across spellings.

    >>> same_person("podoliak", "Mykhailo Podolyak"), same_person("V. Putin", "Vladimir Putin"), same_person("Zelensky", "Vladimir Putin")
    (True, True, False)
    """
    import difflib

    folded = _fold(given)
    if not folded:
        return False
    aliases = {_fold(a) for a in (*NAME_ALIASES.get(expected, ()), expected)}
    if folded in aliases:
        return True
    words = folded.split()
    surnames = {_fold(expected).split()[-1]} | {a for a in aliases if " " not in a and len(a) >= 5}
    return any(difflib.SequenceMatcher(None, word, surname).ratio() >= 0.8 for word in words for surname in surnames if len(word) >= 4)


def check_framing_word(voice: str, answer: str, sentence: str | None = None) -> Feedback:
    """Exercise 1: the word or phrase that frames what happened on 24 February, per voice.

    ``sentence`` is the sentence shown (to tell a word from it from one that is not in it)."""
    if voice not in FRAMING_ANSWERS:
        return Feedback(False, f"choose one of {sorted(FRAMING_ANSWERS)}")
    given = _norm(answer)
    if not given:
        return Feedback(False, "Type a word or phrase copied from the sentence.")
    right = [_norm(a) for a in FRAMING_ANSWERS[voice]]
    if given in right or any(r in given and len(given) <= len(r) + 25 for r in right):
        return Feedback(True, FRAMING_WHY[voice])
    for word, why in FRAMING_MISREADINGS[voice].items():
        if given == word or (len(given) >= 4 and given in word) or word in given:
            return Feedback(False, [why, FRAMING_HINT])
    if sentence is not None and given not in _norm(sentence):
        return Feedback(False, [f"'{answer.strip()}' is not in the {voice} sentence: copy the words from it.", FRAMING_HINT])
    return Feedback(False, [f"'{answer.strip()}' does not name the event.", FRAMING_HINT])


# Blame that presslens's stance rules do not list (they were written for news, not for a student's
# sarcasm): exercise 2 accepts a sentence with one of these as against the target, unless the rules
# read it as FAVOR.
BLAME = re.compile(
    r"\b(invad\w*|invasion\w*|invader\w*|occup\w*|annex\w*|sanction\w*|aggress\w*|bomb\w*|shell\w*|attack\w*|"
    r"destr\w*|kill\w*|murder\w*|lie|lies|lied|lying|liars?|propaganda|threat\w*|crimes?|criminal\w*|terror\w*|"
    r"atrocit\w*|(?:break\w*|broke|broken)\s+(?:\w+\s+)?(?:promises?|word|treat\w*|law\w*))\b",
    re.IGNORECASE,
)


def check_break_vader(sentence: str, target: str = "Russia") -> Feedback:
    """Exercise 2: write a sentence that VADER reads as positive but that is against the target."""
    if not isinstance(sentence, str) or not sentence.strip():
        return Feedback(False, "Write a sentence first.")
    score = float(sentiment.polarity([sentence])[0])
    names_target = bool(len(stance.targets_module.mentions([sentence], stance.canonical_target(target))))
    rules = stance.rule_predict([sentence], target)[0]
    against = rules == "AGAINST" or (rules != "FAVOR" and BLAME.search(sentence) is not None)
    if not names_target:
        return Feedback(False, [f"Your sentence does not name {target} (or Moscow, the Kremlin, Putin).",
                                "Stance is always toward a named target."])
    if score < 0.05:
        return Feedback(False, [f"VADER gives it {score:+.3f}: not positive.",
                                "Add praise words around the blame: brilliant, proud, great, success."])
    if not against:
        return Feedback(False, [f"VADER gives it {score:+.3f}, but presslens's rules find no blame of {target} in it.",
                                f"Make {target} cause harm, make threats, or earn sanctions."])
    return Feedback(True, [f"VADER gives it {score:+.3f} (positive), yet it blames {target}.",
                           "Sentiment measures the tone of the words; stance, what is said about a target."])


def check_speaker(sentence_id: str, answer: str) -> Feedback:
    """Exercise 3, one sentence: "own" (the outlet's own voice) or the speaker's name."""
    kind, speaker = SPEAKERS[sentence_id]
    given = _norm(answer)
    if not given:
        return Feedback(False, "Type 'own', or the name of the person quoted.")
    is_own = given in OWN_VOICE
    if kind == "own":
        if is_own:
            return Feedback(True, SPEAKERS_WHY[sentence_id])
        return Feedback(False, SPEAKERS_MISREADINGS[sentence_id])
    if same_person(given, speaker):
        return Feedback(True, SPEAKERS_WHY[sentence_id])
    if is_own:
        return Feedback(False, SPEAKERS_MISREADINGS[sentence_id])
    for decoy, why in SPEAKER_DECOYS.items():
        if _fold(decoy) in _fold(given):
            return Feedback(False, why)
    return Feedback(False, [f"'{answer.strip()}' is not who speaks here.", SPEAKERS_HINT])


def check_who_is_speaking(answers: dict) -> Feedback:
    """Exercise 3: for each sentence ID, "own" or the speaker's name; one short line per sentence."""
    lines, right = [], 0
    for number, sentence_id in enumerate(SPEAKERS, 1):
        answer = answers.get(sentence_id, "")
        result = check_speaker(sentence_id, answer)
        right += result.ok
        if not _norm(answer):
            lines.append(f"Sentence {number}: no answer yet.")
        else:
            lines.append(f"Sentence {number}: " + ("right, " if result.ok else "not yet: ") + result.lines[0])
    return Feedback(right == len(SPEAKERS), [f"{right} of {len(SPEAKERS)} right.", *lines])


def check_same_event(kremlin: str, ukrainian_presidency: str, passive: str | None = None) -> Feedback:
    """Exercise 4: the stance toward Russia of two sentences from 24 February 2022, and (``passive``)
    who the Kremlin's sentence says took the decision."""
    given = {"Kremlin": _norm(kremlin).upper(), "Ukrainian presidency": _norm(ukrainian_presidency).upper()}
    if any(label not in stance.LABELS for label in given.values()):
        return Feedback(False, "Choose FAVOR, AGAINST or NONE for each sentence.")
    lines = []
    for voice, label in SAME_EVENT_ANSWERS.items():
        if given[voice] == label:
            lines.append(f"{voice}: right, {label} Russia.")
        else:
            lines.append(f"{voice}: not {given[voice]}. " + SAME_EVENT_MISREADINGS[(voice, given[voice])])
    ok = all(given[v] == label for v, label in SAME_EVENT_ANSWERS.items())
    if passive is not None:
        if passive == PASSIVE_ANSWER:
            lines.append("Who decided: right. " + PASSIVE_WHY)
        else:
            ok = False
            lines.append("Who decided: " + PASSIVE_MISREADINGS.get(passive, f"choose one of {list(PASSIVE_CHOICES)}."))
    if ok:
        lines.append("Same morning, opposite stances: the Kremlin presents Russia as reacting to a threat, Kyiv as a treacherous attacker.")
    return Feedback(ok, lines)


def check_chart_limits(choices) -> Feedback:
    """Exercise 5: which statements does the chart support? ``choices``: letters such as "AD"."""
    if isinstance(choices, str):  # "AD", "a, d", "A and D"
        choices = [letter for word in re.findall(r"[A-Za-z]+", choices) if word.lower() != "and" for letter in word]
    picked = {str(c).strip().upper() for c in choices}
    unknown = picked - set(CHART_STATEMENTS)
    if unknown:
        return Feedback(False, f"Choose among {', '.join(sorted(CHART_STATEMENTS))}.")
    if not picked:
        return Feedback(False, "Tick the statements the chart supports (at least one).")
    if picked == CHART_ANSWERS:
        return Feedback(True, [f"{letter}: {CHART_WHY[letter]}" for letter in sorted(CHART_STATEMENTS)])
    lines = [f"{letter}: {CHART_WHY[letter]}" for letter in sorted(picked - CHART_ANSWERS)]
    missing = len(CHART_ANSWERS - picked)
    if missing:
        lines.append(f"{missing} supported statement{'s' if missing > 1 else ''} not ticked yet.")
    return Feedback(False, lines)


def vader_examples(sentences) -> pd.DataFrame:
    """Return each sentence with its VADER compound score (exercise 2's warm-up)."""
    sentences = list(sentences)
    return pd.DataFrame({"sentence": sentences, "VADER score": np.round(sentiment.polarity(sentences), 3)})


# --- the precomputed data of the page ------------------------------------------------------------
# Scoring every sentence that names NATO or Russia takes minutes; a student's page must be
# interactive in seconds. `make lesson-data` (run by `make reproduce` and `make test`) scores them
# once into a Parquet file in the user's cache folder (or $PRESSLENS_CACHE), never in the repository,
# keyed by the package's code and the annotations, so a change of either builds it anew.

LESSON_DATA_ENV = "PRESSLENS_CACHE"  # presslens.paths.WORK_CACHE_ENV
MISSING_DATA = ("The lesson's prepared sentences are missing on this computer, so the chart and the explorer "
                "cannot be shown. Whoever set up the page: run `make lesson-data` once (a few minutes), then reload.")


def _data_key() -> str:
    import hashlib
    import inspect

    from presslens import paths

    digest = hashlib.sha256()
    # The code that scores (every module but this one, whose exercises and page do not change the
    # data), the builder itself, and the data files the scores depend on.
    code = [p for p in sorted((paths.ROOT / "src" / "presslens").rglob("*.py")) if p.name != "lesson.py"]
    for path in code + [paths.DATA_DIR / "stance-annotations.csv", paths.DATA_DIR / "targets.csv"]:
        if path.exists():
            digest.update(path.relative_to(paths.ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(inspect.getsource(build_data).encode())
    digest.update(repr((LESSON_SOURCES, exercise_sentence_ids())).encode())
    return digest.hexdigest()[:16]


def data_folder():
    """Return the folder of the lesson's Parquet files (it may not exist yet), or None when
    ``$PRESSLENS_CACHE`` is the empty string (caching off)."""
    from presslens import paths

    folder = paths.work_cache_dir()
    return None if folder is None else folder / f"lesson-{_data_key()}"


LESSON_VOICES = ("Kremlin", "Ukrainian presidency", "Guardian", "NYT")
LESSON_SOURCES = ("kremlin", "ukraine_president", "guardian", "nyt")


def exercise_sentence_ids() -> list[str]:
    return sorted({*FRAMING.values(), *SPEAKERS, *SAME_EVENT.values()})


def build_data(corpus=None, *, force: bool = False):
    """Score the study corpus for the page and write its Parquet files; return their folder.

    Three tables: ``scored.parquet`` (every sentence naming NATO or Russia, as
    :func:`presslens.voices.score` gives it, with the random annotated sample's labels in
    ``gold``), ``weeks.parquet`` (the chart's weekly shares, :func:`presslens.voices.weekly`) and
    ``sentences.parquet`` (the exercises' sentences with their headlines)."""
    import presslens
    from presslens import voices

    path = data_folder()
    if path is None:
        raise ValueError(f"${LESSON_DATA_ENV} is empty, which turns caching off: set it to a folder to build the lesson's data")
    if path.exists() and not force:
        return path
    corpus = presslens.load(list(LESSON_SOURCES)) if corpus is None else corpus
    scored = voices.score(corpus.sentences)
    scored["gold"] = stance.random_gold(scored, stance.load_annotations(corpus).table)
    weeks = voices.weekly(scored, min_count=stats.MIN_COUNT, n_boot=1000)
    wanted = corpus.sentences[corpus.sentences["sentence_id"].isin(exercise_sentence_ids())]
    titles = corpus.articles.set_index("article_id")["title"]
    sentences = wanted[["sentence_id", "article_id", "voice", "date", "text"]].assign(title=titles.reindex(wanted["article_id"]).to_numpy())
    missing = sorted(set(exercise_sentence_ids()) - set(sentences["sentence_id"]))
    if missing:
        raise ValueError(f"the exercises' sentences {missing} are not in the corpus")
    import shutil
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=path.name + ".", dir=path.parent))
    for name, table in (("scored", scored), ("weeks", weeks), ("sentences", sentences)):
        table.to_parquet(partial / f"{name}.parquet", index=False)
    if path.exists():
        shutil.rmtree(path)
    partial.rename(path)  # never a half-written folder under the final name
    return path


@dataclass
class LessonData:
    """The page's data: the scored sentences, the chart's weeks, the exercises' sentences."""

    scored: pd.DataFrame
    weeks: pd.DataFrame
    sentences: pd.DataFrame


def load_data() -> LessonData | None:
    """Return the lesson's precomputed data, or None (and the page says so) if it was not built."""
    path = data_folder()
    if path is None or not all((path / f"{name}.parquet").exists() for name in ("scored", "weeks", "sentences")):
        return None
    return LessonData(pd.read_parquet(path / "scored.parquet"), pd.read_parquet(path / "weeks.parquet"),
                      pd.read_parquet(path / "sentences.parquet").set_index("sentence_id"))


def missing_data_notice():
    """The plain message the page shows where its data is missing."""
    from IPython.display import HTML

    return HTML(f'<div class="presslens-missing" style="border:2px solid #b35806;padding:0.5em">'
                f"<b>Not available.</b> {html.escape(MISSING_DATA)}</div>")


# --- the exercises as widgets ----------------------------------------------------------------------


def sentence_card(row, label: str | None = None) -> str:
    """Return a corpus sentence as the page shows it: a label, the voice, date and headline, then the
    sentence; every corpus string escaped."""
    date = pd.Timestamp(row["date"]).strftime("%d %B %Y").lstrip("0")
    head = f"<b>{html.escape(label)}</b> · " if label else ""
    return (f'<div class="presslens-card"><p style="margin:0.6em 0 0.1em 0">{head}{html.escape(str(row["voice"]))}, {date}. '
            f'Headline: <i>{html.escape(str(row["title"]))}</i></p>' + sentence_html(str(row["text"])) + "</div>")


def _blank(width: int = 40) -> str:
    return "<span style='font-family:monospace'>" + "_" * width + "</span>"


def _boxes(options) -> str:
    return " &nbsp; ".join(f"☐ {html.escape(str(o))}" for o in options)


def _exercise(name: str, intro: str, fields: list, check, hint: str, printable: str):
    """One exercise: ``intro`` (HTML), ``fields`` (pairs of an HTML block and a widget, or None for
    no widget), a Check button that shows ``check()``'s feedback in short lines, a "Show a hint"
    button. Headless (nbval, the handout), the same page as printable HTML with blanks to fill in."""
    from IPython.display import HTML

    if headless():
        return HTML(f'<div class="presslens-exercise presslens-{name}">{intro}{printable}</div>')
    import ipywidgets as widgets

    check_button = widgets.Button(description="Check", button_style="primary", tooltip="check your answer")
    hint_button = widgets.Button(description="Show a hint", tooltip="a hint, if you want one")
    feedback, hint_box = widgets.HTML(), widgets.HTML()
    check_button.add_class("presslens-check")
    hint_button.add_class("presslens-hint")
    feedback.add_class("presslens-feedback-area")

    def on_check(_):
        feedback.value = feedback_html(check())

    def on_hint(_):
        hint_box.value = f"<p><i>Hint:</i> {html.escape(hint)}</p>"

    check_button.on_click(on_check)
    hint_button.on_click(on_hint)
    children = [widgets.HTML(intro)]
    for block, widget in fields:
        if block:
            children.append(widgets.HTML(block))
        if widget is not None:
            children.append(widget)
    children += [widgets.HBox([check_button, hint_button]), hint_box, feedback]
    box = widgets.VBox(children, layout={"max_width": "48em"})
    box.add_class("presslens-exercise")
    box.add_class(f"presslens-{name}")
    return box


def _text(placeholder: str, name: str):
    import ipywidgets as widgets

    box = widgets.Text(value="", placeholder=placeholder, layout={"width": "95%"}, continuous_update=True)
    box.add_class(f"presslens-input-{name}")
    return box


def _choice(options, name: str):
    import ipywidgets as widgets

    buttons = widgets.ToggleButtons(options=list(options), value=None, style={"button_width": "auto"})
    buttons.add_class(f"presslens-input-{name}")
    return buttons


def exercise_framing(data: LessonData):
    """Exercise 1 as a widget: a text box per voice, checked together."""
    fields, boxes = [], {}
    for number, (voice, sentence_id) in enumerate(FRAMING.items(), 1):
        card = sentence_card(data.sentences.loc[sentence_id], f"Sentence {number}")
        boxes[voice] = None if headless() else _text("a word or phrase copied from the sentence", f"framing-{number}")
        fields.append((card + "<p>The word or phrase that names what happened:</p>", boxes[voice]))

    def check():
        lines, ok = [], True
        for number, (voice, sentence_id) in enumerate(FRAMING.items(), 1):
            result = check_framing_word(voice, boxes[voice].value, data.sentences.loc[sentence_id, "text"])
            ok &= result.ok
            if not _norm(boxes[voice].value):
                lines.append(f"Sentence {number}: no answer yet.")
            else:
                lines.append(f"Sentence {number}: " + ("right: " if result.ok else "not yet: ") + result.lines[0])
        return Feedback(ok, lines)

    printable = "".join(block + f"<p>{_blank()}</p>" for block, _ in fields)
    return _exercise("framing", "", fields if not headless() else [], check, FRAMING_HINT, printable)


def exercise_break_vader(target: str = "Russia"):
    """Exercise 2 as a widget: one text box for a sentence of the student's own."""
    box = None if headless() else _text("your sentence", "vader")
    intro = (f"<p>Write a sentence that VADER scores as <b>positive</b> but that is clearly <b>against {html.escape(target)}</b>. "
             "Keep it about politics: no real victims as a joke.</p>")
    printable = f"<p>Your sentence: {_blank(60)}</p><p>{_blank(70)}</p>"
    return _exercise("vader", intro, [("", box)] if box else [], lambda: check_break_vader(box.value, target), BREAK_VADER_HINT, printable)


def exercise_who_is_speaking(data: LessonData):
    """Exercise 3 as a widget: "own" or a name, per sentence."""
    fields, boxes = [], {}
    for number, sentence_id in enumerate(SPEAKERS, 1):
        card = sentence_card(data.sentences.loc[sentence_id], f"Sentence {number}")
        boxes[sentence_id] = None if headless() else _text("own, or the name of the person quoted", f"speaker-{number}")
        fields.append((card + "<p>Whose words are these? Type <b>own</b> (the outlet's own voice) or the name of the person quoted:</p>",
                       boxes[sentence_id]))
    printable = "".join(block + f"<p>{_blank()}</p>" for block, _ in fields)
    return _exercise("speaker", "", fields if not headless() else [],
                     lambda: check_who_is_speaking({k: b.value for k, b in boxes.items()}), SPEAKERS_HINT, printable)


def exercise_same_event(data: LessonData):
    """Exercise 4 as a widget: the stance of each sentence toward Russia, and who took the decision."""
    fields, pickers = [], {}
    for number, (voice, sentence_id) in enumerate(SAME_EVENT.items(), 1):
        card = sentence_card(data.sentences.loc[sentence_id], f"Sentence {number}")
        pickers[voice] = None if headless() else _choice(stance.LABELS, f"same-{number}")
        fields.append((card + "<p>Its stance toward <b>Russia</b>:</p>", pickers[voice]))
    passive = None if headless() else _choice(PASSIVE_CHOICES, "passive")
    question = "<p>Sentence 1 says 'the decision was taken'. According to the sentence, who took it?</p>"
    fields.append((question, passive))

    def check():
        given = [pickers[v].value or "" for v in SAME_EVENT]
        return check_same_event(*given, passive=passive.value)

    printable = "".join(block + f"<p>{_boxes(stance.LABELS)}</p>" for block, _ in fields[:-1]) + question + f"<p>{_boxes(PASSIVE_CHOICES)}</p>"
    return _exercise("same-event", "", fields if not headless() else [], check, SAME_EVENT_HINT, printable)


def exercise_chart():
    """Exercise 5 as a widget: tick the statements the chart supports."""
    statements = "".join(f"<li><b>{letter}</b>. {html.escape(text)}</li>" for letter, text in CHART_STATEMENTS.items())
    intro = f"<p>Which statements does the chart support? Tick every one that it shows.</p><ul style='list-style:none'>{statements}</ul>"
    if headless():
        return _exercise("chart", intro, [], None, CHART_HINT, f"<p>{_boxes(CHART_STATEMENTS)}</p>")
    import ipywidgets as widgets

    ticks = {letter: widgets.Checkbox(value=False, description=letter, indent=False, layout={"width": "4em"}) for letter in CHART_STATEMENTS}
    for letter, tick in ticks.items():
        tick.add_class(f"presslens-input-chart-{letter}")
    row = widgets.HBox(list(ticks.values()))
    return _exercise("chart", intro, [("", row)], lambda: check_chart_limits("".join(l for l, t in ticks.items() if t.value)),
                     CHART_HINT, "")


def chart(weeks: pd.DataFrame, voices=LESSON_VOICES):
    """Draw exercise 5's chart; save it through :func:`presslens.plots.save_figure` only when
    ``$PRESSLENS_FIGURES`` is set (``make reproduce``, ``make test``), so that a student's run
    never writes into the repository."""
    from presslens import paths
    from presslens.plots import save_figure

    import matplotlib.pyplot as plt

    fig = plot_chart_exercise(weeks, list(voices))
    if paths.FIGURES_ENV in os.environ:
        save_figure(fig, "06-chart-exercise")
    plt.close(fig)  # shown once, as the cell's value, not again by the inline backend
    return fig


# --- showing corpus text safely ------------------------------------------------------------------


def kwic_html(lines: pd.DataFrame, *, max_rows: int = 15) -> str:
    """Return KWIC lines as an HTML table, every cell escaped (corpus text is untrusted).

    >>> page = kwic_html(pd.DataFrame({"voice": ["X"], "date": ["2022"], "left": ["<b>"], "match": ["NATO"],
    ...                                "right": ["<script>alert(1)</script>"]}))
    >>> "<script>" in page, "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (False, True)
    """
    columns = ["voice", "date", "left", "match", "right"]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    rows = []
    for row in lines.head(max_rows)[columns].itertuples(index=False):
        cells = [html.escape(str(value)) for value in row]
        rows.append(
            f"<tr><td>{cells[0]}</td><td>{cells[1]}</td><td style='text-align:right'>{cells[2]}</td>"
            f"<td><b>{cells[3]}</b></td><td style='text-align:left'>{cells[4]}</td></tr>"
        )
    more = (f"<p>Showing {max_rows} of {len(lines):,} matches (a sentence can match more than once).</p>"
            if len(lines) > max_rows else "")
    return f'<table class="presslens-kwic"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'


def sentence_html(text: str) -> str:
    """Return one corpus sentence as an escaped HTML block quote."""
    return f"<blockquote>{html.escape(text)}</blockquote>"


# --- the explorer --------------------------------------------------------------------------------


def explore(scored: pd.DataFrame, *, voice: str = "all", target: str = "Russia", term: str = "", start=None, end=None,
            n_boot: int = 500):
    """Return ``(summary, lines)`` for a choice: sentences of ``voice`` naming ``target`` between
    ``start`` and ``end`` (months, inclusive), containing ``term`` if given.

    ``summary`` has the number of sentences and the AGAINST, FAVOR and mean-sentiment values with
    95% intervals and the ``method`` of each: where ``scored`` has a ``gold`` column (the random
    annotated sample's labels, :func:`presslens.stance.random_gold`), the shares are corrected by
    :func:`presslens.stats.corrected_means`; otherwise, and for sentiment, they are the model's and
    say so. ``lines`` are the KWIC lines of the term (or of the target's name)."""
    frame = scored[scored["target"] == stance.canonical_target(target)]
    if voice != "all":
        frame = frame[frame["voice"] == voice]
    if start is not None:
        frame = frame[frame["date"] >= pd.Timestamp(start)]
    if end is not None:
        frame = frame[frame["date"] < pd.Timestamp(end) + pd.offsets.MonthBegin(1)]
    if term.strip():
        frame = frame[frame["text"].str.contains(keywords.term_pattern(term), regex=True)]
    rows = [("sentences", len(frame), np.nan, np.nan, "")]
    if len(frame):
        articles = frame["article_id"].to_numpy()  # intervals resample articles
        gold = frame["gold"] if "gold" in frame.columns else pd.Series(np.nan, index=frame.index, dtype=object)
        for label in ("AGAINST", "FAVOR"):
            items = pd.DataFrame({
                "voice": frame["voice"].to_numpy(), "article_id": articles,
                "predicted": (frame["stance"].to_numpy() == label).astype(float),
                "gold": np.where(gold.isna(), np.nan, (gold == label).astype(float)),
            })
            rows.append((f"share {label}", *_stratified(stats.corrected_means(items, "voice", "predicted", "gold", n_boot=n_boot))))
        rows.append(("mean sentiment toward target", *stats.mean_ci(frame["toward"].to_numpy(), articles, n_boot=n_boot),
                     "VADER, not corrected (no labelled sample)"))
    summary = pd.DataFrame(rows, columns=["measure", "value", "low", "high", "method"])
    unique = frame.drop_duplicates("sentence_id").assign(date=lambda d: d["date"].dt.strftime("%Y-%m-%d"))
    lines = keywords.kwic(unique, term.strip() or stance.canonical_target(target), width=60)
    return summary, lines


def _stratified(table: pd.DataFrame):
    """Combine per-voice estimates into one for the voices together: each weighted by its share of
    the sentences, with a normal interval from the per-voice half-widths (voices share no article).
    The annotations were drawn at random within each voice, so they are corrected voice by voice."""
    if len(table) == 1:
        row = table.iloc[0]
        return row["estimate"], row["low"], row["high"], row["method"]
    weights = table["n"] / table["n"].sum()
    estimate = float((weights * table["estimate"]).sum())
    half = float(np.sqrt(((weights * (table["high"] - table["low"]) / 2) ** 2).sum()))
    methods = sorted(set(table["method"]))
    method = methods[0] if len(methods) == 1 else "by voice: " + "; ".join(methods)
    return estimate, max(estimate - half, 0.0), min(estimate + half, 1.0), f"{method} (voices weighted by their sentences)"


def headless() -> bool:
    """Whether no widget front end is expected (``PRESSLENS_HEADLESS=1``, or ipywidgets missing)."""
    if os.environ.get("PRESSLENS_HEADLESS", "") not in ("", "0"):
        return True
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return True
    return False


def _summary_html(summary: pd.DataFrame) -> str:
    def number(value, whole=False):
        return "" if pd.isna(value) else (f"{value:,.0f}" if whole else f"{value:.3f}")

    shown = pd.DataFrame(
        {
            "measure": summary["measure"],
            "value": [number(v, m == "sentences") for m, v in zip(summary["measure"], summary["value"])],
            "low": [number(v) for v in summary["low"]],
            "high": [number(v) for v in summary["high"]],
            "method": summary["method"] if "method" in summary.columns else "",
        }
    )
    return shown.to_html(index=False, escape=True)


def explorer(scored: pd.DataFrame, voices, *, term: str = "sanctions"):
    """Return the interactive explorer (ipywidgets), or, headless, the plain HTML of its default view.

    Controls: voice, target, a term, and a range of months; the output shows the summary with
    intervals and the KWIC lines, every corpus string escaped.
    """
    from IPython.display import HTML

    months = sorted(scored["date"].dt.to_period("M").astype(str).unique())
    if headless():
        summary, lines = explore(scored, voice="all", target="Russia", term=term, start=months[0], end=months[-1])
        return HTML(f"<p>Voice: all; target: Russia; term: {html.escape(term)}; months {months[0]} to {months[-1]}</p>"
                    + _summary_html(summary) + kwic_html(lines))
    import ipywidgets as widgets

    voice = widgets.Dropdown(options=["all", *voices], value="all", description="voice")
    target = widgets.Dropdown(options=list(stance.TARGETS), value="Russia", description="target")
    word = widgets.Text(value=term, description="term", continuous_update=False)
    span = widgets.SelectionRangeSlider(options=months, index=(0, len(months) - 1), description="months", layout={"width": "500px"})
    out = widgets.HTML()

    def update(_=None):
        summary, lines = explore(scored, voice=voice.value, target=target.value, term=word.value, start=span.value[0], end=span.value[1])
        out.value = _summary_html(summary) + kwic_html(lines)

    for control in (voice, target, word, span):
        control.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([voice, target]), widgets.HBox([word, span]), out])


def plot_chart_exercise(weeks: pd.DataFrame, voices):
    """The chart of exercise 5: weekly share of sentences naming NATO classified AGAINST NATO."""
    import matplotlib.pyplot as plt

    from presslens.plots import voice_colours

    colours = voice_colours(voices)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for voice in voices:
        block = weeks[(weeks["target"] == "NATO") & (weeks["voice"] == voice)].dropna(subset=["AGAINST"]).sort_values("week", kind="stable")
        if block.empty:
            continue
        # points with their intervals, not a line: a line would join weeks across the hidden ones
        ax.errorbar(block["week"], block["AGAINST"], yerr=[block["AGAINST"] - block["AGAINST low"], block["AGAINST high"] - block["AGAINST"]],
                    fmt="o", ms=4, capsize=2, color=colours[voice], label=voice)
    for day in ("2022-02-04", "2022-02-24"):
        ax.axvline(pd.Timestamp(day), color="0.3", lw=0.8, ls="--")
    ax.set_ylim(0, 1)
    ax.set_ylabel("share AGAINST NATO")
    ax.set_title("Sentences naming NATO, classified AGAINST NATO, by week (95% CI; weeks with < 20 sentences not shown)")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    return fig


# --- one source, two versions ------------------------------------------------------------------------
# The lesson is written once, in lesson/06-media-literacy-lesson.ipynb. What only the teacher should
# see is marked as nbgrader marks solutions: between a line "### BEGIN SOLUTION" and a line
# "### END SOLUTION". The student version (notebooks/06-..., the page `make lesson` serves and the
# handout prints) is the source with every marked part removed, and a cell left empty dropped, as
# nbgrader's ClearSolutions does; the teacher's version keeps every part and drops only the markers.

SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
LESSON_NAME = "06-media-literacy-lesson"


def source_file() -> Path:
    from presslens import paths

    return paths.ROOT / "lesson" / f"{LESSON_NAME}.ipynb"


def student_file() -> Path:
    from presslens import paths

    return paths.NOTEBOOKS_DIR / f"{LESSON_NAME}.ipynb"


def teacher_file() -> Path:
    from presslens import paths

    return paths.ROOT / "build" / "lesson" / f"{LESSON_NAME}-teacher.ipynb"


def _split(text: str, where: str):
    """Return ``(student, teacher)`` texts of one cell: the marked parts removed, or kept unmarked."""
    student, teacher, inside = [], [], False
    for number, line in enumerate(text.split("\n"), 1):
        marker = line.strip()
        if marker == SOLUTION_BEGIN:
            if inside:
                raise ValueError(f"{where}, line {number}: {SOLUTION_BEGIN} inside a marked part")
            inside = True
        elif marker == SOLUTION_END:
            if not inside:
                raise ValueError(f"{where}, line {number}: {SOLUTION_END} without {SOLUTION_BEGIN}")
            inside = False
        else:
            teacher.append(line)
            if not inside:
                student.append(line)
    if inside:
        raise ValueError(f"{where}: {SOLUTION_BEGIN} is never closed")
    return "\n".join(student).strip("\n"), "\n".join(teacher).strip("\n")


def versions(source=None):
    """Return the student and the teacher's notebooks (without outputs) built from the source."""
    import copy

    import nbformat

    path = source_file() if source is None else Path(source)
    nb = nbformat.read(path, as_version=4)
    student, teacher = copy.deepcopy(nb), copy.deepcopy(nb)
    student.cells, teacher.cells = [], []
    for index, cell in enumerate(nb.cells):
        mine, theirs = _split(cell.source, f"{path.name}, cell {index}")
        for version, text in ((student, mine), (teacher, theirs)):
            if text.strip():
                out = copy.deepcopy(cell)
                out.source = text
                if out.cell_type == "code":
                    out.outputs, out.execution_count = [], None
                version.cells.append(out)
    return student, teacher


def write_versions(*, student: bool = True, teacher: bool = True) -> list[Path]:
    """Write the student notebook (``notebooks/``, for ``make reproduce`` to run) and the teacher's
    (``build/lesson/``); return the paths written."""
    import nbformat

    mine, theirs = versions()
    written = []
    for wanted, nb, path in ((student, mine, student_file()), (teacher, theirs, teacher_file())):
        if wanted:
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            written.append(path)
    return written


def main(argv=None) -> int:
    """``python -m presslens.lesson data|student|teacher``: build the page's data (in the cache, not
    the repository), the student notebook, or the teacher's version."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m presslens.lesson", description=main.__doc__)
    parser.add_argument("what", choices=("data", "student", "teacher"))
    parser.add_argument("--force", action="store_true", help="rebuild the data even if it is cached")
    args = parser.parse_args(argv)
    if args.what == "data":
        print(build_data(force=args.force))
    else:
        for path in write_versions(student=args.what == "student", teacher=args.what == "teacher"):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
