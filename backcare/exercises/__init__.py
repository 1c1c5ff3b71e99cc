"""The stretch routine for a back spasm (issue 21): sourced, reviewed exercises shown one at a time with the clinic's
own drawings, and what "next", "again", "that hurts" and "stop" do inside it.

Plain Python, nothing of Rasa: `actions/exercises.py` passes the move and the remembered position in and sends the
reply out; the REST channel serves the drawings (`drawing_file`) at `/webhooks/rest/drawings/<id>.svg|.png`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from backcare.clinic import DEFAULT_PROFILE
from backcare.content import (
    ContentError,
    check_keys,
    load_yaml,
    require_reviewed,
    require_sources,
    require_text,
    tidy_text,
)
from backcare.exercises import drawing
from backcare.reply import Button
from backcare.sources import sources_block

ROUTINE_FILE = Path(__file__).with_name("routine.yml")
EXERCISE_KEYS = (
    "id",
    "name",
    "names",
    "drawing",
    "steps",
    "repetitions",
    "feel",
    "stop_when",
    "alt",
    "sources",
    "reviewed",
)
MIN_STEPS, MAX_STEPS = 3, 5
# Where the drawings are served, under the assistant's public address.
DRAWINGS_PATH = "/webhooks/rest/drawings"
PUBLIC_URL_VARIABLE = "ASSISTANT_PUBLIC_URL"
DEFAULT_RASA_PORT = "5005"
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}

NEXT = Button("Next stretch", "/next_exercise")
AGAIN = Button("Show it again", "/repeat_exercise")
HURTS = Button("That hurts", "/report_exercise_pain")
STOP = Button("Stop the stretches", "/stop")
START = Button("Show me the stretches", "/show_exercises")
CHECK_SYMPTOMS = Button("Check my symptoms", "/check_symptoms")
BOOK = Button("Book an assessment", "/book_appointment")


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    names: tuple[re.Pattern[str], ...]
    drawing: str
    steps: tuple[str, ...]
    repetitions: str
    feel: str
    stop_when: str
    alt: str
    sources: tuple[str, ...]
    reviewed: dt.date

    def named_in(self, text: str) -> bool:
        words = " ".join(text.lower().replace("\u2019", "'").split())
        return any(pattern.search(words) for pattern in self.names)


def parse_exercise(raw: Mapping[str, Any], where: str) -> Exercise:
    check_keys(raw, EXERCISE_KEYS, where)
    exercise_id = require_text(raw, "id", where)
    where = f"{where} exercise '{exercise_id}'"
    steps = raw.get("steps")
    if not isinstance(steps, list) or not MIN_STEPS <= len(steps) <= MAX_STEPS:
        raise ContentError(f"{where}: 'steps' must list {MIN_STEPS} to {MAX_STEPS} steps")
    if not all(isinstance(step, str) and step.strip() for step in steps):
        raise ContentError(f"{where}: every step must be non-empty text")
    drawing_id = require_text(raw, "drawing", where)
    if not drawing.has_drawing(drawing_id):
        raise ContentError(f"{where}: no drawing '{drawing_id}' in backcare/exercises/drawing.py")
    patterns = []
    for name in raw.get("names") or ():
        try:
            patterns.append(re.compile(str(name)))
        except re.error as error:
            raise ContentError(f"{where}: name pattern {name!r} is not valid: {error}") from error
    return Exercise(
        id=exercise_id,
        name=require_text(raw, "name", where),
        names=tuple(patterns),
        drawing=drawing_id,
        steps=tuple(tidy_text(step) for step in steps),
        repetitions=require_text(raw, "repetitions", where),
        feel=require_text(raw, "feel", where),
        stop_when=require_text(raw, "stop_when", where),
        alt=require_text(raw, "alt", where),
        sources=require_sources(raw, where),
        reviewed=require_reviewed(raw, where),
    )


class Routine:
    def __init__(self, exercises: Iterable[Exercise], intro: str = "") -> None:
        self.exercises = tuple(exercises)
        if not self.exercises:
            raise ContentError("the routine has no exercises")
        ids = [exercise.id for exercise in self.exercises]
        if len(set(ids)) != len(ids):
            raise ContentError(f"duplicate exercise ids: {ids}")
        self.intro = intro
        self._by_id = {exercise.id: exercise for exercise in self.exercises}

    @classmethod
    def load(cls, path: Path = ROUTINE_FILE) -> Routine:
        document = load_yaml(path) or {}
        intro = document.get("intro")
        exercises = [parse_exercise(raw, path.name) for raw in document.get("exercises") or ()]
        return cls(exercises, tidy_text(intro) if isinstance(intro, str) else "")

    def get(self, exercise_id: Optional[str]) -> Optional[Exercise]:
        return self._by_id.get(exercise_id or "")

    def number(self, exercise: Exercise) -> int:
        """1 for the first exercise."""
        return self.exercises.index(exercise) + 1

    def named(self, text: str) -> Optional[Exercise]:
        """The exercise the message names ("how do I do the knee to chest stretch?"), if any."""
        return next((exercise for exercise in self.exercises if exercise.named_in(text)), None)

    def after(self, exercise: Exercise) -> Optional[Exercise]:
        number = self.number(exercise)
        return self.exercises[number] if number < len(self.exercises) else None


@lru_cache(maxsize=1)
def routine() -> Routine:
    return Routine.load()


# --- Moving through the routine ------------------------------------------------------------------------------


class Move(Enum):
    START = "start"
    NEXT = "next"
    AGAIN = "again"
    HURTS = "hurts"
    STOP = "stop"


class Outcome(Enum):
    SHOW = "show"  # show `exercise`
    FINISHED = "finished"  # "next" after the last exercise
    PAIN = "pain"  # stop advice and the safety check
    STOPPED = "stopped"  # left the routine
    NOT_STARTED = "not_started"  # "next" or "again" with no routine going


@dataclass(frozen=True)
class Turn:
    outcome: Outcome
    exercise: Optional[Exercise]
    # The exercise to remember for the next turn; None once the person is out of the routine.
    position: Optional[str]
    starting: bool = False

    @property
    def in_routine(self) -> bool:
        return self.position is not None


def take_turn(plan: Routine, move: Move, position: Optional[str], text: str = "") -> Turn:
    """What a move does from the remembered position (an exercise id, or None outside the routine)."""
    current = plan.get(position)
    if move is Move.START:
        exercise = plan.named(text) or plan.exercises[0]
        return Turn(Outcome.SHOW, exercise, exercise.id, starting=True)
    if move is Move.HURTS:
        return Turn(Outcome.PAIN, current, None)
    if move is Move.STOP:
        return Turn(Outcome.STOPPED, current, None)
    if current is None:
        return Turn(Outcome.NOT_STARTED, None, None)
    if move is Move.AGAIN:
        return Turn(Outcome.SHOW, current, current.id)
    following = plan.after(current)
    if following is None:
        return Turn(Outcome.FINISHED, None, None)
    return Turn(Outcome.SHOW, following, following.id)


# --- What is said ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseReply:
    text: str
    buttons: tuple[Button, ...] = ()
    # The drawing to show with the text (an exercise's drawing id) and its words for people who cannot see it.
    drawing: Optional[str] = None
    alt: Optional[str] = None


FINISHED_TEXT = (
    "That's the end of the stretches. Well done. Keep moving gently through the day, as staying active helps a "
    "back spasm settle. Is there anything else I can help with?"
)
STOPPED_TEXT = "OK, we've stopped the stretches. Is there anything else about your back I can help with?"
NOT_STARTED_TEXT = (
    "We're not going through the stretches just now. Could you tell me a little more about what you'd like? Or I "
    "can show you the stretches."
)
PAIN_TEXT = (
    "Stop that stretch now and rest in a way that feels easy. A little stretch feeling is fine, but pain that gets "
    "much worse means stop. If you have numbness or tingling in your legs, let's check your symptoms with a few "
    "quick questions. Call 999 if you have numbness around your bottom or genitals, or you can't control when you "
    "pee or poo."
)
EMERGENCY_TEXT = "Please get medical help first. The stretches can wait until you have been checked."


def exercise_text(plan: Routine, exercise: Exercise, starting: bool = False) -> str:
    lines = [f"**Stretch {plan.number(exercise)} of {len(plan.exercises)}: {exercise.name}**"]
    lines += [f"{number}. {step}" for number, step in enumerate(exercise.steps, start=1)]
    lines += [
        f"How many: {exercise.repetitions}",
        f"How it should feel: {exercise.feel}",
        f"When to stop: {exercise.stop_when}",
    ]
    parts = [plan.intro] if starting and plan.intro else []
    parts += ["\n".join(lines), sources_block(exercise.sources)]
    return "\n\n".join(part for part in parts if part)


def reply_for(plan: Routine, turn: Turn) -> ExerciseReply:
    if turn.outcome is Outcome.SHOW and turn.exercise is not None:
        exercise = turn.exercise
        buttons = (NEXT, AGAIN, HURTS, STOP) if plan.after(exercise) else (AGAIN, HURTS, STOP)
        return ExerciseReply(exercise_text(plan, exercise, turn.starting), buttons, exercise.drawing, exercise.alt)
    if turn.outcome is Outcome.PAIN:
        return ExerciseReply(PAIN_TEXT, (CHECK_SYMPTOMS, BOOK))
    if turn.outcome is Outcome.FINISHED:
        return ExerciseReply(FINISHED_TEXT, (START, BOOK))
    if turn.outcome is Outcome.NOT_STARTED:
        return ExerciseReply(NOT_STARTED_TEXT, (START,))
    return ExerciseReply(STOPPED_TEXT)


# --- Where the drawings are --------------------------------------------------------------------------------


def public_url(environ: Mapping[str, str] = os.environ, profile: Optional[Path] = None) -> str:
    """The assistant's public address (no trailing slash): ASSISTANT_PUBLIC_URL, else clinic.yml's
    `assistant_url`, else the local Rasa server (http://localhost:$RASA_PORT, 5005 by default)."""
    configured = environ.get(PUBLIC_URL_VARIABLE, "").strip()
    if not configured:
        path = profile or Path(environ.get("CLINIC_PROFILE") or DEFAULT_PROFILE)
        configured = str((load_yaml(path) or {}).get("assistant_url") or "").strip()
    if not configured:
        configured = f"http://localhost:{environ.get('RASA_PORT') or DEFAULT_RASA_PORT}"
    if not configured.startswith(("http://", "https://")):
        raise ContentError(f"the assistant's public address must be an http(s) URL, got {configured!r}")
    return configured.rstrip("/")


def drawing_url(drawing_id: str, base_url: str, extension: str = "svg") -> str:
    return f"{base_url}{DRAWINGS_PATH}/{drawing_id}.{extension}"


def png_address(url: str) -> str:
    """The PNG rendering of one of our drawings' addresses (for platforms that cannot show SVG); any other address
    as it is."""
    if DRAWINGS_PATH in url and url.endswith(".svg"):
        return url[: -len(".svg")] + ".png"
    return url


@lru_cache(maxsize=32)
def drawing_file(filename: str) -> Optional[tuple[bytes, str]]:
    """The body and content type for `<drawing id>.svg` or `.png`; None for anything else."""
    stem, _, extension = filename.rpartition(".")
    exercise = next((e for e in routine().exercises if e.drawing == stem), None)
    if exercise is None or extension not in CONTENT_TYPES:
        return None
    if extension == "svg":
        return drawing.svg(stem, exercise.alt).encode("utf-8"), CONTENT_TYPES["svg"]
    return drawing.png(stem), CONTENT_TYPES["png"]
