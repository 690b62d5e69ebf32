"""Stance toward NATO and Russia: the annotations, a rule baseline, a supervised model, evaluation.

The construct is the project's annotation guideline (``docs/stance-guideline.md``, after
``shared/docs/stance-annotation-guideline.md``): for a sentence and a target, FAVOR, AGAINST or
NONE, the stance the sentence conveys, quoted speakers included.

- :func:`load_annotations` joins the annotations in ``data/stance-annotations.csv`` (sentence IDs,
  two independent labels, the adjudicated label, the holder; no third-party text) with the
  sentences of the cached corpus, checking each sentence's text against a stored hash.
- :func:`rule_predict` is the transparent baseline: cue lexicons around the target (harm and threat
  words, sanctions, support and partnership words), with negation.
- :func:`predict` and :func:`predict_proba` use a logistic regression on TF-IDF n-grams of the
  sentence with the target marked, plus the cue counts and VADER scores, trained deterministically
  on all annotations at first use (a few seconds; nothing pickled).
- :func:`cross_validate` gives out-of-fold predictions grouped by article, :func:`scores` the
  SemEval-2016 F_avg (mean F1 of FAVOR and AGAINST; Mohammad et al. 2016) and macro-F1 with
  bootstrap intervals.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import numpy as np
import pandas as pd
from scipy import sparse

from presslens import paths, sentiment, stats
from presslens import targets as targets_module
from presslens.corpus import join_sentences, text_hash

LABELS = ("FAVOR", "AGAINST", "NONE")
TARGETS = ("NATO", "Russia")
ANNOTATION_FILE = paths.DATA_DIR / "stance-annotations.csv"
ANNOTATION_COLUMNS = [
    "sentence_id", "target", "voice", "label", "holder", "label_a", "holder_a", "label_b", "holder_b",
    "adjudicated", "reason", "text_sha1", "text", "sample",
]
SAMPLES = ("random", "guided")  # drawn at random within voice and target / picked to enrich FAVOR
# Where annotated sentences come from: a corpus voice -> the source that load() reads.
SOURCE_OF_VOICE = {
    "Kremlin": "kremlin", "Ukrainian presidency": "ukraine_president", "Guardian": "guardian", "NYT": "nyt",
}
SEED = stats.SEED


def canonical_target(target) -> str:
    """Return "NATO" or "Russia" for a target name in any case; anything else is a ValueError."""
    if not isinstance(target, str) or target.lower() not in {t.lower() for t in TARGETS}:
        raise ValueError(f"target must be one of {TARGETS} (any case), not {target!r}")
    return {t.lower(): t for t in TARGETS}[target.lower()]


# --- the annotations -------------------------------------------------------------------------


def read_annotations(path=None) -> pd.DataFrame:
    """Return the annotation file, checked: known targets and labels, one row per sentence and target.

    A bad row raises a ValueError that names the file and line.
    """
    path = path or ANNOTATION_FILE
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(ANNOTATION_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if row.target not in TARGETS:
            raise ValueError(f"{path}:{line}: unknown target {row.target!r}")
        for column in ("label", "label_a", "label_b"):
            if getattr(row, column) not in LABELS:
                raise ValueError(f"{path}:{line}: {column} {getattr(row, column)!r} is not one of {LABELS}")
        if row.sample not in SAMPLES:
            raise ValueError(f"{path}:{line}: sample {row.sample!r} is not one of {SAMPLES}")
        if not re.fullmatch(r"[0-9a-f]{12}", row.text_sha1):
            raise ValueError(f"{path}:{line}: text_sha1 {row.text_sha1!r} is not a 12-digit hash")
    duplicated = table.duplicated(["sentence_id", "target"], keep=False)
    if duplicated.any():
        line = int(np.flatnonzero(duplicated)[0]) + 2
        raise ValueError(f"{path}:{line}: sentence {table.loc[line - 2, 'sentence_id']} is annotated twice for one target")
    table["adjudicated"] = table["adjudicated"].eq("yes")
    return table


@dataclass
class Annotations:
    """Annotated pairs with their sentence text, and the rows that could not be joined (with why)."""

    table: pd.DataFrame
    skipped: pd.DataFrame


def load_annotations(corpus=None, *, path=None) -> Annotations:
    """Return the annotations joined with their sentences' text, voice, date and article.

    ``corpus`` defaults to the four study sources (fetched or cached) plus the seed sample. A row
    whose sentence is missing or whose text no longer matches its hash is not used: it is listed in
    ``skipped`` with the reason. The seed's rows carry their own text.
    """
    import presslens

    table = read_annotations(path)
    if corpus is None:
        corpus = presslens.load([*SOURCE_OF_VOICE.values(), "sample"])
    joined, skipped = join_sentences(table, corpus.sentences, keys=["sentence_id", "target"])
    return Annotations(joined, skipped)


def cohen_kappa(first, second, labels=LABELS) -> float:
    """Return Cohen's kappa of two annotators' labels: (observed - chance) / (1 - chance).

    >>> cohen_kappa(["A", "A", "B", "B"], ["A", "B", "B", "B"], labels=("A", "B"))  # (0.75 - 0.5) / 0.5
    0.5
    """
    first, second = np.asarray(first), np.asarray(second)
    observed = np.mean(first == second)
    chance = sum(np.mean(first == label) * np.mean(second == label) for label in labels)
    return float((observed - chance) / (1 - chance))


def agreement(table: pd.DataFrame, *, by=None, n_boot: int = stats.N_BOOT) -> pd.DataFrame:
    """Return the two passes' agreement: n, observed agreement and Cohen's kappa with a 95% interval
    that resamples articles (the cluster bootstrap; ``table`` needs ``article_id``)."""
    groups = [("all", table)] if by is None else list(table.groupby(by, sort=True))
    rows = []
    for key, block in groups:
        kappa = stats.bootstrap_ci(cohen_kappa, block["label_a"].to_numpy(), block["label_b"].to_numpy(),
                                   clusters=block["article_id"].to_numpy(), n_boot=n_boot)
        observed = float(np.mean(block["label_a"].to_numpy() == block["label_b"].to_numpy()))
        rows.append((key, len(block), observed, *kappa))
    return pd.DataFrame(rows, columns=[by or "pairs", "n", "observed", "kappa", "low", "high"])


# --- cues and the rule baseline ----------------------------------------------------------------

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


# --- the supervised model ----------------------------------------------------------------------

TARGET_TOKEN, OTHER_TOKEN = "xxtarget", "xxother"


def mark_target(texts, target, *, found=None) -> list[str]:
    """Return the texts with each mention of the target replaced by a marker, the other target's by another.

    ``found`` is the :func:`presslens.targets.mentions` table of ``texts`` for both targets, if
    already at hand.

    >>> mark_target(["Putin said NATO's expansion threatens Russia."], "NATO")
    ['xxother said xxtarget expansion threatens xxother.']
    """
    target = canonical_target(target)
    texts = sentiment.check_texts(texts)
    if found is None:
        found = targets_module.mentions(texts, list(TARGETS))
    out = list(texts)
    # From the last mention back, so that earlier offsets stay valid.
    for i, start, end, name in sorted(
        zip(found["text_index"].tolist(), found["start"].tolist(), found["end"].tolist(), found["target"].tolist()),
        key=lambda row: (row[0], -row[1]),
    ):
        if name in TARGETS:
            out[i] = out[i][:start] + (TARGET_TOKEN if name == target else OTHER_TOKEN) + out[i][end:]
    return out


def features(texts, target, *, found=None, compound=None) -> pd.DataFrame:
    """Return the model's input table: the marked text and the numeric features, per text.

    ``found`` (the :func:`presslens.targets.mentions` table of ``texts`` for NATO and Russia) and
    ``compound`` (:func:`presslens.sentiment.polarity` of ``texts``) may be passed by a caller
    that has them already, as the pipeline does; they are not recomputed then.
    """
    target = canonical_target(target)
    texts = sentiment.check_texts(texts)
    if found is None:
        found = targets_module.mentions(texts, list(TARGETS))
    spans = [[] for _ in texts]
    mine = found[found["target"] == target]
    for i, start, end in zip(mine["text_index"].tolist(), mine["start"].tolist(), mine["end"].tolist()):
        spans[i].append((start, end))
    windows = [_windows(t, s) for t, s in zip(texts, spans)]
    counts = _cue_table(texts, spans, windows)
    numeric = counts.add_prefix(f"{target}:")  # the same cue may mean different things per target
    numeric = pd.concat([numeric, counts.add_prefix("any:")], axis=1)
    compound = sentiment.polarity(texts) if compound is None else np.asarray(compound, dtype=float)
    score = sentiment.scorer().compound

    def window_score(i, window):  # a clause that is the whole sentence has the sentence's score
        return float(compound[i]) if window == texts[i] else score(window)

    # The mean over a text's windows, as sentiment.toward takes it (np.mean of one score is the score).
    numeric[f"{target}:vader_window"] = [
        window_score(i, ws[0]) if len(ws) == 1 else float(np.mean([window_score(i, w) for w in ws])) if ws else 0.0
        for i, ws in enumerate(windows)
    ]
    numeric[f"{target}:vader_sentence"] = compound
    marked = mark_target(texts, target, found=found)
    text_columns = pd.DataFrame(
        {
            "target": target,
            "marked": [f"xx{target.lower()} " + t for t in marked],
            "context": [context_tokens(t, target) for t in marked],
        },
        index=range(len(texts)),
    )
    return pd.concat([text_columns, numeric], axis=1)


_CONTEXT_WORD = re.compile(r"[\w'-]+")
CONTEXT_WORDS = 3


def context_tokens(marked: str, target: str) -> str:
    """Return the words next to each marked mention as position tokens, tagged with the target.

    >>> context_tokens("sanctions against xxtarget troops shelled it", "Russia")
    'russia_L2_sanctions russia_L1_against russia_R1_troops russia_R2_shelled russia_R3_it'
    """
    if "\u0130" in marked:  # İ lowercases to two characters, the second not a word character
        words = [w.lower() for w in _CONTEXT_WORD.findall(marked)]
    else:  # the same words, found in one pass over the lowercased text
        words = _CONTEXT_WORD.findall(marked.lower())
    out = []
    marks = [i for i, word in enumerate(words) if word == TARGET_TOKEN] if TARGET_TOKEN in words else []
    for i in marks:
        for k in range(CONTEXT_WORDS, 0, -1):
            if i - k >= 0:
                out.append(f"{target.lower()}_L{k}_{words[i - k]}")
        for k in range(1, CONTEXT_WORDS + 1):
            if i + k < len(words):
                out.append(f"{target.lower()}_R{k}_{words[i + k]}")
    return " ".join(out)


def _numeric_columns():
    template = cue_counts([""], "NATO").columns
    names = []
    for target in TARGETS:
        names += [f"{target}:{c}" for c in template] + [f"{target}:vader_window", f"{target}:vader_sentence"]
    return names + [f"any:{c}" for c in template]


# The solver is run to convergence, not to scikit-learn's default tolerance (1e-4). With lbfgs at that
# default the coefficients depended on the order of floating-point sums inside the optimiser, so the
# out-of-fold labels changed with the CPU's BLAS kernel (OpenBLAS Haswell vs SkylakeX: accuracy
# 0.68569 vs 0.68501 in cross-validation) and with a 1e-12 perturbation of the features. lbfgs stops
# on a relative change of the objective near machine precision long before its gradient is small;
# Newton-CG converges quadratically: it reaches a largest gradient entry of 1e-10 (of the mean loss) in
# a few iterations, where the probabilities under the two kernels agree to about 1e-8 while the
# closest call among the annotated items is 1.5e-4 apart. Below 1e-10 the line search meets rounding
# error (about sqrt(machine epsilon x the penalty)), so this is as tight as the arithmetic allows.
SOLVER = "newton-cg"
SOLVER_TOL = 1e-10
SOLVER_MAX_ITER = 1000


class _TargetModel:
    """One target's classifier: TF-IDF word 1-2-grams of the marked sentence, the words next to the
    target as position tokens, and the scaled cue and VADER features, into a class-balanced
    logistic regression."""

    def __init__(self, C, context_weight, numeric_weight):
        self.C, self.context_weight, self.numeric_weight = C, context_weight, numeric_weight

    def _matrix(self, frame, fit):
        numeric = frame.reindex(columns=self.numeric_columns_, fill_value=0.0).fillna(0.0).to_numpy(dtype=float)
        numeric = np.log1p(np.abs(numeric)) * np.sign(numeric)
        if fit:
            self.scale_ = numeric.std(axis=0) + 1e-9
            words = self.vectorizer_.fit_transform(frame["marked"])
            context = self.context_vectorizer_.fit_transform(frame["context"])
        else:
            words = self.vectorizer_.transform(frame["marked"])
            context = self.context_vectorizer_.transform(frame["context"])
        numeric = sparse.csr_matrix(numeric / self.scale_ * self.numeric_weight)
        return sparse.hstack([words, context * self.context_weight, numeric]).tocsr()

    def fit(self, frame, labels):
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        self.numeric_columns_ = _numeric_columns()
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, token_pattern=r"(?u)\b\w[\w'-]*\b")
        self.context_vectorizer_ = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True, min_df=2)
        self.classifier_ = LogisticRegression(
            C=self.C, class_weight="balanced", solver=SOLVER, tol=SOLVER_TOL, max_iter=SOLVER_MAX_ITER
        )
        matrix = self._matrix(frame, True)
        # One BLAS thread, and a solver that must reach its tolerance: a run that stops short raises
        # instead of returning coefficients that depend on the machine's summation order.
        with threadpool_limits(limits=1), warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("error", RuntimeWarning)  # scipy's LineSearchWarning is one
            warnings.filterwarnings("error", message="Line Search failed")  # newton-cg stopped short
            self.classifier_.fit(matrix, np.asarray(labels))
        return self

    def predict_proba(self, frame) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            probabilities = self.classifier_.predict_proba(self._matrix(frame, False))
        order = [list(self.classifier_.classes_).index(label) for label in LABELS]
        return probabilities[:, order]


class StanceModel:
    """A classifier per target (NATO and Russia read differently: "expansion" is against NATO, not
    Russia), each a class-balanced logistic regression over n-grams of the sentence with the target
    marked, the words next to the target, and the cue and VADER features. Deterministic: training
    involves no random state. Input: a :func:`features` table with its ``target`` column."""

    def __init__(self, C: float = 4.0, context_weight: float = 0.5, numeric_weight: float = 0.25):
        self.C = C
        self.context_weight = context_weight
        self.numeric_weight = numeric_weight

    def fit(self, frame: pd.DataFrame, labels):
        labels = np.asarray(labels)
        self.models_ = {}
        for target in TARGETS:
            rows = np.flatnonzero(frame["target"].to_numpy() == target)
            if len(rows):
                model = _TargetModel(self.C, self.context_weight, self.numeric_weight)
                self.models_[target] = model.fit(frame.iloc[rows], labels[rows])
        return self

    def predict_proba(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = np.zeros((len(frame), len(LABELS)))
        for target in TARGETS:
            rows = np.flatnonzero(frame["target"].to_numpy() == target)
            if len(rows):
                if target not in self.models_:
                    raise ValueError(f"the model was trained without any {target} examples")
                out[rows] = self.models_[target].predict_proba(frame.iloc[rows])
        return pd.DataFrame(out, columns=list(LABELS))

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        probabilities = self.predict_proba(frame)
        return probabilities.columns.to_numpy()[probabilities.to_numpy().argmax(axis=1)]


def annotation_features(table: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`features` for annotated rows (each row with its own target), in row order."""
    parts = []
    for target in TARGETS:
        rows = table.index[table["target"] == target]
        if len(rows):
            parts.append(features(table.loc[rows, "text"].tolist(), target).set_index(rows))
    return pd.concat(parts).loc[table.index].reset_index(drop=True)


def train(table: pd.DataFrame, **options) -> StanceModel:
    """Fit the model on annotated rows (columns ``text``, ``target``, ``label``)."""
    return StanceModel(**options).fit(annotation_features(table), table["label"].to_numpy())


@lru_cache(maxsize=1)
def _trained() -> StanceModel:
    return train(load_annotations().table)


def model() -> StanceModel:
    """Return the model trained on the project's annotations (trained once per process).

    Training needs the study corpus (cached or downloadable) to join the annotations' text.
    """
    return _trained()


def predict_proba(texts, target, *, model: StanceModel | None = None) -> pd.DataFrame:
    """Return the model's probabilities of FAVOR, AGAINST and NONE toward ``target``, one row per text.

    ``target`` is "NATO" or "Russia" (any case). The first call trains the model on the project's
    annotations (the corpus must be cached or downloadable), unless a trained ``model`` is given.
    """
    target = canonical_target(target)
    texts = sentiment.check_texts(texts)
    if not texts:
        return pd.DataFrame(columns=list(LABELS), dtype=float)
    return (model or _trained()).predict_proba(features(texts, target))


def predict(texts, target, *, model: StanceModel | None = None) -> list[str]:
    """Return "FAVOR", "AGAINST" or "NONE" toward ``target`` ("NATO" or "Russia") for each text."""
    probabilities = predict_proba(texts, target, model=model)
    return probabilities.columns.to_numpy()[probabilities.to_numpy().argmax(axis=1)].tolist() if len(probabilities) else []


# --- evaluation --------------------------------------------------------------------------------


def f_avg(gold, predicted) -> float:
    """Return SemEval-2016's F_avg: the mean of the F1 of FAVOR and of AGAINST (NONE is not averaged).

    >>> f_avg(["FAVOR", "AGAINST", "NONE", "AGAINST"], ["FAVOR", "NONE", "NONE", "AGAINST"])  # (1 + 2/3) / 2
    0.8333333333333333
    """
    return stats.macro_f1(gold, predicted, labels=("FAVOR", "AGAINST"))


def macro_f1(gold, predicted) -> float:
    """Return the macro-F1 over FAVOR, AGAINST and NONE."""
    return stats.macro_f1(gold, predicted, labels=LABELS)


def vader_stance(texts, threshold: float = 0.05) -> np.ndarray:
    """Sentence-level VADER read as stance: positive -> FAVOR, negative -> AGAINST, else NONE."""
    compound = sentiment.polarity(texts)
    return np.where(compound >= threshold, "FAVOR", np.where(compound <= -threshold, "AGAINST", "NONE"))


def cross_validate(table: pd.DataFrame, *, n_splits: int = 5, seed: int = SEED, **options) -> pd.DataFrame:
    """Return out-of-fold predictions of every method, folds grouped by article.

    No sentence of a test article is in its training folds (scikit-learn's StratifiedGroupKFold,
    shuffled with ``seed``). Columns: the table's, ``fold``, then one per method: ``model``,
    ``rules``, ``sentence VADER``, ``always AGAINST``, and the model's probabilities ``p_*``.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    table = table.reset_index(drop=True)
    frame = annotation_features(table)
    labels = table["label"].to_numpy()
    out = table.copy()
    out["fold"] = -1
    out["model"] = ""
    for label in LABELS:
        out[f"p_{label}"] = np.nan
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for fold, (train_rows, test_rows) in enumerate(folds.split(frame, labels, table["article_id"])):
        model = StanceModel(**options).fit(frame.iloc[train_rows], labels[train_rows])
        probabilities = model.predict_proba(frame.iloc[test_rows])
        out.loc[test_rows, "fold"] = fold
        out.loc[test_rows, "model"] = probabilities.columns.to_numpy()[probabilities.to_numpy().argmax(axis=1)]
        for label in LABELS:
            out.loc[test_rows, f"p_{label}"] = probabilities[label].to_numpy()
    out["rules"] = ""
    for target in TARGETS:
        rows = out.index[out["target"] == target]
        out.loc[rows, "rules"] = rule_predict(out.loc[rows, "text"].tolist(), target)
    out["sentence VADER"] = vader_stance(out["text"].tolist())
    out["always AGAINST"] = "AGAINST"
    return out


METHOD_COLUMNS = ("model", "rules", "sentence VADER", "always AGAINST")


def scores(predictions: pd.DataFrame, *, by=None, methods=METHOD_COLUMNS, n_boot: int = stats.N_BOOT) -> pd.DataFrame:
    """Return F_avg and macro-F1 per method (and per ``by`` group) with 95% intervals from the cluster
    bootstrap: the articles in ``article_id`` are resampled, each with all its items. A resample
    that lacks a class has no F_avg (:func:`presslens.stats.macro_f1`); past 1% of such draws the
    interval is NaN."""
    groups = [("all", predictions)] if by is None else list(predictions.groupby(by, sort=True))
    rows = []
    for key, block in groups:
        gold = block["label"].to_numpy()
        articles = block["article_id"].to_numpy()
        for method in methods:
            guess = block[method].to_numpy()
            fav = stats.bootstrap_ci(f_avg, gold, guess, clusters=articles, n_boot=n_boot)
            mac = stats.bootstrap_ci(macro_f1, gold, guess, clusters=articles, n_boot=n_boot)
            rows.append((key, method, len(block), *fav, *mac))
    columns = [by or "items", "method", "n", "F_avg", "F_avg low", "F_avg high", "macro-F1", "macro-F1 low", "macro-F1 high"]
    return pd.DataFrame(rows, columns=columns)


def confusion(gold, predicted) -> pd.DataFrame:
    """Return the confusion matrix: rows the gold label, columns the predicted one."""
    table = pd.crosstab(pd.Series(gold, name="gold"), pd.Series(predicted, name="predicted"))
    return table.reindex(index=list(LABELS), columns=list(LABELS), fill_value=0)


def share_ci(labels, label: str, clusters=None, *, n_boot: int = stats.N_BOOT, seed: int = SEED):
    """Return ``(share, low, high)`` of ``label`` among ``labels`` with a bootstrap 95% interval that
    resamples the articles in ``clusters`` (one per label); without them, labels are resampled
    one by one, which is right only for independent items."""
    return stats.mean_ci(np.asarray(labels) == label, clusters, n_boot=n_boot, seed=seed)


@lru_cache(maxsize=1)
def _out_of_fold() -> pd.Series:
    predictions = cross_validate(load_annotations().table)
    return predictions.set_index(["sentence_id", "target"])["model"]


def random_gold(frame: pd.DataFrame, annotations: pd.DataFrame | None = None) -> np.ndarray:
    """Return, for each row of ``frame`` (``sentence_id``, ``target``), the annotators' label where
    the pair is in the random annotated sample, and NaN elsewhere (pairs picked to enrich FAVOR are
    not a random sample, so they are left out). This is the gold column that
    :func:`presslens.stats.corrected_means` takes."""
    table = load_annotations().table if annotations is None else annotations
    gold = table[table["sample"] == "random"].set_index(["sentence_id", "target"])["label"]
    keys = pd.MultiIndex.from_arrays([frame["sentence_id"], frame["target"]])
    return gold.reindex(keys).to_numpy(dtype=object)


def held_out_labels() -> pd.Series:
    """Return the model's out-of-fold label for every annotated sentence and target.

    The model trains on the annotated sentences, so its label for one of them is not a prediction.
    Where a sentence was annotated, aggregates should use this label: the one given by a model
    that did not train on the sentence's article.
    """
    return _out_of_fold().copy()
