"""The check-in store on SQLite (tests/prod/test_checkins.py runs the claim on PostgreSQL): consent, the atomic
claim, stopping, the website's waiting check-ins, the person's last message and the staff figures."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from backcare.checkins import CheckinStore, checkins_db_url

UTC = dt.timezone.utc
CONSENT = dt.datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
FIRST_DUE = CONSENT + dt.timedelta(days=2)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture
def store(url: str) -> CheckinStore:
    return CheckinStore(url)


def test_the_url_is_the_conversations_database_unless_set() -> None:
    assert checkins_db_url({}) == "sqlite:///tracker.db"
    assert checkins_db_url({"TRACKER_STORE_URL": "postgresql://db/x"}) == "postgresql://db/x"
    assert checkins_db_url({"TRACKER_STORE_URL": "postgresql://db/x", "CHECKINS_DB_URL": "sqlite:///c.db"}) == (
        "sqlite:///c.db"
    )


def test_yes_makes_two_check_ins_and_saying_yes_again_changes_nothing(store: CheckinStore) -> None:
    made = store.start("telegram:1", "telegram", CONSENT)
    assert [(c.step, c.due_at, c.channel) for c in made] == [
        (1, FIRST_DUE, "telegram"),
        (2, CONSENT + dt.timedelta(days=7), "telegram"),
    ]
    assert store.start("telegram:1", "telegram", CONSENT + dt.timedelta(hours=1)) == made


def test_nothing_is_claimed_before_it_is_due_then_exactly_once(store: CheckinStore) -> None:
    store.start("telegram:1", "telegram", CONSENT)
    assert store.claim_due(FIRST_DUE - dt.timedelta(minutes=1)) == []
    [claimed] = store.claim_due(FIRST_DUE)
    assert claimed.step == 1 and claimed.status == "sending"
    assert store.claim_due(FIRST_DUE + dt.timedelta(minutes=5)) == []
    assert store.mark_sent(claimed, "telegram", FIRST_DUE)
    assert store.claim_due(FIRST_DUE + dt.timedelta(hours=1)) == []
    assert store.awaiting_answer("telegram:1") is not None


def test_two_runs_at_once_claim_each_check_in_once(url: str) -> None:
    setup = CheckinStore(url)
    for number in range(30):
        setup.start(f"telegram:{number}", "telegram", CONSENT)
    results: list[list[int]] = [[], [], [], []]
    barrier = threading.Barrier(len(results))

    def run(slot: int) -> None:
        store = CheckinStore(url)  # each run its own engine, as two processes would have
        barrier.wait()
        results[slot] = [c.id for c in store.claim_due(FIRST_DUE)]

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [checkin_id for result in results for checkin_id in result]
    assert len(claimed) == 30 and len(set(claimed)) == 30


def test_a_claim_left_sending_is_claimed_again_after_the_stale_time(store: CheckinStore) -> None:
    store.start("whatsapp:+447700900001", "whatsapp", CONSENT)
    [first] = store.claim_due(FIRST_DUE)
    assert store.claim_due(FIRST_DUE + dt.timedelta(minutes=14)) == []
    [again] = store.claim_due(FIRST_DUE + dt.timedelta(minutes=16))
    assert again.id == first.id and again.claim_token != first.claim_token
    assert not store.mark_sent(first, "whatsapp", FIRST_DUE), "the old claim may no longer mark it sent"


def test_a_failed_send_is_retried_then_given_up(store: CheckinStore) -> None:
    store.start("telegram:2", "telegram", CONSENT)
    for attempt in range(3):
        [claimed] = store.claim_due(FIRST_DUE + dt.timedelta(hours=attempt))
        store.release(claimed)
    assert store.claim_due(FIRST_DUE + dt.timedelta(hours=5)) == []
    assert next(c.status for c in store.all()) == "failed"


def test_stop_ends_every_check_in_not_yet_sent(store: CheckinStore) -> None:
    store.start("telegram:3", "telegram", CONSENT)
    assert store.stop("telegram:3", CONSENT + dt.timedelta(hours=1)) == 2
    assert store.claim_due(CONSENT + dt.timedelta(days=30)) == []
    assert store.active("telegram:3") == []


def test_website_check_ins_are_never_pushed_but_shown_once_when_the_chat_opens(store: CheckinStore) -> None:
    store.start("abc", "rest", CONSENT)
    assert store.claim_due(CONSENT + dt.timedelta(days=30)) == []
    assert store.take_waiting("abc", FIRST_DUE - dt.timedelta(hours=1)) == []
    [shown] = store.take_waiting("abc", FIRST_DUE)
    assert shown.step == 1 and shown.delivery == "website"
    assert store.take_waiting("abc", FIRST_DUE) == []


def test_the_last_message_comes_from_the_tracker_stores_events(store: CheckinStore, url: str) -> None:
    assert store.last_user_message_at("whatsapp:+1") is None
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL)")
        )
        for kind, moment in (("user", CONSENT), ("bot", CONSENT + dt.timedelta(hours=2))):
            connection.execute(
                sa.text("INSERT INTO events (sender_id, type_name, timestamp) VALUES ('whatsapp:+1', :k, :t)"),
                {"k": kind, "t": moment.timestamp()},
            )
    assert store.last_user_message_at("whatsapp:+1") == CONSENT


def test_the_figures_count_sent_answered_trends_and_escalations(store: CheckinStore) -> None:
    for number, (trend, outcome) in enumerate(
        [("better", "keep_going"), ("same", "see_gp"), ("worse", "emergency"), (None, None)]
    ):
        store.start(f"telegram:{number}", "telegram", CONSENT)
        [claimed] = store.claim_due(FIRST_DUE)
        store.mark_sent(claimed, "telegram", FIRST_DUE)
        if outcome:
            store.record_answer(claimed, FIRST_DUE + dt.timedelta(hours=1), outcome, trend=trend)
    store.start("telegram:9", "telegram", CONSENT)
    store.stop("telegram:9", CONSENT)
    figures = store.figures(since=CONSENT - dt.timedelta(days=1))
    assert (figures.offered_to, figures.sent, figures.answered) == (5, 4, 3)
    assert (figures.better, figures.same, figures.worse, figures.escalations, figures.stopped) == (1, 1, 1, 2, 1)
    assert store.figures(since=FIRST_DUE + dt.timedelta(days=1)).sent == 0


def test_erasing_a_persons_conversations_erases_their_check_ins(store: CheckinStore, url: str) -> None:
    from backcare.privacy import checkin_records, delete_conversations

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL)")
        )
    store.start("telegram:5", "telegram", CONSENT)
    store.start("telegram:6", "telegram", CONSENT)
    assert [row["step"] for row in checkin_records(engine, "telegram:5")] == [1, 2]
    delete_conversations(engine, ["telegram:5"])
    assert checkin_records(engine, "telegram:5") == [] and len(store.active("telegram:6")) == 2
