"""The model's inputs: the marked sentence, the context tokens, the embeddings."""
import numpy as np
import pandas as pd
import pytest

from presslens import stance


def test_mark_target_and_context_tokens():
    marked = stance.mark_target(["Russia's troops shelled the city; NATO condemned it."], "russia")
    assert marked == ["xxtarget troops shelled the city; xxother condemned it."]
    assert stance.context_tokens(marked[0], "Russia").split()[:2] == ["russia_R1_troops", "russia_R2_shelled"]


def test_context_tokens_keep_a_dotted_capital_i_whole():
    # "İ" lowercases to "i" plus a combining dot; the word must stay one word, as in the definition.
    assert stance.context_tokens("\u0130stanbul xxtarget said", "NATO") == "nato_L1_i\u0307stanbul nato_R1_said"
    assert stance.context_tokens("no mark here", "NATO") == ""
