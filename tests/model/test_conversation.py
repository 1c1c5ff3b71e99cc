"""Conversations with the running assistant over the REST channel: the trained model, the dialogue rules
and the custom actions together, as a patient would meet them."""

from __future__ import annotations

import pytest

from backcare.knowledge import KnowledgeBase
from tests.model.assistant import RunningAssistant

KB = KnowledgeBase.load()


def first_sentence(entry_id: str) -> str:
    entry = KB.get(entry_id)
    assert entry is not None
    return entry.answer.split(". ")[0]


def test_causes_question_gets_the_knowledge_base_answer_with_source_and_buttons(assistant: RunningAssistant) -> None:
    replies = assistant.send("what causes back spasms?")
    assert first_sentence("causes") in replies[0]["text"]
    assert "nhs.uk" in replies[0]["text"]
    assert replies[0].get("buttons"), "a guidance answer offers next steps"


@pytest.mark.parametrize(
    "message, entry_id",
    [
        ("why does my back keep seizing up", "causes"),
        ("is a chiropractor a good idea", "chiropractic_osteopathy"),
        ("how long will this last", "recovery"),
        ("what is a back spasm", "what_is_spasm"),
        ("should i use a hot water bottle or ice", "heat_and_ice"),
    ],
)
def test_questions_in_patients_words(assistant: RunningAssistant, message: str, entry_id: str) -> None:
    assert first_sentence(entry_id) in assistant.texts(assistant.send(message))


def test_follow_up_in_context(assistant: RunningAssistant) -> None:
    assistant.send("does heat help a back spasm", sender="follow-up")
    replies = assistant.send("and what about yoga?", sender="follow-up")
    assert first_sentence("yoga_pilates") in assistant.texts(replies)


def test_condition_given_after_a_medicine_question_changes_the_advice(assistant: RunningAssistant) -> None:
    assistant.send("can i take ibuprofen for my back", sender="medicine")
    text = assistant.texts(assistant.send("i have asthma", sender="medicine")).lower()
    assert "asthma" in text and "pharmacist" in text


def test_greeting_sets_expectations(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("hello"))
    assert "not a diagnosis" in text and "999" in text


def test_bot_says_it_is_a_bot(assistant: RunningAssistant) -> None:
    assert "automated assistant" in assistant.texts(assistant.send("am i talking to a real person?"))


def test_off_topic_question_is_declined_kindly(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("what's the weather like in london tomorrow"))
    assert "I can only help with back pain" in text


def test_emergency_signs_get_999(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("my back hurts and i cant feel my bum and i wet myself"))
    assert "999" in text


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "🙂🙂🙂",
        "x" * 10_000,
        "<script>alert(1)</script>",
        "¿Qué puedo tomar para el dolor de espalda?",
        "'; DROP TABLE events; --",
        '{"sender": null}',
    ],
    ids=["empty", "spaces", "emoji", "10k-chars", "script", "spanish", "sql", "json"],
)
def test_odd_input_gets_a_kind_answer(assistant: RunningAssistant, message: str) -> None:
    replies = assistant.send(message)
    assert replies, "every message gets an answer"
    text = assistant.texts(replies)
    assert "Traceback" not in text and "Error" not in text


def test_emergency_advice_stays_first_until_help_is_sought(assistant: RunningAssistant) -> None:
    sender = "emergency-mode"
    assert "999" in assistant.texts(assistant.send("my legs are both numb and i can't wee", sender=sender))
    replies = assistant.send("what stretches can i do", sender=sender)
    assert "call 999" in replies[0]["text"], "the 999 advice comes before anything else"
    assert len(replies) >= 2, "and the question is still answered"
    assistant.send("ok, the ambulance is on its way", sender=sender)
    later = assistant.texts(assistant.send("how long does recovery take", sender=sender))
    assert "999 or go to A&E now" not in later


def test_red_flag_inside_a_routine_question_is_escalated(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("what stretches help? also my groin feels numb"))
    assert "Please call 999 or go to A&E now" in text
    assert "/book_appointment" not in text


def test_negated_sign_is_not_escalated(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("my back is in spasm but no numbness and i can pee fine, what helps?"))
    assert "Please call 999" not in text and "Please get medical help today" not in text
