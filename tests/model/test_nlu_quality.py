"""What issues 8 and 16 ask of the NLU, on the trained model: off-topic messages declined without declining real
questions, everyday typing understood, and phrases written by real people nobody here knows handled right.
The sets are described in docs/nlu-report.md (`make eval` writes the full figures); see tests/model/bars.py for
targets, floors and known gaps."""

from __future__ import annotations

from nlu_eval.evaluate import Evaluation, Scored
from tests.model.bars import GAP, Bar, check

# Measured on the model named in GAP; targets met there have no known gap, so falling under them fails.
OUT_OF_SCOPE_RECALL = Bar(0.90, 0.90)  # 0.936 measured
IN_SCOPE_FALSE_REJECTION = Bar(0.05, 0.05)  # at most; 0.031 measured
BORDERLINE_IN_SCOPE = Bar(0.90, 0.80, GAP)  # 0.850 measured
ROBUSTNESS_ACCURACY = Bar(0.85, 0.88)  # 0.911 measured
REAL_USER_BACK_IN_SCOPE = Bar(0.95, 0.88, GAP)  # 0.912 measured on the model before the back anchor
REAL_USER_OTHER_TOPICS_OUT = Bar(0.90, 0.88)  # 0.936 measured
# Issue 16: consumer health questions (TREC LiveQA), other conditions declined and back problems kept.
CONSUMER_OTHER_CONDITIONS_OUT = Bar(0.85, 0.73, GAP)  # 0.763 measured on backspasm-ea69342f466ed087 (2026-12-03)
CONSUMER_BACK_IN_SCOPE = Bar(0.95, 0.95)  # 3 of 3 (2 of 3 on backspasm-e0b2c6368c576a54, hidden then)


def test_off_topic_messages_are_declined(nlu_evaluation: Evaluation) -> None:
    check("out-of-scope recall", nlu_evaluation.scope.oos_recall, OUT_OF_SCOPE_RECALL, nlu_evaluation.out_of_scope)


def test_real_questions_are_not_declined(nlu_evaluation: Evaluation) -> None:
    check(
        "in-scope false rejection",
        nlu_evaluation.scope.in_scope_false_rejection,
        IN_SCOPE_FALSE_REJECTION,
        nlu_evaluation.borderline,
        at_most=True,
    )


def test_borderline_back_questions_stay_in_scope(nlu_evaluation: Evaluation) -> None:
    check("borderline in scope", nlu_evaluation.borderline.accuracy, BORDERLINE_IN_SCOPE, nlu_evaluation.borderline)


def test_everyday_typing_is_understood(nlu_evaluation: Evaluation) -> None:
    robustness = nlu_evaluation.robustness
    print("\n" + ", ".join(f"{group} {scored.accuracy:.2f}" for group, scored in robustness.by_group().items()))
    check("robustness accuracy", robustness.accuracy, ROBUSTNESS_ACCURACY, robustness)


def test_real_users_back_problems_are_in_scope(nlu_evaluation: Evaluation) -> None:
    check(
        "real users, back problems in scope",
        nlu_evaluation.real_user_share("back_domain"),
        REAL_USER_BACK_IN_SCOPE,
        nlu_evaluation.real_users.by_group()["back_domain"],
    )


def test_real_users_other_health_topics_are_declined(nlu_evaluation: Evaluation) -> None:
    check(
        "real users, other topics declined",
        nlu_evaluation.real_user_share("out_of_scope"),
        REAL_USER_OTHER_TOPICS_OUT,
        nlu_evaluation.real_users.by_group()["out_of_scope"],
    )


def test_real_users_emergency_gets_the_red_flag_route(nlu_evaluation: Evaluation) -> None:
    emergency = nlu_evaluation.real_users.by_group()["emergency"]
    assert emergency.accuracy == 1.0, [(c.text, p.intent) for c, p in emergency.mistakes()]


def _consumer_groups(nlu_evaluation: Evaluation) -> dict[str, Scored]:
    scored = nlu_evaluation.consumer_questions
    assert scored is not None
    return scored.by_group()


def test_consumer_health_questions_about_other_conditions_are_declined(nlu_evaluation: Evaluation) -> None:
    declined = _consumer_groups(nlu_evaluation)["out_of_scope"]
    check("consumer questions, other conditions declined", declined.accuracy, CONSUMER_OTHER_CONDITIONS_OUT, declined)


# Its own test: a known gap in the check above ends that test (xfail) and had hidden a back question lost here.
def test_consumer_health_questions_about_the_back_stay_in_scope(nlu_evaluation: Evaluation) -> None:
    kept = _consumer_groups(nlu_evaluation)["back_domain"]
    check("consumer questions, back problems in scope", kept.accuracy, CONSUMER_BACK_IN_SCOPE, kept)
