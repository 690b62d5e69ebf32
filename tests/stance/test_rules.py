"""The cue lexicons and the rule baseline."""
import numpy as np
import pandas as pd
import pytest

from presslens import stance


def test_rule_baseline_gets_the_guideline_examples_right(guideline):
    for text, target, label in guideline:
        assert stance.rule_predict([text], target) == [label], text


def test_rule_baseline_reads_negation_and_ignores_texts_without_the_target():
    assert stance.rule_predict(["Russia is not an aggressor, he said."], "Russia") == ["FAVOR"]
    assert stance.rule_predict(["The army shelled Kharkiv."], "Russia") == ["NONE"]


def _reference_cue_counts(texts, target):
    # The definition: each cue pattern (IGNORECASE) run with finditer over the target's clause and
    # over the sentence, a match with a negation in the 30 characters before it counted as negated.
    spans = stance._spans(texts, target)
    rows = []
    for text, text_spans in zip(texts, spans):
        row = {"mentions": len(text_spans), "first_person": len(stance._FIRST_PERSON.findall(text))}
        windows = " | ".join(stance._windows(text, text_spans)) if text_spans else ""
        for name, pattern in stance._CUE_PATTERNS.items():
            for scope, body in (("win", windows), ("all", text)):
                plain = negated = 0
                for match in pattern.finditer(body):
                    if stance._NEGATION.search(body[max(0, match.start() - 30):match.start()]):
                        negated += 1
                    else:
                        plain += 1
                row[f"{scope}_{name}"], row[f"{scope}_neg_{name}"] = plain, negated
        rows.append(row)
    return pd.DataFrame(rows)


SPECIAL_TEXTS = [
    "The Ru\u017f\u017fian troops \u017fhelled Kharkiv; NATO did not help.",  # long s: IGNORECASE reads "s"
    "\u0130stanbul talks: Russia's attack was condemned, not supported, by NATO allies.",
    "Russia will never stop the war against Ukraine, we are told; NATO expansion to our borders.",
    "NATO-led sanctions-busting? Russia's war crimes, war against Kyiv and Russian troops.",
]


@pytest.mark.parametrize("target", ["NATO", "Russia"])
def test_fast_cue_counts_equal_the_definition(study, target):
    texts = study.sentences["text"].tolist()
    named = sorted(set(stance.targets_module.mentions(texts, target)["text_index"]))
    sample = [texts[i] for i in named[:4000]] + SPECIAL_TEXTS
    pd.testing.assert_frame_equal(stance.cue_counts(sample, target), _reference_cue_counts(sample, target))


def test_cue_counts_of_the_special_texts():
    counts = stance.cue_counts(SPECIAL_TEXTS[:1], "Russia").iloc[0]
    assert counts["mentions"] == 0  # "Ruſſian" is not the case-sensitive alias "Russian"...
    assert counts["all_harm"] == 2  # ...but the IGNORECASE cues read "Russian troops" and "shelled"
    assert counts["all_neg_support"] == 1  # "not help"


def test_a_cue_whose_first_word_is_not_a_word_is_refused():
    with pytest.raises(ValueError, match="first word"):
        stance._first_words(r"attack\w*|\(sic\) war")
