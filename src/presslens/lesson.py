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

import numpy as np
import pandas as pd

from presslens import keywords, sentiment, stance, stats

# The sentences of the exercises, by ID: the text is the corpus's, the questions and answers ours.
FRAMING = {
    "Kremlin": "kremlin-1f08b7f0fa81-0137",
    "Ukrainian presidency": "ukraine_president-a5ce0c7e06e5-0001",
    "Guardian": "guardian-ac4939a925fd-0002",
}
FRAMING_ANSWERS = {
    "Kremlin": ("special military operation",),
    "Ukrainian presidency": ("treacherous attack", "treacherous", "attack"),
    "Guardian": ("what he called", "attacked", "called"),
}
FRAMING_WHY = {
    "Kremlin": "Putin names it a 'special military operation', wrapped in legal language (Article 51, "
    "treaties, the Federation Council): the frame is lawful, limited, defensive.",
    "Ukrainian presidency": "'a treacherous attack' names an aggressor and a betrayal; the Armed Forces are "
    "'actively resisting'.",
    "Guardian": "the paper says Russian forces 'attacked' in its own voice, and keeps Putin's term at a "
    "distance: 'what he called a \"special military operation\"'. The scare quotes are the frame.",
}
SPEAKERS = {
    "ukraine_president-a5ce0c7e06e5-0013": ("quoted", "Mykhailo Podolyak"),
    "ukraine_president-a5ce0c7e06e5-0007": ("quoted", "Mykhailo Podoliak"),
    "kremlin-1f08b7f0fa81-0137": ("quoted", "Vladimir Putin"),
    "guardian-ac4939a925fd-0002": ("own", ""),
}
SPEAKERS_WHY = {
    "ukraine_president-a5ce0c7e06e5-0013": "'..., said Mykhailo Podolyak': the speech verb comes after the quotation.",
    "ukraine_president-a5ce0c7e06e5-0007": "'According to Mykhailo Podoliak, ...': the whole claim is his, not the press service's.",
    "kremlin-1f08b7f0fa81-0137": "a transcript line: the Kremlin's page labels the speaker, Vladimir Putin ('I made a decision').",
    "guardian-ac4939a925fd-0002": "the Guardian's own voice: 'Russian forces have attacked Ukraine' is the paper's statement; "
    "Putin's words are only in a subordinate clause. (presslens's own rules get this one wrong: they see 'he called'.)",
}
SAME_EVENT = {"Kremlin": "kremlin-1f08b7f0fa81-0138", "Ukrainian presidency": "ukraine_president-e2aa5d590a5d-0001"}
SAME_EVENT_ANSWERS = {"Kremlin": "FAVOR", "Ukrainian presidency": "AGAINST"}
CHART_STATEMENTS = {
    "A": "In the weeks shown, a larger share of the Kremlin's sentences naming NATO are classified AGAINST NATO "
    "than of the Ukrainian presidency's.",
    "B": "The Kremlin published more articles hostile to NATO after 24 February than before.",
    "C": "Ukrainians became more hostile to NATO after the invasion.",
    "D": "Each point is an estimate from a model that is often wrong; the shaded band shows sampling "
    "uncertainty only, not the model's errors.",
    "E": "A week with no point is a week in which the voice never mentioned NATO.",
}
CHART_ANSWERS = {"A", "D"}
CHART_WHY = {
    "A": "supported: the chart shows shares of sentences, by voice, and the Kremlin's line is above Kyiv's.",
    "B": "not shown: the chart shows shares, not counts of articles, and a share can rise while the number falls.",
    "C": "not shown: the Ukrainian presidency is a press office, not the people; and under the guideline, "
    "criticism of NATO for not doing enough (the usual kind from Kyiv) counts as AGAINST.",
    "D": "supported: the bands come from resampling sentences; the stance model's own errors (F_avg 0.62) are not in them.",
    "E": "not shown: weeks with fewer than the minimum number of sentences are left out on purpose.",
}


@dataclass
class Feedback:
    """What a checker says: whether the answer is right, and why."""

    ok: bool
    message: str

    def __repr__(self) -> str:
        return ("Right. " if self.ok else "Not yet. ") + self.message

    def _repr_markdown_(self) -> str:
        return ("**Right.** " if self.ok else "**Not yet.** ") + html.escape(self.message)


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower().strip("'\"“”.,"))


def check_framing_word(voice: str, answer: str) -> Feedback:
    """Exercise 1: the word or phrase that frames what happened on 24 February, per voice."""
    if voice not in FRAMING_ANSWERS:
        return Feedback(False, f"choose one of {sorted(FRAMING_ANSWERS)}")
    given = _norm(answer)
    if not given:
        return Feedback(False, "type the word or phrase from the sentence.")
    if any(given == a or (len(given) >= 5 and given in a) or a in given for a in FRAMING_ANSWERS[voice]):
        return Feedback(True, FRAMING_WHY[voice])
    return Feedback(False, f"'{answer}' is in the sentence, but is it the name given to the event? Look for the noun phrase that names what happened.")


def check_break_vader(sentence: str, target: str = "Russia") -> Feedback:
    """Exercise 2: write a sentence that VADER reads as positive but that is against the target."""
    if not isinstance(sentence, str) or not sentence.strip():
        return Feedback(False, "write a sentence.")
    score = float(sentiment.polarity([sentence])[0])
    names_target = bool(len(stance.targets_module.mentions([sentence], stance.canonical_target(target))))
    against = stance.rule_predict([sentence], target)[0] == "AGAINST"
    if not names_target:
        return Feedback(False, f"your sentence does not name {target} (or an alias such as Moscow, the Kremlin, Putin).")
    if score < 0.05:
        return Feedback(False, f"VADER gives it {score:+.3f}, which is not positive. Add praise words around the blame: 'brilliant', 'great', 'success'.")
    if not against:
        return Feedback(False, f"VADER gives it {score:+.3f}, but presslens's cue rules do not find blame of {target} in it. Make {target} do harm (shell, invade, attack) or deserve sanctions.")
    return Feedback(True, f"VADER gives it {score:+.3f} (positive) although it blames {target}: sentiment measures the tone of words, stance what is said about a target.")


def check_who_is_speaking(answers: dict) -> Feedback:
    """Exercise 3: for each sentence ID, "own" or the speaker's name."""
    notes, right = [], 0
    for sentence_id, (kind, speaker) in SPEAKERS.items():
        given = _norm(answers.get(sentence_id, ""))
        if kind == "own":
            ok = given in ("own", "outlet", "author", "the guardian", "guardian", "own voice")
        else:
            ok = bool(given) and given.split()[-1] in _norm(speaker).split() or (bool(given) and _norm(speaker).split()[-1] in given)
        right += ok
        hint = "look for a speech verb (said, noted), 'according to', a transcript label, and which clause is the main one"
        notes.append(f"{sentence_id}: right, {SPEAKERS_WHY[sentence_id]}" if ok else f"{sentence_id}: not yet ({hint})")
    return Feedback(right == len(SPEAKERS), f"{right} of {len(SPEAKERS)} right. " + " | ".join(notes))


def check_same_event(kremlin: str, ukrainian_presidency: str) -> Feedback:
    """Exercise 4: the stance toward Russia of two sentences from 24 February 2022."""
    given = {"Kremlin": _norm(kremlin).upper(), "Ukrainian presidency": _norm(ukrainian_presidency).upper()}
    wrong = [voice for voice, label in SAME_EVENT_ANSWERS.items() if given[voice] != label]
    if any(label not in stance.LABELS for label in given.values()):
        return Feedback(False, "answer FAVOR, AGAINST or NONE for each.")
    if wrong:
        return Feedback(False, f"look again at: {', '.join(wrong)}. Who is presented as protecting, who as attacking?")
    return Feedback(True, "The Kremlin presents Russia as protecting people from 'genocide' by the 'Kiev regime' "
                    "(FAVOR Russia, and 'Kiev', not 'Kyiv'); Kyiv calls the same morning 'an unjustified deceitful "
                    "and cynical invasion' (AGAINST Russia). Same event, opposite stances, different names.")


def check_chart_limits(choices) -> Feedback:
    """Exercise 5: which statements does the chart support? ``choices``: letters such as "AD"."""
    picked = {c.upper() for c in (choices if not isinstance(choices, str) else re.findall(r"[A-Za-z]", choices))}
    unknown = picked - set(CHART_STATEMENTS)
    if unknown:
        return Feedback(False, f"choose among {sorted(CHART_STATEMENTS)}")
    if picked == CHART_ANSWERS:
        return Feedback(True, " | ".join(f"{letter}: {CHART_WHY[letter]}" for letter in sorted(CHART_STATEMENTS)))
    wrong_in = sorted(picked - CHART_ANSWERS)
    notes = [f"{letter}: {CHART_WHY[letter]}" for letter in wrong_in]
    missing = len(CHART_ANSWERS - picked)
    if missing:
        notes.append(f"{missing} supported statement(s) still unpicked: for each, ask whether the chart itself shows it")
    return Feedback(False, " | ".join(notes))


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
    more = f"<p>{len(lines) - max_rows} more lines not shown.</p>" if len(lines) > max_rows else ""
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
