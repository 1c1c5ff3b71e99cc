"""How the writers' harness (nlu_eval/dialogue.py) judges a turn said while the conversation is already in
emergency mode: the 999 advice given again counts for a turn that still needs it, never against an ordinary one."""

from __future__ import annotations

from typing import Any

from nlu_eval.dialogue import EMERGENCY_WORDS, ReplyTexts, Turn, TurnTrace, WriterCase, run_case

TEXTS = ReplyTexts(
    unclear="I want to be sure", fallback="Sorry, I didn't", clarify="Sorry, I'm not sure", sign_check="Before I answer"
)
TOPICS = {"causes": "causes"}
REMINDER = f"**{EMERGENCY_WORDS}** about the signs you told me about. A back spasm often starts when lifting."


class AlwaysInEmergency:
    def last_turn(self, sender: str) -> TurnTrace:
        return TurnTrace("ask_causes", ("action_give_guidance",), "causes", in_emergency_before=True)


def send(text: str, sender: str) -> list[dict[str, Any]]:
    return [{"text": REMINDER}]


def judged(expect: str) -> str:
    case = WriterCase("x-1", (Turn("it's probably just stress", frozenset({expect})),))
    return run_case(case, send, AlwaysInEmergency(), TEXTS, TOPICS)[0].kind  # type: ignore[arg-type]


def test_a_turn_that_still_needs_999_gets_credit_for_the_repeated_advice() -> None:
    assert judged("emergency") == "emergency"


def test_an_ordinary_follow_up_in_emergency_mode_is_judged_by_its_answer() -> None:
    assert judged("causes") == "causes"


def test_a_same_day_sign_repeated_before_the_answer_counts_for_a_turn_that_still_needs_it() -> None:
    texts = ReplyTexts(
        "I want to be sure", "Sorry, I didn't", "Sorry, I'm not sure", "Before I answer", "**Please do still"
    )
    case = WriterCase("x-2", (Turn("probably nothing, ok to massage it?", frozenset({"urgent"})),))

    def reminded(text: str, sender: str) -> list[dict[str, Any]]:
        return [{"text": "**Please do still get medical help today** about the sign."}, {"text": "Massage can help."}]

    class UrgentBefore:
        def last_turn(self, sender: str) -> TurnTrace:
            return TurnTrace("ask_treatment", ("action_give_guidance",), "massage", in_emergency_before=False)

    assert run_case(case, reminded, UrgentBefore(), texts, {"massage": "treatment"})[0].kind == "urgent"  # type: ignore[arg-type]
