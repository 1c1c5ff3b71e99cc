"""Find an event's class by its type name once, not once per stored event.

Rasa 3.6 rebuilds the list of every `Event` subclass (walking the class tree) for each event it reads back, so
reading a conversation from the tracker store did that walk for every event of it: about 1 ms of each message's time
at the start of a conversation, and more as it grows (py-spy, docs/benchmarks.md). The class found for a name is
kept; a name not found yet goes through Rasa's own search (with its default, its old `topic` name and its error).
Rasa defines every event class when it is imported and no two share a type name, so the class found is the same.
"""

from __future__ import annotations

from typing import Optional

from rasa.shared.core.events import Event

_RASA_RESOLVE = Event.resolve_by_type
_found: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: Optional[type[Event]] = None) -> Optional[type[Event]]:
    known = _found.get(type_name)
    if known is not None:
        return known
    found = _RASA_RESOLVE(type_name, default)
    if found is not None and found is not default and found.type_name == type_name:
        _found[type_name] = found
    return found


def apply() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)


def is_applied() -> bool:
    return Event.resolve_by_type is resolve_by_type
