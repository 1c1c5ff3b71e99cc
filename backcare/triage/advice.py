"""What to say at each triage level, and the screening questions a form can ask.

Wording lives in `advice.yml`. The loader refuses an emergency reply that offers booking, because the only
right next step in an emergency is 999 or A&E.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Optional

from backcare.content import (
    ContentError,
    check_keys,
    load_yaml,
    parse_buttons,
    require_reviewed,
    require_sources,
    require_text,
)
from backcare.reply import Button
from backcare.triage.detector import (
    RED_FLAGS_FILE,
    Level,
    RedFlagMatch,
    detect_red_flags,
    highest,
    highest_level,
    load_red_flags,
)

ADVICE_FILE = Path(__file__).with_name("advice.yml")
FILE_KEYS = ("dispositions", "unclear", "concerns", "screening")
DISPOSITION_KEYS = ("text", "found", "reminder", "buttons", "sources", "reviewed")
CONCERN_KEYS = ("id", "text", "sources", "reviewed")
SCREENING_KEYS = ("unsure_note", "none_found", "questions")
QUESTION_KEYS = ("id", "text", "level", "label", "topic", "concern", "sources", "reviewed")
ANSWERS = ("yes", "no", "unsure")
BOOKING_PAYLOAD = "/book_appointment"


@dataclass(frozen=True)
class Disposition:
    level: Level
    text: str
    buttons: tuple[Button, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class DispositionTemplate:
    text: str
    found: str
    buttons: tuple[Button, ...]
    sources: tuple[str, ...]
    reviewed: dt.date
    # Said before every later answer in the same conversation (urgent only; emergencies have their own rules).
    reminder: str = ""


@dataclass(frozen=True)
class ScreeningQuestion:
    id: str
    text: str
    level: Level  # what a "yes" means
    label: str  # read back as "You mentioned <label>"
    topic: str  # named in the note after an "unsure"
    sources: tuple[str, ...]
    reviewed: dt.date
    concern: Optional[str] = None


@dataclass(frozen=True)
class TriageAdvice:
    dispositions: Mapping[Level, DispositionTemplate]
    # For a message the classifier took as a red flag although no sign could be named.
    unclear: DispositionTemplate
    concerns: Mapping[str, str]
    questions: tuple[ScreeningQuestion, ...]
    unsure_note: str
    # After "no" to every question: the signs the questions did not ask about.
    none_found: str = ""


# --- loading ---------------------------------------------------------------------------------------------


def _parse_disposition(level: Level, raw: Any, where: str) -> DispositionTemplate:
    if not isinstance(raw, Mapping):
        raise ContentError(f"{where}: missing disposition for '{level.value}'")
    where = f"{where} disposition '{level.value}'"
    check_keys(raw, DISPOSITION_KEYS, where)
    buttons = parse_buttons(raw.get("buttons"), where)
    if level is Level.EMERGENCY and any(b.payload.startswith(BOOKING_PAYLOAD) for b in buttons):
        raise ContentError(f"{where}: an emergency reply must not offer booking")
    return DispositionTemplate(
        text=require_text(raw, "text", where),
        found=require_text(raw, "found", where),
        buttons=buttons,
        sources=require_sources(raw, where),
        reviewed=require_reviewed(raw, where),
        reminder=str(raw.get("reminder") or "").strip(),
    )


def _parse_concern(raw: Mapping[str, Any], where: str) -> tuple[str, str]:
    check_keys(raw, CONCERN_KEYS, where)
    concern_id = require_text(raw, "id", where)
    where = f"{where} concern '{concern_id}'"
    require_sources(raw, where)
    require_reviewed(raw, where)
    return concern_id, require_text(raw, "text", where)


def _parse_question(raw: Mapping[str, Any], where: str) -> ScreeningQuestion:
    check_keys(raw, QUESTION_KEYS, where)
    question_id = require_text(raw, "id", where)
    where = f"{where} question '{question_id}'"
    try:
        level = Level(raw.get("level"))
    except ValueError as error:
        raise ContentError(f"{where}: 'level' must be one of {[level.value for level in Level]}") from error
    return ScreeningQuestion(
        id=question_id,
        text=require_text(raw, "text", where),
        level=level,
        label=require_text(raw, "label", where),
        topic=require_text(raw, "topic", where),
        sources=require_sources(raw, where),
        reviewed=require_reviewed(raw, where),
        concern=require_text(raw, "concern", where) if "concern" in raw else None,
    )


def _check_concerns_exist(named: Iterable[Optional[str]], concerns: Mapping[str, str], where: str) -> None:
    missing = {name for name in named if name and name not in concerns}
    if missing:
        raise ContentError(f"{where}: no 'concerns' entry for {sorted(missing)}")


@cache
def load_advice(path: Path = ADVICE_FILE, flags_path: Path = RED_FLAGS_FILE) -> TriageAdvice:
    """Read and check the advice file once; a broken file raises ContentError (a ValueError)."""
    document = load_yaml(path)
    where = path.name
    if not isinstance(document, Mapping):
        raise ContentError(f"{where}: expected a mapping with {list(FILE_KEYS)}")
    check_keys(document, FILE_KEYS, where)
    raw_dispositions = document.get("dispositions") or {}
    check_keys(raw_dispositions, [level.value for level in Level], f"{where} dispositions")
    dispositions = {level: _parse_disposition(level, raw_dispositions.get(level.value), where) for level in Level}
    concerns = dict(_parse_concern(raw, where) for raw in document.get("concerns") or ())
    screening = document.get("screening") or {}
    check_keys(screening, SCREENING_KEYS, f"{where} screening")
    questions = tuple(_parse_question(raw, f"{where} screening") for raw in screening.get("questions") or ())
    if not questions:
        raise ContentError(f"{where}: screening needs questions")
    named = [flag.concern for flag in load_red_flags(flags_path)] + [q.concern for q in questions]
    _check_concerns_exist(named, concerns, where)
    unsure_note = require_text(screening, "unsure_note", f"{where} screening")
    unclear = _parse_disposition(Level.ROUTINE, document.get("unclear"), f"{where} unclear")
    none_found = require_text(screening, "none_found", f"{where} screening")
    return TriageAdvice(dispositions, unclear, concerns, questions, unsure_note, none_found)


# --- replies ---------------------------------------------------------------------------------------------


def join_words(items: Sequence[str]) -> str:
    """'a', 'a, and b', 'a, b, and c': labels hold "or" themselves, so the comma keeps them apart."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def disposition(level: Level, matches: Sequence[RedFlagMatch] = (), extra: str = "") -> Disposition:
    """The reply for a triage level, naming the signs recognised at that level in plain words."""
    advice = load_advice()
    template = advice.dispositions[level]
    at_level = [match for match in matches if match.level is level]
    labels = _unique(match.label for match in at_level)
    found = template.found.format(labels=join_words(labels)) if labels else ""
    why = " ".join(_unique(advice.concerns[m.concern] for m in at_level if m.concern))
    text = template.text.format(found=found, why=why)
    if extra:
        text = f"{text} {extra}"
    return Disposition(level, " ".join(text.split()), template.buttons, template.sources)


def screening_questions() -> tuple[ScreeningQuestion, ...]:
    return load_advice().questions


def screening_none_found() -> str:
    """What to say when no screening answer was yes or unsure."""
    return load_advice().none_found


def _checked_answers(answers: Mapping[str, str]) -> dict[str, str]:
    known = {question.id for question in screening_questions()}
    checked = {}
    for question_id, answer in answers.items():
        value = str(answer).strip().lower()
        if question_id not in known:
            raise ValueError(f"unknown screening question '{question_id}'")
        if value not in ANSWERS:
            raise ValueError(f"answer to '{question_id}' must be one of {ANSWERS}, not {answer!r}")
        checked[question_id] = value
    return checked


def _answered(answers: Mapping[str, str], value: str) -> list[ScreeningQuestion]:
    checked = _checked_answers(answers)
    return [question for question in screening_questions() if checked.get(question.id) == value]


def screening_level(answers: Mapping[str, str]) -> Level:
    """Triage level from yes / no / unsure answers; unanswered questions count as no.

    "Unsure" gives URGENT even on an emergency question: we cannot rule the sign out, and NHS 111 can ask
    the follow-up questions a chat cannot, the same day. A definite "yes" still gives the question's level.
    """
    levels = [question.level for question in _answered(answers, "yes")]
    if _answered(answers, "unsure"):
        levels.append(Level.URGENT)
    return highest(levels)


def screening_disposition(answers: Mapping[str, str]) -> Disposition:
    """The reply after the screening form: names the "yes" answers, and asks an unsure person to call 111."""
    level = screening_level(answers)
    matches = [RedFlagMatch(q.id, q.level, q.label, "yes", q.concern) for q in _answered(answers, "yes")]
    unsure = _answered(answers, "unsure")
    note = ""
    if unsure and level is Level.URGENT:
        note = load_advice().unsure_note.format(topics=join_words([q.topic for q in unsure]))
    return disposition(level, matches, extra=note)


def triage_message(text: str) -> Disposition:
    """The disposition for a message taken as a red flag. When no sign can be named (the classifier heard a
    warning the patterns do not know), the reply lists the 999 and same-day signs and asks, rather than
    declaring an urgency it cannot name: most such messages are ordinary worries (see tests/safety)."""
    # Signs to ask about first (backcare.sign_check) are left to that question.
    matches = [match for match in detect_red_flags(text) if not match.check]
    if matches:
        return disposition(highest_level(matches), matches)
    unclear = load_advice().unclear
    return Disposition(Level.ROUTINE, " ".join(unclear.text.split()), unclear.buttons, unclear.sources)
