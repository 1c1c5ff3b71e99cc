"""When check-ins are due: 2 and 7 days after the person said yes, sent only between 09:00 and 20:00 UK time.

A check-in falling outside the window waits until the next 09:00 (Europe/London, so summer time is handled).
All times given to and returned from here are timezone-aware; naive ones are taken as UTC.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
OFFSETS: tuple[dt.timedelta, ...] = (dt.timedelta(days=2), dt.timedelta(days=7))
WINDOW_START = dt.time(9, 0)
WINDOW_END = dt.time(20, 0)


def aware(moment: dt.datetime) -> dt.datetime:
    """The moment with a timezone: a naive one is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def in_window(moment: dt.datetime) -> bool:
    local = aware(moment).astimezone(UK).time()
    return WINDOW_START <= local < WINDOW_END


def next_send_time(moment: dt.datetime) -> dt.datetime:
    """The moment itself when it is inside the window, otherwise the next 09:00 UK time (in UTC)."""
    moment = aware(moment)
    if in_window(moment):
        return moment.astimezone(dt.timezone.utc)
    local = moment.astimezone(UK)
    day = local.date() if local.time() < WINDOW_START else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, WINDOW_START, tzinfo=UK).astimezone(dt.timezone.utc)


def due_times(consented_at: dt.datetime) -> list[dt.datetime]:
    """When each check-in is due (UTC), the first first."""
    return [next_send_time(aware(consented_at) + offset) for offset in OFFSETS]


def uk_day(moment: dt.datetime) -> str:
    """The day in words, as a person reads it: "Saturday 12 December"."""
    local = aware(moment).astimezone(UK)
    return f"{local:%A} {local.day} {local:%B}"
