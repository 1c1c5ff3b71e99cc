"""Preferred days and times in plain words, and the clinic's opening hours."""

from __future__ import annotations

import datetime as dt

import pytest

from backcare.booking.times import OpeningTimes, parse_preferred_time

PROFILE_HOURS = [("Monday to Friday", "8am to 8pm"), ("Saturday", "9am to 2pm"), ("Sunday", "closed")]


@pytest.mark.parametrize(
    "text, read_back",
    [
        ("Tuesday afternoon", "Tuesday afternoon"),
        ("after 5 any weekday", "Weekdays, after 5pm"),
        ("mornings", "Any day, mornings"),
        ("mon or wed before 10", "Monday or Wednesday, before 10am"),
        ("thursday between 2 and 4", "Thursday, between 2pm and 4pm"),
        ("Mon-Fri after 6pm", "Weekdays, after 6pm"),
        ("wednesday at 3pm", "Wednesday, around 3pm"),
        ("weekends", "Weekends, any time"),
        ("any time really", "Any day, any time"),
        ("tomorrow morning", "Tomorrow morning"),
        ("saturdays before noon", "Saturday, before midday"),
        ("half 5 on weds", "Wednesday, around 5:30pm"),
        ("weekday evenings after work", "Weekdays, evenings"),
    ],
)
def test_plain_words_are_understood_and_read_back(text: str, read_back: str) -> None:
    preference = parse_preferred_time(text)
    assert preference is not None and preference.describe() == read_back


def test_excluded_days_leave_the_others() -> None:
    preference = parse_preferred_time("not mondays, otherwise anything")
    assert preference is not None and "monday" not in preference.days and "tuesday" in preference.days


@pytest.mark.parametrize("text", ["Sam Patel", "07400 123456", "", "/affirm", "after 5 before 3"])
def test_words_without_a_day_or_time_are_refused(text: str) -> None:
    assert parse_preferred_time(text) is None


def test_a_preference_accepts_only_fitting_free_times() -> None:
    preference = parse_preferred_time("after 5 any weekday")
    assert preference is not None
    assert preference.accepts("tuesday", 18 * 60) and not preference.accepts("tuesday", 9 * 60)
    assert not preference.accepts("saturday", 18 * 60)


def test_opening_hours_are_read_from_the_profile_words() -> None:
    opening = OpeningTimes.from_profile(PROFILE_HOURS)
    assert opening.hours["monday"] == (8 * 60, 20 * 60) and opening.hours["saturday"] == (9 * 60, 14 * 60)
    assert opening.closed_days() == ["sunday"]


def test_wishes_the_clinic_cannot_meet_are_caught() -> None:
    opening = OpeningTimes.from_profile(PROFILE_HOURS)
    assert opening.conflict(parse_preferred_time("sunday morning")) == "The clinic is closed on Sunday."  # type: ignore[arg-type]
    assert "outside" in (opening.conflict(parse_preferred_time("saturday after 5")) or "")  # type: ignore[arg-type]
    assert opening.conflict(parse_preferred_time("weekends")) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "now, text",
    [
        (dt.datetime(2026, 11, 26, 10, 0), "The clinic is open now, until 8pm."),
        (dt.datetime(2026, 11, 26, 21, 0), "The clinic opens again tomorrow at 8am."),
        (dt.datetime(2026, 11, 28, 15, 0), "The clinic opens again on Monday at 8am."),
        (dt.datetime(2026, 11, 27, 7, 0), "The clinic opens again today at 8am."),
    ],
)
def test_when_the_clinic_next_opens(now: dt.datetime, text: str) -> None:
    assert OpeningTimes.from_profile(PROFILE_HOURS).next_open_text(now) == text
