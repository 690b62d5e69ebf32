"""Cue lexicons around the target, with negation, and the transparent rule baseline built on them."""
from __future__ import annotations

import re
from itertools import accumulate

import pandas as pd

from presslens import sentiment
from presslens import targets as targets_module
from presslens.stance.annotations import canonical_target

_NEGATION = re.compile(r"\b(?:not|no|never|nor|without|cannot|n't|neither|nothing)\b", re.IGNORECASE)
# Harm, threat and blame: the target presented as an aggressor, a threat or a source of harm.
HARM = (
    r"attack\w*|shell(?:ed|ing|s)?|bomb\w*|strik(?:e|es|ing)|struck|invad\w*|invasion\w*|occup(?:y|ied|ier\w*|ation\w*)|"
    r"aggress\w*|kill\w*|murder\w*|destro\w*|atrocit\w*|genocid\w*|war crimes?|crimes?|criminal\w*|terror\w*|"
    r"missiles?|rockets?|deport\w*|tortur\w*|rap(?:e|ed|es)|loot\w*|annex\w*|blackmail\w*|massacre\w*|"
    r"brutal\w*|barbar\w*|shoot\w*|shot|fired|blockad\w*|violat\w*|hostil\w*|evil|enem(?:y|ies)|"
    r"war against|full-scale|wag(?:e|ed|es|ing)|unprovoked|illegal\w*|lie|lies|lying|lied|propaganda|"
    r"disinformation|fake\w*|manipulat\w*|cynical\w*|escalat\w*|provocat\w*|intimidat\w*|threat\w*|"
    r"menac\w*|danger\w*|ultimatum\w*|nuclear|blame\w*|responsib\w*|accus\w*|condemn\w*|"
    r"russian troops|russian forces|russian army|russian military|occupiers|invaders|orcs|terrorist state"
)
# What is done against the target: sanctions, isolation, resistance, accountability.
COUNTER = (
    r"sanction\w*|embargo\w*|isolat\w*|punish\w*|tribunal\w*|accountab\w*|pressure|resist\w*|"
    r"defeat\w*|repel\w*|repuls\w*|liberat\w*|counteroffensive|stop(?:ped|ping)? russia|"
    r"fight(?:ing)? against|against russia|against russian|expel\w*|ban(?:ned|s)?|freez\w*|seiz\w*|"
    r"cut off|boycott\w*|reparation\w*|compensat\w*"
)
# NATO presented as a menace by those who oppose it.
EXPANSION = (
    r"expan\w*|enlarg\w*|eastward|infrastructure|bloc|encircl\w*|build-up|buildup|closer to (?:our|russia)|"
    r"near our borders|to our borders|deploy\w*|military activity|confrontation\w*|cold war|hegemon\w*"
)
# Support, partnership, legitimacy: the target presented well, or joining/trusting it argued for.
SUPPORT = (
    r"partner\w*|cooperat\w*|friend\w*|ally|allies|allied|support\w*|help\w*|assist\w*|thank\w*|grateful|"
    r"gratitude|welcom\w*|strengthen\w*|solidarity|unity|united|open door|doors? (?:\w+ ){0,2}open|"
    r"join\w*|membership|accession|integration|guarantee\w*|guarantor\w*|protect\w*|defen[cs]\w*|defend\w*|"
    r"legitimate|reasonable|constructive|mutually beneficial|good relations|special relations|strategic|"
    r"trust\w*|respect\w*|praise\w*|successful\w*|brother\w*|fraternal|victim\w*|peace\w*|stabil\w*|"
    r"together|common|shared|close ties|warm\w*|productive|fruitful"
)
CUES = {"harm": HARM, "counter": COUNTER, "expansion": EXPANSION, "support": SUPPORT}
_CUE_PATTERNS = {name: re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE) for name, body in CUES.items()}
_FIRST_PERSON = re.compile(r"\b(?:we|us|our|ours)\b", re.IGNORECASE)


# The same patterns without IGNORECASE, for lowercased text: several times faster (sre's quick
# first-letter check skips most alternatives only for case-sensitive literals). Lowercasing keeps
# every offset and every case-insensitive match except for four characters that IGNORECASE folds
# onto ASCII letters (dotted and dotless i, long s, the Kelvin sign); a text with any of them is
# matched with the IGNORECASE patterns. A test checks both give the same counts on the corpus.
_CUE_PATTERNS_LOWER = {name: re.compile(pattern.pattern) for name, pattern in _CUE_PATTERNS.items()}
_NEGATION_LOWER = re.compile(_NEGATION.pattern)
_FIRST_PERSON_LOWER = re.compile(_FIRST_PERSON.pattern)
_CASE_FOLDS = targets_module.CASE_FOLDS


def _spans(texts, target):
    found = targets_module.mentions(texts, target)
    spans = [[] for _ in texts]
    for i, start, end in zip(found["text_index"], found["start"], found["end"]):
        spans[i].append((int(start), int(end)))
    return spans


def _windows(text, spans):
    return sorted({sentiment.window(text, s, e) for s, e in spans})


def _negated(text, start):
    before = text[max(0, start - 30):start]
    return bool(_NEGATION.search(before))


def _alternatives(body: str) -> list[str]:
    """Split a regular expression at its top-level ``|``."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        if body[i] in "([":
            depth += 1
        elif body[i] in ")]":
            depth -= 1
        elif body[i] == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    return parts + [body[start:]]


def _first_words(body: str) -> re.Pattern:
    """Return a pattern for the first word of each alternative of a cue pattern.

    A cue can only match where a maximal run of word characters and hyphens starts (the
    look-behind) and that whole run is the first word of one of its alternatives: words match
    only word characters and hyphens, and a multi-word alternative goes on after a space.
    """
    words = []
    for alternative in _alternatives(body):
        word = alternative.split(" ")[0]
        if not re.fullmatch(r"(?:[a-z\-\[\]()?:|*]|\\w)+", word):
            raise ValueError(f"cue alternative {alternative!r}: its first word must match only letters and hyphens")
        words.append(word)
    return re.compile("(?:" + "|".join(words) + ")")


_RUN_SPLIT = re.compile(r"([\w-]+)")
_CUE_FIRST_WORDS = [_first_words(body) for body in CUES.values()]
_CUE_RUN_MEMO: dict[str, int] = {}


def _cue_mask(run: str) -> int:
    """Bit k set: ``run`` can start a match of the k-th cue pattern (memoised)."""
    if len(_CUE_RUN_MEMO) > 200_000:
        _CUE_RUN_MEMO.clear()
    mask = sum(1 << k for k, pattern in enumerate(_CUE_FIRST_WORDS) if pattern.fullmatch(run))
    _CUE_RUN_MEMO[run] = mask
    return mask


def forget() -> None:
    """Empty the memo of words that can start a cue (benchmarks use this to start cold)."""
    _CUE_RUN_MEMO.clear()


def _count_cues(body: str, scope: str, row: dict) -> None:
    """Add the plain and negated counts of each cue in ``body`` to ``row``.

    The counts are those of ``finditer`` with each cue pattern; the patterns are tried only where
    a word that can start a cue starts (see :func:`_first_words`), left to right, each pattern
    going on after the end of its last match, which gives the same matches.
    """
    if _CASE_FOLDS.search(body):  # rare: the plain definition, IGNORECASE, every position
        for name, pattern in _CUE_PATTERNS.items():
            plain = negated = 0
            for match in pattern.finditer(body):
                if _NEGATION.search(body[max(0, match.start() - 30):match.start()]):
                    negated += 1
                else:
                    plain += 1
            row[f"{scope}_{name}"], row[f"{scope}_neg_{name}"] = plain, negated
        return
    patterns, negation, body = _CUE_PATTERNS_LOWER, _NEGATION_LOWER, body.lower()
    parts = _RUN_SPLIT.split(body)  # text between runs, run, text between runs, run, ...
    words = parts[1::2]
    try:
        masks = list(map(_CUE_RUN_MEMO.__getitem__, words))
    except KeyError:
        masks = [_cue_mask(w) if _CUE_RUN_MEMO.get(w) is None else _CUE_RUN_MEMO[w] for w in words]
    counts = [0] * (2 * len(patterns))
    if any(masks):
        offsets = list(accumulate(map(len, parts)))  # run i starts at offsets[2 * i]
        compiled = list(patterns.values())
        ends = [0] * len(compiled)
        for i, mask in enumerate(masks):
            if not mask:
                continue
            start = offsets[2 * i]
            for k, pattern in enumerate(compiled):
                if mask >> k & 1 and start >= ends[k]:
                    match = pattern.match(body, start)
                    if match is not None:
                        ends[k] = match.end()
                        counts[2 * k + bool(negation.search(body[max(0, start - 30):start]))] += 1
    for k, name in enumerate(patterns):
        row[f"{scope}_{name}"] = counts[2 * k]
        row[f"{scope}_neg_{name}"] = counts[2 * k + 1]


def _first_person(text: str) -> int:
    if _CASE_FOLDS.search(text):
        return len(_FIRST_PERSON.findall(text))
    return len(_FIRST_PERSON_LOWER.findall(text.lower()))


def _cue_table(texts, spans, windows) -> pd.DataFrame:
    rows = []
    for text, text_spans, text_windows in zip(texts, spans, windows):
        row = {"mentions": len(text_spans), "first_person": _first_person(text)}
        body = " | ".join(text_windows) if text_spans else ""
        _count_cues(body, "win", row)
        _count_cues(text, "all", row)
        rows.append({key: row[key] for key in _CUE_COLUMNS})
    return pd.DataFrame(rows, columns=_CUE_COLUMNS)


_CUE_COLUMNS = ["mentions", "first_person"] + [
    f"{scope}_{kind}{name}" for name in CUES for scope in ("win", "all") for kind in ("", "neg_")
]


def cue_counts(texts, target) -> pd.DataFrame:
    """Return the cue counts per text: in the clause around the target (``win_*``) and in the sentence.

    A cue with a negation in the 30 characters before it is counted as ``neg_*`` instead.

    >>> cue_counts(["Russian troops shelled Kharkiv.", "NATO is not a threat to anyone."], "Russia").loc[0, "win_harm"].item()
    2
    """
    target = canonical_target(target)
    texts = sentiment.check_texts(texts)
    spans = _spans(texts, target)
    return _cue_table(texts, spans, [_windows(t, s) for t, s in zip(texts, spans)])


def rule_predict(texts, target) -> list[str]:
    """The transparent baseline: AGAINST, FAVOR or NONE from the cues around the target.

    Against-cues are harm, threat and blame words, what is done against the target (sanctions,
    resistance) and, for NATO, its expansion framed as a menace; support cues are partnership,
    help, legitimacy and joining. A negated cue counts for the other side ("not a threat").
    The side with more cues in the target's clause wins; a tie there is broken by the whole
    sentence; a tie there is NONE.

    >>> rule_predict(["Russian troops shelled Kharkiv.", "NATO is not a threat to anyone.",
    ...               "Putin will meet Xi in Beijing on Friday."], "NATO")
    ['NONE', 'FAVOR', 'NONE']
    >>> rule_predict(["Russian troops shelled Kharkiv."], "russia")
    ['AGAINST']
    """
    target = canonical_target(target)
    counts = cue_counts(texts, target)
    against_names = ["harm", "counter"] + (["expansion"] if target == "NATO" else [])
    out = []
    for row in counts.to_dict("records"):
        if not row["mentions"]:
            out.append("NONE")
            continue
        label = "NONE"
        for scope in ("win", "all"):
            against = sum(row[f"{scope}_{n}"] for n in against_names) + row[f"{scope}_neg_support"]
            favor = row[f"{scope}_support"] + sum(row[f"{scope}_neg_{n}"] for n in against_names)
            if against != favor:
                label = "AGAINST" if against > favor else "FAVOR"
                break
        out.append(label)
    return out
