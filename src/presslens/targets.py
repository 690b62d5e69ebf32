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
both), the longest alias of a target wins where two overlap ("Russian Federation" over "Russian"),
and a possessive is part of the mention with or without its apostrophe ("Russia's", "Russia’s",
"Russias", as in the seed format).

**Your own targets.** Every function that takes a target also takes ``lexicon=``: a path or a
DataFrame with the columns of ``data/targets.csv`` (``target`` and ``alias`` are required), checked
by :func:`read_lexicon`. Two targets may share an alias (a new target "Zelenskyy" whose aliases are
also aliases of "Ukraine"), or one target's alias may hold another's ("Vladimir Putin" and
"Putin"): :func:`overlaps` lists such aliases, and :func:`mentions` then matches the targets that
compete for the same words in separate passes, so that each target gets all its mentions and one
span of text can count for two targets. Targets whose aliases do not overlap (those of
``data/targets.csv``) are matched in one pass.
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


LEXICON_COLUMNS = ["target", "alias", "case_sensitive", "kind", "not_followed_by", "not_preceded_by", "note"]
_TRUE = ("yes", "true", "1")


def read_lexicon(path=None) -> pd.DataFrame:
    """Return a target lexicon: ``data/targets.csv`` unless ``path`` is given.

    ``path`` is a CSV file or a DataFrame with the columns of ``data/targets.csv``: ``target`` and
    ``alias`` (required), ``case_sensitive`` ("yes" or empty), ``kind`` (``name``, the default, or
    ``demonym``), ``not_followed_by`` and ``not_preceded_by`` (guards against false friends) and
    ``note``. A bad row raises a ValueError naming the file and line (for a DataFrame, the row,
    counted from 1); a guard that is not a valid regular expression is caught here too.

    >>> frame = pd.DataFrame({"target": ["OSCE"], "alias": ["OSCE"]})
    >>> read_lexicon(frame)[["target", "alias", "kind", "case_sensitive"]].values.tolist()
    [['OSCE', 'OSCE', 'name', '']]
    >>> read_lexicon(pd.DataFrame({"target": ["OSCE", ""], "alias": ["OSCE", "x"]}))
    Traceback (most recent call last):
    ...
    ValueError: <DataFrame>, row 2: empty target
    """
    if isinstance(path, pd.DataFrame):
        name = "<DataFrame>"
        table = path.copy().reset_index(drop=True)
        table = table.astype(object).where(table.notna(), "").astype(str)
        first_line, where = 1, lambda line: f"{name}, row {line}"
    else:
        name = path or LEXICON_FILE
        table = pd.read_csv(name, dtype=str, keep_default_na=False)
        first_line, where = 2, lambda line: f"{name}:{line}"
    missing = {"target", "alias"} - set(table.columns)
    if missing:
        raise ValueError(f"{name}: missing columns {sorted(missing)} (a lexicon has the columns of data/targets.csv: "
                         f"{', '.join(LEXICON_COLUMNS)})")
    for column in ("case_sensitive", "not_followed_by", "not_preceded_by", "note"):
        if column not in table.columns:
            table[column] = ""
    if "kind" not in table.columns:
        table["kind"] = "name"
    table["kind"] = table["kind"].replace("", "name")
    rows = zip(table["target"], table["alias"], table["kind"], table["not_followed_by"], table["not_preceded_by"])
    for line, (target, alias, kind, not_followed_by, not_preceded_by) in enumerate(rows, start=first_line):
        if not target.strip():
            raise ValueError(f"{where(line)}: empty target")
        if not alias.strip():
            raise ValueError(f"{where(line)}: empty alias")
        if kind not in KINDS:
            raise ValueError(f"{where(line)}: kind {kind!r} must be one of {KINDS}")
        try:
            re.compile(_alias_pattern(alias, False, not_followed_by, not_preceded_by))
        except re.error as error:
            raise ValueError(f"{where(line)}: not_followed_by {not_followed_by!r} or not_preceded_by "
                             f"{not_preceded_by!r} is not a valid regular expression ({error})") from None
    return table


def as_lexicon(lexicon=None) -> pd.DataFrame:
    """Return ``lexicon`` read and checked: None (``data/targets.csv``), a path or a DataFrame
    (:func:`read_lexicon`)."""
    return read_lexicon(lexicon)


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
        (r.target, r.alias, r.case_sensitive.strip().lower() in _TRUE, r.not_followed_by,
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
        if not isinstance(t, str) or t.lower() not in known:
            raise ValueError(f"unknown target {t!r}; the lexicon has {sorted(set(lexicon['target']))}")
        out.append(known[t.lower()])
    return list(dict.fromkeys(out))


def target_names(targets=None, *, lexicon=None) -> list[str]:
    """Return the lexicon's spelling of each target asked for (any case), in the order given, or
    every target of the lexicon (in its order) for None; an unknown one is a ValueError that names
    the lexicon's targets.

    >>> target_names(["nato", "Russia"])
    ['NATO', 'Russia']
    """
    lexicon = as_lexicon(lexicon)
    return _resolve(targets, lexicon) or list(dict.fromkeys(lexicon["target"]))


def _words(alias: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", alias.lower())) or (alias.lower(),)


def _relation(a: tuple, b: tuple) -> str | None:
    """How two aliases' word sequences overlap: "same alias", "inside" (``a`` is within ``b``),
    "holds" (``b`` within ``a``), "overlapping" (the end of one is the start of the other), or None.

    >>> _relation(("putin",), ("vladimir", "putin")), _relation(("new", "york"), ("york", "times"))
    ('inside', 'overlapping')
    """
    if a == b:
        return "same alias"
    for small, large, name in ((a, b, "inside"), (b, a, "holds")):
        if len(small) < len(large) and any(large[i:i + len(small)] == small for i in range(len(large) - len(small) + 1)):
            return name
    if any(a[-k:] == b[:k] or b[-k:] == a[:k] for k in range(1, min(len(a), len(b)))):
        return "overlapping"
    return None


@lru_cache(maxsize=32)
def _conflicts(lexicon_key: tuple) -> tuple:
    """Return ``((alias, target, other_alias, other_target, relation), ...)`` for every pair of
    aliases of two different targets whose words overlap (case-insensitively), in lexicon order."""
    rows = [(target, alias, _words(alias)) for target, alias, *_ in lexicon_key]
    found = []
    for i, (target, alias, words) in enumerate(rows):
        for other_target, other_alias, other_words in rows[i + 1:]:
            if other_target == target:
                continue
            relation = _relation(words, other_words)
            if relation:
                found.append((alias, target, other_alias, other_target, relation))
    return tuple(found)


def _groups(lexicon_key: tuple) -> list[tuple]:
    """Split the lexicon's rows into passes: each target joins the first pass that holds no target
    it shares or overlaps an alias with (targets in lexicon order), so one pass when none do."""
    clash = {}
    for _, target, _, other, _ in _conflicts(lexicon_key):
        clash.setdefault(target, set()).add(other)
        clash.setdefault(other, set()).add(target)
    passes: list[list[str]] = []
    for target in dict.fromkeys(r[0] for r in lexicon_key):
        for members in passes:
            if not clash.get(target, set()) & set(members):
                members.append(target)
                break
        else:
            passes.append([target])
    return [tuple(r for r in lexicon_key if r[0] in set(members)) for members in passes]


def overlaps(targets=None, *, lexicon=None) -> pd.DataFrame:
    """Return the aliases that two targets share or that overlap, one row per pair of aliases:
    ``alias`` and ``targets`` (the first target's alias, and both targets), ``other_alias`` (the
    second target's) and ``relation``: "same alias" (case aside), "inside" (``alias`` is part of
    ``other_alias``, as "Putin" of "Vladimir Putin"), "holds" (the reverse) or "overlapping" (the
    end of one is the start of the other). Empty when the targets' aliases are all apart, as in
    ``data/targets.csv``. :func:`mentions` gives each such target all its mentions, so one span can
    count for two targets.

    >>> mine = pd.DataFrame({"target": ["Ukraine", "Ukraine", "Zelenskyy"], "alias": ["Kyiv", "Zelensky", "Zelensky"]})
    >>> overlaps(lexicon=mine).values.tolist()
    [['Zelensky', 'Ukraine, Zelenskyy', 'Zelensky', 'same alias']]
    """
    lexicon = as_lexicon(lexicon)
    rows = [(alias, f"{target}, {other}", other_alias, relation)
            for alias, target, other_alias, other, relation in _conflicts(_key(lexicon, _resolve(targets, lexicon)))]
    return pd.DataFrame(rows, columns=["alias", "targets", "other_alias", "relation"])


def overlap_notes(targets=None, *, lexicon=None) -> list[str]:
    """Return :func:`overlaps` as sentences, one per pair of aliases, for a summary.

    >>> mine = pd.DataFrame({"target": ["Ukraine", "Zelenskyy"], "alias": ["Zelensky", "zelensky"]})
    >>> overlap_notes(lexicon=mine)
    ["shared alias: 'Zelensky' names both Ukraine and Zelenskyy; each target gets all its mentions"]
    """
    notes = []
    for row in overlaps(targets, lexicon=lexicon).itertuples(index=False):
        first, second = row.targets.split(", ", 1)
        if row.relation == "same alias":
            what = f"shared alias: {row.alias!r} names both {first} and {second}"
        else:
            what = f"overlapping aliases: {row.alias!r} ({first}) and {row.other_alias!r} ({second})"
        notes.append(f"{what}; each target gets all its mentions")
    return notes


def mentions(texts, targets=None, *, lexicon=None) -> pd.DataFrame:
    """Return one row per mention: ``text_index``, ``target``, ``alias``, ``start``, ``end``, ``kind``.

    ``targets`` is a target name or a list of them (default: every target in the lexicon);
    ``lexicon`` a path or a DataFrame like ``data/targets.csv`` (default: that file). ``start`` and
    ``end`` are character offsets into the text, the possessive included; ``kind`` is the alias's
    kind in the lexicon (``name`` or ``demonym``). Rows are in the order of the texts and, within
    a text, of ``start``. Where two targets share an alias (:func:`overlaps`), its span is a
    mention of each.

    >>> mentions(["Russia's army and NATO", "Moscows view", "Moscow Region"]).values.tolist()
    [[0, 'Russia', 'Russia', 0, 8, 'name'], [0, 'NATO', 'NATO', 18, 22, 'name'], [1, 'Russia', 'Moscow', 0, 7, 'name']]
    """
    lexicon = as_lexicon(lexicon)
    key = _key(lexicon, _resolve(targets, lexicon))
    passes = [_compiled(group) for group in _groups(key)]
    rows = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"text {i} is {type(text).__name__}, not a string")
        lower = None
        found = []
        for pattern, labels, anchor in passes:
            if lower is None:
                lower = text.lower()
            if anchor.search(lower) is None and CASE_FOLDS.search(text) is None:
                continue
            for match in pattern.finditer(text):
                target, alias, kind = labels[match.lastindex - 1]
                found.append((i, target, alias, match.start(), match.end(), kind))
        if len(passes) > 1:
            found.sort(key=lambda row: row[3])  # stable: at one start, the passes' order (lexicon order)
        rows.extend(found)
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)


def literal_pattern(mention: str) -> re.Pattern:
    """Return a pattern for a literal mention (any name, such as "Trump" or "the FBI")."""
    return re.compile(r"(?<![\w.])" + _alias_pattern(mention, False, ""))


def tag_sentences(sentences: pd.DataFrame, targets=None, *, lexicon=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the sentence table with a boolean column per target, and the mention table.

    Each target also gets a column ``<target> demonym only``: the sentence names the target, and
    only by a demonym ("Russian", "Russians"). The mention table is keyed by ``sentence_id`` (not by
    position), with the alias, its span and its kind. ``lexicon`` is a path or a DataFrame like
    ``data/targets.csv`` (default: that file); a sentence can name two targets that share an alias.
    """
    lexicon = as_lexicon(lexicon)
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
