"""The masks of one recorded conversation for staff: `backcare.redaction.Redactor` (the project's one masking
module), given the names and contact details this conversation's booking slots hold and the answers to the name
question."""

from __future__ import annotations

from backcare.insight.records import Conversation
from backcare.redaction import PERSONAL_QUESTIONS, PERSONAL_SLOTS, Redactor, personal_values

__all__ = ["PERSONAL_QUESTIONS", "Redactor", "redactor_for"]


def redactor_for(conversation: Conversation) -> Redactor:
    slots = [(change.name, change.value) for change in conversation.slot_changes if change.name in PERSONAL_SLOTS]
    answers = [(m.answering, m.text) for m in conversation.user_messages if m.answering == "patient_name"]
    return Redactor(personal_values(slots + answers))
