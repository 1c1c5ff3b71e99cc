"""The webhook backend against a local HTTP server: signed JSON, retries with backoff, and an idempotency key
so that a retry after a lost reply never books twice."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from backcare.booking.backends.base import BackendRejected, BackendUnavailable
from backcare.booking.backends.webhook import WebhookBackend, verify
from backcare.booking.outbox import retry_outbox, submit_with_outbox
from backcare.booking.request import BookingRequest
from backcare.booking.store import PENDING, BookingStore

SECRET = "test-secret-not-for-production"


@dataclass
class Receiver:
    """A clinic's receiver done right: checks the signature, stores each idempotency key once."""

    plan: list[str] = field(default_factory=list)  # per delivery: "ok", "lose-reply", "503", "429", "400", "slow"
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    bookings: dict[str, dict[str, Any]] = field(default_factory=dict)
    bad_signatures: int = 0


@contextlib.contextmanager
def receiver(state: Receiver) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = dict(self.headers)
            state.deliveries.append({"headers": headers, "body": body})
            if not verify(SECRET, headers["X-Backcare-Timestamp"], body, headers["X-Backcare-Signature"]):
                state.bad_signatures += 1
                self.send_response(401)
                self.end_headers()
                return
            step = state.plan.pop(0) if state.plan else "ok"
            if step in ("ok", "lose-reply", "slow"):
                state.bookings.setdefault(headers["Idempotency-Key"], json.loads(body))
            if step == "slow":
                time.sleep(1.5)
            if step == "lose-reply":
                self.close_connection = True
                self.connection.close()  # the booking was taken but the reply never arrives
                return
            status = {"ok": 200, "slow": 200, "503": 503, "429": 429, "400": 400}[step]
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/booking"
    finally:
        server.shutdown()
        server.server_close()


def request() -> BookingRequest:
    return BookingRequest(
        "BK-HOOK01",
        name="Nadia Rahman",
        email="nadia.r@example.com",
        preferred_time="Saturday",
        appointment_type="sports massage",
        payment="self_pay",
        reason="tight lower back",
        screening="routine",
    )


def hook(url: str, sleeps: list[float], **kwargs: Any) -> WebhookBackend:
    return WebhookBackend(
        url,
        SECRET,
        clinic="Example Clinic",
        timeout=kwargs.pop("timeout", 5),
        attempts=3,
        backoff=0.5,
        sleep=sleeps.append,
        **kwargs,
    )


def test_delivers_signed_json_with_an_idempotency_key() -> None:
    state, sleeps = Receiver(), []
    with receiver(state) as url:
        submission = hook(url, sleeps).submit(request())
    assert submission.status == "sent" and not state.bad_signatures
    headers = state.deliveries[0]["headers"]
    assert headers["Idempotency-Key"] == "BK-HOOK01" and headers["X-Backcare-Signature"].startswith("sha256=")
    data = state.bookings["BK-HOOK01"]
    assert data["type"] == "booking_request" and data["email"] == "nadia.r@example.com"
    assert data["payment_text"] == "Paying for themselves"


def test_a_lost_reply_is_retried_with_the_same_key_and_books_once() -> None:
    state, sleeps = Receiver(plan=["lose-reply", "ok"]), []
    with receiver(state) as url:
        submission = hook(url, sleeps).submit(request())
    assert submission.status == "sent"
    assert len(state.deliveries) == 2 and len(state.bookings) == 1
    assert {d["headers"]["Idempotency-Key"] for d in state.deliveries} == {"BK-HOOK01"}
    assert sleeps == [0.5]


def test_a_slow_receiver_times_out_and_the_retry_does_not_book_twice() -> None:
    state, sleeps = Receiver(plan=["slow", "ok"]), []
    with receiver(state) as url:
        submission = hook(url, sleeps, timeout=0.5).submit(request())
    assert submission.status == "sent" and len(state.bookings) == 1 and len(state.deliveries) == 2


def test_server_errors_back_off_exponentially_then_give_up_as_temporary() -> None:
    state, sleeps = Receiver(plan=["503", "429", "503"]), []
    with receiver(state) as url, pytest.raises(BackendUnavailable):
        hook(url, sleeps).submit(request())
    assert len(state.deliveries) == 3 and sleeps == [0.5, 1.0]


def test_a_refusal_is_not_retried() -> None:
    state, sleeps = Receiver(plan=["400"]), []
    with receiver(state) as url, pytest.raises(BackendRejected):
        hook(url, sleeps).submit(request())
    assert len(state.deliveries) == 1 and not sleeps


def test_a_wrong_secret_is_refused_by_the_receiver() -> None:
    state = Receiver()
    with receiver(state) as url, pytest.raises(BackendRejected):
        WebhookBackend(url, "wrong-secret", attempts=1).submit(request())
    assert state.bad_signatures == 1 and not state.bookings


def test_signatures_expire() -> None:
    body = b'{"a":1}'
    from backcare.booking.backends.webhook import sign

    stamp = str(int(time.time()) - 3600)
    assert not verify(SECRET, stamp, body, sign(SECRET, stamp, body))


def test_receiver_down_means_the_outbox_keeps_it_and_a_later_retry_delivers_once(tmp_path: Path) -> None:
    store, sleeps, booking = BookingStore(tmp_path / "b.db"), [], request()
    with receiver(Receiver()) as url:
        pass  # the receiver is down now
    # One request, compared with itself: two made a second apart differ in their creation time.
    queued = submit_with_outbox(hook(url, sleeps, timeout=1), store, booking)
    assert queued.status == "queued" and store.outbox(PENDING)[0].request == booking
    state = Receiver(plan=["lose-reply"])
    with receiver(state) as new_url:
        backend = hook(new_url, sleeps)
        first = retry_outbox(backend, store, everything=True)
    assert first.delivered == 1 and len(state.bookings) == 1
