"""Everyday questions (issue 17): the intent gives the broad area, the words of the message pick the entry."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
from pathlib import Path

import pytest
import textstat
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarifyIntent
from actions.clinic import ActionGiveClinicInfo
from actions.guidance import ActionGiveGuidance
from backcare.clinic import load_profile
from backcare.clinic_answers import price_text
from backcare.content import reading_text
from backcare.guidance import GuidanceRequest, choose_guidance, profile_fields
from backcare.insight.content_book import CLINIC_GUIDANCE, FROM_SOURCES, render_content_book
from backcare.knowledge import KnowledgeBase
from backcare.sources import source_title

KB = KnowledgeBase.load()
PROFILE = load_profile()
FIELDS = profile_fields(PROFILE)
EVERYDAY = [entry for entry in KB.entries if entry.subject_words or entry.ages_under]


def topic_for(intent: str, text: str, **kwargs) -> str:
    reply = choose_guidance(KB, GuidanceRequest(intent=intent, text=text, profile_fields=FIELDS, **kwargs))
    return str(reply.topic)


@pytest.mark.parametrize(
    "intent, message, entry_id",
    [
        ("ask_recovery", "do I need a fit note from my GP?", "work_and_fit_notes"),
        ("ask_recovery", "how much time off work should I take?", "work_and_fit_notes"),
        ("ask_treatment", "should I go to work with a back spasm", "work_and_fit_notes"),
        ("ask_recovery", "when can I drive again?", "driving"),
        ("ask_treatment", "is it safe to be driving with my back like this", "driving"),
        ("ask_treatment", "what's the best sleeping position for a bad back", "sleeping_position"),
        ("ask_treatment", "should I get a new mattress?", "mattress"),
        ("ask_treatment", "I'm 20 weeks pregnant and my back is killing me, what can I do?", "back_pain_in_pregnancy"),
        ("inform", "I'm pregnant", "back_pain_in_pregnancy"),
        ("ask_symptoms", "my son is 14 and keeps getting back spasms", "children_and_teenagers"),
        ("ask_treatment", "what can my 13 year old do for back pain", "children_and_teenagers"),
        ("ask_treatment", "my teenager hurt his back at football", "children_and_teenagers"),
        ("ask_what_is_spasm", "is this sciatica or a spasm?", "sciatica_or_spasm"),
        ("ask_symptoms", "how do I know if it's sciatica", "sciatica_or_spasm"),
        ("ask_treatment", "can I still have sex with a back spasm?", "sex"),
        ("ask_recovery", "when can I go back to the gym?", "gym_and_sport"),
        ("ask_prevention", "can I play football next week", "gym_and_sport"),
        ("ask_treatment", "will a massage gun help?", "massage_gun_foam_roller"),
        ("ask_treatment", "should I use a foam roller on my back", "massage_gun_foam_roller"),
        ("ask_treatment", "are heat patches any good", "heat_patches"),
        ("ask_treatment", "how do I do the knee to chest stretch?", "stretch_knee_to_chest"),
        ("ask_treatment", "how do you do a pelvic tilt", "stretch_pelvic_tilt"),
        ("ask_treatment", "can you explain cat-cow", "stretch_cat_cow"),
    ],
)
def test_the_words_pick_the_everyday_entry(intent: str, message: str, entry_id: str) -> None:
    assert topic_for(intent, message) == entry_id


@pytest.mark.parametrize(
    "intent, message, entry_id",
    [
        ("ask_symptoms", "my son is 25 and has back spasms", "symptoms"),
        ("ask_recovery", "I've had this for 10 years, will it ever go?", "recovery"),
        ("ask_treatment", "does heat help a back spasm", "treatment_overview"),
        ("ask_recovery", "how long will this last", "recovery"),
    ],
)
def test_messages_without_an_everyday_subject_keep_their_usual_entry(intent: str, message: str, entry_id: str) -> None:
    assert topic_for(intent, message) == entry_id


def test_a_warning_sign_list_is_never_replaced_by_an_everyday_entry() -> None:
    assert (
        topic_for("ask_when_to_seek_help", "when should I worry about back pain in pregnancy?") == "when_to_seek_help"
    )


@pytest.mark.parametrize(
    "message", ["what can i do for back pain while pregnant?", "i'm pregnant and my back hurts, what can i do?"]
)
def test_a_message_without_medicine_words_in_the_medicine_area_gets_its_subject(message: str) -> None:
    # The current model reads both as ask_medication (with the pregnancy condition).
    assert topic_for("ask_medication", message, conditions=["pregnancy"]) == "back_pain_in_pregnancy"


def test_a_condition_right_after_a_medicine_answer_stays_about_the_medicine_whatever_the_area() -> None:
    assert (
        topic_for(
            "ask_medication",
            "i'm 30 weeks pregnant",
            conditions=["pregnancy"],
            last_topic="medicine",
            remembered_medications=["ibuprofen"],
        )
        == "medicine"
    )


def test_a_medicine_question_stays_a_medicine_question() -> None:
    assert topic_for("ask_medication", "can I drive on co-codamol?", medications=["co_codamol"]) == "medicine"
    assert (
        topic_for("ask_medication", "what painkiller can I take while pregnant?", conditions=["pregnancy"])
        == "medicine"
    )
    assert (
        topic_for("ask_medication", '/ask_medication{"condition":"pregnancy"}', conditions=["pregnancy"]) == "medicine"
    )
    assert topic_for("ask_medication", "is it ok to drive on it", medications=["diazepam"]) == "medicine"


@pytest.mark.parametrize("entry", EVERYDAY, ids=lambda entry: entry.id)
def test_everyday_entry_is_sourced_reviewed_and_plain(entry) -> None:
    assert entry.sources and entry.reviewed == dt.date(2026, 12, 2)
    for text in filter(None, (entry.answer, entry.detail)):
        assert textstat.flesch_reading_ease(reading_text(text)) >= 60, text


def test_clinic_guidance_is_marked_for_sign_off_where_no_page_says_it() -> None:
    marked = {entry.id for entry in EVERYDAY if entry.clinic_guidance}
    assert {
        "sleeping_position",
        "mattress",
        "sex",
        "gym_and_sport",
        "massage_gun_foam_roller",
        "heat_patches",
        "children_and_teenagers",
        "driving",
        "stretch_knee_to_chest",
        "stretch_pelvic_tilt",
        "stretch_cat_cow",
    } <= marked
    assert not {"work_and_fit_notes", "back_pain_in_pregnancy", "sciatica_or_spasm"} & marked


def test_entries_give_concrete_steps_not_only_see_a_gp() -> None:
    for entry in EVERYDAY:
        assert "\n- " in entry.answer or len(entry.answer.split(". ")) >= 3, entry.id


def test_fit_note_answer_gives_the_seven_day_rule() -> None:
    text = KB.get("work_and_fit_notes").answer
    assert "7 days or less" in text and "more than 7 days" in text and "physio" in text


def test_children_answer_says_the_guidance_is_for_over_16s() -> None:
    assert "16 or over" in KB.get("children_and_teenagers").answer


# --- the price of an assessment: from the clinic profile, never from fixed text -----------------------------


def test_price_question_in_a_guidance_area_gets_the_clinic_prices() -> None:
    reply = choose_guidance(
        KB, GuidanceRequest(intent="find_physio", text="how much is an assessment?", profile_fields=FIELDS)
    )
    assert reply.topic == "prices" and reply.text == price_text(PROFILE)


def test_price_text_comes_from_the_profile() -> None:
    text = price_text(PROFILE)
    assert PROFILE.name in text and "free assessment" in text and PROFILE.phone in text
    priced = price_text(
        PROFILE.__class__(**{**PROFILE.__dict__, "prices": ("Assessment £60",), "services": ("physiotherapy",)})
    )
    assert "Assessment £60" in priced and "free" not in priced.split("NHS")[0]


def run(action, intent: str, text: str) -> str:
    message = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
    tracker = Tracker("patient", {}, message, [], False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages[0]["text"]


def test_clinic_question_about_cost_gets_the_prices_and_others_the_details() -> None:
    assert run(ActionGiveClinicInfo(), "ask_clinic_info", "how much is an assessment?") == price_text(PROFILE)
    assert "Opening hours" in run(ActionGiveClinicInfo(), "ask_clinic_info", "where are you?")


def test_the_guidance_action_passes_the_words_of_the_message() -> None:
    assert run(ActionGiveGuidance(), "ask_recovery", "do I need a sick note?").startswith(
        KB.get("work_and_fit_notes").answer
    )


# --- the content book lists every new entry with its source, review date and sign-off state -----------------


def test_content_book_lists_every_new_entry_with_sources_review_date_and_sign_off_state() -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "content_book.py"
    spec = importlib.util.spec_from_file_location("content_book_script", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = render_content_book(module.all_entries(), PROFILE.name, dt.date(2026, 12, 2))
    for entry in EVERYDAY:
        article = page.split(f'id="kb-{entry.id}"')[1].split("</article>")[0]
        assert all(source_title(source).replace("'", "&#x27;") in article for source in entry.sources)
        assert "Last reviewed: 02 December 2026" in article
        state = CLINIC_GUIDANCE if entry.clinic_guidance else FROM_SOURCES
        assert state.replace("'", "&#x27;") in article, entry.id
    for anchor in ("general-pregnancy", "general-breastfeeding", "screen-none-found", "clinic-prices"):
        assert f'id="{anchor}"' in page


# --- where the model gives another area: the help question, or an unsure guess ----------------------------


@pytest.mark.parametrize(
    "message, entry_id",
    [
        ("do i need a fit note?", "work_and_fit_notes"),
        ("my son is 14 and has back spasms, what should we do?", "children_and_teenagers"),
    ],
)
def test_a_practical_or_young_persons_question_read_as_when_to_get_help_gets_its_entry(
    message: str, entry_id: str
) -> None:
    # The current model reads both as ask_when_to_seek_help.
    assert topic_for("ask_when_to_seek_help", message) == entry_id


def test_an_unsure_guess_that_names_an_everyday_subject_gets_that_entry() -> None:
    message = {
        "text": "is it ok to drive with back pain?",
        "intent": {"name": "nlu_fallback", "confidence": 0.42},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.42},
            {"name": "ask_treatment", "confidence": 0.30},
            {"name": "greet", "confidence": 0.1},
        ],
        "entities": [{"entity": "condition", "value": "driving"}],
    }
    tracker = Tracker("patient", {}, message, [], False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionClarifyIntent().run(dispatcher, tracker, {}))
    assert dispatcher.messages[0]["text"].startswith(KB.get("driving").answer)


def test_a_close_call_between_two_areas_is_answered_by_the_subject_unless_a_red_flag_is_one() -> None:
    def answer(second: str) -> dict:
        ranking = [
            {"name": "nlu_fallback", "confidence": 0.42},
            {"name": "ask_which_professional", "confidence": 0.31},
            {"name": second, "confidence": 0.30},
        ]
        message = {
            "text": "is it ok to drive with back pain?",
            "intent": ranking[0],
            "intent_ranking": ranking,
            "entities": [],
        }
        dispatcher = CollectingDispatcher()
        asyncio.run(
            ActionClarifyIntent().run(dispatcher, Tracker("p", {}, message, [], False, None, None, "action_listen"), {})
        )
        return dispatcher.messages[0]

    assert answer("ask_treatment")["text"].startswith(KB.get("driving").answer)
    assert answer("report_red_flag")["text"].startswith("Sorry, I'm not sure which you meant")


def test_the_stretch_buttons_lead_to_how_to_do_each_stretch() -> None:
    buttons = {button.title: button.payload for button in KB.get("stretches").buttons}
    for title, entry_id in (
        ("How to: knee-to-chest", "stretch_knee_to_chest"),
        ("How to: pelvic tilt", "stretch_pelvic_tilt"),
        ("How to: cat-cow", "stretch_cat_cow"),
    ):
        payload = buttons[title]
        treatment = payload.split('"treatment":"')[1].rstrip('"}')
        assert topic_for("ask_treatment", payload, treatment=treatment) == entry_id
