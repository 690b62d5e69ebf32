"""Clean article text, find duplicates, and split text into sentences, all offline.

Cleaners are ``str -> str`` so they chain (after textacy's preprocessing and gensim's
``DEFAULT_FILTERS``): :data:`NORMALISERS` run in order, then every line that matches a rule in
:data:`BOILERPLATE_RULES` is removed and reported.

Duplicates are found in three passes (exact copies, repeated URLs, near-duplicate syndicated
copies by word 5-gram shingles and Jaccard similarity, Broder 1997, "On the resemblance and
containment of documents"); every dropped article is reported with the one kept instead.

Sentences are split by rules, not by a downloaded model: newlines, transcript speaker labels and
terminal punctuation are boundaries unless the word before a full stop is a known abbreviation.
Warning: rules miss what they were not written for (unusual abbreviations, sentences that end
with an initialism such as "U.S." before a capitalised name).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

# --- normalisation ------------------------------------------------------------------------

_QUOTES = [
    ("\u2018", "'"), ("\u2019", "'"), ("\u201a", "'"), ("\u201b", "'"), ("\u2032", "'"),
    ("\u201c", '"'), ("\u201d", '"'), ("\u201e", '"'), ("\u201f", '"'), ("\u2033", '"'),
    ("\u00ab", '"'), ("\u00bb", '"'),
]
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SECTION_BREAK = re.compile(r"\s*(?:\*\s*){3,}\s*")


def normalise_unicode(text: str) -> str:
    """Apply NFKC and drop invisible characters (zero-width spaces, soft hyphens, BOMs).

    >>> normalise_unicode("ﬁnal\\u00a0cut\\u200b")
    'final cut'
    """
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def normalise_quotes(text: str) -> str:
    """Turn curly quotes, guillemets and typographic dashes into ASCII ones.

    >>> normalise_quotes("Russia’s “special” operation – so-called")
    'Russia\\'s "special" operation - so-called'
    """
    for curly, plain in _QUOTES:
        if curly in text:
            text = text.replace(curly, plain)
    return _DASHES.sub("-", text)


def normalise_section_breaks(text: str) -> str:
    """Turn the Kremlin's ``* * *`` section separators into line breaks.

    >>> normalise_section_breaks("first part. * * * Second part")
    'first part.\\nSecond part'
    """
    return _SECTION_BREAK.sub("\n", text) if "* *" in text else text


def normalise_whitespace(text: str) -> str:
    """Collapse runs of spaces and tabs, and of blank lines; keep single line breaks.

    >>> normalise_whitespace("  a \\t b\\n\\n\\n  c  ")
    'a b\\nc'
    """
    return "\n".join(" ".join(words) for line in text.split("\n") if (words := line.split()))


NORMALISERS = [normalise_unicode, normalise_quotes, normalise_section_breaks, normalise_whitespace]


def normalise(text: str) -> str:
    """Run every function of :data:`NORMALISERS` in order.

    >>> normalise("Moscow’s  “red lines” * * * NATO")
    'Moscow\\'s "red lines"\\nNATO'
    """
    for step in NORMALISERS:
        text = step(text)
    return text


# --- boilerplate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A line that matches ``pattern`` (searched, case-insensitive) is not the article's text."""

    name: str
    pattern: str
    why: str
    max_length: int = 400

    def matches(self, line: str) -> bool:
        return len(line) <= self.max_length and _compiled(self.pattern).search(line) is not None


_CACHE: dict[str, re.Pattern] = {}


def _compiled(pattern: str) -> re.Pattern:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern, re.IGNORECASE)
    return _CACHE[pattern]


BOILERPLATE_RULES = [
    Rule("syndication", r"^\s*News Source\s*:\s*Except for the headline",
         "syndication notice of an aggregator (seed: Rashtra News republishing an India Today feed)"),
    Rule("also_read", r"^\s*ALSO READ\s*:", "link to another story (seed)"),
    Rule("newsletter", r"^\s*Sign up(?: to| for|$)", "newsletter promotion (Guardian: 'Sign up to First Edition ...')"),
    Rule("newsletter_info", r"\b(?:inboxes|newsletters@|not already signed up|subscribe now)\b",
         "newsletter blurb (Guardian: 'First Thing is delivered to thousands of inboxes ...')"),
    Rule("photo_caption", r"\bPhotograph\s*:\s*[^.]{0,120}$", "photo caption with credit (Guardian)"),
    Rule("follow_us", r"^\s*Follow (?:The New York Times|us|the Guardian)\b.*\b(?:Twitter|Facebook|Instagram)\b",
         "social-media promotion (NYT Opinion)"),
]


def strip_boilerplate(text: str, *, rules=None) -> tuple[str, list[tuple[str, str]]]:
    """Return the text without boilerplate lines, and ``(rule name, removed line)`` pairs.

    >>> strip_boilerplate("NATO met.\\nALSO READ: Other story\\nRussia replied.")
    ('NATO met.\\nRussia replied.', [('also_read', 'ALSO READ: Other story')])
    """
    rules = BOILERPLATE_RULES if rules is None else rules
    kept, removed = [], []
    for line in text.split("\n"):
        rule = next((r for r in rules if r.matches(line)), None)
        if rule is None:
            kept.append(line)
        else:
            removed.append((rule.name, line))
    return "\n".join(kept), removed


def strip_repeated_title(title: str, text: str) -> str:
    """Drop the headline where the body repeats it as its first words.

    >>> strip_repeated_title("Talks in Geneva", "Talks in Geneva. The delegations met.")
    'The delegations met.'
    """
    head = title.strip().rstrip(".!?").strip()
    if len(head) < 12 or not text.startswith(head):
        return text
    rest = text[len(head):]
    if rest[:1] not in (".", "!", "?", "\n", " "):
        return text
    return rest.lstrip(".!? \n") or text


# --- sentences -----------------------------------------------------------------------------------

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st gen lt col maj capt sgt cmdr adm sen rep gov pres supt insp rev
    jr sr messrs mt ft jan feb mar apr jun jul aug sep sept oct nov dec no nos vs etc inc ltd co
    corp dept est approx fig al e.g i.e a.m p.m""".split()
)
SENTENCE_STARTERS = frozenset(
    """the a an he she it they we i you but and in on at this that these those his her its their
    our there here if when as after before while however meanwhile so yet""".split()
)
ROLE_LABELS = frozenset({"Question", "Remark", "Reply", "Answer", "Response", "Comment"})

_BOUNDARY = re.compile(r"""([.!?…]+)(["')\]]*)(\s+)(?=["'(\[]?[A-Z0-9])""")
_LABEL_COLON = re.compile(r":\s(?=[\"'A-Z0-9])")
# A speaker label is a run of capitalised words (with "of", "the"... inside) right before ": ",
# starting a line or following a space or a sentence end.
_LABEL_TAIL = re.compile(
    r"(?:^|(?<=[\s.!?…]))"
    r"((?:[A-Z][\w'-]*|[A-Z]\.)(?:\s(?:[A-Z][\w'-]*|[A-Z]\.|of|the|de|van|von|bin|al))*)$"
)
_LABEL_WINDOW = 80
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
def _is_label(name: str) -> bool:
    words = name.split()
    if len(words) > 7:
        return False
    if len(words) == 1:
        return name in ROLE_LABELS
    return words[-1][:1].isupper()


def _split_at_labels(line: str) -> list[tuple[str | None, str]]:
    """Cut a line before each transcript speaker label; return ``(label, text)`` pieces."""
    if ": " not in line:
        return [(None, line.strip())] if line.strip() else []
    pieces, label, start = [], None, 0
    for colon in _LABEL_COLON.finditer(line):
        left = max(start, colon.start() - _LABEL_WINDOW)
        found = _LABEL_TAIL.search(line, left, colon.start())
        if found is None or not _is_label(found.group(1)):
            continue
        before = line[start:found.start()].strip()
        if before:
            pieces.append((label, before))
        label, start = found.group(1), colon.end()
    rest = line[start:].strip()
    if rest:
        pieces.append((label, rest))
    return pieces


def _split_line(text: str) -> list[str]:
    """Split one line of prose at terminal punctuation, skipping abbreviations and initials."""
    out, start = [], 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1) == ".":
            before = text[max(0, match.start() - 40):match.start()].rsplit(None, 1)
            token = before[-1].lstrip("\"'([") if before else ""
            bare = token.rstrip(".").lower()
            if bare in ABBREVIATIONS or (len(bare) == 1 and bare.isalpha()):
                continue
            if _INITIALISM.fullmatch(token):
                following = text[match.end():match.end() + 20].split(" ", 1)[0].strip("\"'(").lower()
                if following not in SENTENCE_STARTERS:
                    continue
        end = match.end(2)
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = match.end()
    piece = text[start:].strip()
    if piece:
        out.append(piece)
    return out


def split_sentences(text: str) -> list[str]:
    """Split text into sentences offline (no model): lines, speaker labels, then punctuation.

    >>> split_sentences("Mr. Biden met U.S. troops in Feb. 2022. They cheered!")
    ['Mr. Biden met U.S. troops in Feb. 2022.', 'They cheered!']
    """
    return [s for s, _ in split_with_speakers(text)]


def split_with_speakers(text: str) -> list[tuple[str, str | None]]:
    """Split text into ``(sentence, speaker)`` pairs.

    A transcript label such as ``Vladimir Putin:`` starts a new sentence and names the speaker of
    every sentence after it until the next label; text before any label has no speaker.

    >>> split_with_speakers("Talks began. Vladimir Putin: Good afternoon. Welcome.")
    [('Talks began.', None), ('Good afternoon.', 'Vladimir Putin'), ('Welcome.', 'Vladimir Putin')]
    """
    out, speaker = [], None
    for line in text.split("\n"):
        for label, piece in _split_at_labels(line):
            if label is not None:
                speaker = label
            out.extend((s, speaker) for s in _split_line(piece))
    return out


# --- duplicates ----------------------------------------------------------------------------------

SHINGLE_SIZE = 5
NEAR_DUPLICATE_JACCARD = 0.8
# Below this many words a 5-gram shingle set is too small to tell syndication from coincidence.
MIN_WORDS_FOR_NEAR = 30
_WORDS = re.compile(r"\w+")


def _url_key(url: str) -> str:
    # The scheme goes before the trailing slashes, so that a bare "https://" is no URL at all ("")
    # rather than a key "https:" that every such article would share.
    url = url.strip().lower().split("#", 1)[0]
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def find_duplicates(articles: pd.DataFrame, *, threshold: float = NEAR_DUPLICATE_JACCARD) -> pd.DataFrame:
    """Return one row per duplicate article: ``article_id``, ``kept_id``, ``reason``, ``similarity``.

    Passes, in order: the same words ignoring case and punctuation (``exact copy``), the same URL (``repeated URL``),
    then word 5-gram Jaccard similarity at or above ``threshold`` (``near duplicate``). In each
    group the earliest article is kept (then the longest, then the smallest ID); every other one
    is reported with the one kept instead (``kept_id`` is always a kept article: a copy of an
    article that a later pass dropped points to the one finally kept; ``reason`` and
    ``similarity`` are those of its own match).
    """
    order = articles.assign(_len=articles["text"].str.len()).sort_values(
        ["date", "_len", "article_id"], ascending=[True, False, True], kind="stable"
    )
    dropped: dict[str, tuple[str, str, float]] = {}

    def group_by(keys: pd.Series, reason: str):
        alive = ~order["article_id"].isin(dropped.keys())
        sub = order[alive & keys.reindex(order.index).ne("")]
        first = {}
        for aid, key in zip(sub["article_id"], keys.reindex(sub.index)):
            if key in first:
                dropped[aid] = (first[key], reason, 1.0)
            else:
                first[key] = aid

    words = {aid: _WORDS.findall(text.lower()) for aid, text in zip(articles["article_id"], articles["text"])}
    group_by(articles["article_id"].map(lambda aid: " ".join(words[aid])), "exact copy")
    group_by(articles["url"].map(_url_key), "repeated URL")

    alive = order[~order["article_id"].isin(dropped.keys())]
    alive_ids = alive["article_id"].tolist()
    for aid, kept, sim in _near_pairs(alive_ids, [words[a] for a in alive_ids], threshold):
        if aid not in dropped and kept not in dropped:
            dropped[aid] = (kept, "near duplicate", sim)
    def kept_instead(aid):
        # A copy of an article that a later pass dropped points to the article finally kept.
        kept = dropped[aid][0]
        while kept in dropped:
            kept = dropped[kept][0]
        return kept

    rows = [
        {"article_id": aid, "kept_id": kept_instead(aid), "reason": reason, "similarity": round(sim, 3)}
        for aid, (_, reason, sim) in dropped.items()
    ]
    return pd.DataFrame(rows, columns=["article_id", "kept_id", "reason", "similarity"])


def shingle_matrix(words: list[list[str]]) -> sparse.csr_matrix:
    """Return a binary document x word-5-gram matrix; texts under 30 words get an empty row.

    ``words`` holds each text's lower-cased words.

    Words are numbered with ``pandas.factorize`` and each 5-gram is a polynomial hash of its
    word numbers, computed for all texts at once with NumPy (uint64 arithmetic wraps, which is
    what a hash wants).
    """
    lengths = np.array([len(w) if len(w) >= MIN_WORDS_FOR_NEAR else 0 for w in words], dtype=np.int64)
    flat = [w for ws, n in zip(words, lengths) if n for w in ws]
    codes = pd.factorize(pd.Series(flat, dtype=object))[0].astype(np.uint64) + np.uint64(1)
    doc = np.repeat(np.arange(len(words)), lengths)
    n = len(codes) - SHINGLE_SIZE + 1
    if n <= 0:
        return sparse.csr_matrix((len(words), 1), dtype=np.int32)
    hashed = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE_SIZE):
            hashed = hashed * np.uint64(1_000_003) + codes[k:k + n]
    inside = doc[:n] == doc[SHINGLE_SIZE - 1:]
    cols = np.unique(hashed[inside], return_inverse=True)[1].ravel()
    matrix = sparse.csr_matrix(
        (np.ones(len(cols), dtype=np.int32), (doc[:n][inside], cols)),
        shape=(len(words), int(cols.max()) + 1),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


def _near_pairs(ids, words, threshold):
    """Yield ``(later id, earlier id, Jaccard)`` for pairs at or above ``threshold``."""
    matrix = shingle_matrix(words)
    sizes = np.diff(matrix.indptr)
    overlap = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    jaccard = overlap.data / (sizes[overlap.row] + sizes[overlap.col] - overlap.data)
    hits = jaccard >= threshold
    for i, j, sim in sorted(zip(overlap.row[hits].tolist(), overlap.col[hits].tolist(), jaccard[hits].tolist())):
        yield ids[j], ids[i], float(sim)


# --- language ------------------------------------------------------------------------------------

# Every method of the kit (VADER, the target lexicon, the stance model, the keyword stop words) reads
# English only. A text in another language is not an error, but its scores mean nothing, so the
# loader flags it. Two signals, each cheap and each explained in the note it leaves:
# - most of its words are written in a script other than the Latin alphabet (Cyrillic, Arabic...);
# - it uses more of the commonest function words of French, German, Spanish, Italian, Portuguese or
#   Dutch than of English (at least three of them). The lists leave out words that are also English
#   ("die", "no", "a", "an", "in", "is", "van", "den", "war"), so English headlines such as
#   "No vaccine, no French Open" or "Arnold van den Bergh" are not flagged.
ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on with as by was it at from be are this has have not or an which will "
    "said its but were their they he his we our been also had".split()
)
OTHER_FUNCTION_WORDS = frozenset(
    """de la le les des du et est une un dans pour pas qui que sur au aux avec sont ce cette
    der das und ist nicht ein eine zu von mit sich auf für dem im auch werden wird
    el los las del y en por con para una es se lo como más pero su sus
    il di che non della per sono gli delle nel alla
    os da do dos em um uma não na com mais
    het een ik niet dat op te zijn voor""".split()
)
_LETTERS = re.compile(r"[^\W\d_]+")


def language_flag(text: str) -> str | None:
    """Return why ``text`` looks not to be English, or None when nothing says so.

    >>> language_flag("Russia and NATO met in Geneva on Monday.") is None
    True
    >>> language_flag("Россия и НАТО провели переговоры в Женеве.")
    'not English: 7 of 7 words are not in the Latin alphabet'
    >>> language_flag("La Russie et l'OTAN se sont réunies à Genève pour des négociations.")
    'not English: 6 function words of other languages (des, et, la, pour, se, sont) against 0 English ones'
    >>> language_flag("No vaccine, no French Open for Djokovic") is None
    True
    """
    words = _LETTERS.findall(text.lower())
    if not words:
        return None
    latin = sum(all(ch <= "\u024f" for ch in word) for word in words)  # Basic Latin to Latin Extended-B
    if latin * 2 < len(words):
        return f"not English: {len(words) - latin} of {len(words)} words are not in the Latin alphabet"
    english = sum(word in ENGLISH_FUNCTION_WORDS for word in words)
    other = [word for word in words if word in OTHER_FUNCTION_WORDS]
    if len(other) >= 3 and len(other) > english:
        return (f"not English: {len(other)} function words of other languages ({', '.join(sorted(set(other)))}) "
                f"against {english} English ones")
    return None
