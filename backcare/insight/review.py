"""What staff review in recorded conversations, as plain rows: the list with flags, one transcript (masked unless
asked otherwise), the messages not understood, and labelling one of them into the review file. Shared by the
review command (scripts/review.py) and the staff console (console/), which only lay the rows out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from backcare.insight.flags import Flags, flags_of
from backcare.insight.records import BotMessage, Conversation, UserMessage
from backcare.insight.redaction import PERSONAL_QUESTIONS, Redactor, redactor_for
from backcare.insight.review_file import EntityMark, add_example, annotate

ROOT = Path(__file__).resolve().parents[2]
FLAG_TESTS: dict[str, Callable[[Flags], bool]] = {
    "missed": lambda f: bool(f.misunderstood),
    "emergency": lambda f: f.escalation == "emergency",
    "urgent": lambda f: f.escalation == "urgent",
    "caution": lambda f: f.medication_cautions > 0,
    "booking": lambda f: f.booking.started,
    "callback": lambda f: f.callback.started,
    "handoff": lambda f: f.handoff,
    "unhelpful": lambda f: f.helpful is False,
}


@dataclass(frozen=True)
class ConversationRow:
    id: str
    started: dt.datetime
    messages: int
    flags: tuple[str, ...]
    first_message: str  # masked
    serious: bool  # emergency or urgent advice was given


@dataclass(frozen=True)
class TranscriptLine:
    at: dt.datetime
    who: str  # "patient #N" or "assistant"
    text: str
    understood_as: str  # "intent 0.93", empty for the assistant
    missed: bool
    buttons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MissRow:
    ref: str  # conversation id:message index
    at: dt.datetime
    text: str  # masked
    understood_as: str


ADDED, DUPLICATE, REFUSED, NOT_FOUND = "added", "duplicate", "refused", "not found"


@dataclass(frozen=True)
class Labelled:
    outcome: str  # ADDED, DUPLICATE (nothing to do), REFUSED (a wrong label or a personal answer), NOT_FOUND
    message: str  # what to tell the member of staff

    @property
    def added(self) -> bool:
        return self.outcome == ADDED


def when(moment: dt.datetime) -> str:
    return f"{moment:%a %d %b %H:%M}"


def first_question(conversation: Conversation, redactor: Redactor) -> str:
    said = [redactor.user_message(m) for m in conversation.user_messages if not m.text.startswith("/")]
    return said[0] if said else ""


def conversation_rows(conversations: Sequence[Conversation], flag: Optional[str] = None) -> list[ConversationRow]:
    """One row a conversation, in the order given, keeping only those with the flag (a FLAG_TESTS key)."""
    if flag and flag not in FLAG_TESTS:
        raise ValueError(f"unknown flag {flag}; one of {', '.join(sorted(FLAG_TESTS))}")
    rows = []
    for conversation in conversations:
        flags = flags_of(conversation)
        if flag and not FLAG_TESTS[flag](flags):
            continue
        rows.append(
            ConversationRow(
                conversation.id,
                conversation.started,
                len(conversation.user_messages),
                tuple(flags.labels()),
                first_question(conversation, redactor_for(conversation)),
                flags.escalation in ("emergency", "urgent"),
            )
        )
    return rows


def transcript(conversation: Conversation, unmasked: bool = False) -> list[TranscriptLine]:
    """Every message in order; names, contact details and answers to personal questions masked unless unmasked
    (the caller writes that view to the audit log first)."""
    redactor = None if unmasked else redactor_for(conversation)
    missed = {m.index for m in flags_of(conversation).misunderstood}
    lines = []
    for item in conversation.timeline:
        if isinstance(item, UserMessage):
            text = redactor.user_message(item) if redactor else item.text
            lines.append(
                TranscriptLine(
                    item.at,
                    f"patient #{item.index}",
                    text,
                    f"{item.intent} {item.confidence:.2f}",
                    item.index in missed,
                )
            )
        elif isinstance(item, BotMessage):
            text = redactor.text(item.text) if redactor else item.text
            lines.append(TranscriptLine(item.at, "assistant", text, "", False, item.buttons))
    return lines


def miss_rows(conversations: Sequence[Conversation]) -> list[MissRow]:
    rows = []
    for conversation in conversations:
        redactor = redactor_for(conversation)
        for message in flags_of(conversation).misunderstood:
            rows.append(
                MissRow(
                    f"{conversation.id}:{message.index}",
                    message.at,
                    redactor.user_message(message),
                    f"{message.intent} {message.confidence:.2f}",
                )
            )
    return rows


def split_ref(ref: str) -> tuple[str, str]:
    """'sender~2:3' -> ('sender~2', '3'): the conversation and the message's index in it."""
    conversation_id, _, index = ref.rpartition(":")
    return conversation_id, index


@lru_cache(maxsize=4)
def domain_names(kind: str, domain_file: Path = ROOT / "domain.yml") -> frozenset[str]:
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    return frozenset(str(name) if not isinstance(name, dict) else next(iter(name)) for name in domain.get(kind) or ())


def parse_mark(text: str) -> EntityMark:
    """ENTITY=WORDS or ENTITY=WORDS:VALUE, as staff type it."""
    entity, _, rest = text.partition("=")
    words, _, value = rest.partition(":")
    if not entity or not words:
        raise ValueError(f"{text}: write ENTITY=WORDS or ENTITY=WORDS:VALUE")
    return EntityMark(entity.strip(), words.strip(), value.strip() or None)


def label_miss(
    conversation: Optional[Conversation],
    ref: str,
    intent: str,
    marks: Sequence[EntityMark],
    review_file: Path,
    nlu_files: Sequence[Path],
) -> Labelled:
    """Write message REF, masked, under INTENT into the review file. Refuses an unknown intent or entity, a
    message that answered a personal question or was a button, and a message already there or in the data."""
    if intent not in domain_names("intents"):
        return Labelled(REFUSED, f"Unknown intent {intent}. Intents: {', '.join(sorted(domain_names('intents')))}")
    unknown = {mark.entity for mark in marks} - domain_names("entities")
    if unknown:
        return Labelled(REFUSED, f"Unknown entity {', '.join(sorted(unknown))}.")
    _, index = split_ref(ref)
    messages = [m for m in conversation.user_messages if str(m.index) == index] if conversation else []
    if not conversation or not messages:
        return Labelled(NOT_FOUND, f"No message {ref}.")
    masked = redactor_for(conversation).user_message(messages[0])
    if messages[0].answering in PERSONAL_QUESTIONS or masked.startswith("/"):
        return Labelled(
            REFUSED, "That message answered a personal question (or was a button): it cannot become training data."
        )
    example = annotate(masked, marks)
    if not add_example(review_file, intent, example, nlu_files):
        return Labelled(
            DUPLICATE, f'Already there: "{masked}" is in the training data or the review file. Nothing added.'
        )
    return Labelled(ADDED, f"Added to {review_file.name} under {intent}: {example}")


def nlu_files(root: Path = ROOT) -> list[Path]:
    return sorted((root / "data" / "nlu").glob("*.yml"))
