"""Find who is named: mentions of NATO, Russia and other targets, from a lexicon kept as data.

The lexicon is ``data/targets.csv``: one row per alias, with whether case matters, its ``kind``
(``name`` or ``demonym``), an optional regular expression of words that, right after the alias,
make it a false friend ("Washington Post", "Moscow Region", "Russian-speaking"), and optional words
that, right before it, do ("Latin America"). Add a target or an alias by adding rows; no code
changes.

**What a mention of Russia means.** The project's stance and sentiment are about the Russian
state: its government, leaders and forces, named as Russia, the Russian Federation, Moscow (the seat
of government, not its region, metro or Patriarchate), the Kremlin, or its officials. The demonym
"Russian(s)" counts too, because news writes "Russian troops" and "the Russian president" for the
state, but it also names people, the language and the culture: the clearest of those uses are false
friends in the lexicon, and every mention keeps its ``kind``, so a sentence that names Russia only by
the demonym can be set apart (``<target> demonym only`` in :func:`tag_sentences`) and results
reported with and without it.

Matching: aliases match whole words (a hyphen counts as a boundary, so "Russia-Ukraine" names
both), the longest alias wins where two overlap ("Russian Federation" over "Russian"), and a
possessive is part of the mention with or without its apostrophe ("Russia's", "Russia’s",
"Russias", as in the seed format).
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from presslens import paths

LEXICON_FILE = paths.DATA_DIR / "targets.csv"
DEFAULT_TARGETS = ("NATO", "Russia")
MENTION_COLUMNS = ["text_index", "target", "alias", "start", "end", "kind"]
KINDS = ("name", "demonym")
CASE_FOLDS = re.compile("[\u0130\u0131\u017f\u212a]")  # İ ı ſ K: IGNORECASE folds them onto ASCII
_POSSESSIVE = r"(?:['\u2019]s|(?<=s)['\u2019]|s)?"


def read_lexicon(path=None) -> pd.DataFrame:
    """Return the target lexicon (``data/targets.csv`` unless ``path`` is given)."""
    table = pd.read_csv(path or LEXICON_FILE, dtype=str, keep_default_na=False)
    missing = {"target", "alias"} - set(table.columns)
    if missing:
        raise ValueError(f"{path or LEXICON_FILE}: missing columns {sorted(missing)}")
    for column in ("case_sensitive", "not_followed_by", "not_preceded_by", "note"):
        if column not in table.columns:
            table[column] = ""
    if "kind" not in table.columns:
        table["kind"] = "name"
    table["kind"] = table["kind"].replace("", "name")
    for line, (alias, kind) in enumerate(zip(table["alias"], table["kind"]), start=2):
        if not alias.strip():
            raise ValueError(f"{path or LEXICON_FILE}:{line}: empty alias")
        if kind not in KINDS:
            raise ValueError(f"{path or LEXICON_FILE}:{line}: kind {kind!r} must be one of {KINDS}")
    return table


def _alias_pattern(alias: str, case_sensitive: bool, not_followed_by: str, not_preceded_by: str = "") -> str:
    body = re.escape(alias).replace(r"\ ", r"\s+")
    behind = "".join(f"(?<!{re.escape(word.strip())} )" for word in not_preceded_by.split("|") if word.strip())
    if alias.endswith("."):  # "U.S." ends in a full stop: no possessive, no word boundary after
        core = body
    else:
        core = body + _POSSESSIVE + r"(?![\w])"
    if not case_sensitive:
        core = f"(?i:{core})"
    guard = f"(?!{not_followed_by})" if not_followed_by else ""
    return f"{behind}{core}{guard}"


@lru_cache(maxsize=32)
def _compiled(lexicon_key: tuple) -> tuple[re.Pattern, list[tuple[str, str]], re.Pattern]:
    rows = sorted(lexicon_key, key=lambda r: -len(r[1]))
    groups, labels = [], []
    for target, alias, case_sensitive, not_followed_by, not_preceded_by, kind in rows:
        groups.append(f"({_alias_pattern(alias, case_sensitive, not_followed_by, not_preceded_by)})")
        labels.append((target, alias, kind))
    # One shared look-behind and a first-letter look-ahead: the alternatives are tried only at
    # the start of a word that could begin an alias, which makes tagging several times faster.
    initials = sorted({r[1][0].lower() for r in rows} | {r[1][0].upper() for r in rows})
    first = "(?=[" + "".join(re.escape(c) for c in initials) + "])"
    # A text can hold a mention only if its lowercase form holds the longest word of some alias
    # (a quick test that skips most sentences), unless it has one of the four characters that
    # case-insensitive matching folds onto ASCII letters where lower() does not.
    anchors = sorted({max(re.findall(r"\w+", r[1]) or [r[1]], key=len).lower() for r in rows})
    anchor = re.compile("|".join(re.escape(a) for a in sorted(anchors, key=len, reverse=True)))
    pattern = re.compile(rf"(?<![\w.]){first}(?:" + "|".join(groups) + ")")
    return pattern, labels, anchor


def _key(lexicon: pd.DataFrame, targets) -> tuple:
    chosen = lexicon if targets is None else lexicon[lexicon["target"].isin(targets)]
    return tuple(
        (r.target, r.alias, r.case_sensitive.strip().lower() in ("yes", "true", "1"), r.not_followed_by,
         r.not_preceded_by, r.kind)
        for r in chosen.itertuples(index=False)
    )


def _resolve(targets, lexicon: pd.DataFrame):
    if targets is None:
        return None
    if isinstance(targets, str):
        targets = [targets]
    known = {t.lower(): t for t in lexicon["target"]}
    out = []
    for t in targets:
        if t.lower() not in known:
            raise ValueError(f"unknown target {t!r}; the lexicon has {sorted(set(lexicon['target']))}")
        out.append(known[t.lower()])
    return out


def mentions(texts, targets=None, *, lexicon=None) -> pd.DataFrame:
    """Return one row per mention: ``text_index``, ``target``, ``alias``, ``start``, ``end``, ``kind``.

    ``targets`` is a target name or a list of them (default: every target in the lexicon);
    ``start`` and ``end`` are character offsets into the text, the possessive included; ``kind``
    is the alias's kind in the lexicon (``name`` or ``demonym``).

    >>> mentions(["Russia's army and NATO", "Moscows view", "Moscow Region"]).values.tolist()
    [[0, 'Russia', 'Russia', 0, 8, 'name'], [0, 'NATO', 'NATO', 18, 22, 'name'], [1, 'Russia', 'Moscow', 0, 7, 'name']]
    """
    lexicon = read_lexicon() if lexicon is None else (lexicon if isinstance(lexicon, pd.DataFrame) else read_lexicon(lexicon))
    pattern, labels, anchor = _compiled(_key(lexicon, _resolve(targets, lexicon)))
    rows = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"text {i} is {type(text).__name__}, not a string")
        if anchor.search(text.lower()) is None and CASE_FOLDS.search(text) is None:
            continue
        for match in pattern.finditer(text):
            target, alias, kind = labels[match.lastindex - 1]
            rows.append((i, target, alias, match.start(), match.end(), kind))
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)


def literal_pattern(mention: str) -> re.Pattern:
    """Return a pattern for a literal mention (any name, such as "Trump" or "the FBI")."""
    return re.compile(r"(?<![\w.])" + _alias_pattern(mention, False, ""))


def tag_sentences(sentences: pd.DataFrame, targets=None, *, lexicon=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the sentence table with a boolean column per target, and the mention table.

    Each target also gets a column ``<target> demonym only``: the sentence names the target, and
    only by a demonym ("Russian", "Russians"). The mention table is keyed by ``sentence_id`` (not by
    position), with the alias, its span and its kind.
    """
    lexicon = read_lexicon() if lexicon is None else lexicon
    found = mentions(sentences["text"].tolist(), targets, lexicon=lexicon)
    ids = sentences["sentence_id"].to_numpy()
    table = found.assign(sentence_id=ids[found["text_index"].to_numpy()]) if len(found) else found.assign(sentence_id=[])
    table = table[["sentence_id", "target", "alias", "start", "end", "kind"]]
    names = _resolve(targets, lexicon) or list(dict.fromkeys(lexicon["target"]))
    flags = sentences.copy()
    for name in names:
        mine = table[table["target"] == name]
        hit = set(mine["sentence_id"])
        named = set(mine.loc[mine["kind"] != "demonym", "sentence_id"])
        flags[name] = flags["sentence_id"].isin(hit)
        flags[f"{name} demonym only"] = flags["sentence_id"].isin(hit - named)
    return flags, table.reset_index(drop=True)
