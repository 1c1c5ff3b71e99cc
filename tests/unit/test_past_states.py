"""rasa_patches.past_states and rasa_patches.applied_events: the states the policies read and the applied events
are Rasa's, state for state and event for event, while a conversation grows (each prefix of every story, rule and
test story of the project, with and without Rasa's rule-only clean-up and hidden rule turns), when it is read back
from the tracker store in new objects, after reverted messages and forms, and whatever a caller does to what it was
given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pytest
from rasa.core.training import load_data
from rasa.shared.core.constants import RULE_ONLY_LOOPS, RULE_ONLY_SLOTS, USER
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUtteranceReverted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import rasa_patches
from rasa_patches import applied_events, past_states

ROOT = Path(__file__).resolve().parents[2]
rasa_patches.apply()

# (omit_unset_slots, ignore_rule_only_turns) as the policies ask: RulePolicy, MemoizationPolicy, TED
SETTINGS = [(False, False), (True, False), (False, True), (True, True)]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def conversations(domain: Domain) -> list[list[Event]]:
    paths = [ROOT / "data" / "stories.yml", ROOT / "data" / "rules.yml", ROOT / "data" / "rules_emergency.yml"]
    paths.append(ROOT / "tests" / "test_stories.yml")
    trackers = [tracker for path in paths for tracker in load_data(str(path), domain, augmentation_factor=0)]
    assert len(trackers) > 100
    return [list(tracker.events) for tracker in trackers]


def rule_only_data(domain: Domain) -> dict[str, Any]:
    return {RULE_ONLY_SLOTS: [slot.name for slot in domain.slots][::3], RULE_ONLY_LOOPS: list(domain.form_names)[:2]}


def with_hidden_rule_turns(events: list[Event]) -> list[Event]:
    """Every second bot action marked as a rule's turn, as RulePolicy marks its predictions in a live
    conversation (training data has none)."""
    marked: list[Event] = []
    for event in events:
        if isinstance(event, ActionExecuted) and event.action_name != "action_listen" and len(marked) % 2:
            event = ActionExecuted(event.action_name, event.policy, event.confidence, hide_rule_turn=True)
        marked.append(event)
    return marked


def rasas(tracker: DialogueStateTracker, domain: Domain, settings: tuple[bool, bool], data: Any) -> list[State]:
    return past_states._RASA_PAST_STATES(tracker, domain, *settings, data)


def ours(tracker: DialogueStateTracker, domain: Domain, settings: tuple[bool, bool], data: Any) -> list[State]:
    return tracker.past_states(domain, *settings, data)


def grow(sender: str, events: list[Event], domain: Domain) -> list[DialogueStateTracker]:
    """The conversation's tracker after each event, each a new tracker over the same event objects (as the
    tracker store's cache gives them back between messages)."""
    return [DialogueStateTracker.from_events(sender, events[:end], domain.slots) for end in range(1, len(events) + 1)]


def read_back(events: list[Event]) -> list[Event]:
    """The events as the tracker store gives them back: new objects, decoded from their stored JSON."""
    return [Event.from_parameters(json.loads(json.dumps(event.as_dict()))) for event in events]


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    past_states.forget()
    applied_events.forget()


def test_the_fixes_are_active() -> None:
    assert past_states.is_applied() and applied_events.is_applied()


def test_every_prefix_of_every_story_gives_rasas_applied_events(
    conversations: list[list[Event]], domain: Domain
) -> None:
    compared = 0
    for number, events in enumerate(conversations):
        for tracker in grow(f"story-{number}", events, domain):
            ours = tracker.applied_events()
            rasas = applied_events._RASA_APPLIED_EVENTS(tracker)
            assert len(ours) == len(rasas) and all(a is b for a, b in zip(ours, rasas, strict=True))
            ours.clear()  # the caller's own list
            compared += 1
    assert compared > 1000


def test_a_conversation_read_back_in_new_objects_goes_on_from_what_was_kept(
    conversations: list[list[Event]], domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = max(conversations, key=len)
    half = len(events) // 2
    data = rule_only_data(domain)
    live = DialogueStateTracker.from_events("read-back", events[:half], domain.slots)
    for settings in SETTINGS:
        ours(live, domain, settings, data)
    # The next message: the first half read back from the store, the rest new. Nothing may start again.
    monkeypatch.setattr(past_states, "_Replay", None)  # a fresh replay would fail
    tracker = DialogueStateTracker.from_events("read-back", [*read_back(events[:half]), *events[half:]], domain.slots)
    applied = tracker.applied_events()
    rasas_applied = applied_events._RASA_APPLIED_EVENTS(tracker)
    assert len(applied) == len(rasas_applied) and all(a is b for a, b in zip(applied, rasas_applied, strict=True))
    for settings in SETTINGS:
        assert ours(tracker, domain, settings, data) == rasas(tracker, domain, settings, data)


def test_an_event_read_back_is_the_same_event_and_another_is_not() -> None:
    parse_data = {"intent": {"name": "greet", "confidence": 0.9}, "entities": [], "text_tokens": [(0, 2)]}
    hello = UserUttered("hi", parse_data["intent"], [], parse_data)
    assert applied_events.same_event(read_back([hello])[0], hello)
    other = UserUttered("hi", {"name": "thank", "confidence": 0.9}, [], {**parse_data, "intent": {"name": "thank"}})
    assert not applied_events.same_event(other, hello)
    assert not applied_events.same_event(ActionExecuted("utter_greet"), ActionExecuted("utter_heat"))


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("hidden_turns", [False, True])
def test_every_prefix_of_every_story_gives_rasas_states(
    conversations: list[list[Event]], domain: Domain, settings: tuple[bool, bool], hidden_turns: bool
) -> None:
    past_states.forget()
    data: Optional[dict[str, Any]] = rule_only_data(domain) if settings[1] else None
    compared = 0
    for number, events in enumerate(conversations):
        if hidden_turns:
            events = with_hidden_rule_turns(events)
        for tracker in grow(f"story-{number}", events, domain):
            assert ours(tracker, domain, settings, data) == rasas(tracker, domain, settings, data)
            compared += 1
    assert compared > 1000


def test_a_caller_changing_its_states_changes_nobody_elses(conversations: list[list[Event]], domain: Domain) -> None:
    past_states.forget()
    events = max(conversations, key=len)
    for tracker in grow("changed", events, domain):
        for settings in SETTINGS:
            states = ours(tracker, domain, settings, rule_only_data(domain))
            assert states == rasas(tracker, domain, settings, rule_only_data(domain))
            for state in states:  # what TED does to the last state, done to all of them, and more
                state.get(USER, {}).clear()
                state.clear()


def test_a_reverted_message_and_another_conversations_events_start_again_from_rasas_states(domain: Domain) -> None:
    past_states.forget()
    listen, data = ActionExecuted("action_listen"), rule_only_data(domain)
    hello = UserUttered("hello", {"name": "greet", "confidence": 1.0})
    events: list[Event] = [listen, hello, ActionExecuted("utter_greet"), SlotSet("topic", "heat"), listen]
    events += [
        UserUttered("what?", {"name": "nlu_fallback", "confidence": 0.1}),
        ActionExecuted("action_default_fallback"),
    ]
    events += [UserUtteranceReverted(), listen, UserUttered("heat?", {"name": "ask_heat", "confidence": 0.9})]
    for tracker in grow("reverted", events, domain):
        for settings in SETTINGS:
            assert ours(tracker, domain, settings, data) == rasas(tracker, domain, settings, data)
    # Same sender, a longer conversation that does not begin with the kept replay's events: replayed afresh.
    heat = UserUttered("heat?", {"name": "ask_heat", "confidence": 0.9})
    other = [listen, heat, ActionExecuted("utter_heat"), SlotSet("topic", "ice"), listen, hello, *events]
    tracker = DialogueStateTracker.from_events("reverted", other, domain.slots)
    for settings in SETTINGS:
        assert ours(tracker, domain, settings, data) == rasas(tracker, domain, settings, data)


def test_other_rule_only_data_or_domain_is_not_served_from_the_kept_replay(domain: Domain) -> None:
    past_states.forget()
    events: list[Event] = [ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet", "confidence": 1.0})]
    events += [ActionExecuted("utter_greet"), SlotSet("topic", "heat"), ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("settings", events, domain.slots)
    data = rule_only_data(domain)
    assert ours(tracker, domain, (False, True), data) == rasas(tracker, domain, (False, True), data)
    data[RULE_ONLY_SLOTS] = ["topic"]  # the same dictionary, changed
    assert ours(tracker, domain, (False, True), data) == rasas(tracker, domain, (False, True), data)
    other = Domain.load(str(ROOT / "domain.yml"))
    assert ours(tracker, other, (False, True), data) == rasas(tracker, other, (False, True), data)
