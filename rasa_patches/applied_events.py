"""Work out a conversation's applied events (those not reverted) from where the last call stopped.

Rasa 3.6's `DialogueStateTracker.applied_events` goes through every event of the conversation again each time it
is asked, and it is asked before every state the policies read (rasa_patches/past_states.py) and in several other
places for every action: at the 60th message of a conversation about 4 ms of each message (in-process timing,
docs/benchmarks.md), ten times what it costs at the 5th.

Rasa's loop takes the events in order, and whether it keeps, drops or undoes an event depends only on the events
before it and on the names of the loops (forms) activated anywhere in the conversation. So when a conversation's
events begin with the events of the last call (the same event objects, or equal ones read back from the tracker
store) and no event after them activates a loop not activated before, the loop goes on from the result it reached
for them, with Rasa's own steps; otherwise Rasa's `applied_events` runs. tests/unit/test_past_states.py compares
the result with Rasa's for every prefix of the project's stories and rules, reverted messages and forms included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any, Optional

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches.recent import Recent

_RASA_APPLIED_EVENTS = DialogueStateTracker.applied_events


def same_event(event: Event, other: Event) -> bool:
    """Whether two event objects are the same event: every attribute equal, the NLU's parse data compared as the
    tracker store keeps it (JSON: the tokens' tuples read back as lists). A conversation read back from the tracker
    store brings new objects for the events of its last message, where a kept result holds the ones it saw."""
    if type(event) is not type(other):
        return False
    ours, theirs = vars(event), vars(other)
    if ours.keys() != theirs.keys():
        return False
    for name, value in ours.items():
        if value != theirs[name] and not (name == "parse_data" and _as_stored(value) == _as_stored(theirs[name])):
            return False
    return True


def _as_stored(value: Any) -> object:
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return object()  # equal to nothing


def continues(events: Iterable[Event], kept: list[Event]) -> Optional[dict[int, Event]]:
    """Whether `events` begin with the `kept` events: None if not, else the equal events in new objects by the id
    of the kept object they replace. They take its place in `kept`, so that each is compared only once."""
    replaced: dict[int, Event] = {}
    for position, (event, seen) in enumerate(zip(events, kept, strict=False)):
        if event is not seen:
            if not same_event(event, seen):
                return None
            replaced[id(seen)] = kept[position] = event
    return replaced


def _loop_names(events: Iterable[Event]) -> set[str]:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


@dataclass
class _Applied:
    events: list[Event]  # the conversation's events gone through
    loop_names: set[str]
    applied: list[Event]  # Rasa's result for them


_kept: Recent[str, _Applied] = Recent()  # by conversation


def _go_on(tracker: DialogueStateTracker, new: list[Event], applied: list[Event], loop_names: set[str]) -> list[Event]:
    """Rasa's loop in `DialogueStateTracker.applied_events`, for the events after those already gone through
    (`loop_names`: every loop the conversation activates)."""
    for event in new:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def applied_events(self: DialogueStateTracker) -> list[Event]:
    if type(self) is not DialogueStateTracker:  # training's trackers: Rasa's
        return list(_RASA_APPLIED_EVENTS(self))
    kept = _kept.take(self.sender_id)
    replaced = None
    if kept is not None and len(self.events) >= len(kept.events):
        replaced = continues(self.events, kept.events)
    if kept is None or replaced is None:
        kept = _Applied([], set(), [])
    elif replaced:  # the result is made of this tracker's own event objects, as Rasa's is
        kept.applied = [replaced.get(id(event), event) for event in kept.applied]
    new = list(islice(self.events, len(kept.events), None))
    if not _loop_names(new) <= kept.loop_names:  # a loop activated for the first time changes earlier steps
        new = list(self.events)
        kept = _Applied([], _loop_names(new), [])
    kept.applied = _go_on(self, new, kept.applied, kept.loop_names)
    kept.events.extend(new)
    _kept.keep(self.sender_id, kept)
    return list(kept.applied)  # callers may change their list


def forget() -> None:
    """Drop every kept result (tests)."""
    _kept.clear()


def apply() -> None:
    DialogueStateTracker.applied_events = applied_events


def is_applied() -> bool:
    return DialogueStateTracker.applied_events is applied_events
