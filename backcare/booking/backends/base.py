"""The interface every booking backend offers, and the two ways it can fail."""

from __future__ import annotations

import datetime as dt
from typing import Optional, Protocol, Sequence, runtime_checkable

from backcare.booking.request import BookingRequest, SlotChoice, Submission
from backcare.booking.times import TimePreference


class BackendError(Exception):
    """A backend could not take a request."""


class BackendUnavailable(BackendError):
    """Worth trying again later: the service is down, slow, or rate-limited us."""

    def __init__(self, message: str, retry_at: Optional[dt.datetime] = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class BackendRejected(BackendError):
    """Trying again will not help until a person fixes something (a wrong key, a refused field)."""


@runtime_checkable
class BookingBackend(Protocol):
    name: str

    def submit(self, request: BookingRequest) -> Submission:
        """Hand the request over; raise BackendUnavailable or BackendRejected when that fails. Submitting the
        same request (same reference) twice must not book twice."""
        ...

    def offer_times(self, appointment_type: str, preference: Optional[TimePreference],
                    now: Optional[dt.datetime] = None) -> Sequence[SlotChoice]:
        """Real free times to offer as buttons; empty when the backend cannot know them."""
        ...
