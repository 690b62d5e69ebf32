"""Which words set each voice apart, and the sentences behind every word.

Methods, each for any number of groups (voices, outlets, periods):

- **Fightin' Words** (Monroe, Colaresi & Quinn 2008, "Fightin' Words: Lexical Feature Selection
  and Evaluation for Identifying the Content of Political Conflict", *Political Analysis* 16(4),
  eqs. 15-22): the log-odds ratio of a term in group *i* against a reference *j*, smoothed by an
  informative Dirichlet prior, and its z-score::

      delta = log((y_i + a) / (n_i + a0 - y_i - a)) - log((y_j + a) / (n_j + a0 - y_j - a))
      var   = 1 / (y_i + a) + 1 / (y_j + a)
      z     = delta / sqrt(var)

  where ``y`` are the term's counts, ``n`` the groups' totals, ``a`` the term's prior count and
  ``a0`` the prior's total. The prior is the pooled counts of all groups compared, scaled to
  ``alpha0`` (by default the pooled total itself, so ``a`` is the term's pooled count). The
  reference is the rest of the groups pooled ("each against the rest") or one other group (pairs).
- **Log-likelihood keyness** G² (Dunning 1993; Rayson & Garside 2000) as a second opinion, signed
  so that a term a group uses more than its reference is positive, with Hardie's (2014) log ratio
  as its effect size.
- **TF-IDF** top terms: the mean sublinear TF-IDF of each group's articles (scikit-learn).
- **Stability**: resampling each group's articles with replacement, how often a top term stays
  in the top k.
- **KWIC**: every occurrence of a term in its sentence, with voice and date, in a fixed order.
- **Naming choices**: rates per 10,000 words of competing names (``data/naming.csv``), with
  intervals from resampling articles.

Terms are lower-cased words (a possessive "'s" dropped; hyphenated words kept whole; words with
digits left out) and bigrams of adjacent words within a stretch of text not broken by punctuation.
The stop-word policy works offline: scikit-learn's English list (from the Glasgow Information
Retrieval Group), or none, or a list of your own. A bigram is dropped when either word is a stop
word. ``kwic`` finds a term exactly where the counts found it, so a table's count is the number of
lines KWIC lists.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import chi2

from presslens import paths, stats

NAMING_FILE = paths.DATA_DIR / "naming.csv"
PER_WORDS = 10_000

_TOKEN = re.compile(r"\w+(?:[-']\w+)*")
_CHUNK_BREAK = re.compile(r"[^\w\s'-]+|\s-+\s|'(?!\w)|(?<!\w)'")
_HAS_DIGIT = re.compile(r"\d")


def tokens(text: str) -> list[str]:
    """Return the words of ``text``: lower-cased, possessive "'s" dropped.

    >>> tokens("Russia's 'special military operation' began in Kyiv, on 24-02.")
    ['russia', 'special', 'military', 'operation', 'began', 'in', 'kyiv', 'on', '24-02']
    """
    return [_strip_possessive(word) for word in _TOKEN.findall(text.lower())]


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith("'s") and len(word) > 2 else word


def stop_word_list(stop_words="english") -> frozenset:
    """Return the stop-word set for a policy: ``"english"``, ``None`` (none), or your own words.

    >>> "the" in stop_word_list(), len(stop_word_list(None)), sorted(stop_word_list(["Kremlin"]))
    (True, 0, ['kremlin'])
    """
    if stop_words is None:
        return frozenset()
    if isinstance(stop_words, str):
        if stop_words != "english":
            raise ValueError(f"stop_words must be 'english', None or a list of words, not {stop_words!r}")
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS)
    return frozenset(word.lower() for word in stop_words)


def terms(text: str, *, ngram_range=(1, 2), stop_words="english") -> list[str]:
    """Return the unigram and bigram terms of ``text`` under a stop-word policy.

    Bigrams join adjacent words of one stretch of text: punctuation breaks a stretch, and a
    bigram with a stop word in it is dropped. Words with digits and one-letter words are not
    terms, but they still separate their neighbours.

    >>> terms("The special military operation, NATO said.")
    ['special', 'military', 'operation', 'nato', 'said', 'special military', 'military operation', 'nato said']
    """
    low, high = ngram_range
    stop = _stop(stop_words)
    unigrams, bigrams = [], []
    for chunk in _CHUNK_BREAK.split(text):
        words = tokens(chunk)
        keep = [len(w) > 1 and w not in stop and not _HAS_DIGIT.search(w) for w in words]
        if low <= 1:
            unigrams.extend(w for w, k in zip(words, keep) if k)
        if high >= 2:
            bigrams.extend(f"{a} {b}" for a, b, ka, kb in zip(words, words[1:], keep, keep[1:]) if ka and kb)
    return unigrams + bigrams


@lru_cache(maxsize=8)
def _stop_cached(key):
    return stop_word_list(key if key != "__none__" else None)


def _stop(stop_words):
    if stop_words is None or isinstance(stop_words, str):
        return _stop_cached("__none__" if stop_words is None else stop_words)
    return stop_word_list(stop_words)


@dataclass(frozen=True)
class TermCounts:
    """Term counts per unit (article), each unit in one group.

    ``matrix`` is units x terms (sparse); ``units`` has the unit ID, its group and its word
    count; ``vocabulary`` is sorted.
    """

    matrix: sparse.csr_matrix
    vocabulary: np.ndarray
    units: pd.DataFrame
    groups: tuple
    by: str

    def by_group(self, weights: sparse.spmatrix | None = None) -> np.ndarray:
        """Return group x term counts; ``weights`` (groups x units) resamples units."""
        if weights is None:
            weights = self._membership()
        return np.asarray((weights @ self.matrix).todense(), dtype=float)

    def words_by_group(self, weights: sparse.spmatrix | None = None) -> np.ndarray:
        """Return each group's number of words (all tokens, stop words included); ``weights`` as in
        :meth:`by_group`. These are the totals n_i of the log-odds and of G²: words, not the sum of
        the counted terms, which counts a word once as a unigram and again in each bigram."""
        if weights is None:
            weights = self._membership()
        return np.asarray(weights @ self.units["words"].to_numpy(dtype=float)).ravel()

    def _membership(self) -> sparse.csr_matrix:
        codes = self.units["group_code"].to_numpy()
        n = len(codes)
        return sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(len(self.groups), n))

    def column(self, term: str) -> int:
        index = np.searchsorted(self.vocabulary, term)
        if index == len(self.vocabulary) or self.vocabulary[index] != term:
            raise KeyError(f"{term!r} is not a counted term")
        return int(index)


def count_terms(
    sentences: pd.DataFrame,
    by: str = "voice",
    *,
    text: str = "text",
    unit: str = "article_id",
    ngram_range=(1, 2),
    stop_words="english",
) -> TermCounts:
    """Count terms per unit (default: article) of ``sentences``, each unit in its ``by`` group.

    Each unit must be in one group: the comparisons set a group against the rest (a unit in two
    groups would be on both sides of its own comparison) and :func:`stability` resamples each
    group's units apart (a unit in two groups would be drawn twice, independently, as if it were two
    units). Units in more than one group are refused with a ValueError that says how many and which;
    :func:`drop_shared_units` leaves them out (and says how many), or give them a group of their own.

    >>> frame = pd.DataFrame({"voice": ["A", "A", "B"], "article_id": ["a1", "a2", "b1"],
    ...                       "text": ["Tanks, tanks.", "Peace talks", "Peace"]})
    >>> counts = count_terms(frame)
    >>> counts.groups, list(counts.vocabulary)
    (('A', 'B'), ['peace', 'peace talks', 'talks', 'tanks'])
    >>> counts.by_group().tolist()
    [[1.0, 1.0, 1.0, 2.0], [1.0, 0.0, 0.0, 0.0]]
    """
    from sklearn.feature_extraction.text import CountVectorizer

    missing = {by, text, unit} - set(sentences.columns)
    if missing:
        raise ValueError(f"sentences lack the columns {sorted(missing)}")
    lacking = sentences[by].isna() | sentences[unit].isna()
    if lacking.any():
        raise ValueError(
            f"{int(lacking.sum()):,} sentences have no {by!r} or no {unit!r} (rows {sentences.index[lacking].tolist()[:3]}"
            f"{', ...' if lacking.sum() > 3 else ''}): each must be in one unit and one group; drop or fill them first")
    frame = sentences[[unit, by, text]].dropna(subset=[text])
    shared = shared_units(frame, by, unit=unit)
    if shared:
        raise ValueError(
            f"{len(shared):,} {unit!r} units are in more than one {by!r} group (e.g. {shared[:3]}), and each unit must be in "
            f"one group: the comparisons and the resampling treat groups as disjoint sets of units. Leave them out with "
            f"keywords.drop_shared_units(sentences, by={by!r}, unit={unit!r}), or give them a group of their own "
            f"(e.g. both names joined: 'A & B')")
    analyzer = partial(terms, ngram_range=tuple(ngram_range), stop_words=stop_words)
    vectorizer = CountVectorizer(analyzer=analyzer)
    texts = frame[text].astype(object).tolist()
    per_sentence = vectorizer.fit_transform(texts) if texts else sparse.csr_matrix((0, 0))
    vocabulary = vectorizer.get_feature_names_out() if texts else np.array([], dtype=object)
    unit_codes, unit_ids = pd.factorize(frame[unit].astype(object), sort=True)
    aggregate = sparse.csr_matrix(
        (np.ones(len(unit_codes)), (unit_codes, np.arange(len(unit_codes)))), shape=(len(unit_ids), len(unit_codes))
    )
    matrix = sparse.csr_matrix(aggregate @ per_sentence)
    words = np.bincount(unit_codes, weights=[len(tokens(t)) for t in texts], minlength=len(unit_ids))
    group_of_unit = frame.groupby(unit, sort=False)[by].first().reindex(unit_ids).astype(object)
    groups = tuple(sorted(group_of_unit.unique()))
    units = pd.DataFrame(
        {unit: unit_ids.astype(object), by: group_of_unit.to_numpy(), "words": words.astype(int)}
    )
    units["group_code"] = units[by].map({g: i for i, g in enumerate(groups)}).astype(int)
    return TermCounts(matrix, np.asarray(vocabulary, dtype=object), units, groups, by)


def shared_units(sentences: pd.DataFrame, by: str = "voice", *, unit: str = "article_id") -> list:
    """Return the units (sorted) whose rows are in more than one ``by`` group.

    >>> frame = pd.DataFrame({"target": ["NATO", "Russia", "NATO"], "article_id": ["a1", "a1", "a2"]})
    >>> shared_units(frame, "target")
    ['a1']
    """
    groups_per_unit = sentences.groupby(unit, sort=False)[by].nunique()
    return sorted(groups_per_unit[groups_per_unit > 1].index)


def drop_shared_units(sentences: pd.DataFrame, by: str = "voice", *, unit: str = "article_id") -> pd.DataFrame:
    """Return ``sentences`` without the units that are in more than one ``by`` group, so that
    :func:`count_terms` can count them; ``attrs["dropped"]`` holds the units left out (sorted),
    so a report can say how many. Dropping them changes what is compared: the groups' own units
    only (an article about both NATO and Russia is in neither group).

    >>> frame = pd.DataFrame({"target": ["NATO", "Russia", "NATO"], "article_id": ["a1", "a1", "a2"], "text": ["x", "y", "z"]})
    >>> kept = drop_shared_units(frame, "target")
    >>> kept["article_id"].tolist(), kept.attrs["dropped"]
    (['a2'], ['a1'])
    """
    shared = shared_units(sentences, by, unit=unit)
    kept = sentences[~sentences[unit].isin(shared)].copy()
    kept.attrs["dropped"] = shared
    return kept


def log_odds_z(y_i, y_j, alpha, *, n_i=None, n_j=None, a0=None):
    """Return ``(delta, se, z)``: Monroe et al.'s (2008) log-odds ratio with a Dirichlet prior.

    ``y_i`` and ``y_j`` are the count vectors of the two sides over the same terms, ``alpha`` the
    prior counts, ``n_i`` and ``n_j`` the sides' numbers of words and ``a0`` the prior's total
    (by default the sums of ``y_i``, ``y_j`` and ``alpha``, right when the terms are single words
    and every word is counted).

    >>> delta, se, z = log_odds_z([2, 1], [0, 3], [1, 1])
    >>> round(float(delta[0]), 4), round(float(z[0]), 4)  # log(6), log(6) / sqrt(4/3)
    (1.7918, 1.5517)
    """
    y_i, y_j, alpha = (np.asarray(a, dtype=float) for a in (y_i, y_j, alpha))
    n_i = y_i.sum() if n_i is None else n_i
    n_j = y_j.sum() if n_j is None else n_j
    a0 = alpha.sum() if a0 is None else a0
    delta = np.log((y_i + alpha) / (n_i + a0 - y_i - alpha)) - np.log((y_j + alpha) / (n_j + a0 - y_j - alpha))
    se = np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
    return delta, se, delta / se


def _comparisons(groups, against):
    """Return ``[(group, reference)]``: each against the rest, all pairs, or the pairs given."""
    if against == "rest":
        return [(g, "rest") for g in groups]
    if against == "pairs":
        return [(a, b) for a in groups for b in groups if a != b]
    pairs = [tuple(pair) for pair in against]
    unknown = sorted({g for pair in pairs for g in pair} - set(groups))
    if unknown:
        raise ValueError(f"unknown groups {unknown}; the groups are {list(groups)}")
    return pairs


def _sides(counts_by_group, groups, group, reference):
    i = groups.index(group)
    y_i = counts_by_group[i]
    y_j = counts_by_group.sum(axis=0) - y_i if reference == "rest" else counts_by_group[groups.index(reference)]
    return y_i, y_j


def _prior(counts_by_group, words_by_group, alpha0):
    """Return ``(alpha, a0)``: the informative Dirichlet prior of Monroe et al. (2008, sec. 3.5.1),
    each term's prior count in proportion to its pooled count. By default its total ``a0`` is the
    pooled number of words (every word of the corpus counts once as prior evidence); ``alpha0``
    sets another total, such as a tenth of it, or 1,000 for a weak prior."""
    pooled, total = counts_by_group.sum(axis=0), float(np.sum(words_by_group))
    a0 = total if alpha0 is None else float(alpha0)
    return a0 * pooled / total, a0


def fightin_words(counts: TermCounts, *, against="rest", alpha0: float | None = None, min_count: int = 10) -> pd.DataFrame:
    """Return the Fightin' Words table: one row per comparison and term, best z first.

    ``against`` is ``"rest"`` (each group against all the others pooled), ``"pairs"`` (every
    ordered pair) or a list of ``(group, reference)`` pairs. Terms used fewer than ``min_count``
    times in all groups together are left out of the table (but count in the totals).
    Columns: group, reference, term, count, reference_count, log_odds, se, z.

    The totals are words (:meth:`TermCounts.words_by_group`), not the sum of the counted terms.
    ``z`` ranks terms; it is not a test. With thousands of terms compared, sentences that come in
    articles, and a prior drawn from the same counts, a p-value from it would overclaim, so the
    table has none: the article-bootstrap ``stability`` of :func:`stability` says which terms would
    stay in a list.
    """
    table = counts.by_group()
    words = counts.words_by_group()
    alpha, a0 = _prior(table, words, alpha0)

    def measures(y_i, y_j, n_i, n_j):
        delta, se, z = log_odds_z(y_i, y_j, alpha, n_i=n_i, n_j=n_j, a0=a0)
        return {"log_odds": delta, "se": se, "z": z}

    return _per_comparison(counts, table, against, min_count, measures, "z")


def _per_comparison(counts, table, against, min_count, measures, score):
    """Build one long table: for each comparison, the counts of each kept term and its ``measures``."""
    keep = table.sum(axis=0) >= min_count
    words = counts.words_by_group()
    frames = []
    for group, reference in _comparisons(counts.groups, against):
        y_i, y_j = _sides(table, counts.groups, group, reference)
        n_i, n_j = _sides(words[:, None], counts.groups, group, reference)
        columns = {
            "group": group,
            "reference": reference,
            "term": counts.vocabulary[keep],
            "count": y_i[keep].astype(int),
            "reference_count": y_j[keep].astype(int),
        }
        columns.update({name: values[keep] for name, values in measures(y_i, y_j, float(n_i[0]), float(n_j[0])).items()})
        frames.append(pd.DataFrame(columns))
    return _sorted(frames, score)


def _sorted(frames, score):
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if out.empty:
        return out
    out["_score"] = -out[score]
    out = out.sort_values(["group", "reference", "_score", "term"], kind="mergesort").drop(columns="_score")
    return out.reset_index(drop=True)


def log_likelihood(a, b, c, d):
    """Return the signed log-likelihood G² of a term seen ``a`` times in ``c`` words and ``b`` in ``d``.

    Positive when the term is relatively more frequent on the first side (Rayson & Garside 2000).

    >>> round(float(log_likelihood(10, 5, 100, 200)), 4)  # 2 * (10 ln 2 + 5 ln 0.5) = 10 ln 2
    6.9315
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * (np.where(a > 0, a * np.log(a / e1), 0.0) + np.where(b > 0, b * np.log(b / e2), 0.0))
    return np.sign(a / c - b / d) * g2


def log_ratio(a, b, c, d):
    """Return Hardie's (2014) log ratio: log2 of the ratio of relative frequencies, 0.5 added to a zero.

    >>> float(log_ratio(10, 5, 100, 200))  # 10% against 2.5%: four times as frequent
    2.0
    """
    a, b = (np.where(np.asarray(x, dtype=float) == 0, 0.5, np.asarray(x, dtype=float)) for x in (a, b))
    return np.log2((a / np.asarray(c, dtype=float)) / (b / np.asarray(d, dtype=float)))


def keyness(counts: TermCounts, *, against="rest", min_count: int = 10) -> pd.DataFrame:
    """Return the G² keyness table, highest G² first: group, reference, term, count, reference_count, g2, log_ratio.

    The corpus sizes are the groups' numbers of words (:meth:`TermCounts.words_by_group`). G² ranks
    terms here; like Fightin' Words' z it is given without a p-value (see :func:`fightin_words`).
    """
    def measures(y_i, y_j, n_i, n_j):
        g2 = log_likelihood(y_i, y_j, n_i, n_j)
        return {"g2": g2, "log_ratio": log_ratio(y_i, y_j, n_i, n_j)}

    return _per_comparison(counts, counts.by_group(), against, min_count, measures, "g2")


def tfidf_top_terms(counts: TermCounts, *, k: int = 10, min_df: int = 2) -> pd.DataFrame:
    """Return each group's ``k`` terms with the highest mean TF-IDF over its articles.

    TF-IDF is scikit-learn's (sublinear tf, smoothed idf, rows L2-normalised) over all articles
    of all groups; terms in fewer than ``min_df`` articles are left out.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    document_frequency = np.asarray((counts.matrix > 0).sum(axis=0)).ravel()
    keep = np.flatnonzero(document_frequency >= min_df)
    weights = TfidfTransformer(sublinear_tf=True).fit_transform(counts.matrix[:, keep])
    membership = counts._membership()
    sizes = np.asarray(membership.sum(axis=1)).ravel()
    means = np.asarray((membership @ weights).todense()) / sizes[:, None]
    rows = []
    for g, group in enumerate(counts.groups):
        order = np.lexsort((counts.vocabulary[keep], -means[g]))[:k]
        rows.extend((group, rank, counts.vocabulary[keep][j], means[g, j]) for rank, j in enumerate(order, start=1))
    return pd.DataFrame(rows, columns=["group", "rank", "term", "mean_tfidf"])


def top_terms(table: pd.DataFrame, k: int = 10, *, score: str | None = None) -> pd.DataFrame:
    """Return the ``k`` best terms of each comparison, with a ``rank``.

    ``score`` is the column to rank by: ``z`` for a Fightin' Words table, ``g2`` for keyness.
    """
    score = score or ("z" if "z" in table.columns else "g2")
    top = table.sort_values(["group", "reference", score, "term"], ascending=[True, True, False, True], kind="mergesort")
    top = top.groupby(["group", "reference"], sort=False).head(k).copy()
    top.insert(2, "rank", top.groupby(["group", "reference"], sort=False).cumcount() + 1)
    return top.reset_index(drop=True)


def stability(
    counts: TermCounts,
    *,
    k: int = 10,
    against="rest",
    alpha0: float | None = None,
    min_count: int = 10,
    n_boot: int = 200,
    seed: int = stats.SEED,
) -> pd.DataFrame:
    """Return each comparison's top ``k`` Fightin' Words terms and how often they stay in the top ``k``.

    Each draw resamples every group's articles with replacement (so a group keeps its number of
    articles), recomputes the prior and the z-scores, and takes the top ``k`` again among the
    terms eligible on the full data. ``stability`` is the share of draws that keep the term.
    """
    full = top_terms(fightin_words(counts, against=against, alpha0=alpha0, min_count=min_count), k)
    eligible = np.flatnonzero(counts.by_group().sum(axis=0) >= min_count)
    comparisons = _comparisons(counts.groups, against)
    kept = np.zeros(len(full))
    rng = np.random.default_rng(seed)
    codes = counts.units["group_code"].to_numpy()
    members = [np.flatnonzero(codes == g) for g in range(len(counts.groups))]
    columns = {term: counts.column(term) for term in full["term"]}
    for _ in range(n_boot):
        rows, cols = [], []
        for g, units in enumerate(members):
            draw = units[rng.integers(0, len(units), len(units))]
            rows.append(np.full(len(draw), g))
            cols.append(draw)
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        weights = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(members), len(codes)))
        table = counts.by_group(weights)
        words = counts.words_by_group(weights)
        alpha, a0 = _prior(table, words, alpha0)
        tops = {}
        for group, reference in comparisons:
            y_i, y_j = _sides(table, counts.groups, group, reference)
            n_i, n_j = _sides(words[:, None], counts.groups, group, reference)
            with np.errstate(divide="ignore", invalid="ignore"):  # a term absent from a whole draw
                z = log_odds_z(y_i[eligible], y_j[eligible], alpha[eligible], n_i=n_i[0], n_j=n_j[0], a0=a0)[2]
            z = np.where(np.isnan(z), -np.inf, z)
            order = np.lexsort((counts.vocabulary[eligible], -z))[:k]
            tops[(group, reference)] = set(eligible[order])
        for row, (group, reference, term) in enumerate(full[["group", "reference", "term"]].itertuples(index=False)):
            kept[row] += columns[term] in tops[(group, reference)]
    full["stability"] = kept / n_boot
    return full


def term_pattern(term: str) -> re.Pattern:
    """Return the regex that finds ``term`` where ``terms`` counts it (case-insensitive).

    >>> [m.group() for m in term_pattern("military operation").finditer(
    ...     "A military operation; military, operation; Military  Operation's end; paramilitary operation")]
    ['military operation', "Military  Operation's"]
    """
    words = tokens(term)
    if not words:
        raise ValueError(f"{term!r} has no words to look for")
    body = r"[^\S\n]+".join(re.escape(w) + r"(?:'s)?" for w in words)
    return re.compile(rf"(?<!\w)(?<!\w[-']){body}(?![-']?\w)", re.IGNORECASE)


KWIC_COLUMNS = ["voice", "date", "left", "match", "right", "article_id", "sentence_id"]


def kwic(sentences: pd.DataFrame, term: str, *, width: int = 60, text: str = "text", limit: int | None = None) -> pd.DataFrame:
    """Return every occurrence of ``term`` in ``sentences`` as a keyword-in-context line.

    Lines are sorted by voice, date, sentence ID and position, so the same corpus always lists
    them in the same order. ``left`` and ``right`` hold up to ``width`` characters of context.
    """
    pattern = term_pattern(term)
    frame = sentences[sentences[text].astype(object).str.contains(pattern, regex=True, na=False)]
    rows = []
    for voice, date, article_id, sentence_id, sentence in frame[["voice", "date", "article_id", "sentence_id", text]].itertuples(index=False):
        for match in pattern.finditer(sentence):
            left = sentence[max(0, match.start() - width) : match.start()]
            right = sentence[match.end() : match.end() + width]
            rows.append((voice, date, left, match.group(), right, article_id, sentence_id, match.start()))
    lines = pd.DataFrame(rows, columns=[*KWIC_COLUMNS, "start"])
    lines = lines.sort_values(["voice", "date", "sentence_id", "start"], kind="mergesort").drop(columns="start")
    lines = lines.reset_index(drop=True)
    return lines.head(limit) if limit is not None else lines


def read_naming(path=None) -> pd.DataFrame:
    """Return the naming-choice table: concept, variant, forms ("|"-separated phrases), except, note.

    ``except`` (optional) lists longer phrases that contain a form but are not this variant and
    are not counted for it ("war" does not count the "war" of "war crimes", "World War" or "Cold
    War", which have rows of their own). Each phrase must contain one of the variant's forms once.
    """
    path = path or NAMING_FILE
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"concept", "variant", "forms"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    if "except" not in table.columns:
        table["except"] = ""
    for line, (concept, variant, forms_text, excluded) in enumerate(
        zip(table["concept"], table["variant"], table["forms"], table["except"]), start=2
    ):
        if not concept.strip() or not variant.strip():
            raise ValueError(f"{path}:{line}: a concept and a variant are needed")
        forms = [form for form in forms_text.split("|") if form.strip()]
        if not forms or any(not tokens(form) for form in forms):
            raise ValueError(f"{path}:{line}: forms {forms_text!r} must be '|'-separated words")
        pattern = naming_pattern(forms_text)
        for phrase in (p for p in excluded.split("|") if p.strip()):
            if len(pattern.findall(phrase)) != 1:
                raise ValueError(f"{path}:{line}: except phrase {phrase!r} must contain one of the forms once")
    if table.duplicated(["concept", "variant"]).any():
        dup = table[table.duplicated(["concept", "variant"], keep=False)]
        raise ValueError(f"{path}: variants listed twice: {dup[['concept', 'variant']].values.tolist()}")
    return table


def naming_pattern(forms: str) -> re.Pattern:
    """Return one regex for all the ``|``-separated forms of a variant, the longest form first."""
    words = sorted((form.strip() for form in forms.split("|") if form.strip()), key=lambda f: (-len(f), f))
    return re.compile("|".join(f"(?:{term_pattern(form).pattern})" for form in words), re.IGNORECASE)


def naming_rates(
    sentences: pd.DataFrame,
    by: str = "voice",
    *,
    naming: pd.DataFrame | None = None,
    unit: str = "article_id",
    text: str = "text",
    n_boot: int = stats.N_BOOT,
    seed: int = stats.SEED,
    confidence: float = stats.CONFIDENCE,
) -> pd.DataFrame:
    """Return how often each group uses each variant, per 10,000 words, with an interval.

    Words are ``tokens``; a variant's ``except`` phrases are not counted for it
    (:func:`read_naming`). The interval is a percentile bootstrap over the group's articles (a
    group's uses cluster in the articles that discuss the topic). With no use at all the bootstrap
    cannot move, so the upper bound is the exact Poisson one for zero events and the row says so.
    Columns: concept, variant, group, hits, articles_with, words, rate, low, high, interval.
    """
    naming = read_naming() if naming is None else naming
    frame = sentences[[unit, by, text]].dropna(subset=[text])
    texts = frame[text].astype(object)
    words = texts.map(lambda t: len(tokens(t))).to_numpy()
    exceptions = naming["except"] if "except" in naming.columns else pd.Series("", index=naming.index)

    def count(forms, excluded):
        found = texts.str.count(naming_pattern(forms)).to_numpy()
        if excluded.strip():  # each excluded phrase holds one form: take its matches back out
            found = found - texts.str.count(naming_pattern(excluded)).to_numpy()
        return found

    hits = np.column_stack([count(f, e) for f, e in zip(naming["forms"], exceptions)]) if len(naming) else np.zeros((len(frame), 0))
    per_unit = pd.DataFrame(hits, columns=range(hits.shape[1])).assign(words=words, unit=frame[unit].to_numpy(), group=frame[by].to_numpy())
    per_unit = per_unit.groupby(["group", "unit"], sort=True).sum().reset_index()
    tail = (1 - confidence) / 2
    zero_upper = chi2.ppf(1 - tail, 2) / 2  # exact Poisson upper bound for 0 events (3.69 at 95%)
    rows = []
    rng = np.random.default_rng(seed)
    for group, block in per_unit.groupby("group", sort=True):
        h = block[list(range(hits.shape[1]))].to_numpy(dtype=float)
        w = block["words"].to_numpy(dtype=float)
        n = len(block)
        draws = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(n_boot)]).astype(float)
        boot = (draws @ h) / (draws @ w)[:, None] * PER_WORDS
        low, high = np.quantile(boot, [tail, 1 - tail], axis=0)
        total_words = w.sum()
        for v, row in enumerate(naming.itertuples(index=False)):
            total = h[:, v].sum()
            rate = total / total_words * PER_WORDS
            if total == 0:
                interval, lo, hi = "Poisson upper bound (no use)", 0.0, zero_upper / total_words * PER_WORDS
            else:
                interval, lo, hi = "article bootstrap", low[v], high[v]
            rows.append((row.concept, row.variant, group, int(total), int((h[:, v] > 0).sum()), int(total_words), rate, lo, hi, interval))
    columns = ["concept", "variant", "group", "hits", "articles_with", "words", "rate", "low", "high", "interval"]
    out = pd.DataFrame(rows, columns=columns)
    order = {(c, v): i for i, (c, v) in enumerate(zip(naming["concept"], naming["variant"]))}
    out["_order"] = [order[(c, v)] for c, v in zip(out["concept"], out["variant"])]
    return out.sort_values(["_order", "group"], kind="mergesort").drop(columns="_order").reset_index(drop=True)


def __getattr__(name):
    # The drawing functions live in presslens.plots (plotting is kept apart from the statistics);
    # they stay reachable here, as notebook 03 and older code call them.
    if name in ("plot_log_odds", "plot_naming"):
        from presslens import plots

        return getattr(plots, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
