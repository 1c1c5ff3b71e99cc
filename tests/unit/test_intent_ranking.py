"""Reading Rasa's intent ranking (backcare.intent_ranking), and the policy each reader keeps: the sign check's
original question, the guidance action's runner-up and the out-of-scope action's back reading."""

from __future__ import annotations

from typing import Any

import pytest

from actions.guidance import next_best_intent
from actions.out_of_scope import in_scope_reading
from actions.sign_check import classifier_intent
from backcare.intent_ranking import NLU_FALLBACK, OUT_OF_SCOPE, RED_FLAG, Reading, first_reading


def ranking(*items: tuple[str, float]) -> list[dict[str, Any]]:
    return [{"name": name, "confidence": confidence} for name, confidence in items]


def test_the_first_intent_not_skipped_is_the_reading_with_its_confidence() -> None:
    items = ranking((NLU_FALLBACK, 0.3), (RED_FLAG, 0.25), ("ask_causes", 0.2), ("ask_treatment", 0.1))
    assert first_reading(items) == Reading(NLU_FALLBACK, 0.3)
    assert first_reading(items, {NLU_FALLBACK, RED_FLAG}) == Reading("ask_causes", 0.2)


def test_a_reading_below_the_minimum_confidence_is_none_and_nothing_weaker_stands_in() -> None:
    items = ranking((OUT_OF_SCOPE, 0.8), ("ask_causes", 0.1), ("ask_treatment", 0.05))
    assert first_reading(items, {OUT_OF_SCOPE}, min_confidence=0.15) is None
    assert first_reading(items, {OUT_OF_SCOPE}, min_confidence=0.1) == Reading("ask_causes", 0.1)


@pytest.mark.parametrize(
    "items",
    [[], [{"name": OUT_OF_SCOPE, "confidence": 0.9}], [{"confidence": 0.9}, {"name": None, "confidence": 0.5}]],
)
def test_a_ranking_with_nothing_left_has_no_reading(items: list[dict[str, Any]]) -> None:
    assert first_reading(items, {OUT_OF_SCOPE}) is None


def test_a_missing_confidence_reads_as_zero() -> None:
    assert first_reading([{"name": "greet"}]) == Reading("greet", 0.0)
    assert first_reading([{"name": "greet", "confidence": None}], min_confidence=0.01) is None


def test_the_sign_check_remembers_the_classifier_s_reading_under_the_safety_net_and_the_fallback() -> None:
    message = {"intent_ranking": ranking((RED_FLAG, 1.0), (NLU_FALLBACK, 0.3), ("ask_treatment", 0.2))}
    assert classifier_intent(message) == "ask_treatment"
    assert classifier_intent({"intent_ranking": ranking((RED_FLAG, 1.0))}) == ""
    assert classifier_intent({}) == ""


def test_the_runner_up_is_only_the_second_place_and_only_a_real_contender() -> None:
    assert next_best_intent({"intent_ranking": ranking(("inform", 0.4), ("ask_recovery", 0.3))}) == "ask_recovery"
    # A weak second place is no contender.
    assert next_best_intent({"intent_ranking": ranking(("inform", 0.8), ("ask_recovery", 0.05))}) == ""
    # A second place that is not an answer is not passed over for the third.
    message = {"intent_ranking": ranking(("inform", 0.4), ("affirm", 0.3), ("ask_recovery", 0.2))}
    assert next_best_intent(message) == ""
    assert next_best_intent({"intent_ranking": ranking(("inform", 1.0))}) == ""


def test_the_out_of_scope_follow_up_reads_only_a_guidance_question() -> None:
    message = {"intent_ranking": ranking((OUT_OF_SCOPE, 0.6), (RED_FLAG, 0.2), ("ask_prevention", 0.1))}
    assert in_scope_reading(message) == "ask_prevention"
    assert in_scope_reading({"intent_ranking": ranking((OUT_OF_SCOPE, 0.6), ("book_appointment", 0.3))}) is None
