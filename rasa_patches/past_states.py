"""Turn a conversation into dialogue states once, not again from its first event for every prediction.

Rasa 3.6 builds the states the dialogue policies read (`DialogueStateTracker.past_states`) by replaying every event
of the conversation into a fresh tracker and describing it before each action, and RulePolicy, MemoizationPolicy and
TED each ask for them before every action the assistant takes. So each message cost more than the one before: at
the 60th message of a conversation the replays took about 19 ms, against 2 ms at the 5th (in-process timing,
docs/benchmarks.md).

The state before each action depends only on the events applied before it (and on the domain and the slots the
tracker started with), so the replay is kept where it stopped: when a tracker's applied events begin with the event
objects an earlier call replayed, or equal ones read back from the tracker store (same conversation, same domain,
same settings, same slots), only the events after them are replayed and described. The description of each step is
Rasa's own code (`Domain.get_active_state` and the rule-only clean-up of `Domain.states_for_tracker_history`, whose
loop this module follows step for step); anything else (another tracker class, such as training's trackers, which
keep their own cache) goes to Rasa's `past_states`. Callers change the states they get (TED removes the text or
intent of the last one), so each caller gets its own copy and the kept states stay as Rasa made them. Replays are
kept for recent conversations only (rasa_patches/recent.py). tests/unit/test_past_states.py compares the states
with Rasa's for every prefix of real conversations.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Optional

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches.applied_events import continues
from rasa_patches.recent import Recent

_RASA_PAST_STATES = DialogueStateTracker.past_states
SlotsSignature = list[tuple[str, type, dict[str, Any]]]


def _slots_signature(tracker: DialogueStateTracker) -> SlotsSignature:
    """What a fresh copy of the tracker (`init_copy`) starts from: each slot's definition, not its value."""
    return [
        (name, type(slot), {key: value for key, value in vars(slot).items() if key not in ("_value", "_has_been_set")})
        for name, slot in tracker.slots.items()
    ]


@dataclass
class _Replay:
    """Rasa's loop over the prior trackers, stopped after `events` (the applied events replayed so far)."""

    domain: Domain
    rule_only_data: Optional[dict[str, Any]]
    slots: SlotsSignature
    tracker: DialogueStateTracker  # the replay: a fresh copy of the conversation's tracker with `events` applied
    events: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)  # as Rasa makes them; never handed out
    last_ml_action: Optional[SubState] = None
    turn_was_hidden: bool = False

    def fits(
        self,
        domain: Domain,
        rule_only_data: Optional[dict[str, Any]],
        tracker: DialogueStateTracker,
        applied: list[Event],
    ) -> bool:
        return (
            self.domain is domain
            and len(applied) >= len(self.events)
            and self.rule_only_data == rule_only_data
            and self.tracker.is_rule_tracker == tracker.is_rule_tracker
            and self.tracker._max_event_history == tracker._max_event_history
            and self.slots == _slots_signature(tracker)
            and continues(applied, self.events) is not None
        )

    def step(self, hide_rule_turn: bool, omit_unset_slots: bool, ignore_rule_only_turns: bool) -> Optional[State]:
        """One turn of `Domain.states_for_tracker_history`'s loop on the replay as it stands: the state, or None
        for a turn it leaves out."""
        tracker, domain = self.tracker, self.domain
        if ignore_rule_only_turns:
            # the previous action of the last turn policies that learn from stories see
            if not self.turn_was_hidden:
                self.last_ml_action = domain._get_prev_action_sub_state(tracker)
            # a follow-up action or a loop's happy path keeps whether the turn is hidden
            if not tracker.followup_action and tracker.latest_action_name != tracker.active_loop_name:
                self.turn_was_hidden = hide_rule_turn
            if self.turn_was_hidden:
                return None
        state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if self.states:
                domain._substitute_rule_only_user_input(state, self.states[-1])
            if self.last_ml_action:
                state[PREVIOUS_ACTION] = self.last_ml_action
        return domain._clean_state(state)

    def advance(self, applied: list[Event], omit_unset_slots: bool, ignore_rule_only_turns: bool) -> None:
        """Replay the applied events not replayed yet, keeping the state before each action (Rasa's
        `generate_all_prior_trackers` gives the tracker before every `ActionExecuted`)."""
        for event in applied[len(self.events) :]:
            if isinstance(event, ActionExecuted):
                state = self.step(event.hide_rule_turn, omit_unset_slots, ignore_rule_only_turns)
                if state is not None:
                    self.states.append(state)
            self.tracker.update(event)
            self.events.append(event)

    def current(self, omit_unset_slots: bool, ignore_rule_only_turns: bool) -> list[State]:
        """Every state, the last one (the tracker as it is now) made for this call only: the next event may be a
        message, not an action, and then this state is not one of the conversation's states any more."""
        kept = (self.last_ml_action, self.turn_was_hidden)
        last = self.step(False, omit_unset_slots, ignore_rule_only_turns)
        self.last_ml_action, self.turn_was_hidden = kept
        return copy_states(self.states if last is None else [*self.states, last])


def copy_states(states: list[State]) -> list[State]:
    """A copy a caller may change: states are dictionaries of dictionaries of strings, numbers and tuples, so
    copying two levels copies everything; a sub-state two states share (Rasa shares them) stays shared."""
    copies: dict[int, SubState] = {}
    copied = []
    for state in states:
        new_state: State = {}
        for key, sub_state in state.items():
            sub_copy = copies.get(id(sub_state))
            if sub_copy is None:
                sub_copy = copies[id(sub_state)] = dict(sub_state)
            new_state[key] = sub_copy
        copied.append(new_state)
    return copied


_replays: Recent[tuple[str, bool, bool], _Replay] = Recent()  # by conversation and settings


def past_states(
    self: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[dict[str, Any]] = None,
) -> list[State]:
    if type(self) is not DialogueStateTracker:  # training's trackers cache their states themselves
        return _RASA_PAST_STATES(self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    key = (self.sender_id, omit_unset_slots, ignore_rule_only_turns)
    applied = self.applied_events()
    replay = _replays.take(key)
    if replay is None or not replay.fits(domain, rule_only_data, self, applied):
        # the rule-only data kept as it is now, so that a caller changing its dictionary later is noticed
        replay = _Replay(domain, copy.deepcopy(rule_only_data), _slots_signature(self), self.init_copy())
    _replays.keep(key, replay)
    replay.advance(applied, omit_unset_slots, ignore_rule_only_turns)
    return replay.current(omit_unset_slots, ignore_rule_only_turns)


def forget() -> None:
    """Drop every kept replay (tests)."""
    _replays.clear()


def apply() -> None:
    DialogueStateTracker.past_states = past_states


def is_applied() -> bool:
    return DialogueStateTracker.past_states is past_states
