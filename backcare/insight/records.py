"""One conversation as plain records, built from a tracker's events (the dictionaries Rasa stores)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional, Union

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class UserMessage:
    index: int  # position among the conversation's user messages, for staff to point at one
    text: str
    intent: str
    confidence: float
    entities: tuple[tuple[str, str], ...]
    at: dt.datetime
    # The form question this message answered (requested_slot at the time), e.g. patient_name.
    answering: Optional[str] = None


@dataclass(frozen=True)
class BotMessage:
    text: str
    at: dt.datetime
    buttons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionRun:
    name: str
    at: dt.datetime


@dataclass(frozen=True)
class SlotChange:
    name: str
    value: Any
    at: dt.datetime


@dataclass
class Conversation:
    """One session of one sender: what was said, which actions ran, which slots and forms changed."""

    id: str
    sender_id: str
    # In the order they happened.
    timeline: list[TimelineItem] = field(default_factory=list)

    @property
    def user_messages(self) -> list[UserMessage]:
        return [item for item in self.timeline if isinstance(item, UserMessage)]

    @property
    def bot_messages(self) -> list[BotMessage]:
        return [item for item in self.timeline if isinstance(item, BotMessage)]

    @property
    def actions(self) -> list[ActionRun]:
        return [item for item in self.timeline if isinstance(item, ActionRun)]

    @property
    def slot_changes(self) -> list[SlotChange]:
        return [item for item in self.timeline if isinstance(item, SlotChange)]

    @property
    def started(self) -> dt.datetime:
        return self.timeline[0].at

    @property
    def ended(self) -> dt.datetime:
        return self.timeline[-1].at

    def slot_values(self, name: str) -> list[Any]:
        return [change.value for change in self.slot_changes if change.name == name]

    def last_slot(self, name: str) -> Any:
        values = self.slot_values(name)
        return values[-1] if values else None

    def ran(self, action: str) -> bool:
        return any(run.name == action for run in self.actions)


@dataclass(frozen=True)
class LoopChange:
    name: Optional[str]  # the form that became active, None when a form ended
    at: dt.datetime


TimelineItem = Union[UserMessage, BotMessage, ActionRun, SlotChange, LoopChange]


def _time(event: Mapping[str, Any]) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(event.get("timestamp") or 0), tz=dt.timezone.utc)


def _user_message(event: Mapping[str, Any], index: int, answering: Optional[str]) -> UserMessage:
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    entities = tuple(
        (str(entity.get("entity")), str(entity.get("value")))
        for entity in parse.get("entities") or ()
        if entity.get("entity")
    )
    return UserMessage(
        index=index,
        text=str(event.get("text") or ""),
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        entities=entities,
        at=_time(event),
        answering=answering,
    )


def _bot_message(event: Mapping[str, Any]) -> BotMessage:
    buttons = (event.get("data") or {}).get("buttons") or ()
    return BotMessage(str(event.get("text") or ""), _time(event), tuple(str(b.get("title", "")) for b in buttons))


def split_sessions(events: Sequence[Mapping[str, Any]]) -> Iterator[list[Mapping[str, Any]]]:
    """A sender's events cut at each session start (Rasa starts a new session after an idle hour)."""
    session: list[Mapping[str, Any]] = []
    for event in events:
        if event.get("event") == "session_started" and any(e.get("event") == "user" for e in session):
            yield session
            session = []
        session.append(event)
    if any(e.get("event") == "user" for e in session):
        yield session


def conversation_from_events(
    sender_id: str, events: Iterable[Mapping[str, Any]], conversation_id: Optional[str] = None
) -> Conversation:
    conversation = Conversation(id=conversation_id or sender_id, sender_id=sender_id)
    requested: Optional[str] = None
    users = 0
    for event in events:
        kind = event.get("event")
        if kind == "user":
            conversation.timeline.append(_user_message(event, users, requested))
            users += 1
        elif kind == "bot":
            conversation.timeline.append(_bot_message(event))
        elif kind == "action" and event.get("name") not in ("action_listen", None):
            conversation.timeline.append(ActionRun(str(event["name"]), _time(event)))
        elif kind == "slot":
            if event.get("name") == "requested_slot":
                requested = event.get("value")
            conversation.timeline.append(SlotChange(str(event.get("name")), event.get("value"), _time(event)))
        elif kind == "active_loop":
            conversation.timeline.append(LoopChange(event.get("name"), _time(event)))
            if event.get("name") is None:
                requested = None
    return conversation


def conversations_of_sender(sender_id: str, events: Sequence[Mapping[str, Any]]) -> list[Conversation]:
    """Each session of the sender as its own conversation: the first keeps the sender id, later ones get ~2, ~3."""
    return [
        conversation_from_events(sender_id, session, sender_id if number == 1 else f"{sender_id}~{number}")
        for number, session in enumerate(split_sessions(events), start=1)
    ]


def in_range(conversation: Conversation, since: Optional[dt.datetime], until: Optional[dt.datetime]) -> bool:
    """A conversation belongs to a date range when it started in it."""
    return (since is None or conversation.started >= since) and (until is None or conversation.started < until)
