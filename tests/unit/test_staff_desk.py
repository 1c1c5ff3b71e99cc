"""What the staff console and the staff commands share, without a server: the order reception sees requests in,
urgent screening, the screening answers, deletion targets, the audit log, the review rows, and labelling a miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcare.booking import desk
from backcare.booking.request import CALLBACK, BookingRequest
from backcare.booking.store import BookingStore
from backcare.insight import audit
from backcare.insight.records import conversations_of_sender
from backcare.insight.review import (
    ADDED,
    DUPLICATE,
    NOT_FOUND,
    REFUSED,
    conversation_rows,
    label_miss,
    miss_rows,
    parse_mark,
    transcript,
)
from backcare.triage import screening_questions
from tests.insight_events import T0, Events, booking_left_then_missed


def request(
    reference: str, created: str, screening: str = "routine", kind: str = "booking", **extra: object
) -> BookingRequest:
    return BookingRequest(
        reference,
        kind=kind,
        created_at=created,
        name="Harriet Cole",
        phone="+447400314159",
        screening=screening,
        **extra,
    )


@pytest.fixture
def store(tmp_path: Path) -> BookingStore:
    store = BookingStore(tmp_path / "bookings.db")
    store.add(request("BK-OLD222", "2026-11-30T09:00:00+00:00"))
    store.add(request("BK-NEW333", "2026-12-01T09:00:00+00:00"))
    store.add(request("BK-URG444", "2026-11-29T09:00:00+00:00", "urgent"))
    store.add(request("CB-EMG555", "2026-11-28T09:00:00+00:00", "emergency", CALLBACK))
    store.add(request("BK-DONE66", "2026-12-02T09:00:00+00:00", "urgent"))
    store.mark_handled("BK-DONE66")
    return store


def test_new_before_handled_urgent_first_then_newest(store: BookingStore) -> None:
    order = [s.request.reference for s in desk.desk_order(store.list())]
    assert order == ["BK-URG444", "CB-EMG555", "BK-NEW333", "BK-OLD222", "BK-DONE66"]
    assert [desk.is_urgent(s) for s in desk.desk_order(store.list())] == [True, True, False, False, True]


def test_screening_answers_read_as_the_questions_were_asked(tmp_path: Path) -> None:
    first, second = screening_questions()[:2]
    store = BookingStore(tmp_path / "bookings.db")
    store.add(
        request(
            "BK-SCR777",
            "2026-12-01T09:00:00+00:00",
            "urgent",
            screening_answers=((first.id, "no"), (second.id, "unsure")),
        )
    )
    stored = store.get("BK-SCR777")
    assert stored is not None
    lines = desk.screening_lines(stored)
    assert [(line.question, line.answer, line.worrying) for line in lines] == [
        (first.text, "No", False),
        (second.text, "Not sure", True),
    ]
    assert ("Red-flag screen", "urgent") in desk.request_fields(stored)
    assert f"{first.id}: no; {second.id}: unsure" in store.export_csv()


def test_a_deletion_covers_one_reference_or_every_request_of_a_contact(store: BookingStore) -> None:
    assert desk.references_to_delete(store, "bk-old222", None) == ["BK-OLD222"]
    assert desk.references_to_delete(store, "BK-NONE00", None) == []
    assert len(desk.references_to_delete(store, None, "07400 314159")) == 5
    assert desk.delete_all(store, ["BK-OLD222", "BK-NEW333"]) == 2
    assert store.get("BK-OLD222") is None


def test_the_audit_log_keeps_one_line_per_view_with_the_staff_name(tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    audit.record("Sam\tPatel", "staff console", "unredacted transcript of abc\nforged line", log)
    [line] = log.read_text().splitlines()
    assert "\tstaff=Sam Patel\tlogin=staff console\tunredacted transcript of abc forged line" in line


def the_booking_conversation():  # type: ignore[no-untyped-def]
    [conversation] = conversations_of_sender("whatsapp:+447400271828", booking_left_then_missed(Events()).events)
    return conversation


def test_rows_and_transcripts_are_masked_unless_asked(tmp_path: Path) -> None:
    conversation = the_booking_conversation()
    [row] = conversation_rows([conversation])
    assert row.messages == 5 and "missed x1" in row.flags and "booking left at contact" in row.flags
    assert conversation_rows([conversation], "emergency") == []
    with pytest.raises(ValueError, match="unknown flag nonsense"):
        conversation_rows([conversation], "nonsense")
    masked = " ".join(line.text for line in transcript(conversation))
    assert "Priya" not in masked and "271828" not in masked and "[name]" in masked and "[contact]" in masked
    unmasked = " ".join(line.text for line in transcript(conversation, unmasked=True))
    assert "Priya Shah" in unmasked and "07400 271828" in unmasked


def test_a_miss_is_labelled_once_and_personal_answers_are_refused(tmp_path: Path) -> None:
    conversation = the_booking_conversation()
    review_file = tmp_path / "misses.yml"
    [gibberish] = [row.ref for row in miss_rows([conversation])]
    assert gibberish == "whatsapp:+447400271828:4"
    name_answer = "whatsapp:+447400271828:2"
    assert label_miss(conversation, name_answer, "inform", [], review_file, []).outcome == REFUSED
    assert label_miss(conversation, gibberish, "no_such_intent", [], review_file, []).outcome == REFUSED
    assert label_miss(conversation, gibberish, "inform", [parse_mark("nope=zzz")], review_file, []).outcome == REFUSED
    assert label_miss(conversation, f"{conversation.id}:9", "inform", [], review_file, []).outcome == NOT_FOUND
    assert label_miss(None, gibberish, "inform", [], review_file, []).outcome == NOT_FOUND
    assert label_miss(conversation, gibberish, "out_of_scope", [], review_file, []).outcome == ADDED
    assert label_miss(conversation, gibberish, "out_of_scope", [], review_file, []).outcome == DUPLICATE
    assert review_file.read_text().count("zzz blah") == 1


def test_entity_marks_are_read_as_staff_type_them() -> None:
    assert parse_mark("medication=nurofen:ibuprofen").value == "ibuprofen"
    with pytest.raises(ValueError, match="write ENTITY=WORDS"):
        parse_mark("medication")


def test_call_backs_and_first_sessions_keep_their_times() -> None:
    events = Events(T0).user("can i talk to someone", "request_human").action("action_request_human")
    [conversation] = conversations_of_sender("web-1", events.events)
    [row] = conversation_rows([conversation])
    assert row.flags == ("hand-off",) and row.first_message == "can i talk to someone" and not row.serious
