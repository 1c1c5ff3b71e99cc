"""The check-in wording (messages.yml), checked when loaded: every entry has text, sources and a review date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from backcare.content import (
    ContentError,
    check_keys,
    load_yaml,
    parse_buttons,
    require_reviewed,
    require_sources,
    require_text,
)
from backcare.guidance import with_sources
from backcare.reply import Button, Reply

MESSAGES_FILE = Path(__file__).with_name("messages.yml")
ENTRY_KEYS = ("text", "buttons", "sources", "reviewed")
NEEDED = (
    "offer",
    "consent",
    "website_note",
    "already",
    "stopped",
    "none_to_stop",
    "checkin",
    "see_gp",
    "keep_going",
    "no_change_yet",
    "next_checkin",
    "goodbye",
    "unclear",
    "email_offer",
    "email_ask",
    "email_invalid",
    "email_saved",
    "email_declined",
    "email_subject",
    "email_body",
    "stopped_too",
)
REASONS = ("severe", "worse", "same_after_week")


@dataclass(frozen=True)
class Message:
    id: str
    text: str
    buttons: tuple[Button, ...]
    sources: tuple[str, ...]
    reviewed: dt.date

    def reply(self, *, sourced: bool = False, **values: Any) -> Reply:
        """The message with its placeholders filled in; `sourced`: with its sources named below, as advice is."""
        text = self.text.format(**values)
        return Reply(with_sources(text, self.sources) if sourced else text, self.buttons, topic="checkins")


@dataclass(frozen=True)
class CheckinWording:
    messages: Mapping[str, Message]
    reasons: Mapping[str, str]

    def __getitem__(self, message_id: str) -> Message:
        return self.messages[message_id]


@cache
def load_wording(path: Path = MESSAGES_FILE) -> CheckinWording:
    document = load_yaml(path)
    where = path.name
    if not isinstance(document, Mapping):
        raise ContentError(f"{where}: expected 'messages' and 'reasons'")
    check_keys(document, ("messages", "reasons"), where)
    raw_messages = document.get("messages") or {}
    missing = [name for name in NEEDED if name not in raw_messages]
    if missing:
        raise ContentError(f"{where}: missing {missing}")
    messages = {}
    for message_id, raw in raw_messages.items():
        at = f"{where} '{message_id}'"
        if not isinstance(raw, Mapping):
            raise ContentError(f"{at}: expected a mapping")
        check_keys(raw, ENTRY_KEYS, at)
        messages[message_id] = Message(
            id=message_id,
            text=require_text(raw, "text", at),
            buttons=parse_buttons(raw.get("buttons"), at),
            sources=require_sources(raw, at),
            reviewed=require_reviewed(raw, at),
        )
    reasons = document.get("reasons") or {}
    if sorted(reasons) != sorted(REASONS):
        raise ContentError(f"{where}: 'reasons' must be exactly {list(REASONS)}")
    return CheckinWording(messages, {key: str(value) for key, value in reasons.items()})
