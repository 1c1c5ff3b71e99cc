"""What issue 8 asks of the NLU, on the trained model: off-topic messages declined without declining real
questions, everyday typing understood, and phrases written by real people nobody here knows handled right.
The sets are described in docs/nlu-report.md (`make eval` writes the full figures)."""

from __future__ import annotations

from nlu_eval.evaluate import Evaluation, Scored

MIN_OUT_OF_SCOPE_RECALL = 0.90
MAX_IN_SCOPE_FALSE_REJECTION = 0.05
MIN_BORDERLINE_IN_SCOPE = 0.90
MIN_ROBUSTNESS_ACCURACY = 0.85
MIN_REAL_USER_BACK_IN_SCOPE = 0.95
MIN_REAL_USER_OTHER_TOPICS_OUT = 0.90


def mistakes(scored: Scored) -> list[tuple[str, str]]:
    return [(case.text[:80], parse.intent) for case, parse in scored.mistakes()]


def test_off_topic_messages_are_declined(nlu_evaluation: Evaluation) -> None:
    scope = nlu_evaluation.scope
    print(f"\nout-of-scope recall {scope.oos_recall:.3f}, precision {scope.oos_precision:.3f}")
    assert scope.oos_recall >= MIN_OUT_OF_SCOPE_RECALL, mistakes(nlu_evaluation.out_of_scope)


def test_real_questions_are_not_declined(nlu_evaluation: Evaluation) -> None:
    rejected = nlu_evaluation.scope.in_scope_false_rejection
    print(f"\nin-scope false rejection {rejected:.3f}")
    assert rejected <= MAX_IN_SCOPE_FALSE_REJECTION


def test_borderline_back_questions_stay_in_scope(nlu_evaluation: Evaluation) -> None:
    borderline = nlu_evaluation.borderline
    assert borderline.accuracy >= MIN_BORDERLINE_IN_SCOPE, mistakes(borderline)


def test_everyday_typing_is_understood(nlu_evaluation: Evaluation) -> None:
    robustness = nlu_evaluation.robustness
    print("\nrobustness " + ", ".join(f"{g} {s.accuracy:.2f}" for g, s in robustness.by_group().items()))
    assert robustness.accuracy >= MIN_ROBUSTNESS_ACCURACY, mistakes(robustness)


def test_real_users_back_problems_are_in_scope(nlu_evaluation: Evaluation) -> None:
    share = nlu_evaluation.real_user_share("back_domain")
    print(f"\nreal users: back problems in scope {share:.3f}")
    assert share >= MIN_REAL_USER_BACK_IN_SCOPE, mistakes(nlu_evaluation.real_users.by_group()["back_domain"])


def test_real_users_other_health_topics_are_declined(nlu_evaluation: Evaluation) -> None:
    share = nlu_evaluation.real_user_share("out_of_scope")
    print(f"\nreal users: other topics declined {share:.3f}")
    assert share >= MIN_REAL_USER_OTHER_TOPICS_OUT, mistakes(nlu_evaluation.real_users.by_group()["out_of_scope"])


def test_real_users_emergency_gets_the_red_flag_route(nlu_evaluation: Evaluation) -> None:
    assert nlu_evaluation.real_user_share("emergency") == 1.0, mistakes(nlu_evaluation.real_users.by_group()["emergency"])
