"""The stretch routine with the trained model over REST (issue 21): the first stretch with numbered steps and a
drawing whose address answers with an image; "next", "again", "that hurts" and "stop" inside the routine; and
an ordinary question after leaving it."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import requests

from backcare.exercises import PAIN_TEXT, STOPPED_TEXT, routine
from tests.model.assistant import RunningAssistant

PLAN = routine()
NUMBERED_STEP = re.compile(r"^\d\. \S", re.M)


def images(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [reply for reply in replies if reply.get("image")]


def assert_image_answers(url: str) -> None:
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 200, url
    assert answer.headers["Content-Type"].startswith("image/")
    assert answer.content


def test_show_me_stretches_gives_the_first_with_numbered_steps_and_an_image_then_next_the_second(
    assistant: RunningAssistant,
) -> None:
    sender = uuid.uuid4().hex
    replies = assistant.send("show me stretches for a back spasm", sender=sender)
    text = assistant.texts(replies)
    first, second = PLAN.exercises[0], PLAN.exercises[1]
    assert f"Stretch 1 of {len(PLAN.exercises)}: {first.name}" in text
    assert len(NUMBERED_STEP.findall(text)) == len(first.steps)
    [image] = images(replies)
    assert image["alt_text"] == first.alt
    assert_image_answers(image["image"])
    assert_image_answers(image["image"].replace(".svg", ".png"))

    replies = assistant.send("next", sender=sender)
    assert f"Stretch 2 of {len(PLAN.exercises)}: {second.name}" in assistant.texts(replies)
    assert images(replies)[0]["image"].endswith(f"/{second.drawing}.svg")

    again = assistant.send("again", sender=sender)
    assert f"Stretch 2 of {len(PLAN.exercises)}" in assistant.texts(again)


@pytest.mark.parametrize(
    "message, exercise_id",
    [
        ("how do I do the knee to chest stretch?", "knee_to_chest"),
        ("how do i do knee to chest stretches for my back?", "knee_to_chest"),
        ("how do i do a pelvic tilt?", "pelvic_tilt"),
        ("how do i do cat cow for my back spasm?", "cat_cow"),
    ],
)
def test_a_named_stretch_starts_at_that_stretch(assistant: RunningAssistant, message: str, exercise_id: str) -> None:
    replies = assistant.send(message)
    exercise = PLAN.get(exercise_id)
    assert exercise is not None and exercise.name in assistant.texts(replies)
    assert images(replies)[0]["image"].endswith(f"/{exercise.drawing}.svg")


def test_that_hurts_gives_the_stop_advice_and_offers_the_symptom_check(assistant: RunningAssistant) -> None:
    sender = uuid.uuid4().hex
    assistant.send("show me stretches for a back spasm", sender=sender)
    replies = assistant.send("that hurts", sender=sender)
    assert PAIN_TEXT.split(". ")[0] in assistant.texts(replies)
    payloads = [button["payload"] for reply in replies for button in reply.get("buttons") or ()]
    assert "/check_symptoms" in payloads
    assert not images(replies)


def test_stop_leaves_the_routine_and_other_questions_work_as_usual(assistant: RunningAssistant) -> None:
    sender = uuid.uuid4().hex
    assistant.send("show me stretches for a back spasm", sender=sender)
    assert STOPPED_TEXT in assistant.texts(assistant.send("stop", sender=sender))
    replies = assistant.send("what causes back spasms?", sender=sender)
    assert "A back spasm often starts" in assistant.texts(replies)
    assert not images(replies)
