"""stores.tracker_store.ReconnectingSQLTrackerStore keeps the conversations it read or saved: each read gives the
conversation Rasa's SQLTrackerStore reads from the same database, event for event, whether it came from what was
kept or from the database (another worker wrote, rows were erased, a new session began)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Optional

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import recent
from stores.tracker_store import ReconnectingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
SENDER = "patient-1"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def database(tmp_path: Path) -> str:
    return str(tmp_path / "tracker.db")


def store(domain: Domain, database: str) -> ReconnectingSQLTrackerStore:
    return ReconnectingSQLTrackerStore(domain, dialect="sqlite", db=database)


def message(number: int) -> list[Event]:
    """One turn as the assistant logs it; the parse data holds tuples, as the NLU leaves them (stored as lists)."""
    parse_data = {
        "intent": {"name": "ask_heat", "confidence": 0.9 + number / 1000},
        "entities": [{"entity": "treatment", "value": "heat", "start": 0, "end": 4}],
        "text": f"heat or ice {number}?",
        "text_tokens": [(0, 4), (5, 7)],
    }
    return [
        UserUttered(parse_data["text"], parse_data["intent"], parse_data["entities"], parse_data),
        ActionExecuted("action_give_guidance", policy="RulePolicy", confidence=1.0),
        SlotSet("topic", f"heat {number}"),
        BotUttered(f"Heat helps ({number}).", {"buttons": None}),
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
    ]


def read(store: SQLTrackerStore, reader: Any = None) -> Optional[DialogueStateTracker]:
    return asyncio.run((reader or type(store).retrieve)(store, SENDER))


def assert_as_rasa_reads(ours: Optional[DialogueStateTracker], store: SQLTrackerStore) -> None:
    rasas = read(store, SQLTrackerStore.retrieve)
    if rasas is None or ours is None:
        assert ours is rasas
        return
    assert [type(event) for event in ours.events] == [type(event) for event in rasas.events]
    for our_event, rasas_event in zip(ours.events, rasas.events, strict=True):
        assert vars(our_event) == vars(rasas_event)
    assert ours.current_state() == rasas.current_state()
    assert ours.slots["topic"].value == rasas.slots["topic"].value


def talk(store: ReconnectingSQLTrackerStore, number: int) -> None:
    """One message handled: the conversation read, the turn added, saved."""
    tracker = read(store) or DialogueStateTracker(SENDER, store.domain.slots)
    for event in message(number):
        tracker.update(event)
    asyncio.run(store.save(tracker))


@pytest.fixture
def database_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every time a read goes to the database as Rasa reads it."""
    reads: list[str] = []
    rasas_retrieve = SQLTrackerStore._retrieve

    async def counted(self: SQLTrackerStore, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        reads.append(sender_id)
        return await rasas_retrieve(self, sender_id, fetch_events_from_all_sessions)

    monkeypatch.setattr(SQLTrackerStore, "_retrieve", counted)
    return reads


def test_a_growing_conversation_is_read_as_rasa_reads_it_and_from_the_database_once(
    domain: Domain, database: str, database_reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rasas_counts: list[str] = []
    rasas_additional_events = SQLTrackerStore._additional_events

    def counted(self: SQLTrackerStore, session: Any, tracker: DialogueStateTracker) -> Any:
        rasas_counts.append(tracker.sender_id)
        return rasas_additional_events(self, session, tracker)

    monkeypatch.setattr(SQLTrackerStore, "_additional_events", counted)
    ours = store(domain, database)
    asyncio.run(
        ours.save(DialogueStateTracker.from_events(SENDER, [SessionStarted(), ActionExecuted("action_listen")]))
    )
    for number in range(12):
        talk(ours, number)
        ours_read = database_reads.copy()
        assert_as_rasa_reads(read(ours), ours)
        database_reads[:] = ours_read  # Rasa's own read in the comparison does not count
    assert database_reads == [SENDER]  # the first read; every later one from what was kept
    assert rasas_counts == [SENDER]  # the first save; later ones add what follows the kept events
    assert len(read(ours).events) == 2 + 12 * 5  # type: ignore[union-attr]


def test_what_another_worker_saved_is_read_from_the_database(domain: Domain, database: str) -> None:
    ours, other_worker = store(domain, database), store(domain, database)
    talk(ours, 1)
    talk(ours, 2)
    talk(other_worker, 3)  # the next message of the same conversation went to another Sanic worker
    tracker = read(ours)
    assert tracker is not None and tracker.slots["topic"].value == "heat 3"
    assert_as_rasa_reads(tracker, ours)
    talk(ours, 4)
    assert_as_rasa_reads(read(ours), ours)


def test_an_erased_conversation_is_not_given_back(domain: Domain, database: str) -> None:
    ours = store(domain, database)
    talk(ours, 1)
    talk(ours, 2)
    with ours.session_scope() as session:  # what `make erase` does to the table
        session.query(ours.SQLEvent).filter(ours.SQLEvent.sender_id == SENDER).delete()
        session.commit()
    assert read(ours) is None
    talk(ours, 1)
    talk(ours, 2)
    assert read(ours) is not None and ours.kept.peek(SENDER) is not None
    with ours.session_scope() as session:
        session.query(ours.SQLEvent).filter(ours.SQLEvent.sender_id == SENDER).delete()
        session.commit()
    # Erased and written again by another process with as many rows: the last row tells them apart.
    other = store(domain, database)
    talk(other, 7)
    talk(other, 8)
    assert_as_rasa_reads(read(ours), ours)
    assert read(ours).slots["topic"].value == "heat 8"  # type: ignore[union-attr]


def test_a_new_session_is_read_as_rasa_reads_it(domain: Domain, database: str, database_reads: list[str]) -> None:
    ours = store(domain, database)
    talk(ours, 1)
    talk(ours, 2)
    tracker = read(ours)
    assert tracker is not None
    for event in [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]:
        tracker.update(event)
    asyncio.run(ours.save(tracker))
    database_reads.clear()
    new_session = read(ours)
    assert database_reads == [SENDER]  # a new session is read from the database, as Rasa reads it
    assert new_session is not None and isinstance(new_session.events[0], SessionStarted)
    assert_as_rasa_reads(new_session, ours)


def test_a_conversation_left_alone_is_let_go(
    domain: Domain, database: str, database_reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = store(domain, database)
    talk(ours, 1)
    read(ours)
    assert ours.kept.keys() == [SENDER]
    monkeypatch.setattr(recent, "KEEP_SECONDS", 0.0)
    ours.kept.let_go_of_unused()
    assert not ours.kept.keys()
    monkeypatch.setattr(recent, "KEEP_SECONDS", 600.0)
    monkeypatch.setattr(recent, "KEEP_CONVERSATIONS", 1)
    for sender in ("a", "b", "c"):
        asyncio.run(ours.save(DialogueStateTracker.from_events(sender, message(1))))
        asyncio.run(ours.retrieve(sender))
    assert ours.kept.keys() == ["c"]


def test_a_sqlite_file_is_served_from_a_pool_to_any_thread(domain: Domain, database: str) -> None:
    ours = store(domain, database)
    talk(ours, 1)
    with ThreadPoolExecutor(max_workers=3) as threads:  # connections opened in one thread, used in others
        for number in range(2, 8):
            threads.submit(talk, ours, number).result()
            ours.kept.clear()  # read from the database each time
    tracker = read(ours)
    assert tracker is not None and tracker.slots["topic"].value == "heat 7"
    assert_as_rasa_reads(tracker, ours)


def test_rows_erased_while_a_message_is_answered_are_saved_again_as_rasa_saves_them(
    domain: Domain, database: str
) -> None:
    ours = store(domain, database)
    talk(ours, 1)
    tracker = read(ours)
    assert tracker is not None
    with ours.session_scope() as session:
        session.query(ours.SQLEvent).filter(ours.SQLEvent.sender_id == SENDER).delete()
        session.commit()
    for event in message(2):
        tracker.update(event)
    asyncio.run(ours.save(tracker))  # Rasa counts no stored event in the session and stores them all
    rasas = read(ours, SQLTrackerStore.retrieve)
    assert rasas is not None and len(rasas.events) == len(tracker.events)
    assert_as_rasa_reads(read(ours), ours)
