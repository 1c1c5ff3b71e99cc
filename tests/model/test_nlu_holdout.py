"""The trained model on the held-out NLU file (written separately, never trained on), parsed in-process."""

from __future__ import annotations

from nlu_eval.evaluate import Evaluation
from tests.model.bars import Bar, check

INTENT_MACRO_F1 = Bar(0.93, 0.93)  # 0.946 measured
MIN_INTENT_F1 = 0.7
# DIET finds entities only since issue 16 (the text classifier reads intents): 0.702 measured on
# backspasm-1d1e9f1317be00ee against 0.758 before; medicines and conditions the model misses are also read from the
# words (backcare/medication/reading.py, names.py), so the cautions do not rest on this figure.
MIN_ENTITY_MACRO_F1 = 0.67


def test_intent_macro_f1_on_holdout(nlu_evaluation: Evaluation) -> None:
    holdout = nlu_evaluation.holdout
    print(f"\ntop confusions (gold, predicted, count): {holdout.confusions}")
    check("held-out intent macro-F1", holdout.macro_f1, INTENT_MACRO_F1, holdout.scored)


def test_every_intent_is_recognised_on_holdout(nlu_evaluation: Evaluation) -> None:
    weak = {name: round(s.f1, 2) for name, s in nlu_evaluation.holdout.intents.items() if s.f1 < MIN_INTENT_F1}
    assert not weak, f"intents with F1 below {MIN_INTENT_F1} on the held-out set: {weak}"


def test_entities_on_holdout(nlu_evaluation: Evaluation) -> None:
    entities = nlu_evaluation.holdout.entities
    macro_f1 = sum(s.f1 for s in entities.values()) / len(entities)
    print(f"\nheld-out entity macro-F1 {macro_f1:.3f}: " + ", ".join(f"{k} {s.f1:.2f}" for k, s in entities.items()))
    assert macro_f1 >= MIN_ENTITY_MACRO_F1
