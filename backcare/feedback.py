"""'Was this helpful?' after a guidance answer: when to ask, and the buttons whose intents record the answer
(the `helpful` slot, read back by the staff review and the weekly report)."""

from __future__ import annotations

from typing import Optional

from backcare.reply import Button, Reply

HELPFUL_INTENT = "rate_helpful"
NOT_HELPFUL_INTENT = "rate_not_helpful"
FEEDBACK_QUESTION = Reply(
    "Was this helpful?",
    (Button("Yes, it helped", f"/{HELPFUL_INTENT}"), Button("Not really", f"/{NOT_HELPFUL_INTENT}")),
)
# Red-flag advice must stand alone: nobody rates a 999 or same-day GP instruction.
NO_FEEDBACK_LEVELS = {"emergency", "urgent"}
# Ask after the second answer: one answer is often a single quick question, and the first reply stays short.
ANSWERS_BEFORE_ASKING = 2


def should_ask_feedback(topic: Optional[str], triage_level: Optional[str], answers_given: int,
                        asked_before: bool) -> bool:
    """Ask once per conversation, after a real answer (a knowledge-base topic), never during a red flag."""
    return (
        topic is not None
        and triage_level not in NO_FEEDBACK_LEVELS
        and answers_given >= ANSWERS_BEFORE_ASKING
        and not asked_before
    )
