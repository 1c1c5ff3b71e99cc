"""Preferred days and times in plain words: "Tuesday afternoon", "after 5 any weekday", "mornings",
"Mon or Wed before 10", "any time". Also the clinic's opening hours, read from the profile's own words
("Monday to Friday", "8am to 8pm"), so a wish for a day the clinic is closed can be caught kindly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS = DAYS[:5]
WEEKEND = DAYS[5:]
_DAY_WORDS = {
    "monday": ("mon", "mondays", "monday"),
    "tuesday": ("tue", "tues", "tuesdays", "tuesday"),
    "wednesday": ("wed", "weds", "wednesdays", "wednesday", "wensday"),
    "thursday": ("thu", "thur", "thurs", "thursdays", "thursday"),
    "friday": ("fri", "fridays", "friday"),
    "saturday": ("sat", "sats", "saturdays", "saturday"),
    "sunday": ("sun", "sundays", "sunday"),
}
_DAY_PATTERN = {
    day: re.compile(r"\b(?:" + "|".join(words) + r")\b\.?", re.IGNORECASE) for day, words in _DAY_WORDS.items()
}
# Parts of the day as Cliniko's online bookings splits them: morning before 12, afternoon 12-5, evening 5 on.
PERIODS = {
    "morning": (0, 12 * 60),
    "lunchtime": (12 * 60, 14 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 24 * 60),
}
_PERIOD_PATTERN = {
    "morning": re.compile(r"\b(?:mornings?|morn|a\.?m\.?(?=\s|$)|first\s+thing|early)\b", re.IGNORECASE),
    "lunchtime": re.compile(r"\b(?:lunch\s*times?|lunch|midday|noon)\b", re.IGNORECASE),
    "afternoon": re.compile(r"\b(?:afternoons?|arvo|p\.?m\.?(?=\s|$))\b", re.IGNORECASE),
    "evening": re.compile(r"\b(?:evenings?|after\s+work|late|tonight|night)\b", re.IGNORECASE),
}
_ANY_DAY = re.compile(
    r"\b(?:any\s*(?:day|time|when)|anytime|whenever|flexible|don'?t\s+mind|no\s+preference|"
    r"any\s+of\s+them|asap|as\s+soon\s+as\s+possible|soonest|earliest)\b",
    re.IGNORECASE,
)
_WEEKDAY_WORDS = re.compile(
    r"\b(?:week\s*days?|weekdays?|during\s+the\s+week|mon(?:day)?\s*(?:-|to|till|until)\s*fri(?:day)?)\b", re.IGNORECASE
)
_WEEKEND_WORDS = re.compile(r"\b(?:week\s*ends?|weekends?)\b", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(today|tomorrow|tmrw|tmr|this\s+week|next\s+week|this\s+weekend|next\s+weekend)\b", re.IGNORECASE
)
_NOT = re.compile(r"\b(?:not|except|apart\s+from|but\s+not|no)\s+(?:on\s+)?(\w+)", re.IGNORECASE)
_HOUR = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_HALF = re.compile(r"\bhalf\s+(\d{1,2})\b", re.IGNORECASE)
_AFTER = re.compile(r"\b(?:after|from|past|later\s+than|not\s+before)\s+" + _HOUR, re.IGNORECASE)
_BEFORE = re.compile(r"\b(?:before|by|until|till|til|earlier\s+than|not\s+after)\s+" + _HOUR, re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+" + _HOUR + r"\s*(?:and|-|to)\s*" + _HOUR, re.IGNORECASE)
_AT = re.compile(
    r"\b(?:at|around|about|@)\s+" + _HOUR + r"|\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b"
    r"|\b(\d{1,2})[:.](\d{2})()(?!\d)",
    re.IGNORECASE,
)
_NOON = re.compile(
    r"\b(before|after|by|until|till|from|at|around)\s+(?:noon|midday|lunch\s*time|lunch)\b", re.IGNORECASE
)
_RANGE = re.compile(
    r"\b("
    + "|".join(w for words in _DAY_WORDS.values() for w in words)
    + r")\s*(?:-|to|till|until|through)\s*("
    + "|".join(w for words in _DAY_WORDS.values() for w in words)
    + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimePreference:
    """When a person would like to come. Empty `days` means any day; minutes are from midnight."""

    days: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    after: Optional[int] = None
    before: Optional[int] = None
    relative: Optional[str] = None  # "today", "tomorrow", "next week": kept as said
    flexible: bool = False
    text: str = ""
    around: Optional[int] = None  # "at 3pm": read back as "around 3pm", searched an hour either side

    def describe(self) -> str:
        """Read back in plain words: "Tuesday afternoon", "Weekdays, after 5pm", "Any day, mornings"."""
        days = " ".join(part for part in (self.relative, _describe_days(self.days) if self.days else "") if part)
        single = bool(self.relative) or len(self.days) == 1
        periods = " or ".join(self.periods if single else [f"{p}s" for p in self.periods])
        if self.around is not None:
            clock_text = f"around {clock(self.around)}"
        elif self.after is not None and self.before is not None:
            clock_text = f"between {clock(self.after)} and {clock(self.before)}"
        elif self.after is not None:
            clock_text = f"after {clock(self.after)}"
        elif self.before is not None:
            clock_text = f"before {clock(self.before)}"
        else:
            clock_text = ""
        if days and periods and single:
            text = f"{days} {periods}"
        else:
            text = ", ".join(part for part in (days or "any day", periods) if part)
        if clock_text:
            text = f"{text}, {clock_text}"
        elif not periods:
            text = f"{text}, any time"
        return text[0].upper() + text[1:]

    def window(self) -> tuple[int, int]:
        """The minutes of the day the person can come, from the periods and clock times."""
        start, end = 0, 24 * 60
        if self.periods:
            start = min(PERIODS[p][0] for p in self.periods)
            end = max(PERIODS[p][1] for p in self.periods)
        if self.after is not None:
            start = max(start, self.after)
        if self.before is not None:
            end = min(end, self.before)
        return start, end

    def accepts(self, weekday: str, minute: int) -> bool:
        """Whether a free slot (weekday name, minutes from midnight) fits this preference."""
        if self.days and weekday not in self.days:
            return False
        start, end = self.window()
        return start <= minute < end


def clock(minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    suffix = "am" if hour < 12 else "pm"
    hour12 = hour % 12 or 12
    if minutes == 12 * 60:
        return "midday"
    return f"{hour12}{suffix}" if minute == 0 else f"{hour12}:{minute:02d}{suffix}"


def _describe_days(days: Sequence[str]) -> str:
    if tuple(days) == WEEKDAYS:
        return "weekdays"
    if tuple(days) == WEEKEND:
        return "weekends"
    names = [day.title() for day in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _time_in(match: re.Match[str], first: int, default_pm_below: int = 8) -> Optional[int]:
    """The time in groups first, first + 1 and first + 2 of the match (hour, minutes, am/pm), in minutes."""
    return _to_minutes(match.group(first), match.group(first + 1), match.group(first + 2), default_pm_below)


def _to_minutes(
    hour_text: str, minute_text: Optional[str], suffix: Optional[str], default_pm_below: int = 8
) -> Optional[int]:
    hour = int(hour_text)
    minute = int(minute_text) if minute_text else 0
    if hour > 23 or minute > 59:
        return None
    suffix = (suffix or "").replace(".", "").lower()
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    elif not suffix and 1 <= hour < default_pm_below:
        # "after 5" means 5pm at a clinic: nobody books a physio for 5 in the morning.
        hour += 12
    return hour * 60 + minute


def _days_in(text: str) -> list[str]:
    excluded = {_day_of(m.group(1)) for m in _NOT.finditer(text)} - {None}
    text = _NOT.sub(" ", text)
    found: list[str] = []
    for match in _RANGE.finditer(text):
        first, last = (_day_of(match.group(1)), _day_of(match.group(2)))
        if first and last:
            i, j = DAYS.index(first), DAYS.index(last)
            found.extend(DAYS[i : j + 1] if i <= j else DAYS[i:] + DAYS[: j + 1])
    if _WEEKDAY_WORDS.search(text):
        found.extend(WEEKDAYS)
    if _WEEKEND_WORDS.search(text):
        found.extend(WEEKEND)
    for day, pattern in _DAY_PATTERN.items():
        if pattern.search(text):
            found.append(day)
    if excluded and not found:
        found = list(DAYS)
    return [day for day in DAYS if day in found and day not in excluded]


def _day_of(word: str) -> Optional[str]:
    word = word.lower().rstrip(".")
    if word in ("weekend", "weekends"):
        return None
    return next((day for day, words in _DAY_WORDS.items() if word in words), None)


def parse_preferred_time(text: str) -> Optional[TimePreference]:
    """What the person said about when they can come, or None when it names no day, part of day or time."""
    raw = " ".join((text or "").split())
    if not raw or raw.startswith("/"):
        return None
    lowered = raw.lower().replace("’", "'")
    lowered = _HALF.sub(lambda m: f"{m.group(1)}:30", lowered)
    lowered = _NOON.sub(lambda m: f"{m.group(1)} 12:00pm", lowered)
    days = _days_in(lowered)
    after = before = around = None
    between = _BETWEEN.search(lowered)
    if between:
        after = _time_in(between, 1)
        before = _time_in(between, 4)
        if after is not None and before is not None and before <= after and not between.group(6):
            before += 12 * 60
    else:
        after_match, before_match = _AFTER.search(lowered), _BEFORE.search(lowered)
        if after_match:
            after = _time_in(after_match, 1)
        if before_match:
            before = _time_in(before_match, 1, default_pm_below=7)
        if after is None and before is None:
            at = _AT.search(lowered)
            if at:
                start = _time_in(at, 1 if at.group(1) else 4 if at.group(4) else 7)
                if start is not None:
                    around, after, before = start, max(0, start - 60), min(24 * 60, start + 60)
    masked = _BETWEEN.sub(" ", _AFTER.sub(" ", _BEFORE.sub(" ", _AT.sub(" ", lowered))))
    periods = tuple(name for name, pattern in _PERIOD_PATTERN.items() if pattern.search(masked))
    if "lunchtime" in periods and "afternoon" in periods and len(periods) == 2 and "lunch" in lowered:
        periods = ("lunchtime",)
    relative_match = _RELATIVE.search(lowered)
    relative = (
        relative_match.group(1).replace("tmrw", "tomorrow").replace("tmr", "tomorrow") if relative_match else None
    )
    flexible = bool(_ANY_DAY.search(lowered))
    if not (days or periods or after is not None or before is not None or relative or flexible):
        return None
    if after is not None and before is not None and before <= after:
        return None
    return TimePreference(tuple(days), periods, after, before, relative, flexible, raw, around)


@dataclass(frozen=True)
class OpeningTimes:
    """Opening hours per weekday, in minutes from midnight; a missing day is closed."""

    hours: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def from_profile(cls, slots: Iterable[tuple[str, str]]) -> OpeningTimes:
        """From the profile's (days, hours) pairs: ("Monday to Friday", "8am to 8pm"), ("Sunday", "closed")."""
        hours: dict[str, tuple[int, int]] = {}
        for days_text, hours_text in slots:
            days = _days_in(days_text.lower()) or list(DAYS)
            match = re.search(_HOUR + r"\s*(?:-|to|till|until|\u2013)\s*" + _HOUR, hours_text.lower())
            if not match:
                continue  # "closed", or words we cannot read: treated as closed
            start = _time_in(match, 1, default_pm_below=0)
            end = _time_in(match, 4, default_pm_below=0)
            if start is None or end is None:
                continue
            for day in days:
                hours[day] = (start, end)
        return cls(hours)

    def closed_days(self) -> list[str]:
        return [day for day in DAYS if day not in self.hours]

    def conflict(self, preference: TimePreference) -> Optional[str]:
        """A kind sentence when the wish cannot be met at all (closed on every day named, or outside the
        hours on every open day named); None when at least part of it fits."""
        if not self.hours:
            return None
        days = preference.days or DAYS
        open_days = [day for day in days if day in self.hours]
        if not open_days:
            names = _describe_days(tuple(days))
            return f"The clinic is closed on {names}."
        start, end = preference.window()
        fits = [day for day in open_days if max(start, self.hours[day][0]) < min(end, self.hours[day][1])]
        if not fits:
            spans = "; ".join(
                f"{day.title()} {clock(self.hours[day][0])} to {clock(self.hours[day][1])}" for day in open_days
            )
            return f"That is outside the clinic's opening hours ({spans})."
        return None

    def next_open(self, now: dt.datetime) -> Optional[tuple[str, int, bool]]:
        """(weekday, opening minute, open right now) for the next time the clinic is open, in the clinic's
        local time; None when the profile names no open hours at all."""
        if not self.hours:
            return None
        minute = now.hour * 60 + now.minute
        for offset in range(8):
            day = DAYS[(now.weekday() + offset) % 7]
            if day not in self.hours:
                continue
            start, end = self.hours[day]
            if offset == 0 and minute < end:
                return day, start, minute >= start
            if offset > 0:
                return day, start, False
        return None

    def next_open_text(self, now: dt.datetime) -> str:
        """'The clinic is open now, until 8pm.' / 'The clinic opens again on Monday at 8am.'"""
        found = self.next_open(now)
        if not found:
            return ""
        day, start, open_now = found
        if open_now:
            return f"The clinic is open now, until {clock(self.hours[day][1])}."
        today = DAYS[now.weekday()]
        when = "today" if day == today else "tomorrow" if day == DAYS[(now.weekday() + 1) % 7] else f"on {day.title()}"
        return f"The clinic opens again {when} at {clock(start)}."
