"""The stretch routine (issue 21): every exercise sourced, reviewed, readable, with 3-5 steps, alt text and a
drawing that exists; what "next", "again", "that hurts" and "stop" do; where the drawings are served from."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import textstat
import yaml

from backcare.content import ContentError, reading_text
from backcare.exercises import (
    CHECK_SYMPTOMS,
    NEXT,
    PAIN_TEXT,
    ROUTINE_FILE,
    STOP,
    Move,
    Outcome,
    Routine,
    drawing_file,
    drawing_url,
    exercise_text,
    png_address,
    public_url,
    reply_for,
    routine,
    take_turn,
)
from backcare.exercises import drawing as drawings
from backcare.sources import source_titles

PLAN = routine()
ALLOWED_SOURCES = (
    "https://www.nhs.uk/live-well/exercise/exercises-for-back-pain/",
    "https://www.nice.org.uk/guidance/ng59/",
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EXERCISES = [pytest.param(exercise, id=exercise.id) for exercise in PLAN.exercises]


def test_the_routine_is_the_four_stretches_in_order() -> None:
    assert [exercise.id for exercise in PLAN.exercises] == ["knee_to_chest", "knee_rolls", "pelvic_tilt", "cat_cow"]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_exercise_has_steps_a_drawing_alt_text_a_source_and_a_review_date(exercise) -> None:
    assert 3 <= len(exercise.steps) <= 5 and all(step.strip() for step in exercise.steps)
    assert exercise.repetitions and exercise.feel and exercise.stop_when
    assert drawings.has_drawing(exercise.drawing)
    svg_body, svg_type = drawing_file(f"{exercise.drawing}.svg")
    png_body, png_type = drawing_file(f"{exercise.drawing}.png")
    assert (svg_type, png_type) == ("image/svg+xml", "image/png")
    root = ElementTree.fromstring(svg_body)
    assert root.tag.endswith("svg") and root.find("{http://www.w3.org/2000/svg}title").text == exercise.alt
    assert png_body.startswith(PNG_MAGIC) and len(png_body) > 2000
    assert len(exercise.alt.split()) >= 10, "the alt text describes the position in words"
    assert exercise.sources and all(source.startswith(ALLOWED_SOURCES) for source in exercise.sources)
    assert all(source in source_titles() for source in exercise.sources)
    assert isinstance(exercise.reviewed, dt.date) and exercise.reviewed <= dt.date.today()


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_exercise_reads_as_plain_english(exercise) -> None:
    shown = exercise_text(PLAN, exercise).split("Read more:")[0]
    assert textstat.flesch_reading_ease(reading_text(shown)) >= 60
    assert textstat.flesch_reading_ease(exercise.alt) >= 60


def test_the_stop_advice_reads_as_plain_english_and_names_numbness_and_999() -> None:
    assert textstat.flesch_reading_ease(PAIN_TEXT) >= 60
    assert "numbness or tingling" in PAIN_TEXT and "999" in PAIN_TEXT
    assert all("numbness or tingling" in exercise.stop_when for exercise in PLAN.exercises)


def test_the_steps_are_numbered_with_the_drawing_and_its_words() -> None:
    reply = reply_for(PLAN, take_turn(PLAN, Move.START, None, "show me stretches for a back spasm"))
    assert "**Stretch 1 of 4: Knee-to-chest stretch**" in reply.text
    assert "\n1. Lie on your back" in reply.text and "\n5. " in reply.text
    assert reply.drawing == "knee_to_chest" and reply.alt == PLAN.exercises[0].alt
    assert reply.buttons[0] == NEXT and STOP in reply.buttons
    assert "https://www.nhs.uk/live-well/exercise/exercises-for-back-pain/" in reply.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("how do I do the knee to chest stretch?", "knee_to_chest"),
        ("show me the knee-to-chest one", "knee_to_chest"),
        ("how do i do knee rolls", "knee_rolls"),
        ("what are the steps for a pelvic tilt", "pelvic_tilt"),
        ("explain the Cat-Cow stretch", "cat_cow"),
        ("cat and cow please", "cat_cow"),
        ("show me stretches for a back spasm", "knee_to_chest"),
    ],
)
def test_a_named_stretch_starts_the_routine_there(text: str, expected: str) -> None:
    turn = take_turn(PLAN, Move.START, None, text)
    assert (turn.outcome, turn.position, turn.starting) == (Outcome.SHOW, expected, True)


def test_next_again_and_the_end_of_the_routine() -> None:
    turn = take_turn(PLAN, Move.START, None, "stretches please")
    seen = [turn.position]
    for _ in range(3):
        turn = take_turn(PLAN, Move.NEXT, turn.position)
        seen.append(turn.position)
    assert seen == ["knee_to_chest", "knee_rolls", "pelvic_tilt", "cat_cow"]
    again = take_turn(PLAN, Move.AGAIN, "cat_cow")
    assert (again.outcome, again.position, again.starting) == (Outcome.SHOW, "cat_cow", False)
    assert NEXT not in reply_for(PLAN, again).buttons, "the last stretch has no next one"
    finished = take_turn(PLAN, Move.NEXT, "cat_cow")
    assert (finished.outcome, finished.in_routine) == (Outcome.FINISHED, False)


def test_that_hurts_gives_the_stop_advice_offers_the_symptom_check_and_leaves_the_routine() -> None:
    turn = take_turn(PLAN, Move.HURTS, "knee_rolls")
    assert (turn.outcome, turn.in_routine) == (Outcome.PAIN, False)
    reply = reply_for(PLAN, turn)
    assert reply.text == PAIN_TEXT and CHECK_SYMPTOMS in reply.buttons and reply.drawing is None
    assert CHECK_SYMPTOMS.payload == "/check_symptoms"


def test_stop_leaves_the_routine_and_next_or_again_outside_it_offer_to_start() -> None:
    stopped = take_turn(PLAN, Move.STOP, "pelvic_tilt")
    assert (stopped.outcome, stopped.in_routine) == (Outcome.STOPPED, False)
    for move in (Move.NEXT, Move.AGAIN):
        turn = take_turn(PLAN, move, None)
        assert (turn.outcome, turn.exercise) == (Outcome.NOT_STARTED, None)
        assert reply_for(PLAN, turn).buttons[0].payload == "/show_exercises"
    assert take_turn(PLAN, Move.NEXT, "no_such_exercise").outcome is Outcome.NOT_STARTED


def test_drawings_are_served_by_name_only() -> None:
    assert drawing_file("knee_to_chest.gif") is None
    assert drawing_file("nothing.png") is None
    assert drawing_file("../routine.yml") is None
    assert drawing_file("knee_to_chest") is None


def test_the_public_address_comes_from_the_environment_then_clinic_yml_then_the_local_server(tmp_path: Path) -> None:
    profile = tmp_path / "clinic.yml"
    profile.write_text("assistant_url: https://assistant.example.org/\n")
    assert public_url({"ASSISTANT_PUBLIC_URL": "https://bot.example.org/"}, profile) == "https://bot.example.org"
    assert public_url({}, profile) == "https://assistant.example.org"
    profile.write_text("assistant_url: ''\n")
    assert public_url({}, profile) == "http://localhost:5005"
    assert public_url({"RASA_PORT": "5006"}, profile) == "http://localhost:5006"
    with pytest.raises(ContentError, match="http"):
        public_url({"ASSISTANT_PUBLIC_URL": "assistant.example.org"}, profile)


def test_the_png_address_of_a_drawing() -> None:
    svg = drawing_url("cat_cow", "https://bot.example.org")
    assert svg == "https://bot.example.org/webhooks/rest/drawings/cat_cow.svg"
    assert png_address(svg) == "https://bot.example.org/webhooks/rest/drawings/cat_cow.png"
    assert png_address("https://example.org/picture.svg") == "https://example.org/picture.svg"


def _routine_file(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(ROUTINE_FILE.read_text())
    change(document["exercises"][0])
    path = tmp_path / "routine.yml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda e: e.pop("sources"), "sources"),
        (lambda e: e.pop("reviewed"), "reviewed"),
        (lambda e: e.pop("alt"), "alt"),
        (lambda e: e.update(steps=["Lie down."]), "steps"),
        (lambda e: e.update(drawing="handstand"), "no drawing"),
        (lambda e: e.update(sources=["http://example.org"]), "sources"),
    ],
)
def test_an_exercise_missing_something_is_refused(tmp_path: Path, change, problem: str) -> None:
    with pytest.raises(ContentError, match=problem):
        Routine.load(_routine_file(tmp_path, change))
