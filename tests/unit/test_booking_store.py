"""The local SQLite file: the default backend, the outbox, and what staff do with stored requests."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

import pytest

from backcare.booking.backends import SqliteBackend, make_backend
from backcare.booking.backends.base import BackendRejected, BackendUnavailable
from backcare.booking.outbox import next_attempt, retry_outbox, submit_with_outbox
from backcare.booking.request import CALLBACK, BookingRequest, SlotChoice, Submission, new_reference
from backcare.booking.settings import load_booking_settings
from backcare.booking.store import DELIVERED, HANDLED, NEEDS_ATTENTION, NEW, PENDING, BookingStore
from backcare.booking.times import TimePreference
from backcare.content import ContentError

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)


def booking(reference: str = "BK-AAAA22", **changes: object) -> BookingRequest:
    fields = dict(
        name="Harriet Cole",
        phone="+447400314159",
        preferred_time="Thursday mornings",
        appointment_type="free assessment",
        payment="simplyhealth",
        insurer_name="Simplyhealth",
        authorisation_number="SH440129",
        reason="lower back keeps spasming",
        screening="routine",
    )
    fields.update(changes)
    return BookingRequest(reference, **fields)  # type: ignore[arg-type]


class FlakyBackend:
    """Down for the first `failures` submissions, then takes requests; counts what it really booked."""

    name = "flaky"

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.booked = failures, error, {}  # type: ignore[var-annotated]

    def submit(self, request: BookingRequest, deadline: object = None) -> Submission:
        if self.failures > 0:
            self.failures -= 1
            raise self.error
        self.booked[request.reference] = request
        return Submission(request.reference, "sent", self.name)

    def offer_times(
        self, appointment_type: str, preference: Optional[TimePreference], now: Optional[dt.datetime] = None
    ) -> Sequence[SlotChoice]:
        return ()


def test_references_are_short_unambiguous_and_distinct() -> None:
    references = {new_reference() for _ in range(500)}
    assert len(references) == 500
    assert all(r.startswith("BK-") and len(r) == 9 and not set(r[3:]) & set("01OIL") for r in references)
    assert new_reference(CALLBACK).startswith("CB-")


def test_a_booking_needs_a_name_and_a_way_to_reach_the_person() -> None:
    with pytest.raises(ValueError, match="needs a name and a phone number or email"):
        BookingRequest("BK-X", name="Sam")
    assert BookingRequest("CB-X", kind=CALLBACK).kind == CALLBACK


def test_sqlite_backend_stores_once_and_lists_for_staff(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "bookings.db")
    backend = SqliteBackend(store)
    assert backend.submit(booking()).status == "stored"
    backend.submit(booking())  # a retry of the same request
    stored = store.list()
    assert len(stored) == 1 and stored[0].status == NEW and stored[0].request == booking()


def test_mark_handled_and_list_by_status(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "bookings.db")
    store.add(booking("BK-AAAA22"))
    store.add(booking("BK-BBBB33"))
    assert store.mark_handled("bk-aaaa22") and not store.mark_handled("BK-AAAA22")
    assert [s.request.reference for s in store.list(status=NEW)] == ["BK-BBBB33"]
    assert store.get("BK-AAAA22").status == HANDLED  # type: ignore[union-attr]


def test_delete_on_request_finds_every_request_by_phone_or_email_in_any_format(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "bookings.db")
    store.add(booking("BK-AAAA22"))
    store.add(booking("BK-BBBB33", phone=None, email="harriet@example.com"))
    store.queue(booking("BK-CCCC44"), "webhook", "down", NOW.isoformat())
    assert store.references_for_contact("07400 314159") == ["BK-AAAA22", "BK-CCCC44"]
    assert store.references_for_contact("Harriet@Example.com") == ["BK-BBBB33"]
    assert sum(store.delete(ref) for ref in store.references_for_contact("+44 7400 314159")) == 2
    assert [s.request.reference for s in store.list()] == ["BK-BBBB33"] and not store.outbox()


def test_csv_export_has_a_row_per_request_and_defuses_formulas(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "bookings.db")
    store.add(booking("BK-AAAA22", name='=HYPERLINK("http://x")'))
    rows = list(csv.DictReader(io.StringIO(store.export_csv())))
    assert rows[0]["reference"] == "BK-AAAA22" and rows[0]["name"].startswith("'=")
    assert rows[0]["payment"] == "Simplyhealth (authorisation SH440129)"


def test_purge_removes_handled_requests_past_retention(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "bookings.db")
    store.add(booking("BK-AAAA22"))
    store.add(booking("BK-BBBB33"))
    store.mark_handled("BK-AAAA22", when=(NOW - dt.timedelta(days=100)).isoformat())
    assert store.purge_handled(90, now=NOW) == 1 and [s.request.reference for s in store.list()] == ["BK-BBBB33"]


def test_backend_down_queues_the_request_and_a_later_retry_delivers_it_once(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "bookings.db")
    backend = FlakyBackend(2, BackendUnavailable("connection refused"))
    submission = submit_with_outbox(backend, store, booking(), now=NOW)
    assert submission.status == "queued" and not backend.booked
    item = store.outbox(PENDING)[0]
    assert item.request == booking() and item.next_attempt_at == (NOW + dt.timedelta(minutes=1)).isoformat()
    assert retry_outbox(backend, store, now=NOW).delivered == 0, "not due yet"
    still_down = retry_outbox(backend, store, now=NOW + dt.timedelta(minutes=2))
    assert still_down.waiting == 1 and store.outbox(PENDING)[0].attempts == 2
    delivered = retry_outbox(backend, store, now=NOW + dt.timedelta(hours=1))
    assert delivered.delivered == 1 and list(backend.booked) == ["BK-AAAA22"]
    assert retry_outbox(backend, store, now=NOW + dt.timedelta(hours=2)).delivered == 0
    done = store.outbox()[0]
    assert done.status == DELIVERED and done.request is None


def test_a_refused_request_waits_for_staff_and_can_be_retried_after_a_fix(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "bookings.db")
    backend = FlakyBackend(1, BackendRejected("HTTP 401"))
    submit_with_outbox(backend, store, booking(), now=NOW)
    assert store.outbox(NEEDS_ATTENTION)[0].last_error == "HTTP 401"
    assert retry_outbox(backend, store, now=NOW + dt.timedelta(days=1)).delivered == 0
    assert store.reset_for_retry("BK-AAAA22", NOW.isoformat())
    assert retry_outbox(backend, store, now=NOW).delivered == 1


def test_even_a_crashing_backend_loses_nothing(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "bookings.db")
    submission = submit_with_outbox(FlakyBackend(1, RuntimeError("bug")), store, booking(), now=NOW)
    assert submission.status == "queued" and store.outbox(NEEDS_ATTENTION)[0].request == booking()


def test_backoff_doubles_up_to_an_hour_and_respects_the_reset_time() -> None:
    assert next_attempt(1, NOW) == NOW + dt.timedelta(minutes=1)
    assert next_attempt(3, NOW) == NOW + dt.timedelta(minutes=4)
    assert next_attempt(20, NOW) == NOW + dt.timedelta(hours=1)
    later = NOW + dt.timedelta(minutes=30)
    assert next_attempt(1, NOW, retry_at=later) == later


def test_settings_choose_the_backend_and_read_secrets_only_from_the_environment(tmp_path: Path) -> None:
    raw = {"backend": "webhook", "webhook": {"url": "https://hooks.example.org/x"}}
    with pytest.raises(ContentError, match="BOOKING_WEBHOOK_SECRET"):
        load_booking_settings(raw, environ={})
    settings = load_booking_settings(raw, environ={"BOOKING_WEBHOOK_SECRET": "s", "BOOKING_DB": str(tmp_path / "x.db")})
    assert settings.webhook.secret == "s" and settings.db_path == tmp_path / "x.db"
    assert make_backend(settings, BookingStore(settings.db_path)).name == "webhook"
    with pytest.raises(ContentError, match="CLINIKO_API_KEY"):
        load_booking_settings({"backend": "cliniko"}, clinic_email="a@b.co", environ={})
    cliniko = load_booking_settings({"backend": "cliniko"}, clinic_email="a@b.co", environ={"CLINIKO_API_KEY": "k-uk1"})
    assert make_backend(cliniko, BookingStore(tmp_path / "y.db")).name == "cliniko"
    assert load_booking_settings({}, environ={}).backend == "sqlite"
    assert (
        load_booking_settings(
            {"backend": "sqlite"},
            environ={
                "BOOKING_BACKEND": "webhook",
                "BOOKING_WEBHOOK_URL": "https://h.example.org",
                "BOOKING_WEBHOOK_SECRET": "s",
            },
        ).backend
        == "webhook"
    )
    with pytest.raises(ContentError, match="backend"):
        load_booking_settings({"backend": "fax"}, environ={})
    with pytest.raises(ContentError, match="unknown"):
        load_booking_settings({"bakend": "sqlite"}, environ={})


def test_the_booking_package_imports_nothing_of_rasa() -> None:
    import subprocess
    import sys

    code = (
        "import sys, backcare.booking.conversation, backcare.booking.backends, backcare.booking.outbox, "
        "backcare.booking.summary; sys.exit(any(m.split('.')[0] in ('rasa', 'rasa_sdk') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2]).returncode == 0
