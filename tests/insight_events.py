"""Tracker events in the shape Rasa stores them, for tests of the staff insight code that need no model (the
model tests drive real conversations instead)."""

from __future__ import annotations

import datetime as dt
from typing import Any

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc).timestamp()


class Events:
    """Builds tracker events in the shape Rasa stores them, one second apart."""

    def __init__(self, start: float = T0) -> None:
        self.time = start
        self.events: list[dict[str, Any]] = [{"event": "session_started", "timestamp": start}]

    def _add(self, event: dict[str, Any], gap: float = 1.0) -> Events:
        self.time += gap
        self.events.append({**event, "timestamp": self.time})
        return self

    def user(self, text: str, intent: str, confidence: float = 0.95) -> Events:
        return self._add(
            {
                "event": "user",
                "text": text,
                "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": []},
            }
        )

    def bot(self, text: str, gap: float = 1.0) -> Events:
        return self._add({"event": "bot", "text": text, "data": {}}, gap)

    def action(self, name: str) -> Events:
        return self._add({"event": "action", "name": name}, 0)

    def slot(self, name: str, value: Any) -> Events:
        return self._add({"event": "slot", "name": name, "value": value}, 0)

    def loop(self, name: Any) -> Events:
        return self._add({"event": "active_loop", "name": name}, 0)


def booking_started(events: Events) -> Events:
    events.user("I'd like to book", "book_appointment").action("booking_form").loop("booking_form")
    events.slot("requested_slot", "consent").bot("May I keep your details?")
    events.user("yes", "affirm").slot("consent", True).slot("requested_slot", "patient_name").bot("Your name?")
    events.user("I'm Priya Shah", "inform", 0.4).slot("patient_name", "Priya Shah")
    return events.slot("requested_slot", "contact").bot("Thanks Priya Shah. Your phone or email?")


def booking_left_then_missed(events: Events) -> Events:
    """Name and phone given, the form left at the contact question, then a message not understood (index 4)."""
    events = booking_started(events).user("07400 271828", "inform").slot("contact", "+447400271828").loop(None)
    return events.user("zzz blah", "nlu_fallback", 0.2).bot("Sorry, I didn't follow.")
