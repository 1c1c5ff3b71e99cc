"""What staff look for in a conversation: misunderstood messages, red-flag escalations, medicine cautions,
the booking and call-back funnels, hand-off to a person and the patient's feedback."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from backcare.feedback import FEEDBACK_QUESTION, HELPFUL_INTENT, NOT_HELPFUL_INTENT
from backcare.guidance import ASK_FOR_MORE
from backcare.insight.records import FALLBACK_INTENT, BotMessage, Conversation, LoopChange, SlotChange, UserMessage
from backcare.medication.catalogue import load_catalogue

# Below this the classifier was unsure, even when it did not fall back (the FallbackClassifier is at 0.42).
LOW_CONFIDENCE = 0.6
FALLBACK_ACTIONS = ("action_default_fallback", "utter_default")
ESCALATION_LEVELS = ("emergency", "urgent", "routine")


@dataclass(frozen=True)
class FormOutcome:
    started: bool = False
    completed: bool = False
    stopped_at: Optional[str] = None  # the question unanswered when an unfinished form ended

    @property
    def abandoned(self) -> bool:
        return self.started and not self.completed


@dataclass(frozen=True)
class Flags:
    misunderstood: tuple[UserMessage, ...]
    escalation: Optional[str]  # the highest red-flag level advised: emergency, urgent or routine
    medication_cautions: int
    booking: FormOutcome
    callback: FormOutcome
    handoff: bool
    helpful: Optional[bool]  # the answer to "Was this helpful?", None when not asked or not answered

    def labels(self) -> list[str]:
        """Short words for a table column, most serious first."""
        labels = []
        if self.escalation in ("emergency", "urgent"):
            labels.append(self.escalation.upper())
        if self.misunderstood:
            labels.append(f"missed x{len(self.misunderstood)}")
        if self.medication_cautions:
            labels.append("med caution")
        labels += _form_labels("booking", self.booking) + _form_labels("call-back", self.callback)
        if self.handoff:
            labels.append("hand-off")
        if self.helpful is not None:
            labels.append("helpful" if self.helpful else "NOT helpful")
        return labels


def _form_labels(name: str, outcome: FormOutcome) -> list[str]:
    if outcome.completed:
        return [f"{name} done"]
    if outcome.started:
        return [f"{name} left at {outcome.stopped_at or 'start'}"]
    return []


def misunderstood_messages(conversation: Conversation, threshold: float = LOW_CONFIDENCE) -> list[UserMessage]:
    """Messages that fell back, were classified with low confidence, or were followed by the fallback action or
    the guidance's request for more. An answer to a form question (a name, a time) is taken as text whatever its
    intent, so its confidence is no sign of a miss."""
    missed: list[UserMessage] = []
    last_user: Optional[UserMessage] = None
    for item in conversation.timeline:
        if isinstance(item, UserMessage):
            last_user = item
            if item.answering is None and (item.intent == FALLBACK_INTENT or item.confidence < threshold):
                missed.append(item)
        elif _asks_again(item) and last_user and last_user not in missed:
            missed.append(last_user)
    return missed


def _asks_again(item: object) -> bool:
    """The assistant's answer said it did not get the message: the fallback, or a request for more."""
    if isinstance(item, BotMessage):
        return item.text == ASK_FOR_MORE
    return getattr(item, "name", None) in FALLBACK_ACTIONS


def highest_escalation(conversation: Conversation) -> Optional[str]:
    levels = [
        str(v)
        for v in conversation.slot_values("triage_level") + conversation.slot_values("red_flag_screen")
        if v in ESCALATION_LEVELS
    ]
    return min(levels, key=ESCALATION_LEVELS.index) if levels else None


@lru_cache(maxsize=1)
def caution_markers() -> tuple[str, ...]:
    """The lead-ins of a medicine answer that warns the person: their own cautions, or who must check first."""
    messages = load_catalogue().messages
    return messages.for_you.split("{name}")[0], messages.check_first


def medication_cautions(conversation: Conversation) -> int:
    markers = caution_markers()
    return sum(1 for bot in conversation.bot_messages if any(marker in bot.text for marker in markers))


def form_outcome(conversation: Conversation, form: str, submit_action: str) -> FormOutcome:
    """Started when the form became active; completed when its submit action left a reference."""
    started = completed = False
    asking: Optional[str] = None
    stopped_at: Optional[str] = None
    active = submitted = False
    for item in conversation.timeline:
        if isinstance(item, LoopChange):
            if item.name == form:
                started = active = True
            elif active:
                active, stopped_at = False, asking
        elif active and isinstance(item, SlotChange) and item.name == "requested_slot" and item.value:
            asking = item.value
        elif getattr(item, "name", None) == submit_action:
            submitted = True
        elif submitted and isinstance(item, SlotChange) and item.name == "booking_reference" and item.value:
            completed, submitted = True, False
    if active:
        stopped_at = asking
    return FormOutcome(started, completed, None if completed else stopped_at)


def feedback(conversation: Conversation) -> Optional[bool]:
    """The yes or no that answered "Was this helpful?" (the next message after it), None when there is none."""
    answer: Optional[bool] = None
    asked = False
    for item in conversation.timeline:
        if isinstance(item, BotMessage):
            asked = asked or item.text == FEEDBACK_QUESTION.text
        elif isinstance(item, UserMessage) and asked:
            if item.intent in (HELPFUL_INTENT, NOT_HELPFUL_INTENT):
                answer = item.intent == HELPFUL_INTENT
            asked = False
    return answer


def flags_of(conversation: Conversation, threshold: float = LOW_CONFIDENCE) -> Flags:
    return Flags(
        misunderstood=tuple(misunderstood_messages(conversation, threshold)),
        escalation=highest_escalation(conversation),
        medication_cautions=medication_cautions(conversation),
        booking=form_outcome(conversation, "booking_form", "action_submit_booking"),
        callback=form_outcome(conversation, "callback_form", "action_submit_callback"),
        handoff=conversation.ran("action_request_human"),
        helpful=feedback(conversation),
    )
