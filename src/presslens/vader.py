"""VADER's compound score, exactly as nltk computes it, without nltk's per-sentence overhead.

nltk's ``SentimentIntensityAnalyzer.polarity_scores`` spends about three quarters of its time in
``SentiText._words_plus_punc``: for every sentence it builds a table of each of the sentence's words
joined with each of 17 punctuation marks, only to strip a mark from the start or end of a token.
:class:`Scorer` gives the same ``compound`` with the same rules and the same floating-point
operations in the same order:

- Tokens are the whitespace tokens longer than one character. A token made of a mark from nltk's
  ``PUNC_LIST`` followed by a word with no ASCII punctuation (or such a word followed by a mark)
  becomes the word, if the word is longer than one character: what nltk's table does, without
  building it. Anything else is kept as it is ("(NATO)" stays "(NATO)", as in nltk).
- What a token becomes, its lowercase form, its lexicon valence and whether it is all capitals
  depend on the token alone, so they are worked out once per distinct token and remembered (a
  memo of at most :data:`MEMO_SIZE` tokens, emptied when full). Sentences are never memoised.
- Only tokens found in the lexicon get a valence; every other token adds 0 to nltk's sum, and
  adding 0 leaves a float unchanged, so the sum runs over the lexicon tokens in sentence order.
- nltk's rules are copied line for line with their quirks: a repeated token gets the valence
  worked out at its first occurrence; the "never so" check is case-sensitive; idioms are matched
  in the original case; "but" halves what comes before and multiplies what follows by 1.5.

``tests/test_vader.py`` checks the scores against nltk on every study and NewsMTSC sentence and on
generated sentences full of the rules' edge cases; ``benchmarks/throughput.py`` reports the
largest difference (0).
"""
from __future__ import annotations

import math
import operator
import string
from itertools import compress

from nltk.sentiment.vader import VaderConstants

B_INCR, B_DECR, C_INCR, N_SCALAR = (VaderConstants.B_INCR, VaderConstants.B_DECR, VaderConstants.C_INCR,
                                    VaderConstants.N_SCALAR)
NEGATE = frozenset(VaderConstants.NEGATE)
BOOSTER = dict(VaderConstants.BOOSTER_DICT)
IDIOMS = dict(VaderConstants.SPECIAL_CASE_IDIOMS)
PUNCTUATION = frozenset(string.punctuation)  # what nltk's REGEX_REMOVE_PUNCTUATION removes
MARKS = frozenset(VaderConstants.PUNC_LIST)
MEMO_SIZE = 500_000
# First words of the multi-word idioms and boosters, the only sequences _idioms_check can match.
SEQUENCE_STARTS = frozenset(key.split(" ")[0] for key in (*IDIOMS, *BOOSTER) if " " in key)
# Words that no rule reacts to when they come before a lexicon word (see _is_plain).
_RULE_WORDS = frozenset({"never", "so", "this"})
# What the memo holds per token: the word nltk makes of it, its lowercase form, whether that is in
# the lexicon, whether the word is all capitals, whether it is plain (see _is_plain), whether it is
# "but", and its lexicon valence if it is a simple lexicon word (not a booster, "kind", or the
# first word of an idiom), else None.
# The last field says whether nltk keeps the token (longer than one character).
_SHORT = (None, None, False, False, True, False, None, False)  # a token of one character (dropped)
_WORD_OF, _LOWER_OF, _IN_LEXICON, _UPPER_OF, _PLAIN_OF, _IS_BUT, _, _KEPT = (operator.itemgetter(k) for k in range(8))


def _is_plain(word: str, lower: str) -> bool:
    """True if no rule reacts to ``word`` before a lexicon word: not a booster, a negation,
    "least", "never", "so" or "this", nor the first word of an idiom or multi-word booster.
    Three plain words before a lexicon word leave its valence as the lexicon gives it."""
    return not (lower in BOOSTER or _negated(lower) or lower == "least" or word in _RULE_WORDS
                or word in SEQUENCE_STARTS)


def strip_token(token: str) -> str:
    """Return what nltk's ``SentiText`` makes of a token longer than one character.

    >>> [strip_token(t) for t in ["Ukraine.", '"war', "!!ok", "?!ok", "(NATO)", "U.S.", "a.", ":)"]]
    ['Ukraine', 'war', 'ok', '?!ok', '(NATO)', 'U.S.', 'a.', ':)']
    """
    n = len(token)
    lead = 0
    while lead < n and token[lead] in PUNCTUATION:
        lead += 1
    if lead == n:  # all punctuation (an emoticon): no word to strip to
        return token
    if lead:
        word = token[lead:]
        if token[:lead] in MARKS and len(word) > 1 and not any(ch in PUNCTUATION for ch in word):
            return word
        return token
    end = n
    while token[end - 1] in PUNCTUATION:
        end -= 1
    if end < n:
        word = token[:end]
        if token[end:] in MARKS and len(word) > 1 and not any(ch in PUNCTUATION for ch in word):
            return word
    return token


def _negated(word_lower: str) -> bool:
    # nltk's VaderConstants.negated([word]) for one word: a negation word or any "n't".
    return word_lower in NEGATE or "n't" in word_lower


def _scalar_inc_dec(word: str, word_lower: str, valence, is_cap_diff: bool):
    scalar = 0.0
    if word_lower in BOOSTER:
        scalar = BOOSTER[word_lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and is_cap_diff:
            if valence > 0:
                scalar += C_INCR
            else:
                scalar -= C_INCR
    return scalar


def _never_check(valence, words, lowers, start_i: int, i: int):
    if start_i == 0:
        if _negated(lowers[i - 1]):
            valence = valence * N_SCALAR
    if start_i == 1:
        if words[i - 2] == "never" and (words[i - 1] == "so" or words[i - 1] == "this"):
            valence = valence * 1.5
        elif _negated(lowers[i - (start_i + 1)]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if (
            words[i - 3] == "never" and (words[i - 2] == "so" or words[i - 2] == "this")
            or (words[i - 1] == "so" or words[i - 1] == "this")
        ):
            valence = valence * 1.25
        elif _negated(lowers[i - (start_i + 1)]):
            valence = valence * N_SCALAR
    return valence


def _idioms_check(valence, words, i: int):
    onezero = f"{words[i - 1]} {words[i]}"
    twoonezero = f"{words[i - 2]} {words[i - 1]} {words[i]}"
    twoone = f"{words[i - 2]} {words[i - 1]}"
    threetwoone = f"{words[i - 3]} {words[i - 2]} {words[i - 1]}"
    threetwo = f"{words[i - 3]} {words[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in IDIOMS:
            valence = IDIOMS[seq]
            break
    if len(words) - 1 > i:
        zeroone = f"{words[i]} {words[i + 1]}"
        if zeroone in IDIOMS:
            valence = IDIOMS[zeroone]
    if len(words) - 1 > i + 1:
        zeroonetwo = f"{words[i]} {words[i + 1]} {words[i + 2]}"
        if zeroonetwo in IDIOMS:
            valence = IDIOMS[zeroonetwo]
    if threetwo in BOOSTER or twoone in BOOSTER:
        valence = valence + B_DECR
    return valence


def _least_check(valence, lowers, lexicon, i: int):
    if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        if lowers[i - 2] != "at" and lowers[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


class Scorer:
    """VADER's ``compound`` for a lexicon (a dict of lowercase word -> valence), equal to nltk's.

    >>> from presslens import sentiment
    >>> scorer = Scorer(sentiment.analyzer().lexicon)
    >>> [scorer.compound(t) for t in ["NATO is a great partner.", "Russia attacked Ukraine.", "Not bad at all!!"]]
    [0.6249, -0.4588, 0.5321]
    """

    def __init__(self, lexicon: dict):
        self.lexicon = lexicon
        self._memo = _Memo(self)

    def forget(self) -> None:
        """Empty the token memo (benchmarks use this so that every timed run starts cold)."""
        self._memo.clear()

    def _learn(self, token: str):
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        if len(token) < 2:
            info = _SHORT  # nltk drops tokens of one character
        else:
            word = strip_token(token)
            lower = word.lower()
            in_lexicon = lower in self.lexicon
            simple = in_lexicon and lower not in BOOSTER and lower != "kind" and word not in SEQUENCE_STARTS
            info = (word, lower, in_lexicon, word.isupper(), _is_plain(word, lower), lower == "but",
                    self.lexicon[lower] if simple else None, True)
        self._memo[token] = info
        return info

    def compound(self, text: str) -> float:
        """Return the compound score of one text (nltk's ``polarity_scores(text)["compound"]``)."""
        infos = list(filter(_KEPT, map(self._memo.__getitem__, text.split())))
        if not any(map(_IN_LEXICON, infos)):
            return 0.0  # every valence is 0: nltk's compound is 0/sqrt(15) = 0.0
        return self._score(infos, text)

    def compounds(self, texts) -> list[float]:
        """Return :meth:`compound` for each text."""
        compound = self.compound
        return [compound(t) for t in texts]

    def _score(self, infos: list, text: str) -> float:
        """nltk's compound for the kept tokens of ``text`` (at least one in the lexicon)."""
        n = len(infos)
        capitals = sum(map(_UPPER_OF, infos))
        is_cap_diff = 0 < n - capitals < n
        first_valence = {}
        values = []
        hits = list(compress(range(n), map(_IN_LEXICON, infos)))
        words = None
        for j in hits:
            info = infos[j]
            valence = first_valence.get(info[0])
            if valence is None:
                # Hits come in sentence order, so j is the word's first occurrence: where nltk
                # works out the valence of every occurrence.
                valence = info[6]
                if valence is not None and all(map(_PLAIN_OF, infos[max(0, j - 3):j])):
                    # No booster, negation, "never so", idiom, "kind of" or "least" applies:
                    # nltk's checks would add 0.0 (no change to a float) to the lexicon valence.
                    if info[3] and is_cap_diff:
                        if valence > 0:
                            valence += C_INCR
                        else:
                            valence -= C_INCR
                else:
                    if words is None:
                        words, lowers = list(map(_WORD_OF, infos)), list(map(_LOWER_OF, infos))
                    valence = self._valence(words, lowers, j, is_cap_diff)
                first_valence[info[0]] = valence
            values.append(valence)
        if any(map(_IS_BUT, infos)):
            bi = list(map(_IS_BUT, infos)).index(True)
            for k, j in enumerate(hits):
                if j < bi:
                    values[k] = values[k] * 0.5
                elif j > bi:
                    values[k] = values[k] * 1.5
        sum_s = float(sum(values))
        if sum_s > 0 or sum_s < 0:
            ep_count = min(text.count("!"), 4)
            qm_count = text.count("?")
            qm_amplifier = 0
            if qm_count > 1:
                qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
            amplifier = ep_count * 0.292 + qm_amplifier
            if sum_s > 0:
                sum_s += amplifier
            else:
                sum_s -= amplifier
        return round(sum_s / math.sqrt((sum_s * sum_s) + 15), 4)

    def _valence(self, words, lowers, i: int, is_cap_diff: bool):
        """nltk's ``sentiment_valence`` for the lexicon word at ``i``, rule by rule."""
        lexicon = self.lexicon
        lower = lowers[i]
        if (i < len(words) - 1 and lower == "kind" and lowers[i + 1] == "of") or lower in BOOSTER:
            return 0
        valence = lexicon[lower]
        if words[i].isupper() and is_cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(0, 3):
            before = i - (start_i + 1)
            if i > start_i and lowers[before] not in lexicon:
                s = _scalar_inc_dec(words[before], lowers[before], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _never_check(valence, words, lowers, start_i, i)
                if start_i == 2:
                    valence = _idioms_check(valence, words, i)
        return _least_check(valence, lowers, lexicon, i)



class _Memo(dict):
    """Token -> what the scorer needs to know about it; a new token is worked out on first sight."""

    def __init__(self, scorer: Scorer):
        super().__init__()
        self.scorer = scorer

    def __missing__(self, token: str):
        return self.scorer._learn(token)
