"""The embedded default: requests kept in the local SQLite file, for staff to read with scripts/bookings.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Optional

from backcare.booking.backends.base import NO_DEADLINE, Deadline
from backcare.booking.request import BookingRequest, SlotChoice, Submission
from backcare.booking.store import BookingStore
from backcare.booking.times import TimePreference


class SqliteBackend:
    name = "sqlite"

    def __init__(self, store: BookingStore) -> None:
        self.store = store

    def submit(self, request: BookingRequest, deadline: Deadline = NO_DEADLINE) -> Submission:
        self.store.add(request)  # the same reference twice is stored once
        return Submission(request.reference, "stored", self.name)

    def offer_times(
        self,
        appointment_type: str,
        preference: Optional[TimePreference],
        now: Optional[dt.datetime] = None,
        deadline: Deadline = NO_DEADLINE,
    ) -> Sequence[SlotChoice]:
        return ()
