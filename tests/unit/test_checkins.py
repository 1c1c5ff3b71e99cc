"""Check-ins (issue 22), plain Python: when they are due, how a reply is read, what is said back, the wording."""

from __future__ import annotations

import datetime as dt

import pytest
import textstat

from backcare.checkins import Outcome, Trend, due_times, in_window, load_wording, next_send_time, read_answer, respond
from backcare.checkins.schedule import UK
from backcare.content import reading_text
from backcare.guidance import with_sources
from backcare.sources import source_titles
from backcare.triage import Level, triage_message

UTC = dt.timezone.utc


def uk(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UK)


# Schedule ------------------------------------------------------------------------------------------------


def test_check_ins_are_due_after_2_and_7_days_inside_the_window() -> None:
    first, second = due_times(uk(2026, 12, 3, 10, 30))
    assert first == uk(2026, 12, 5, 10, 30) and second == uk(2026, 12, 10, 10, 30)


def test_a_check_in_due_at_23_00_waits_until_9_the_next_morning() -> None:
    first, second = due_times(uk(2026, 12, 3, 23, 0))
    assert first == uk(2026, 12, 6, 9, 0) and second == uk(2026, 12, 11, 9, 0)


def test_one_due_before_9_waits_until_9_the_same_day() -> None:
    assert next_send_time(uk(2026, 12, 5, 6, 15)) == uk(2026, 12, 5, 9, 0)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (uk(2026, 12, 5, 8, 59), False),
        (uk(2026, 12, 5, 9, 0), True),
        (uk(2026, 12, 5, 19, 59), True),
        (uk(2026, 12, 5, 20, 0), False),
        # 08:30 UTC in British Summer Time is 09:30 in London: inside.
        (dt.datetime(2026, 7, 1, 8, 30, tzinfo=UTC), True),
        (dt.datetime(2026, 12, 1, 8, 30, tzinfo=UTC), False),
    ],
)
def test_the_window_is_9_to_20_uk_time(moment: dt.datetime, inside: bool) -> None:
    assert in_window(moment) is inside


def test_summer_time_is_kept_when_waiting_for_the_morning() -> None:
    assert next_send_time(dt.datetime(2026, 7, 1, 21, 0, tzinfo=UTC)) == dt.datetime(2026, 7, 2, 8, 0, tzinfo=UTC)


# Reading a reply -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pain", "trend", "normal_day"),
    [
        ("much better, 2 out of 10", 2, Trend.BETTER, None),
        ("same as before, 5/10", 5, Trend.SAME, None),
        ("not better, still 6 out of 10", 6, Trend.SAME, None),
        ("no worse, about a 4", 4, Trend.SAME, None),
        ("worse, 8 out of 10", 8, Trend.WORSE, None),
        ("better thanks, three out of ten, yes normal day", 3, Trend.BETTER, True),
        ("it's worse, 7/10 and i can't do my normal day", 7, Trend.WORSE, False),
        ("improving, back at work, pain is 3", 3, Trend.BETTER, True),
        ("had it 3 days, better", None, Trend.BETTER, None),
        ("6", 6, None, None),
    ],
)
def test_a_reply_is_read(text: str, pain: float, trend: Trend, normal_day: bool) -> None:
    answer = read_answer(text)
    assert (answer.pain, answer.trend, answer.normal_day) == (pain, trend, normal_day)


def test_a_new_sign_is_read_by_the_red_flag_patterns() -> None:
    answer = read_answer("worse, 8 out of 10, and now my legs feel numb")
    assert [sign.level for sign in answer.signs] == [Level.EMERGENCY]
    assert read_answer("same, 5/10, no numbness, bladder fine").signs == ()


# The outcome ---------------------------------------------------------------------------------------------

NEXT = dt.datetime(2026, 12, 10, 10, 0, tzinfo=UTC)


def test_a_new_sign_gets_the_same_emergency_answer_as_anywhere() -> None:
    text = "worse, 8 out of 10, and now my legs feel numb"
    reply = respond(read_answer(text), 1, NEXT)
    assert reply.outcome is Outcome.EMERGENCY and reply.triage_level is Level.EMERGENCY
    assert [r.text for r in reply.replies] == [with_sources(triage_message(text).text, triage_message(text).sources)]
    assert "999" in reply.replies[0].text
    assert not any(b.payload.startswith("/book") for r in reply.replies for b in r.buttons)


@pytest.mark.parametrize(
    ("text", "step"),
    [("better, but 7 out of 10", 1), ("worse, 4/10", 1), ("same, 5/10", 2), ("worse, 3 out of 10", 2)],
)
def test_severe_worse_or_no_better_after_a_week_see_a_gp_or_physio_with_the_offer_to_book(text: str, step: int) -> None:
    reply = respond(read_answer(text), step, None)
    assert reply.outcome is Outcome.SEE_GP and reply.outcome.escalation
    [message] = reply.replies
    assert "GP" in message.text and "physio" in message.text
    assert "/book_appointment" in [button.payload for button in message.buttons]


def test_better_gets_keep_going_advice_and_the_next_check_in() -> None:
    reply = respond(read_answer("much better, 2 out of 10"), 1, NEXT)
    assert reply.outcome is Outcome.KEEP_GOING and not reply.outcome.escalation
    assert "stay active" in reply.replies[0].text
    assert "Thursday 10 December" in reply.replies[1].text


def test_better_at_the_last_check_in_says_goodbye() -> None:
    reply = respond(read_answer("much better, 2 out of 10"), 2, None)
    assert reply.replies[-1].text == load_wording()["goodbye"].text


def test_the_same_after_2_days_is_given_time() -> None:
    reply = respond(read_answer("same, 4 out of 10"), 1, NEXT)
    assert reply.outcome is Outcome.KEEP_GOING and "week" in reply.replies[0].text


def test_an_unreadable_reply_is_asked_again_with_an_example() -> None:
    reply = respond(read_answer("hmm not sure"), 1, NEXT)
    assert reply.outcome is Outcome.UNCLEAR and "out of 10" in reply.replies[0].text


# The wording ---------------------------------------------------------------------------------------------


def test_the_consent_says_what_is_sent_when_and_how_to_stop() -> None:
    text = load_wording()["consent"].text.format(first=2, second=7)
    assert "2 days" in text and "7 days" in text and "9am and 8pm" in text and "stop check-ins" in text


def test_every_check_in_message_is_plain_english_with_titled_sources() -> None:
    titles = source_titles()
    for message in load_wording().messages.values():
        text = message.text.format(
            first=2,
            second=7,
            day="Thursday 10 December",
            why="getting worse",
            clinic="X",
            link="https://x.org",
            phone="1",
        )
        assert textstat.flesch_reading_ease(reading_text(text)) >= 60, message.id
        assert all(source in titles for source in message.sources), message.id
