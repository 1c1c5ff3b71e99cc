"""'Was this helpful?' after a guidance answer: when to ask, and its buttons. They send the assistant's plain
yes and no (/affirm, /deny), which the rules already answer, so the dialogue model needs no new intent and no
retraining; the answer is the conversation's next message after the question, read back by the staff review
and the weekly report (backcare.insight.flags)."""

from __future__ import annotations

from typing import Optional

from backcare.reply import Button, Reply

HELPFUL_INTENT = "affirm"
NOT_HELPFUL_INTENT = "deny"
FEEDBACK_QUESTION = Reply(
    "Was this helpful?",
    (Button("Yes, it helped", f"/{HELPFUL_INTENT}"), Button("Not really", f"/{NOT_HELPFUL_INTENT}")),
)
# Red-flag advice must stand alone: nobody rates a 999 or same-day GP instruction.
NO_FEEDBACK_LEVELS = {"emergency", "urgent"}
# Ask after the second answer: one answer is often a single quick question, and the first reply stays short.
ANSWERS_BEFORE_ASKING = 2


def should_ask_feedback(
    topic: Optional[str], triage_level: Optional[str], answers_given: int, asked_before: bool
) -> bool:
    """Ask once per conversation, after a real answer (a knowledge-base topic), never during a red flag."""
    return (
        topic is not None
        and triage_level not in NO_FEEDBACK_LEVELS
        and answers_given >= ANSWERS_BEFORE_ASKING
        and not asked_before
    )
