"""Never lose a request: when the backend cannot take it now, it waits in the local outbox and is retried
later (by `scripts/bookings.py retry`, or the next time the assistant hands over a request)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Optional

from backcare.booking.backends.base import NO_DEADLINE, BackendRejected, BackendUnavailable, BookingBackend, Deadline
from backcare.booking.request import BookingRequest, Submission
from backcare.booking.store import DELIVERED, NEEDS_ATTENTION, PENDING, BookingStore

log = logging.getLogger(__name__)
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)


def _now(now: Optional[dt.datetime]) -> dt.datetime:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)


def next_attempt(attempts: int, now: dt.datetime, retry_at: Optional[dt.datetime] = None) -> dt.datetime:
    """Back off 1, 2, 4 ... minutes, at most an hour; never before the service said it would be ready."""
    wait: dt.timedelta = min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_WAIT)
    when = now + wait
    return max(when, retry_at) if retry_at else when


def submit_with_outbox(
    backend: BookingBackend,
    store: BookingStore,
    request: BookingRequest,
    now: Optional[dt.datetime] = None,
    deadline: Deadline = NO_DEADLINE,
) -> Submission:
    """Hand the request to the backend; if that fails, or does not finish by the deadline, keep it in the outbox
    and say so ("queued"). Blocking (HTTP, SQLite): the action server runs it in a worker thread."""
    moment = _now(now)
    try:
        return backend.submit(request, deadline=deadline)
    except BackendUnavailable as error:
        status, retry_at, problem = PENDING, error.retry_at, str(error)
    except BackendRejected as error:
        status, retry_at, problem = NEEDS_ATTENTION, None, str(error)
    except Exception as error:  # a bug in a backend must not lose a patient's request either
        status, retry_at, problem = NEEDS_ATTENTION, None, f"unexpected {type(error).__name__}"
        log.exception("booking backend %s failed on %s", backend.name, request.reference)
    log.warning("booking %s queued in the outbox for %s: %s", request.reference, backend.name, problem)
    store.queue(request, backend.name, problem, next_attempt(1, moment, retry_at).isoformat(), status)
    return Submission(request.reference, "queued", backend.name)


@dataclass(frozen=True)
class RetryReport:
    delivered: int = 0
    waiting: int = 0
    needs_attention: int = 0


def retry_outbox(
    backend: BookingBackend, store: BookingStore, now: Optional[dt.datetime] = None, everything: bool = False
) -> RetryReport:
    """Try every request that is due (or every pending one, with `everything`) once more."""
    moment = _now(now)
    due_by = (moment + dt.timedelta(days=36500)) if everything else moment
    delivered = waiting = attention = 0
    for item in store.due(due_by.isoformat()):
        if item.request is None:
            continue
        try:
            backend.submit(item.request)
        except BackendUnavailable as error:
            store.requeue(
                item.reference, str(error), next_attempt(item.attempts + 1, moment, error.retry_at).isoformat()
            )
            waiting += 1
        except BackendRejected as error:
            store.requeue(item.reference, str(error), moment.isoformat(), NEEDS_ATTENTION)
            attention += 1
        else:
            store.delivered(item.reference)
            delivered += 1
    return RetryReport(delivered, waiting, attention)


__all__ = ["DELIVERED", "RetryReport", "next_attempt", "retry_outbox", "submit_with_outbox"]
