"""The interface every booking backend offers, and the two ways it can fail."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from typing import Optional, Protocol, runtime_checkable

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


class Deadline:
    """When a hand-over must give up. A patient waiting in the chat cannot wait longer than the action gateway
    (ACTION_TIMEOUT): each request to the clinic's system gets at most the time left, no retry or rate-limit
    wait starts that would end after it, and once it has passed the request waits in the outbox instead
    (BackendUnavailable). `Deadline(None)` never passes (the retry job from cron)."""

    def __init__(self, seconds: Optional[float], clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._end = math.inf if seconds is None else clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - self._clock())

    def timeout(self, wanted: float) -> float:
        """The timeout for the next request: `wanted`, or the time left when that is shorter."""
        left = self.remaining()
        if left < MINIMUM_REQUEST_SECONDS:
            raise BackendUnavailable("out of time while the patient waits")
        return min(wanted, left)

    def allows_wait(self, seconds: float) -> bool:
        """Whether waiting `seconds` still leaves time for a request after it."""
        return seconds + MINIMUM_REQUEST_SECONDS <= self.remaining()


# A request given less time than this would only fail: the outbox takes it instead.
MINIMUM_REQUEST_SECONDS = 0.5
NO_DEADLINE = Deadline(None)


@runtime_checkable
class BookingBackend(Protocol):
    name: str

    def submit(self, request: BookingRequest, deadline: Deadline = NO_DEADLINE) -> Submission:
        """Hand the request over; raise BackendUnavailable or BackendRejected when that fails, BackendUnavailable
        too when the deadline passes. Submitting the same request (same reference) twice must not book twice."""
        ...

    def offer_times(
        self,
        appointment_type: str,
        preference: Optional[TimePreference],
        now: Optional[dt.datetime] = None,
        deadline: Deadline = NO_DEADLINE,
    ) -> Sequence[SlotChoice]:
        """Real free times to offer as buttons; empty when the backend cannot know them."""
        ...
