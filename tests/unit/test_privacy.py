"""A person's data found, exported and erased everywhere it is held (scripts/privacy.py, backcare/privacy.py):
Rasa's real SQL tracker store (SQLite here; PostgreSQL with real Redis in tests/prod), the booking file, reports,
the review file, the audit log and, when given, the channels' memory in Redis. After the erasure nothing in any
store or file matches the person's conversation id, phone number, email or references; someone else's data is
untouched; the erasure record holds no personal data."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from backcare.booking.request import CALLBACK, BookingRequest
from backcare.booking.store import BookingStore
from backcare.privacy import Person, phone_pattern

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+447400314159"


def reference(prefix: str) -> str:
    return f"{prefix}-" + "".join(secrets.choice("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for _ in range(6))


def save(store: SQLTrackerStore, sender: str, events: list[Any]) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


def run(command: str, who: str, env: dict[str, str], *extra: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/privacy.py"), "--endpoints", env["ENDPOINTS_FILE"], command, who, *extra],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def check_privacy(database_url: str, tmp_path: Path, redis_url: Optional[str] = None) -> None:
    """The whole behaviour on any tracker database (other tests' conversations may share it)."""
    run_id = uuid.uuid4().hex[:8]
    # Numbers of this run only: the production tests' other conversations (same database) use fixed ones.
    digits = f"{secrets.randbelow(10**6):06d}"
    phone, phone_typed, phone_written = f"+447400{digits}", f"07400 {digits[:3]} {digits[3:]}", f"07400-{digits}"
    other_phone = f"+447400{(int(digits) + 1) % 10**6:06d}"
    email = f"harriet.cole.{run_id}@example.org"
    harriet, harriet_email, whatsapp = f"web-{run_id}-harriet", f"web-{run_id}-harriet-2", f"whatsapp:{phone}"
    sam = f"web-{run_id}-sam"
    booking_ref, callback_ref, queued_ref, sam_ref = (
        reference("BK"),
        reference("CB"),
        reference("BK"),
        reference("BK"),
    )

    store = SQLTrackerStore(Domain.empty(), host=database_url)
    save(
        store,
        harriet,
        [
            UserUttered("i'd like to book"),
            UserUttered(f"it's {phone_typed}"),
            SlotSet("phone", phone),
            SlotSet("booking_reference", booking_ref),
            BotUttered(f"Your reference is {booking_ref}. We'll call you on {phone_written}."),
        ],
    )
    save(store, whatsapp, [UserUttered("hello")])
    save(store, harriet_email, [UserUttered(f"my email is {email.title()}")])
    save(
        store,
        sam,
        [
            UserUttered(f"0{other_phone[3:]} is my number"),
            SlotSet("phone", other_phone),
            SlotSet("booking_reference", sam_ref),
        ],
    )

    bookings = BookingStore(tmp_path / "bookings.db")
    bookings.add(BookingRequest(booking_ref, name="Harriet Cole", phone=phone, reason="back spasm"))
    bookings.add(BookingRequest(callback_ref, kind=CALLBACK, name="Harriet Cole", phone=phone, email=email))
    bookings.queue(
        BookingRequest(queued_ref, name="Harriet Cole", email=email), "webhook", "HTTP 503", "2030-01-01T00:00:00+00:00"
    )
    bookings.add(BookingRequest(sam_ref, name="Sam Lee", phone=other_phone))

    reports, logs = tmp_path / "reports", tmp_path / "logs"
    reports.mkdir()
    logs.mkdir()
    (reports / "misses-export.csv").write_text(f"Conversation,First message\n{harriet},i'd like to book\n")
    (reports / "report-2026-11-24.html").write_text("<p>12 conversations</p>")
    review_file = tmp_path / "misses.yml"
    review_file.write_text(
        "nlu:\n  - intent: book_appointment\n    examples: |\n"
        f"      - call me on {phone_written} tomorrow\n      - can i come in on friday\n"
    )
    audit = logs / "review-audit.log"
    audit.write_text(
        f"2026-11-25T10:00:00+00:00\tstaff=Ann\tlogin=ann\tunredacted transcript of {harriet}\n"
        f"2026-11-25T10:01:00+00:00\tstaff=Ann\tlogin=ann\tunredacted transcript of {sam}\n"
        f"2026-11-25T10:02:00+00:00\tstaff=Ann\tlogin=ann\tmarked {booking_ref} as handled\n"
    )
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        client.set(f"backspasm:channel:offered:{whatsapp}", "[]", ex=600)
        client.hset(f"backspasm:channel:rate:rest:{harriet}", mapping={"tokens": "3"})
        client.set(f"backspasm:channel:offered:{sam}", "[]", ex=600)

    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: stores.tracker_store.ReconnectingSQLTrackerStore\n  url: ${TEST_TRACKER_URL}\n"
    )
    env = {
        "ENDPOINTS_FILE": str(endpoints),
        "TEST_TRACKER_URL": database_url,
        "BOOKING_DB": str(tmp_path / "bookings.db"),
        "REPORTS_DIR": str(reports),
        "LOGS_DIR": str(logs),
        "REVIEW_FILE": str(review_file),
        "REVIEW_AUDIT_LOG": str(audit),
        "BOOKING_BACKEND": "sqlite",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.update(REDIS_URL="", LOCK_STORE_TYPE="in_memory")

    # Subject access, asked by phone number as the person gives it: both conversations and every request.
    out = tmp_path / "export.json"
    printed = run("export", phone_typed, env, "--out", str(out))
    assert "3 conversation(s)" in printed
    document = json.loads(out.read_text())
    assert {c["conversation_id"] for c in document["conversations"]} == {harriet, whatsapp, harriet_email}
    assert {r["reference"] for r in document["requests"]} == {booking_ref, callback_ref}
    assert {o["reference"] for o in document["outbox"]} == {queued_ref}
    assert any(e.get("text") == f"it's {phone_typed}" for c in document["conversations"] for e in c["events"])
    assert set(document["staff_files"]) == {str(reports / "misses-export.csv"), str(review_file), str(audit)}
    assert sam not in json.dumps(document) and other_phone not in json.dumps(document)
    if redis_url:
        assert set(document["channel_memory"]) == {
            f"backspasm:channel:offered:{whatsapp}",
            f"backspasm:channel:rate:rest:{harriet}",
        }

    # Erasure, asked by conversation id: the booking form's slots lead to the rest.
    printed = run("erase", harriet, env, "--staff", "Ann Clerk")
    assert "Deleted 3 conversation(s)" in printed and "Erasure recorded as ER-" in printed
    assert str(reports / "misses-export.csv") in printed

    person = Person(
        senders={harriet, whatsapp, harriet_email},
        phones={phone},
        emails={email},
        references={booking_ref, callback_ref, queued_ref},
    )
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT sender_id, data FROM events")).fetchall()
    assert not [row for row in rows if person.mentioned_in(f"{row[0]} {row[1]}")], "left in the tracker store"
    assert {row[0] for row in rows} >= {sam}
    assert [stored.request.reference for stored in bookings.list()] == [sam_ref] and bookings.outbox() == []
    files = [path for path in tmp_path.rglob("*") if path.is_file() and path.name != "export.json"]
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert not person.mentioned_in(text), f"{path.name} still names them"
    assert (reports / "report-2026-11-24.html").exists() and not (reports / "misses-export.csv").exists()
    assert "can i come in on friday" in review_file.read_text()
    assert f"unredacted transcript of {sam}" in audit.read_text()
    assert "unredacted transcript of [erased]" in audit.read_text()
    [record] = (logs / "erasures.log").read_text().splitlines()
    assert "staff=Ann Clerk" in record and "conversations=3" in record and "booking_records=3" in record
    if redis_url:
        assert not client.exists(f"backspasm:channel:offered:{whatsapp}", f"backspasm:channel:rate:rest:{harriet}")
        assert client.exists(f"backspasm:channel:offered:{sam}")

    # Asked again: nothing left to find.
    assert "Deleted 0 conversation(s)" in run("erase", email, env)


def test_a_persons_data_is_exported_then_erased_everywhere_on_sqlite(tmp_path: Path) -> None:
    check_privacy(f"sqlite:///{tmp_path / 'tracker.db'}", tmp_path)


def test_a_phone_number_is_found_however_it_is_written() -> None:
    pattern = phone_pattern(PHONE)
    for written in (
        "07400 314159",
        "07400-314-159",
        "+44 7400 314159",
        "+44 (0)7400 314159",
        "00447400314159",
        "447400314159",
        "(07400) 314 159",
        "whatsapp:+447400314159",
        "call 07400314159.",
    ):
        assert pattern.search(written), written
    for other in ("07400 3141590", "17400314159", "+447400314158", "7400314159"):
        assert not pattern.search(other), other


def test_who_is_read_as_a_phone_an_email_a_reference_or_a_conversation_id() -> None:
    assert Person.from_who("07400 314159").phones == {PHONE}
    assert Person.from_who("07400 314159").senders == {f"whatsapp:{PHONE}"}
    assert Person.from_who(" Harriet.Cole@Example.ORG ").emails == {"harriet.cole@example.org"}
    assert Person.from_who("bk-7kq2xd").references == {"BK-7KQ2XD"}
    assert Person.from_who("3f2a9c0d1e~2").senders == {"3f2a9c0d1e"}
    assert Person.from_who("telegram:50000123").senders == {"telegram:50000123"}


def test_the_consent_text_and_the_widget_say_how_to_ask_for_a_copy_or_deletion() -> None:
    from backcare.booking.conversation import callback_consent_question, consent_question
    from backcare.clinic import load_profile

    profile = load_profile()
    consent = consent_question(profile).text
    assert "copy" in consent and "deleted" in consent and profile.email in consent and profile.phone in consent
    assert "copy" in callback_consent_question().text and "delete" in callback_consent_question("x@y.org").text
    widget = (ROOT / "widget" / "backspasm-widget-1.0.0.js").read_text()
    assert "have it deleted, contact the clinic and give this chat code" in widget
