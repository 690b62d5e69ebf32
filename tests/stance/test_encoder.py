"""The NumPy encoder against sentence-transformers' own output, and what makes its vectors repeatable."""
import json
from pathlib import Path

import numpy as np
import pytest

from presslens.stance import encoder

REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "minilm-reference.json").read_text())


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    monkeypatch.setenv(encoder.CACHE_ENV, "")


def test_sentence_embeddings_equal_sentence_transformers_output():
    # The reference is float32 (torch); the encoder is float64: agreement to float32's precision.
    mine = encoder.embed(REFERENCE["texts"])
    theirs = np.array(REFERENCE["sentence"])
    assert mine.shape == theirs.shape == (7, 384)
    assert np.abs(mine - theirs).max() < 1e-6
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0)


def test_token_states_equal_sentence_transformers_token_embeddings():
    _, _, tokenizer = encoder._load()
    for text, theirs in zip(REFERENCE["token_texts"], REFERENCE["tokens"]):
        states = encoder.token_states(np.array(tokenizer.encode(text).ids))
        assert states.shape == np.array(theirs).shape
        assert np.abs(states - np.array(theirs)).max() < 1e-5


def test_the_comparison_can_fail():
    """The control: a plausible slip (the tanh approximation of GELU, as GPT-2 has it) is caught."""
    exact = encoder._gelu

    def tanh_gelu(x):
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))

    encoder._gelu = tanh_gelu
    try:
        wrong = encoder.embed(REFERENCE["texts"][:3])
    finally:
        encoder._gelu = exact
    assert np.abs(wrong - np.array(REFERENCE["sentence"][:3])).max() > 1e-5


def test_long_texts_are_cut_at_256_tokens_as_sentence_transformers_does():
    long_text = REFERENCE["texts"][-1]
    _, _, tokenizer = encoder._load()
    assert len(tokenizer.encode(long_text).ids) == encoder.MAX_TOKENS
    assert np.abs(encoder.embed([long_text])[0] - np.array(REFERENCE["sentence"][-1])).max() < 1e-6


def test_the_target_vector_is_the_mean_of_the_target_tokens_states():
    text = "Russian troops shelled residential areas of Kharkiv."
    _, _, tokenizer = encoder._load()
    encoding = tokenizer.encode(text)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # as pair_vectors runs it
        states = encoder.token_states(np.array(encoding.ids))
    inside = [i for i, (a, b) in enumerate(encoding.offsets) if a < 7 and b > 0 and not encoding.special_tokens_mask[i]]
    assert inside == [1]  # "russian" is one token
    vectors = encoder.pair_vectors([text], [[(0, 7)]])
    assert np.array_equal(vectors[0, encoder.DIM:], states[1])
    # No mention: the mean of the sentence's own tokens.
    vectors = encoder.pair_vectors([text], [[]])
    assert np.allclose(vectors[0, encoder.DIM:], states[1:-1].mean(axis=0))


def test_a_texts_vectors_do_not_depend_on_the_other_texts_in_the_call():
    texts = REFERENCE["texts"]
    together = encoder.embed(texts)
    alone = np.vstack([encoder.embed([t]) for t in reversed(texts)])[::-1]
    assert np.array_equal(together, alone)


def test_the_vectors_do_not_depend_on_the_number_of_blas_threads(monkeypatch):
    from threadpoolctl import threadpool_limits

    texts = REFERENCE["texts"][:4]
    with threadpool_limits(limits=2):
        two = encoder.embed(texts)
    with threadpool_limits(limits=1):
        one = encoder.embed(texts)
    assert np.array_equal(one, two)


def test_the_thread_test_can_fail_without_the_pin_to_one_thread(monkeypatch):
    """The control: let OpenBLAS use two threads inside the encoder, and the last bits move."""
    from threadpoolctl import threadpool_info, threadpool_limits

    if max(pool["num_threads"] for pool in threadpool_info()) < 2:
        pytest.fail("this machine runs BLAS on one thread: the control cannot show anything here")
    texts = REFERENCE["texts"][:4]
    one = encoder.embed(texts)
    monkeypatch.setattr("threadpoolctl.threadpool_limits", lambda limits=None, **_: threadpool_limits(limits=2))
    two = encoder.embed(texts)
    assert not np.array_equal(one, two)
    assert np.abs(one - two).max() < 1e-12


def test_the_cache_returns_the_same_vectors_and_keys_on_the_spans(monkeypatch, tmp_path):
    monkeypatch.setenv(encoder.CACHE_ENV, str(tmp_path))
    texts = ["NATO is not a threat to anyone.", "Russia and NATO met."]
    spans = [[(0, 4)], [(11, 15)]]
    first = encoder.pair_vectors(texts, spans)
    assert encoder.cache_file().exists()
    calls = []
    monkeypatch.setattr(encoder, "_vectors", lambda *a: calls.append(a) or np.zeros(2 * encoder.DIM))
    assert np.array_equal(encoder.pair_vectors(texts, spans), first)
    assert calls == []
    other = encoder.pair_vectors(texts[1:], [[(0, 6)]])  # the same text, another target: computed anew
    assert len(calls) == 1 and not np.array_equal(other[0], first[1])


def test_an_unwritable_cache_folder_still_gives_the_vectors(monkeypatch, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(encoder.CACHE_ENV, str(blocked))
    assert encoder.embed(["NATO"]).shape == (1, 384)


def test_span_lists_must_match_the_texts():
    with pytest.raises(ValueError, match="2 texts but 1 span lists"):
        encoder.pair_vectors(["a", "b"], [[]])
