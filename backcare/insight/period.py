"""The date range a staff command looks at: the last N days up to and including today unless told otherwise."""

from __future__ import annotations

import datetime as dt
from typing import Optional

DEFAULT_DAYS = 7


def date_range(
    since: Optional[str], until: Optional[str], days: int = DEFAULT_DAYS, today: Optional[dt.date] = None
) -> tuple[dt.date, dt.date]:
    """(first day, day after the last) from YYYY-MM-DD strings; `until` is inclusive, as staff say it."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    end = dt.date.fromisoformat(until) + dt.timedelta(days=1) if until else today + dt.timedelta(days=1)
    start = dt.date.fromisoformat(since) if since else end - dt.timedelta(days=days)
    if start >= end:
        raise ValueError(f"the range {start} to {end - dt.timedelta(days=1)} is empty")
    return start, end


def utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)
