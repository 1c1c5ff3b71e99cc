"""The check-in actions (actions/checkins.py) with a real dispatcher and tracker and a temporary store: the offer,
consent with the channel and sender, stop, and the reply to a waiting check-in."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.checkins as checkin_actions
from actions.checkins import ActionAnswerCheckin, ActionStartCheckins, ActionStopCheckins
from actions.clarify import ActionClarifyIntent
from actions.guidance import ActionGiveGuidance
from actions.triage import ActionTriageRedFlag
from backcare.checkins import CheckinStore, load_wording

OFFER = load_wording()["offer"].text.split("?")[0]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CheckinStore]:
    monkeypatch.setenv("CHECKINS_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    checkin_actions.checkin_store.cache_clear()
    yield checkin_actions.checkin_store()
    checkin_actions.checkin_store.cache_clear()


def tracker(
    intent: str, text: str = "", channel: str = "telegram", events: Optional[list[dict[str, Any]]] = None, **slots: Any
) -> Tracker:
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
    user = {"event": "user", "text": text, "parse_data": message, "input_channel": channel}
    return Tracker("telegram:42", slots, message, [*(events or []), user], False, None, None, "action_listen")


def run(action: Action, state: Tracker) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    return " ".join(str(m.get("text") or m.get("response")) for m in dispatcher.messages), dispatcher.messages, events


def send_first(store: CheckinStore) -> None:
    [first, _] = store.active("telegram:42")
    [claimed] = store.claim_due(first.due_at)
    store.mark_sent(claimed, "telegram", first.due_at)


def test_the_first_answer_about_the_spasm_offers_check_ins_with_buttons(store: CheckinStore) -> None:
    text, messages, _ = run(ActionGiveGuidance(), tracker("ask_recovery", "how long will it last"))
    assert OFFER in text
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/start_checkins", "/deny"]


def test_no_offer_for_other_topics_during_a_red_flag_or_twice(store: CheckinStore) -> None:
    assert OFFER not in run(ActionGiveGuidance(), tracker("ask_causes", "what causes it"))[0]
    assert OFFER not in run(ActionGiveGuidance(), tracker("ask_recovery", "how long", triage_level="urgent"))[0]
    offered = [{"event": "bot", "text": load_wording()["offer"].text.format(first=2, second=7)}]
    assert OFFER not in run(ActionGiveGuidance(), tracker("ask_recovery", "how long", events=offered))[0]


def test_yes_stores_consent_with_the_channel_and_sender_and_says_what_when_and_how_to_stop(
    store: CheckinStore,
) -> None:
    text, _, _ = run(ActionStartCheckins(), tracker("start_checkins", "yes please", channel="whatsapp"))
    assert "2 days" in text and "7 days" in text and "stop check-ins" in text
    assert [(c.sender_id, c.channel) for c in store.active("telegram:42")] == [("telegram:42", "whatsapp")] * 2
    assert "already on" in run(ActionStartCheckins(), tracker("start_checkins", "yes"))[0]


def test_the_website_is_told_the_check_in_waits_for_the_chat(store: CheckinStore) -> None:
    assert "open this chat again" in run(ActionStartCheckins(), tracker("start_checkins", "yes", channel="rest"))[0]


@pytest.mark.parametrize(("intent", "text"), [("stop_checkins", "stop check-ins"), ("stop", "STOP")])
def test_stop_check_ins_or_stop_ends_them_at_once(store: CheckinStore, intent: str, text: str) -> None:
    run(ActionStartCheckins(), tracker("start_checkins", "yes"))
    assert "stopped your check-ins" in run(ActionStopCheckins(), tracker(intent, text))[0]
    assert store.active("telegram:42") == []


def test_a_plain_stop_without_check_ins_is_answered_as_before(store: CheckinStore) -> None:
    _, messages, _ = run(ActionStopCheckins(), tracker("stop", "stop"))
    assert [message.get("response") for message in messages] == ["utter_anything_else"]


def test_the_reply_to_a_waiting_check_in_gets_its_outcome(store: CheckinStore) -> None:
    run(ActionStartCheckins(), tracker("start_checkins", "yes"))
    send_first(store)
    text, _, _ = run(ActionAnswerCheckin(), tracker("answer_checkin", "much better, 2 out of 10"))
    assert "stay active" in text and "check in again" in text
    assert next(c for c in store.all() if c.step == 1).outcome == "keep_going"


@pytest.mark.parametrize("action", [ActionGiveGuidance(), ActionClarifyIntent()])
def test_a_reply_read_as_a_statement_or_not_understood_still_answers_the_check_in(
    store: CheckinStore, action: Action
) -> None:
    run(ActionStartCheckins(), tracker("start_checkins", "yes"))
    send_first(store)
    intent = "inform" if isinstance(action, ActionGiveGuidance) else "nlu_fallback"
    text, messages, _ = run(action, tracker(intent, "worse, 4 out of 10"))
    assert "GP" in text and "/book_appointment" in [b["payload"] for b in messages[0]["buttons"]]


def test_a_warning_sign_in_reply_gets_999_and_is_recorded(store: CheckinStore) -> None:
    run(ActionStartCheckins(), tracker("start_checkins", "yes"))
    send_first(store)
    text, _, _ = run(ActionTriageRedFlag(), tracker("report_red_flag", "worse, 8/10, and now my legs feel numb"))
    assert "999" in text
    assert next(c for c in store.all() if c.step == 1).outcome == "emergency"


def test_without_a_waiting_check_in_the_answer_is_read_as_a_statement(store: CheckinStore) -> None:
    text, _, _ = run(ActionAnswerCheckin(), tracker("answer_checkin", "much better, 2 out of 10"))
    assert text and "check in again" not in text


def test_the_store_being_down_never_stops_the_conversation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKINS_DB_URL", "postgresql://nobody@127.0.0.1:1/none")
    checkin_actions.checkin_store.cache_clear()
    try:
        assert "stay active" not in run(ActionGiveGuidance(), tracker("ask_recovery", "how long will it last"))[0]
        assert run(ActionAnswerCheckin(), tracker("answer_checkin", "better, 2 out of 10"))[0]
    finally:
        checkin_actions.checkin_store.cache_clear()
