"""Issue 16 (and 17's "ask first" cases) through the running assistant: absent, past and other people's signs,
the one safety question before escalating (yes escalates, not sure sends for same-day help, no answers the real
question), the safety-first fallback, and follow-ups that only make sense in the conversation.

These are conversation tests over REST rather than `rasa test` stories: the safety question is started by the
triage and fallback actions themselves (a FollowupAction), which a story replayed without the action server
cannot show.
"""

from __future__ import annotations

import uuid

import pytest

from backcare.sign_check import SIGN_CHECK_OPENING
from tests.model.assistant import RunningAssistant

EMERGENCY = "Please call 999 or go to A&E now"
URGENT = "Please get medical help today"
DIDNT_FOLLOW = "didn't quite follow"


def talk(assistant: RunningAssistant, *messages: str) -> list[str]:
    sender = f"sign-check-{uuid.uuid4().hex}"
    return [assistant.texts(assistant.send(message, sender=sender)) for message in messages]


@pytest.mark.parametrize(
    "message",
    [
        "no numbness, bladder fine, legs fine, just a spasm, what helps?",
        "no numbnes no tingling jus a sore back spasm from football wot can i take",
        "bladder fine, bowels fine, can feel everything down below. It's just the spasms, what can I do?",
    ],
)
def test_a_list_of_absent_signs_gets_the_real_answer_without_999_or_a_question(
    assistant: RunningAssistant, message: str
) -> None:
    (reply,) = talk(assistant, message)
    assert "999" not in reply.split(".")[0] and EMERGENCY not in reply
    assert SIGN_CHECK_OPENING not in reply and DIDNT_FOLLOW not in reply


@pytest.mark.parametrize(
    "message",
    [
        "my back spasm is so bad I can barely walk",
        "I take sildenafil for erectile dysfunction, is ibuprofen ok?",
        "my dad has had incontinence since his stroke 5 years ago, what can he take for his back?",
    ],
)
def test_a_sign_that_may_not_be_new_is_asked_about_and_yes_escalates(assistant: RunningAssistant, message: str) -> None:
    asked, answered = talk(assistant, message, "/affirm")
    assert SIGN_CHECK_OPENING in asked and EMERGENCY not in asked
    assert EMERGENCY in answered


def test_not_sure_sends_for_same_day_help(assistant: RunningAssistant) -> None:
    asked, answered = talk(assistant, "my back spasm is so bad I can barely walk", "not sure")
    assert SIGN_CHECK_OPENING in asked
    assert URGENT in answered or EMERGENCY in answered


def test_no_answers_the_question_that_was_asked(assistant: RunningAssistant) -> None:
    asked, answered = talk(assistant, "I take sildenafil for erectile dysfunction, is ibuprofen ok?", "/deny")
    assert SIGN_CHECK_OPENING in asked
    assert "ibuprofen" in answered.lower() and EMERGENCY not in answered


@pytest.mark.parametrize(
    "message",
    [
        "when I wipe after the loo it feels like it's somebody else's skin",
        "bad back 4 days n now cant get hard at all never had that b4",
        "my mum can't feel her legs since this morning",
    ],
)
def test_a_sign_in_the_persons_own_words_is_escalated_or_asked_about_never_dropped(
    assistant: RunningAssistant, message: str
) -> None:
    first, second = talk(assistant, message, "yes")
    assert EMERGENCY in first or (SIGN_CHECK_OPENING in first and EMERGENCY in second)
    assert DIDNT_FOLLOW not in first


@pytest.mark.parametrize(
    "message",
    [
        "Our dog's back legs gave way this afternoon and the vet's shut. What can I give him?",
        "I went numb when I saw what my last physio charged, do you do a free assessment?",
    ],
)
def test_an_animals_or_a_figurative_sign_gets_no_999(assistant: RunningAssistant, message: str) -> None:
    (reply,) = talk(assistant, message)
    assert EMERGENCY not in reply


@pytest.mark.parametrize(
    "first, follow_up, expected",
    [
        ("can I take co-codamol", "how many days max?", "3 days"),
        ("my back has just gone into spasm", "what should I do?", "keep moving"),
    ],
)
def test_a_short_follow_up_is_answered_in_the_conversations_topic(
    assistant: RunningAssistant, first: str, follow_up: str, expected: str
) -> None:
    _, reply = talk(assistant, first, follow_up)
    assert expected in reply and "I can only help with back pain" not in reply


def test_a_word_mistaken_for_a_medicine_is_never_named_back(assistant: RunningAssistant) -> None:
    (reply,) = talk(assistant, "what can my mum take for her back spasm?")
    assert "advise on mum" not in reply
