"""Staff insight without Rasa: conversations read from tracker events, flags, masking, the review file, the
report's figures and HTML, the content book, and when to ask "Was this helpful?"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from backcare.feedback import FEEDBACK_QUESTION, should_ask_feedback
from backcare.guidance import ASK_FOR_MORE
from backcare.insight.content_book import (
    BookEntry,
    is_overdue,
    knowledge_entries,
    medicine_entries,
    months_before,
    red_flag_entries,
    render_content_book,
)
from backcare.insight.figures import percentile, report_figures, response_times
from backcare.insight.flags import flags_of
from backcare.insight.records import conversations_of_sender
from backcare.insight.report_html import render_report
from backcare.insight.review_file import EntityMark, add_example, annotate, normalised, read_nlu_file
from backcare.knowledge import KnowledgeBase
from backcare.medication.catalogue import load_catalogue
from backcare.triage import load_advice, load_red_flags
from tests.insight_events import T0, Events, booking_started


def one(events: Events):
    [conversation] = conversations_of_sender("abc", events.events)
    return conversation


# --- records and flags ---------------------------------------------------------------------------------------


def test_sessions_become_separate_conversations_and_empty_ones_are_dropped() -> None:
    first = Events().user("hi", "greet").bot("Hello")
    later = Events(T0 + 7200).user("back again", "greet").bot("Hello")
    empty = Events(T0 + 9000)
    conversations = conversations_of_sender("abc", first.events + later.events + empty.events)
    assert [c.id for c in conversations] == ["abc", "abc~2"]
    assert conversations[1].started.hour == 11


def test_fallback_low_confidence_and_fallback_action_are_flagged_as_misunderstood() -> None:
    events = Events().user("blah blah", "nlu_fallback", 0.3).bot("Sorry?")
    events.user("my back is stiff in the mornings", "ask_symptoms", 0.5).action("action_give_guidance")
    events.user("yoga?", "ask_treatment", 0.9).action("action_default_fallback")
    events.user("what causes it", "ask_causes", 0.99).action("action_give_guidance")
    missed = flags_of(one(events)).misunderstood
    assert [m.text for m in missed] == ["blah blah", "my back is stiff in the mornings", "yoga?"]


def test_a_confident_message_the_guidance_asked_more_about_is_flagged_as_misunderstood() -> None:
    events = Events().user("the purple one", "inform", 0.95).action("action_give_guidance").bot(ASK_FOR_MORE)
    events.user("what causes it", "ask_causes", 0.99).action("action_give_guidance").bot("Causes...")
    assert [m.text for m in flags_of(one(events)).misunderstood] == ["the purple one"]


def test_the_highest_escalation_counts_and_routine_alone_is_not_alarming() -> None:
    events = Events().user("numb down there", "report_red_flag").slot("triage_level", "urgent")
    events.slot("triage_level", "emergency").slot("triage_level", None)
    flags = flags_of(one(events))
    assert flags.escalation == "emergency" and "EMERGENCY" in flags.labels()
    routine = flags_of(one(Events().user("sore", "report_red_flag").slot("triage_level", "routine")))
    assert routine.escalation == "routine" and routine.labels() == []


def test_a_booking_left_half_way_says_at_which_question() -> None:
    flags = flags_of(one(booking_started(Events()).user("stop", "stop").loop(None)))
    assert flags.booking.started and flags.booking.abandoned and flags.booking.stopped_at == "contact"
    assert "booking left at contact" in flags.labels()


def test_a_booking_with_a_reference_is_completed_and_a_callback_is_told_apart() -> None:
    events = booking_started(Events()).user("07400 123456", "inform").slot("requested_slot", None).loop(None)
    events.action("action_submit_booking").slot("booking_reference", "BK-1234")
    events.user("can I talk to someone", "request_human").action("action_request_human")
    events.action("callback_form").loop("callback_form").slot("requested_slot", "consent").user("no", "deny")
    events.loop(None)
    flags = flags_of(one(events))
    assert flags.booking.completed and not flags.booking.abandoned
    assert flags.handoff and flags.callback.started and flags.callback.stopped_at == "consent"


def test_medicine_cautions_and_feedback_are_read_from_the_conversation() -> None:
    book = load_catalogue()
    caution = book.messages.for_you.format(name="ibuprofen") + " Anti-inflammatories can make asthma worse."
    events = Events().user("ibuprofen with asthma?", "ask_medication").action("action_give_guidance").bot(caution)
    events.bot(FEEDBACK_QUESTION.text).user("/deny", "deny", 1.0).bot("Anything else?")
    flags = flags_of(one(events))
    assert flags.medication_cautions == 1 and flags.helpful is False and "NOT helpful" in flags.labels()
    events.user("no thanks", "deny").bot("OK")
    assert flags_of(one(events)).helpful is False, "a later no is not an answer to the question"
    assert flags_of(one(Events().bot(FEEDBACK_QUESTION.text).user("yes", "affirm"))).helpful is True
    assert flags_of(one(Events().user("yes", "affirm"))).helpful is None, "a yes to something else"


# --- review file -----------------------------------------------------------------------------------------------


def test_entities_are_marked_and_a_synonym_keeps_its_canonical_value() -> None:
    text = annotate("can i take Nurofen with my inhaler", [EntityMark("medication", "nurofen", "ibuprofen")])
    assert text == 'can i take [Nurofen]{"entity": "medication", "value": "ibuprofen"} with my inhaler'
    assert annotate("is yoga ok", [EntityMark("treatment", "yoga")]) == "is [yoga](treatment) ok"
    with pytest.raises(ValueError, match="'pilates' is not in the message"):
        annotate("is yoga ok", [EntityMark("treatment", "pilates")])


def test_review_file_takes_a_message_once_and_never_one_already_in_the_training_data(tmp_path: Path) -> None:
    review, nlu = tmp_path / "review" / "misses.yml", tmp_path / "nlu.yml"
    nlu.write_text('version: "3.1"\nnlu:\n  - intent: greet\n    examples: |\n      - hiya\n')
    assert add_example(review, "ask_causes", "why does my back [lock](symptom) up", [nlu])
    assert not add_example(review, "ask_causes", "Why does my back lock up?", [nlu])
    assert not add_example(review, "greet", "Hiya!", [nlu])
    assert add_example(review, "ask_treatment", "is a hot bath ok", [nlu])
    document = yaml.safe_load(review.read_text())
    assert document["version"] == "3.1" and review.read_text().startswith("# Misunderstood")
    assert read_nlu_file(review) == {
        "ask_causes": ["why does my back [lock](symptom) up"],
        "ask_treatment": ["is a hot bath ok"],
    }
    assert normalised("Is a HOT bath ok?") == normalised("is a hot bath ok")


# --- report ----------------------------------------------------------------------------------------------------


def test_percentile_and_response_times() -> None:
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == 10
    assert percentile([1, 2, 3, 4], 0.5) == 2 and percentile([], 0.5) is None
    events = Events().user("hi", "greet").bot("Hello", gap=2.5).bot("More").user("bye", "goodbye").bot("Bye", 0.5)
    assert response_times(one(events)) == [2.5, 0.5]


def test_report_figures_and_html_from_known_conversations() -> None:
    helped = Events().user("what causes it", "ask_causes").bot("Causes", 2).bot(FEEDBACK_QUESTION.text)
    helped.user("/affirm", "affirm", 1.0)
    urgent = Events(T0 + 86400).user("fever and back pain", "report_red_flag").slot("triage_level", "urgent")
    urgent.bot("Get help today", 4).user("zzz", "nlu_fallback", 0.2).bot("Sorry?", 1)
    abandoned = booking_started(Events(T0 + 86400 + 60)).loop(None)
    conversations = [one(helped), one(urgent), one(abandoned)]
    figures = report_figures(conversations, dt.date(2026, 11, 23), dt.date(2026, 11, 30))
    assert figures.conversations == 3 and figures.messages == 2 + 2 + 3
    assert figures.per_day[dt.date(2026, 11, 23)] == (1, 2) and figures.per_day[dt.date(2026, 11, 24)] == (2, 5)
    assert len(figures.per_day) == 7
    assert figures.escalations == {"emergency": 0, "urgent": 1, "routine": 0}
    assert figures.booking.started == 1 and figures.booking.abandoned_at == {"contact": 1}
    assert figures.helpful == 1 and figures.not_helpful == 0
    assert figures.unrecognised == [("zzz", 1)], "an unsure answer to the name question is no miss"
    assert figures.fallback_rate == pytest.approx(1 / 7)
    page = render_report(figures, "Example clinic", dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc))
    assert page.count("<svg") == 5 and "<script" not in page and "http" not in page.split("<svg")[0]
    assert "Priya" not in page and "Mon 23 Nov 2026 to Sun 29 Nov 2026" in page


# --- content book ----------------------------------------------------------------------------------------------


def test_every_knowledge_base_entry_is_in_the_content_book_with_its_answer_and_sources() -> None:
    entries = (
        knowledge_entries() + medicine_entries(load_catalogue()) + red_flag_entries(load_red_flags(), load_advice())
    )
    page = render_content_book(entries, "Example clinic", dt.date(2026, 12, 1))
    kb = KnowledgeBase.load()
    assert kb.entries
    for entry in kb.entries:
        assert f'id="kb-{entry.id}"' in page, f"{entry.id} is missing from the content book"
        assert entry.title in page and all(source in page for source in entry.sources)
    for medicine in load_catalogue().medicines.values():
        assert f'id="med-{medicine.id}"' in page
    for flag in load_red_flags():
        assert f'id="flag-{flag.id}"' in page


def test_entries_past_their_review_interval_come_first() -> None:
    fresh = BookEntry("kb-fresh", "Topics", "Fresh", ("New words.",), ("https://www.nhs.uk/",), dt.date(2026, 6, 1))
    stale = BookEntry("kb-stale", "Topics", "Stale", ("Old words.",), ("https://www.nhs.uk/",), dt.date(2025, 5, 1))
    page = render_content_book([fresh, stale], "Example clinic", dt.date(2026, 6, 2), review_months=12)
    assert page.index('id="kb-stale"') < page.index('id="kb-fresh"') < len(page)
    assert "Past their review date (1)" in page
    assert is_overdue(stale, dt.date(2026, 5, 1), 12) and not is_overdue(stale, dt.date(2026, 4, 30), 12)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)


# --- feedback --------------------------------------------------------------------------------------------------


def test_feedback_is_asked_once_after_the_second_answer_and_never_during_a_red_flag() -> None:
    assert should_ask_feedback("causes", None, answers_given=2, asked_before=False)
    assert not should_ask_feedback("causes", None, answers_given=1, asked_before=False)
    assert not should_ask_feedback("causes", None, answers_given=3, asked_before=True)
    assert not should_ask_feedback("causes", "emergency", answers_given=2, asked_before=False)
    assert not should_ask_feedback("causes", "urgent", answers_given=2, asked_before=False)
    assert should_ask_feedback("causes", "routine", answers_given=2, asked_before=False)
    assert not should_ask_feedback(None, None, answers_given=2, asked_before=False)
