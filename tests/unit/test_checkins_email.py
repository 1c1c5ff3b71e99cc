"""Website check-ins by email too (issue 22): the separate offer, the address form's validation, the email itself,
sending it once through SMTP (a fake server on loopback) only when due and inside the UK window, stop, the logs,
and a person's data export and erasure. Also STOP inside a form ending the check-ins."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import pytest
import sqlalchemy as sa
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ActionStopBooking
from actions.checkins import (
    ActionStartCheckins,
    ActionStopCheckinsInForm,
    ActionSubmitCheckinEmail,
    ValidateCheckinEmailForm,
)
from actions.screening import ActionStopScreening
from backcare import privacy, redaction
from backcare.checkins import CheckinStore, load_wording
from backcare.checkins import email as checkin_email
from backcare.checkins.schedule import UK
from backcare.clinic import load_profile
from scripts import checkins as checkins_script
from tests.fakes.smtp import FakeSmtpServer
from tests.unit.test_checkins_actions import store as temporary_store

store = temporary_store  # the fixture: a temporary check-in store (CHECKINS_DB_URL), as for the other actions
SENDER = "web-visitor-1"
ADDRESS = "jo.bloggs@example.org"
OFFER = load_wording()["email_offer"].text.split(".")[0]
# Thursday 10 December 2026, 10:00 UK time: inside the 09:00-20:00 window.
CONSENTED = dt.datetime(2026, 12, 8, 10, 0, tzinfo=UK)


@pytest.fixture
def smtp() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer() as server:
        yield server


def tracker(
    intent: str,
    text: str = "",
    channel: str = "rest",
    active_loop: Optional[str] = None,
    **slots: Any,
) -> Tracker:
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
    user = {"event": "user", "text": text, "parse_data": message, "input_channel": channel}
    loop = {"name": active_loop} if active_loop else {}
    return Tracker(SENDER, slots, message, [user], False, None, loop, "action_listen")


def run(action: Action, state: Tracker) -> tuple[str, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    return " ".join(str(m.get("text") or m.get("response")) for m in dispatcher.messages), events


def validate(text: str, intent: str = "inform") -> tuple[str, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    state = tracker(intent, text, active_loop="checkin_email_form", requested_slot="checkin_email")
    values = ValidateCheckinEmailForm().validate_checkin_email(text, dispatcher, state, {})
    return " ".join(str(m.get("text")) for m in dispatcher.messages), values


def opt_in(store: CheckinStore, address: Optional[str] = ADDRESS, sender: str = SENDER) -> None:
    store.start(sender, "rest", CONSENTED)
    if address:
        store.set_email(sender, address, CONSENTED)


def first_due(store: CheckinStore, sender: str = SENDER) -> dt.datetime:
    return store.active(sender)[0].due_at


# --- the offer and the form ----------------------------------------------------------------------------------------


def test_the_website_offers_email_as_a_separate_choice_and_other_channels_do_not(store: CheckinStore) -> None:
    text, _ = run(ActionStartCheckins(), tracker("start_checkins", "yes"))
    assert "open this chat again" in text and OFFER in text
    assert store.email_for(SENDER) is None, "saying yes to check-ins gives no email address"
    other = tracker("start_checkins", "yes", channel="telegram")
    assert (
        OFFER
        not in run(
            ActionStartCheckins(),
            Tracker("telegram:9", {}, other.latest_message, other.events, False, None, {}, "action_listen"),
        )[0]
    )


def test_no_email_offer_during_a_red_flag(store: CheckinStore) -> None:
    assert OFFER not in run(ActionStartCheckins(), tracker("start_checkins", "yes", triage_level="urgent"))[0]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (ADDRESS, ADDRESS),
        ("it's Jo.Bloggs@Example.ORG thanks", "Jo.Bloggs@example.org"),
        ("no", checkin_email.DECLINED),
        ("skip", checkin_email.DECLINED),
        ("No thanks", checkin_email.DECLINED),
        ("rather not", checkin_email.DECLINED),
    ],
)
def test_the_address_is_kept_or_the_no_is(typed: str, kept: str) -> None:
    said, values = validate(typed)
    assert values == {"checkin_email": kept} and said == ""


def test_a_no_the_classifier_heard_as_deny_declines_too() -> None:
    assert validate("nah not for me", intent="deny")[1] == {"checkin_email": checkin_email.DECLINED}


@pytest.mark.parametrize("typed", ["jo at example dot org", "jo@example", "what is this for", "@@", "07700 900123"])
def test_a_bad_address_is_asked_again_kindly(typed: str) -> None:
    said, values = validate(typed)
    assert values == {"checkin_email": None}
    assert said == load_wording()["email_invalid"].text and "name@example.com" in said and "skip" in said


def test_the_form_asks_only_a_website_visitor_with_check_ins_on(store: CheckinStore) -> None:
    form = ValidateCheckinEmailForm()
    dispatcher = CollectingDispatcher()
    assert asyncio.run(form.required_slots(["checkin_email"], dispatcher, tracker("affirm", "yes"), {})) == []
    opt_in(store, address=None)
    website = asyncio.run(form.required_slots(["checkin_email"], dispatcher, tracker("affirm", "yes"), {}))
    telegram = asyncio.run(
        form.required_slots(["checkin_email"], dispatcher, tracker("affirm", "yes", channel="telegram"), {})
    )
    assert website == ["checkin_email"] and telegram == []


def test_the_address_is_stored_and_the_slot_emptied(store: CheckinStore) -> None:
    opt_in(store, address=None)
    text, events = run(ActionSubmitCheckinEmail(), tracker("inform", ADDRESS, checkin_email=ADDRESS))
    assert store.email_for(SENDER) == ADDRESS
    assert "stop check-ins" in text and {
        "event": "slot",
        "name": "checkin_email",
        "value": None,
        "timestamp": None,
    } in [{**event, "timestamp": None} for event in events]


def test_skipping_the_email_keeps_the_check_ins(store: CheckinStore) -> None:
    opt_in(store, address=None)
    text, _ = run(ActionSubmitCheckinEmail(), tracker("deny", "skip", checkin_email=checkin_email.DECLINED))
    assert "still on" in text
    assert store.email_for(SENDER) is None and len(store.active(SENDER)) == 2


def test_stop_inside_the_email_form_ends_the_check_ins_and_the_form(store: CheckinStore) -> None:
    opt_in(store, address=None)
    text, events = run(ActionStopCheckinsInForm(), tracker("stop", "STOP", active_loop="checkin_email_form"))
    assert "stopped your check-ins" in text and store.active(SENDER) == []
    assert {"event": "active_loop", "name": None} in [{k: e[k] for k in ("event", "name")} for e in events]


@pytest.mark.parametrize("intent", ["stop", "stop_checkins"])
def test_skip_heard_as_stop_inside_the_email_form_keeps_the_check_ins(store: CheckinStore, intent: str) -> None:
    opt_in(store, address=None)
    text, events = run(ActionStopCheckinsInForm(), tracker(intent, "skip", active_loop="checkin_email_form"))
    assert "still on" in text and len(store.active(SENDER)) == 2
    assert {"event": "active_loop", "name": None} in [{k: e[k] for k in ("event", "name")} for e in events]


# --- the email -----------------------------------------------------------------------------------------------------


def test_the_email_says_what_it_is_links_to_the_chat_and_how_to_stop() -> None:
    profile = load_profile()
    message = checkin_email.compose(ADDRESS, "checkins@example.org", profile, "https://www.example.org/chat")
    body = message.get_content()
    assert message["To"] == ADDRESS and "checkins@example.org" in message["From"] and profile.name in message["From"]
    assert profile.name in message["Subject"] and "check-in" in message["Subject"]
    assert message.get_content_type() == "text/plain"
    assert "https://www.example.org/chat" in body and "stop check-ins" in body and profile.phone in body
    assert "999" in body


def test_the_link_is_the_clinic_site_unless_the_environment_names_the_chat() -> None:
    profile = load_profile()
    assert checkin_email.chat_link(profile, {}) == profile.website
    assert checkin_email.chat_link(profile, {"CHECKIN_CHAT_URL": "https://chat.example.org/"}) == (
        "https://chat.example.org/"
    )


def test_smtp_settings_come_from_the_environment_only() -> None:
    profile = load_profile()
    assert checkin_email.SmtpSettings.from_environment(profile, {}) is None
    settings = checkin_email.SmtpSettings.from_environment(
        profile, {"SMTP_HOST": "smtp.example.org", "SMTP_USER": "u", "SMTP_PASSWORD": "p", "SMTP_FROM": "a@b.org"}
    )
    assert settings == checkin_email.SmtpSettings("smtp.example.org", 587, "a@b.org", "u", "p", "starttls")
    assert checkin_email.SmtpSettings.from_environment(profile, {"SMTP_HOST": "h"}).sender == profile.email  # type: ignore[union-attr]
    with pytest.raises(checkin_email.EmailError):
        checkin_email.SmtpSettings.from_environment(profile, {"SMTP_HOST": "h", "SMTP_SECURITY": "maybe"})


# --- sending: once, when due, in the window, not after stop --------------------------------------------------------


def send(store: CheckinStore, now: dt.datetime, smtp: Optional[FakeSmtpServer]) -> dict[str, int]:
    environ = smtp.environment() if smtp is not None else {}
    return dict(checkins_script.run(store, lambda: pytest.fail("no message channel is due"), now, environ))


def test_one_email_at_the_due_time_none_before_none_again(store: CheckinStore, smtp: FakeSmtpServer) -> None:
    opt_in(store)
    due = first_due(store)
    assert send(store, due - dt.timedelta(minutes=5), smtp) == {} and smtp.received == []
    assert send(store, due, smtp) == {"email": 1}
    assert send(store, due + dt.timedelta(hours=1), smtp) == {}
    [received] = smtp.received
    assert received.recipients == (ADDRESS,) and load_profile().website in received.body
    assert [c.status for c in store.active(SENDER)] == ["due", "due"], "the check-in still waits in the chat"


def test_two_runs_at_once_send_one_email(store: CheckinStore, smtp: FakeSmtpServer) -> None:
    opt_in(store)
    due = first_due(store)
    results: list[dict[str, int]] = []
    runs = [threading.Thread(target=lambda: results.append(send(store, due, smtp))) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert len(smtp.received) == 1 and sorted(r.get("email", 0) for r in results) == [0, 1]


def test_no_email_outside_9_to_8_uk_time(store: CheckinStore, smtp: FakeSmtpServer) -> None:
    opt_in(store)
    late = dt.datetime.combine(first_due(store).astimezone(UK).date(), dt.time(21, 0), tzinfo=UK)
    assert send(store, late, smtp) == {} and smtp.received == []


def test_no_email_after_stop_and_the_address_is_forgotten(store: CheckinStore, smtp: FakeSmtpServer) -> None:
    opt_in(store)
    due = first_due(store)
    store.stop(SENDER, due - dt.timedelta(hours=1))
    assert store.email_for(SENDER) is None
    assert send(store, due, smtp) == {} and send(store, due + dt.timedelta(days=6), smtp) == {}
    assert smtp.received == []


def test_no_email_once_the_check_in_was_shown_in_the_chat(store: CheckinStore, smtp: FakeSmtpServer) -> None:
    opt_in(store)
    due = first_due(store)
    assert len(store.take_waiting(SENDER, due)) == 1
    assert send(store, due, smtp) == {} and smtp.received == []


def test_without_smtp_the_email_is_skipped_and_logged_without_the_address(
    store: CheckinStore, caplog: pytest.LogCaptureFixture
) -> None:
    opt_in(store)
    due = first_due(store)
    with caplog.at_level(logging.WARNING, logger="checkins"):
        assert send(store, due, None) == {"email_skipped": 1}
    assert "SMTP_HOST is not set" in caplog.text
    assert store.take_waiting(SENDER, due), "the check-in still waits in the chat"


@pytest.fixture
def redacted_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Log records redacted as `make check-ins` has them (scripts/checkins.py installs it), for this test only."""
    factory = logging.getLogRecordFactory()
    monkeypatch.setattr(redaction, "_installed", None)
    redaction.install()
    yield
    logging.setLogRecordFactory(factory)


@pytest.mark.usefixtures("redacted_logs")
def test_a_failed_send_is_retried_and_logged_masked(store: CheckinStore, caplog: pytest.LogCaptureFixture) -> None:
    opt_in(store)
    due = first_due(store)
    closed = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9", "SMTP_SECURITY": "none"}  # nothing listens on port 9
    with caplog.at_level(logging.ERROR, logger="checkins"):
        assert dict(checkins_script.run(store, lambda: None, due, closed)) == {"failed": 1}
    assert "not sent" in caplog.text and ADDRESS not in caplog.text
    with FakeSmtpServer() as smtp:
        assert send(store, due + dt.timedelta(hours=1), smtp) == {"email": 1}


# --- the person's data ---------------------------------------------------------------------------------------------


def test_export_holds_the_address_and_erase_removes_it(store: CheckinStore, tmp_path: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker_store = SQLTrackerStore(Domain.empty(), host=str(store.engine.url))
    asyncio.run(tracker_store.save(DialogueStateTracker.from_events(SENDER, [UserUttered("how long will it last")])))
    opt_in(store)
    stores = privacy.Stores(store.engine, None, privacy.StaffFiles())

    by_address = privacy.subject_access(stores, ADDRESS.upper())
    [conversation] = by_address["conversations"]
    assert conversation["conversation_id"] == SENDER
    assert [row["address"] for row in conversation["checkin_emails"]["address"]] == [ADDRESS]
    assert privacy.subject_access(stores, SENDER)["conversations"][0]["checkin_emails"]["address"]

    privacy.erase(stores, ADDRESS, tmp_path / "erasures.log", staff="test")
    assert store.email_for(SENDER) is None and store.all() == []
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from checkin_emails")).scalar() == 0


# --- STOP inside a form ends the check-ins too ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "form"),
    [
        (ActionStopBooking(), "booking_form"),
        (ActionStopBooking(), "callback_form"),
        (ActionStopScreening(), "screening_form"),
    ],
)
@pytest.mark.parametrize(("intent", "text"), [("stop", "STOP"), ("stop_checkins", "stop check-ins")])
def test_stop_inside_a_form_ends_the_form_and_the_check_ins(
    store: CheckinStore, action: Action, form: str, intent: str, text: str
) -> None:
    opt_in(store)
    said, events = run(action, tracker(intent, text, active_loop=form))
    assert store.active(SENDER) == [] and store.email_for(SENDER) is None
    assert load_wording()["stopped_too"].text in said
    assert any(event.get("event") == "active_loop" and event.get("name") is None for event in events)


def test_goodbye_inside_a_form_leaves_the_check_ins_on(store: CheckinStore) -> None:
    opt_in(store)
    said, _ = run(ActionStopBooking(), tracker("goodbye", "bye", active_loop="booking_form"))
    assert len(store.active(SENDER)) == 2 and load_wording()["stopped_too"].text not in said


def test_stop_inside_a_form_without_check_ins_says_nothing_about_them(store: CheckinStore) -> None:
    said, _ = run(ActionStopBooking(), tracker("stop", "STOP", active_loop="booking_form"))
    assert load_wording()["stopped_too"].text not in said


def test_the_retention_job_forgets_the_address_of_a_deleted_conversation(store: CheckinStore) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from backcare.retention import purge_conversations

    tracker_store = SQLTrackerStore(Domain.empty(), host=str(store.engine.url))
    for sender in (SENDER, "web-visitor-2"):
        asyncio.run(tracker_store.save(DialogueStateTracker.from_events(sender, [UserUttered("hello")])))
        opt_in(store, sender=sender)
    with store.engine.begin() as connection:
        connection.execute(sa.text("update events set timestamp = 0 where sender_id = :s"), {"s": SENDER})
    purge_conversations(store.engine, cutoff=1000.0)
    assert store.email_for(SENDER) is None and store.email_for("web-visitor-2") == ADDRESS
