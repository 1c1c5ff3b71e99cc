"""The Cliniko backend against a local fake that follows Cliniko's documented endpoints and errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from backcare.booking.backends.base import BackendRejected, BackendUnavailable
from backcare.booking.backends.cliniko import (
    ClinikoAuthError,
    ClinikoBackend,
    ClinikoClient,
    ClinikoNotFound,
    ClinikoRateLimited,
    ClinikoValidationError,
    shard_of,
    slot_label,
)
from backcare.booking.outbox import retry_outbox, submit_with_outbox
from backcare.booking.request import BookingRequest, SlotChoice
from backcare.booking.store import NEEDS_ATTENTION, PENDING, BookingStore
from backcare.booking.times import parse_preferred_time
from tests.fakes.cliniko import API_KEY, ClinikoState, fake_cliniko

MONDAY = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc)  # 8am in London (GMT)
FREE = ["2026-11-30T09:00:00Z", "2026-11-30T14:00:00Z", "2026-12-01T18:00:00Z", "2026-12-12T10:00:00Z"]


def client(url: str, key: str = API_KEY, **kwargs: Any) -> ClinikoClient:
    kwargs.setdefault("timeout", 5)
    return ClinikoClient(key, "BackSpasmAssistant", "reception@example.org", base_url=url, **kwargs)


def backend(url: str, tmp_path: Path) -> ClinikoBackend:
    return ClinikoBackend(
        client(url), BookingStore(tmp_path / "b.db"), appointment_types={"free assessment": "Free assessment"}
    )


def request_for(slot: SlotChoice | None, reference: str = "BK-TEST01") -> BookingRequest:
    return BookingRequest(
        reference,
        name="Harriet Cole",
        phone="+447400314159",
        email="harriet@example.com",
        appointment_type="free assessment",
        payment="self_pay",
        reason="lower back spasm",
        screening="routine",
        slot=slot,
    )


def test_shard_comes_from_the_key_suffix() -> None:
    assert shard_of("abc-uk1") == "uk1" and shard_of("abc-au2") == "au2" and shard_of("olderkey") == "au1"
    assert ClinikoClient("abc-uk1", "App", "a@b.co").base_url == "https://api.uk1.cliniko.com/v1"


def test_requests_carry_basic_auth_and_a_user_agent_with_app_and_email(tmp_path: Path) -> None:
    with fake_cliniko() as (url, state):
        client(url).businesses()
    _method, path, headers = state.requests[-1]
    assert path == "/v1/businesses" and headers["User-Agent"] == "BackSpasmAssistant (reception@example.org)"
    assert headers["Authorization"].startswith("Basic ")


def test_free_times_are_offered_within_seven_days_in_uk_time_and_fit_the_preference(tmp_path: Path) -> None:
    with fake_cliniko(ClinikoState(free_times=FREE)) as (url, _state):
        offers = backend(url, tmp_path).offer_times("free assessment", None, now=MONDAY)
        afternoons = backend(url, tmp_path).offer_times(
            "free assessment", parse_preferred_time("afternoons"), now=MONDAY
        )
    assert [o.starts_at for o in offers] == FREE[:3]  # 12 December is more than 7 days ahead
    assert offers[0].label == "Mon 30 Nov, 9am with Alex Morgan" and offers[0].appointment_type_id == "201"
    assert [o.starts_at for o in afternoons] == ["2026-11-30T14:00:00Z"]


def test_summer_times_are_labelled_in_british_summer_time() -> None:
    assert slot_label("2026-06-02T08:30:00Z", "Alex Morgan") == "Tue 2 Jun, 9:30am with Alex Morgan"


def test_booking_a_picked_time_creates_the_patient_and_the_appointment(tmp_path: Path) -> None:
    with fake_cliniko(ClinikoState(free_times=FREE)) as (url, state):
        chosen = backend(url, tmp_path).offer_times("free assessment", None, now=MONDAY)[0]
        submission = backend(url, tmp_path).submit(request_for(chosen))
    assert submission.status == "booked" and submission.appointment == chosen.label
    patient = state.patients[0]
    assert (patient["first_name"], patient["last_name"], patient["email"]) == ("Harriet", "Cole", "harriet@example.com")
    assert patient["patient_phone_numbers"] == [{"phone_type": "Mobile", "number": "+447400314159"}]
    appointment = state.appointments[0]
    assert appointment["starts_at"] == chosen.starts_at and appointment["patient_id"] == patient["id"]
    assert "BK-TEST01" in appointment["notes"] and "lower back spasm" in appointment["notes"]


def test_a_retry_after_a_lost_reply_finds_the_patient_and_the_appointment_instead_of_booking_twice(
    tmp_path: Path,
) -> None:
    with fake_cliniko(ClinikoState(free_times=FREE)) as (url, state):
        chosen = backend(url, tmp_path).offer_times("free assessment", None, now=MONDAY)[0]
        backend(url, tmp_path).submit(request_for(chosen))
        again = backend(url, tmp_path).submit(request_for(chosen))
    assert again.status == "booked" and len(state.patients) == 1 and len(state.appointments) == 1


def test_wrong_key_is_401_and_needs_a_person(tmp_path: Path) -> None:
    with fake_cliniko() as (url, _state), pytest.raises(ClinikoAuthError) as error:
        client(url, key="wrong-key-uk1").appointment_types()
    assert error.value.status == 401 and isinstance(error.value, BackendRejected)


def test_unknown_ids_are_404(tmp_path: Path) -> None:
    with fake_cliniko() as (url, _state), pytest.raises(ClinikoNotFound):
        client(url).available_times("101", "999", "201", dt.date(2026, 11, 30), dt.date(2026, 12, 1))


def test_a_time_taken_meanwhile_is_422_with_the_field_named(tmp_path: Path) -> None:
    gone = SlotChoice("2026-11-30T11:00:00Z", "Mon 30 Nov, 11am", "201", "301", "101")
    with fake_cliniko(ClinikoState(free_times=FREE)) as (url, _state), pytest.raises(ClinikoValidationError) as error:
        backend(url, tmp_path).submit(request_for(gone))
    assert error.value.status == 422 and "starts_at" in error.value.errors


def test_more_than_seven_days_of_free_times_is_refused_before_asking() -> None:
    with pytest.raises(ValueError, match="at most 7 days"):
        ClinikoClient(API_KEY, "A", "a@b.co").available_times("1", "2", "3", dt.date(2026, 1, 1), dt.date(2026, 1, 9))


def test_rate_limit_waits_until_the_reset_then_carries_on(tmp_path: Path) -> None:
    waits: list[float] = []
    with fake_cliniko(ClinikoState(rate_limited=1, rate_reset_in=2)) as (url, state):
        types = client(url, sleep=waits.append).appointment_types()
    assert types and len(waits) == 1 and 0 < waits[0] <= 3
    assert len(state.requests) == 2


def test_rate_limit_far_off_gives_up_with_the_reset_time(tmp_path: Path) -> None:
    with (
        fake_cliniko(ClinikoState(rate_limited=5, rate_reset_in=60)) as (url, _state),
        pytest.raises(ClinikoRateLimited) as error,
    ):
        client(url, sleep=lambda seconds: None).appointment_types()
    assert isinstance(error.value, BackendUnavailable) and error.value.retry_at is not None
    assert error.value.retry_at > dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)


def test_server_errors_and_a_dead_server_are_temporary(tmp_path: Path) -> None:
    with fake_cliniko(ClinikoState(fail_with=503)) as (url, _state), pytest.raises(BackendUnavailable):
        client(url).businesses()
    with fake_cliniko() as (url, _state):
        pass  # stopped: nothing listens there any more
    with pytest.raises(BackendUnavailable):
        client(url, timeout=1).businesses()


def test_cliniko_down_puts_the_booking_in_the_outbox_and_a_retry_books_it_once(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "b.db")
    state = ClinikoState(free_times=FREE)
    chosen = SlotChoice("2026-11-30T09:00:00Z", "Mon 30 Nov, 9am with Alex Morgan", "201", "301", "101")
    with fake_cliniko(state) as (url, _state):
        cliniko = ClinikoBackend(client(url), store)
        state.fail_with = 503
        submission = submit_with_outbox(cliniko, store, request_for(chosen), now=MONDAY)
        assert submission.status == "queued" and store.outbox(PENDING)[0].reference == "BK-TEST01"
        state.fail_with = None
        report = retry_outbox(cliniko, store, now=MONDAY + dt.timedelta(minutes=5))
        retry_outbox(cliniko, store, now=MONDAY + dt.timedelta(minutes=10))
    assert report.delivered == 1 and len(state.appointments) == 1
    assert store.outbox()[0].request is None, "the local copy is wiped once Cliniko has it"


def test_a_refused_booking_waits_for_a_person_instead_of_being_lost(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "b.db")
    gone = SlotChoice("2026-11-30T11:00:00Z", "Mon 30 Nov, 11am", "201", "301", "101")
    with fake_cliniko(ClinikoState(free_times=FREE)) as (url, _state):
        submission = submit_with_outbox(ClinikoBackend(client(url), store), store, request_for(gone))
    item = store.outbox(NEEDS_ATTENTION)[0]
    assert submission.status == "queued" and item.request is not None and "422" in (item.last_error or "")


def test_call_backs_and_bookings_without_a_picked_time_stay_in_the_local_file(tmp_path: Path) -> None:
    with fake_cliniko() as (url, state):
        cliniko = backend(url, tmp_path)
        submission = cliniko.submit(request_for(None))
    assert submission.status == "stored" and cliniko.store.get("BK-TEST01") is not None
    assert not state.appointments


def test_link_mode_hands_over_the_booking_link() -> None:
    store_path = Path("/tmp") / f"link-{dt.datetime.now().timestamp()}.db"
    cliniko = ClinikoBackend(
        ClinikoClient(API_KEY, "A", "a@b.co"),
        BookingStore(store_path),
        mode="link",
        booking_link="https://example.uk1.cliniko.com/bookings",
    )
    try:
        assert cliniko.offer_times("physiotherapy", None) == ()
        assert cliniko.submit(request_for(None)).booking_link == "https://example.uk1.cliniko.com/bookings"
    finally:
        store_path.unlink(missing_ok=True)
