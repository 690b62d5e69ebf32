"""Who is speaking: the outlet's own voice, or someone it quotes or reports.

Rules, tried in this order on each sentence (offline, no parser):

1. a **transcript label** ("Vladimir Putin: ...", kept by the sentence splitter in the
   ``speaker`` column) makes the sentence ``quoted`` with that speaker, whatever else it holds;
2. **"according to X"**;
3. **X + a speech verb** ("Zelenskyy noted that", "Russian officials said", "he told reporters"),
   X being a name, a role ("the Kremlin spokesman", "officials") or a pronoun;
4. **a speech verb + X** after a quotation or a clause ('..., said Dmitry Peskov');
5. **quotation marks** around at least three words: ``quoted``, by an ``unnamed`` speaker unless
   a rule above names one.

Anything else is the outlet's ``own`` voice. A pronoun speaker ("he") is resolved, where the
sentence table gives article and position, to the last named speaker earlier in the same
article (``speaker_resolved``, which also drops leading titles: "President of Russia Vladimir Putin" is
"Vladimir Putin").

The rules are measured against a gold set (``data/attribution-gold.csv``, labelled by an AI
assistant in one pass, not by people) with
:func:`evaluate`: precision and recall of ``quoted``, and how often the speaker is right. The set
has a ``dev`` part (260 sentences, used while writing the rules) and a ``test`` part (200
sentences, labelled afterwards and scored once the rules were frozen): report the test part.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from presslens import paths, stats
from presslens.corpus import join_sentences

GOLD_FILE = paths.DATA_DIR / "attribution-gold.csv"
KINDS = ("own", "quoted")
# "dev": labelled first and used while writing the rules (its scores are optimistic);
# "test": labelled afterwards and never looked at before the rules were frozen.
SPLITS = ("dev", "test")
COLUMNS = ["kind", "speaker", "cue", "speaker_resolved"]

_VERBS = (
    r"said|says|say|told|tells|tell|added|adds|noted|notes|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|"
    r"stated|states|warned|warns|urged|urges|claimed|claims|insisted|insists|announced|announces|declared|"
    r"declares|explained|explains|wrote|writes|tweeted|argued|argues|asserted|acknowledged|admitted|replied|"
    r"responded|recalled|suggested|reiterated|confirmed|denied|denies|promised|vowed|assured|underlined|"
    r"underscored|pointed out|informed|reported|reports|asked|asks|called on|thanked|thanks|expressed|"
    r"believes|believed|believe|thinks|thought|hopes|hoped|hope|accused|accuses|complained|told reporters|"
    r"briefed|demanded|demands|agreed|disagreed|called|calls|condemned|condemns|welcomed|welcomes"
)
_PARTICLE = r"(?:de|da|van|von|der|al|bin|la|le|ibn)"
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|[A-Z]\.)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|{_PARTICLE}))*"
_ROLE_HEAD = (
    r"president|minister|spokesman|spokeswoman|spokesperson|official|officials|ministry|office|adviser|"
    r"advisers|aide|aides|governor|mayor|head|leader|leaders|commander|secretary|general|ambassador|"
    r"chancellor|diplomat|diplomats|analyst|analysts|expert|experts|source|sources|statement|kremlin|agency|"
    r"police|army|military|authorities|government|prosecutor|prosecutors|investigators|residents|resident|"
    r"witness|witnesses|soldier|soldiers|people|man|woman|officer|officers|service|services|chief|envoy|"
    r"representative|representatives|lawmakers|senator|senators|administration|council|company|report|"
    r"staff|command|headquarters|press service|observers|monitors|mission|committee|commission|person|"
    r"people|spokesperson|official|exporters|analysts|economists|economist|scientists|researchers|reports"
)
_DETERMINER = r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ur|[Bb]oth|[Ss]everal|[Mm]ultiple|[Ss]ome|[Mm]any|[A-Z][\w-]*(?:'s|’s))"
_ROLE = rf"(?:{_DETERMINER}\s+(?:[\w'’-]+\s+){{0,4}}?(?i:{_ROLE_HEAD})|(?:[A-Z][\w-]+\s+)?(?i:{_ROLE_HEAD}))(?![\w-])"
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I|[Ii]t|him|her|them)"
_SPEAKER = rf"(?P<speaker>{_ROLE}(?:\s+{_NAME})?|(?:[Tt]he\s+)?{_NAME}|{_PRONOUN})"
_APPOSITION = r"(?:,\s(?P<apposition>[^,]{1,80}),)?"

_ACCORDING = re.compile(rf"\b[Aa]ccording to {_SPEAKER.replace('?P<speaker>', '?P<speaker>')}")
_BEFORE_VERB = re.compile(rf"(?<![\w'’-]){_SPEAKER}{_APPOSITION}\s+(?:has\s+|had\s+|also\s+|then\s+|later\s+|once\s+)?(?P<verb>{_VERBS})\b")
_AFTER_VERB = re.compile(rf"(?:[,\"”]\s*|\s)(?P<verb>said|says|added|told|wrote|asked|noted|stressed|warned|continued)\s+{_SPEAKER}")
_TWEET = re.compile(rf"\s[-–]\s(?P<speaker>{_NAME})\s\(@\w+\)")
_FINAL_SAY = re.compile(r",\s+(?P<speaker>(?:[\w'’-]+\s+){0,5}?[\w'’-]+)\s+(?:say|says|said)\.?[\"”]?$")
_PARTICIPLE = re.compile(rf"^{_SPEAKER}{_APPOSITION}\s.*?,\s+(?:saying|adding|warning|noting|stressing|arguing|calling|claiming)\b")
_QUOTE = re.compile(r"[\"“”]([^\"“”]+)[\"“”]|^[\"“]([^\"“”]+)$|^([^\"“”]+)[\"”]$")
_NOT_SPEAKERS = re.compile(
    r"^(?:This|That|There|These|Those|What|Which|Who|Some|Many|Most|One|Both|All|Each|In|On|At|As|But|And|"
    r"Yesterday|Today|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"May|June|July|August|September|October|November|December)\b"
)
_PRONOUNS = {"he", "she", "they", "we", "i", "it"}
_ROLE_WORDS = set(re.findall(r"[a-z]+", _ROLE_HEAD))
_DETERMINERS = {"the", "a", "an", "both", "one", "his", "her", "their", "its", "our", "some", "several", "many"}


def _clean(speaker: str) -> str:
    speaker = speaker.strip().rstrip(".,;:").strip()
    speaker = re.sub(r"(?:'s|’s)$", "", speaker)
    speaker = {"him": "he", "her": "she", "them": "they"}.get(speaker, speaker)
    return re.sub(r"\s+", " ", speaker)


def _quoted_words(text: str) -> int:
    return max((len((m.group(1) or m.group(2) or m.group(3) or "").split()) for m in _QUOTE.finditer(text)), default=0)


_NOT_A_NAME = re.compile(r"^[A-Z][a-z]+(?:ed|ing|ly)$")  # "Determined", "Speaking", "Separately": not people


def _speaker(match) -> str:
    """The matched speaker, or its appositive name ("Ukraine's president, Volodymyr Zelenskiy, said")."""
    speaker = _clean(match.group("speaker"))
    if _NOT_SPEAKERS.match(speaker) or _NOT_A_NAME.match(speaker):
        return ""
    apposition = match.groupdict().get("apposition")
    if apposition and re.fullmatch(_NAME, apposition.strip()) and not re.match(_NAME + "$", speaker):
        return _clean(apposition)
    return speaker


def attribute_one(text: str, label: str | None = None) -> tuple[str, str, str]:
    """Return ``(kind, speaker, cue)`` for one sentence (``label``: its transcript speaker label).

    In a transcript line the label wins: whoever the speaker quotes, the sentence is the label's.

    >>> attribute_one("Volodymyr Zelenskyy noted that Ukraine needs air defence.")
    ('quoted', 'Volodymyr Zelenskyy', 'speech verb')
    >>> attribute_one('"We will not give up," said Foreign Minister Dmytro Kuleba.')
    ('quoted', 'Foreign Minister Dmytro Kuleba', 'speech verb after')
    >>> attribute_one("Russian forces shelled the city overnight.")
    ('own', '', '')
    >>> attribute_one("Good afternoon, colleagues.", label="Vladimir Putin")
    ('quoted', 'Vladimir Putin', 'transcript label')
    >>> attribute_one("We believe the talks will go on.", label="Sergei Lavrov")
    ('quoted', 'Sergei Lavrov', 'transcript label')
    >>> attribute_one("As Mr Macron said, the talks matter.", label="Vladimir Putin")
    ('quoted', 'Vladimir Putin', 'transcript label')
    """
    if label:
        return "quoted", label, "transcript label"
    return _attribute(text)


def _attribute(text: str) -> tuple[str, str, str]:
    match = _ACCORDING.search(text)
    if match:
        return "quoted", _clean(match.group("speaker")), "according to"
    match = _TWEET.search(text)
    if match:
        return "quoted", _clean(match.group("speaker")), "tweet"
    for match in _BEFORE_VERB.finditer(text):
        speaker = _speaker(match)
        if speaker:
            return "quoted", speaker, "speech verb"
    for match in _AFTER_VERB.finditer(text):
        speaker = _speaker(match)
        if speaker and speaker.lower() != "that":
            return "quoted", speaker, "speech verb after"
    for pattern, cue in ((_PARTICIPLE, "speech participle"), (_FINAL_SAY, "speech verb after")):
        match = pattern.search(text)
        if match and _speaker(match):
            return "quoted", _speaker(match), cue
    if _quoted_words(text) >= 3:
        return "quoted", "unnamed", "quotation marks"
    return "own", "", ""


def attribute(sentences) -> pd.DataFrame:
    """Return ``kind``, ``speaker``, ``cue`` and ``speaker_resolved`` for each sentence.

    ``sentences`` is a list of texts or a sentence table (``text``, and optionally ``speaker`` for
    transcript labels, ``article_id`` and ``position`` to resolve pronouns to the last named
    speaker earlier in the same article).
    """
    if isinstance(sentences, pd.DataFrame):
        frame = sentences
    else:
        frame = pd.DataFrame({"text": list(sentences)})
    texts = frame["text"].tolist()
    labels = frame["speaker"].tolist() if "speaker" in frame.columns else [None] * len(texts)
    rows = []
    for i, (text, label) in enumerate(zip(texts, labels)):
        if not isinstance(text, str):
            raise ValueError(f"text {i} is {type(text).__name__}, not a string")
        rows.append(attribute_one(text, label if isinstance(label, str) and label else None))
    out = pd.DataFrame(rows, columns=["kind", "speaker", "cue"], index=frame.index)
    out["speaker_resolved"] = out["speaker"].map(speaker_name)
    pronoun = out["speaker"].str.lower().isin(_PRONOUNS)
    if {"article_id", "position"} <= set(frame.columns):
        order = frame.sort_values(["article_id", "position"], kind="stable").index
        last, article = "", None
        for i in order:
            if frame.at[i, "article_id"] != article:
                last, article = "", frame.at[i, "article_id"]
            speaker = out.at[i, "speaker"]
            if speaker.lower() in _PRONOUNS and speaker.lower() not in ("we", "i"):
                out.at[i, "speaker_resolved"] = last or speaker
            elif speaker and speaker != "unnamed" and re.search(r"[A-Z]", speaker[0]):
                last = out.at[i, "speaker_resolved"]
    # A pronoun is not a speaker: one left unresolved (no name before it) is an unnamed speaker.
    unresolved = pronoun & out["speaker_resolved"].str.lower().isin(_PRONOUNS)
    out.loc[unresolved, "speaker_resolved"] = "unnamed"
    out["speaker_resolved"] = merge_surnames(out["speaker_resolved"])
    return out


def merge_surnames(speakers: pd.Series) -> pd.Series:
    """Return the speakers with a surname alone replaced by the one full name that ends in it
    ("Stoltenberg" -> "Jens Stoltenberg" where "Jens Stoltenberg" is also a speaker). A surname that
    two full names share is left as it is.

    >>> merge_surnames(pd.Series(["Stoltenberg", "Jens Stoltenberg", "Peskov", "unnamed"])).tolist()
    ['Jens Stoltenberg', 'Jens Stoltenberg', 'Peskov', 'unnamed']
    """
    names = [s for s in pd.unique(speakers) if isinstance(s, str) and re.fullmatch(_NAME, s) and " " in s]
    full: dict[str, set] = {}
    for name in names:
        full.setdefault(name.split()[-1], set()).add(name)
    mapping = {surname: next(iter(found)) for surname, found in full.items() if len(found) == 1}
    return speakers.map(lambda s: mapping.get(s, s) if isinstance(s, str) and " " not in s else s)


# Kremlin transcript labels sometimes arrive run together: "Alexander Lukashenko Lukashenko
# AlexanderPresident of Belarus" (the name, the name reversed, the title without a space).
_JOINED_TITLE = re.compile(r"(?<=[a-z])(?=(?:President|Prime Minister|Minister|Chairman|Head|Secretary|Governor|Chancellor|King|Emir)\b)")
_TITLE = re.compile(
    r"^(?:(?:Acting|Deputy|First|Former|Vice)\s+)*(?:President|Prime Minister|Foreign Minister|Defence Minister|"
    r"Minister(?: of [A-Z][\w ]+?)?|Chancellor|Secretary General|Mr\.?|Ms\.?|Mrs\.?)"
    r"(?:\s+of\s+(?:the\s+)?(?:Russian Federation|Russia|Belarus|Ukraine|[A-Z][a-z]+))?\s+(?=[A-Z][\w'’-]+(?:\s|$))"
)


def speaker_name(speaker: str) -> str:
    """Return a speaker as one name, so one person is counted once: no leading title, a run-together
    transcript label undone, and "The President" the same as "the President".

    >>> speaker_name("President of Russia Vladimir Putin"), speaker_name("Mr. Biden"), speaker_name("The President")
    ('Vladimir Putin', 'Biden', 'the President')
    >>> speaker_name("Alexander Lukashenko Lukashenko AlexanderPresident of Belarus")
    'Alexander Lukashenko'
    """
    speaker = _JOINED_TITLE.split(speaker, maxsplit=1)[0].strip()
    words = speaker.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half and words[half:] == words[:half][::-1]:  # "A B B A"
        speaker = " ".join(words[:half])
    speaker = re.sub(r"^The\s", "the ", speaker)
    return _TITLE.sub("", speaker).strip() or speaker


def same_speaker(gold: str, predicted: str) -> bool:
    """Whether a predicted speaker names the same speaker as the gold one.

    Names match on the surname (the last word of either appears in the other, case-insensitive).
    Roles ("the Russian president", "officials") match when the words of one are all among the
    words of the other, determiners aside ("officials" is "Western officials"), so a role is not
    matched by its head word alone: "Russian president" is not "Ukrainian president".

    >>> same_speaker("Zelenskyy", "President Volodymyr Zelenskyy"), same_speaker("Lavrov", "Peskov")
    (True, False)
    >>> same_speaker("the Russian president", "Russian president"), same_speaker("Russian president", "Ukrainian president")
    (True, False)
    """
    def words(text):
        return [w for w in re.findall(r"[\w'’-]+", text.lower()) if w not in _DETERMINERS]

    gold_words, predicted_words = words(gold), words(predicted)
    if not gold_words or not predicted_words:
        return gold_words == predicted_words
    gold_role = not re.search(r"\b[A-Z][a-z]", gold) or gold_words[-1] in _ROLE_WORDS
    predicted_role = not re.search(r"\b[A-Z][a-z]", predicted) or predicted_words[-1] in _ROLE_WORDS
    if gold_role and predicted_role:
        return set(gold_words) <= set(predicted_words) or set(predicted_words) <= set(gold_words)
    return gold_words[-1] in predicted_words or predicted_words[-1] in gold_words


def read_gold(path=None) -> pd.DataFrame:
    """Return the attribution gold set (labelled by an AI assistant), checked (kinds, one row per sentence)."""
    path = path or GOLD_FILE
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"sentence_id", "voice", "split", "kind", "speaker", "text_sha1", "text"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if row.split not in SPLITS:
            raise ValueError(f"{path}:{line}: split {row.split!r} is not one of {SPLITS}")
        if row.kind not in KINDS:
            raise ValueError(f"{path}:{line}: kind {row.kind!r} is not one of {KINDS}")
        if row.kind == "quoted" and not row.speaker:
            raise ValueError(f"{path}:{line}: a quoted sentence needs a speaker (or 'unnamed')")
    if table["sentence_id"].duplicated().any():
        raise ValueError(f"{path}: sentence {table.loc[table['sentence_id'].duplicated(), 'sentence_id'].iloc[0]} is listed twice")
    return table


def load_gold(corpus, *, path=None):
    """Return ``(gold, skipped)``: the gold set joined with its sentences (text, speaker label)."""
    gold, skipped = join_sentences(read_gold(path), corpus.sentences)
    labels = corpus.sentences.set_index("sentence_id")["speaker"]
    gold["label"] = [labels.get(s) for s in gold["sentence_id"]]
    gold["position"] = [int(s.rsplit("-", 1)[1]) for s in gold["sentence_id"]]
    return gold, skipped


def evaluate(gold: pd.DataFrame, predicted: pd.DataFrame, *, n_boot: int = stats.N_BOOT) -> pd.DataFrame:
    """Return precision and recall of ``quoted`` and speaker accuracy, each with a 95% interval.

    Intervals resample articles (the article is the sentence ID without its last part).
    Speaker accuracy is over the sentences that are quoted in the gold set and found quoted,
    compared with :func:`same_speaker` (``unnamed`` only matches ``unnamed``).
    """
    is_gold = (gold["kind"] == "quoted").to_numpy()
    is_found = (predicted["kind"] == "quoted").to_numpy()
    both = is_gold & is_found
    right = np.array([
        same_speaker(g, p) if g != "unnamed" else p == "unnamed"
        for g, p in zip(gold["speaker"], predicted["speaker"])
    ])

    def precision(g, f):
        return np.sum(g & f) / max(np.sum(f), 1)

    def recall(g, f):
        return np.sum(g & f) / max(np.sum(g), 1)

    articles = np.array([s.rsplit("-", 1)[0] for s in gold["sentence_id"]])  # intervals resample articles
    rows = [
        ("precision of quoted", int(is_found.sum()), *stats.bootstrap_ci(precision, is_gold, is_found, clusters=articles, n_boot=n_boot)),
        ("recall of quoted", int(is_gold.sum()), *stats.bootstrap_ci(recall, is_gold, is_found, clusters=articles, n_boot=n_boot)),
        ("speaker right, when quoted and found", int(both.sum()), *stats.mean_ci(right[both], articles[both], n_boot=n_boot)),
    ]
    return pd.DataFrame(rows, columns=["measure", "n", "value", "low", "high"])
