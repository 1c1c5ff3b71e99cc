"""POST each request as signed JSON to a URL the clinic sets (a Zapier catch hook, a CRM).

The receiver can check each request came from us: `X-Backcare-Signature: sha256=<hex>` is the HMAC-SHA256,
keyed with BOOKING_WEBHOOK_SECRET, of `<X-Backcare-Timestamp>.<raw body>`; reject old timestamps to stop
replays. Every attempt for one request carries the same `Idempotency-Key` (the booking reference), so a
receiver that stores the key never books twice when a retry follows a lost reply.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Sequence
from typing import Any, Optional

import requests

from backcare.booking.backends.base import NO_DEADLINE, BackendRejected, BackendUnavailable, Deadline
from backcare.booking.request import BookingRequest, SlotChoice, Submission
from backcare.booking.times import TimePreference

RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 30.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, now: Optional[float] = None, tolerance: float = 300
) -> bool:
    """What a receiver runs: the signature matches and the timestamp is recent."""
    try:
        fresh = abs((now if now is not None else time.time()) - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def payload(request: BookingRequest, clinic: str) -> dict[str, Any]:
    data = request.to_dict()
    return {"type": f"{request.kind}_request", "clinic": clinic, **data, "payment_text": request.payment_text()}


class WebhookBackend:
    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        clinic: str = "",
        timeout: float = 10.0,
        attempts: int = 3,
        backoff: float = 1.0,
        session: Optional[requests.Session] = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not url or not secret:
            raise ValueError("a webhook needs a URL and a secret")
        self.url, self.secret, self.clinic = url, secret, clinic
        self.timeout, self.attempts, self.backoff = timeout, max(1, attempts), backoff
        self.session = session or requests.Session()
        self.sleep, self.clock = sleep, clock

    def submit(self, request: BookingRequest, deadline: Deadline = NO_DEADLINE) -> Submission:
        body = json.dumps(payload(request, self.clinic), sort_keys=True, separators=(",", ":")).encode("utf-8")
        problem = "no attempt made"
        for attempt in range(self.attempts):
            timestamp = str(int(self.clock()))
            headers = {
                "Content-Type": "application/json",
                "Idempotency-Key": request.reference,
                "X-Backcare-Timestamp": timestamp,
                "X-Backcare-Signature": sign(self.secret, timestamp, body),
                "User-Agent": "BackSpasmAssistant-webhook/1",
            }
            wait = self.backoff * (2**attempt)
            try:
                response = self.session.post(
                    self.url, data=body, headers=headers, timeout=deadline.timeout(self.timeout)
                )
            except requests.RequestException as error:
                problem = f"{type(error).__name__}"  # never the body: it holds the person's details
            else:
                status = response.status_code
                if 200 <= status < 300 or status == 409:  # 409: this key was delivered before
                    return Submission(request.reference, "sent", self.name)
                if status not in RETRY_STATUSES:
                    raise BackendRejected(f"webhook answered HTTP {status}")
                problem = f"HTTP {status}"
                wait = max(wait, _retry_after(response.headers.get("Retry-After")))
            if attempt < self.attempts - 1:
                wait = min(wait, MAX_RETRY_AFTER)
                if not deadline.allows_wait(wait):
                    break  # the outbox tries again later; the patient is not kept waiting
                self.sleep(wait)
        raise BackendUnavailable(f"webhook unreachable after {attempt + 1} attempt(s) ({problem})")

    def offer_times(
        self,
        appointment_type: str,
        preference: Optional[TimePreference],
        now: Optional[dt.datetime] = None,
        deadline: Deadline = NO_DEADLINE,
    ) -> Sequence[SlotChoice]:
        return ()


def _retry_after(value: Optional[str]) -> float:
    try:
        return float(value) if value else 0.0
    except ValueError:
        return 0.0
