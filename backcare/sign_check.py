"""One question before escalating, when a message names a warning sign that may not be new, may be walking made
hard by the pain, or that only the intent classifier heard (issues 16 and 17). The questions live in
`triage/sign_checks.yml`; a yes or "not sure" escalates, a no lets the person's real question be answered.

Three ways in:
- the red-flag patterns found a sign, but its clause says it is long-standing ("a weak bladder for years") or that
  the pain makes walking hard (`RedFlagMatch.check`), and no more serious sign is certain;
- the classifier took the message for a red flag the patterns cannot name;
- the classifier was unsure (the fallback), and the message uses a sign's words: such a message never gets a bare
  "didn't follow".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Optional

from backcare.content import (
    ContentError,
    check_keys,
    load_yaml,
    require_reviewed,
    require_sources,
    require_text,
)
from backcare.reply import Button, Reply
from backcare.triage.advice import Disposition, disposition, join_words
from backcare.triage.detector import Level, RedFlagMatch, detect_red_flags, highest_level

SIGN_CHECKS_FILE = Path(__file__).parent / "triage" / "sign_checks.yml"
CHECK_KEYS = ("id", "level", "label", "concern", "question", "yes_button", "no_button", "words", "sources", "reviewed")
SIGN_CHECK_OPENING = "Before I answer, one quick question to keep you safe"
# When the classifier heard a red flag and the message has none of a check's words: every sign in one question.
ANY_SIGN = "any_sign"
YES, NO, UNSURE = "yes", "no", "unsure"


@dataclass(frozen=True)
class SignCheck:
    id: str
    level: Level
    label: str
    question: str
    yes: str
    no: str
    words: tuple[re.Pattern[str], ...]
    sources: tuple[str, ...]
    reviewed: dt.date
    concern: Optional[str] = None

    def mentioned_in(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.words)


@dataclass(frozen=True)
class PendingCheck:
    """What the assistant asked, and about which message: kept in a slot until the answer comes."""

    check: str
    labels: tuple[str, ...] = ()

    def as_slot(self, text: str, intent: str) -> dict[str, Any]:
        return {"check": self.check, "labels": list(self.labels), "text": text, "intent": intent}


def _parse_check(raw: Mapping[str, Any], where: str) -> SignCheck:
    check_keys(raw, CHECK_KEYS, where)
    check_id = require_text(raw, "id", where)
    where = f"{where} check '{check_id}'"
    try:
        level = Level(raw.get("level"))
    except ValueError as error:
        raise ContentError(f"{where}: 'level' must be emergency or urgent") from error
    if level is Level.ROUTINE:
        raise ContentError(f"{where}: a check must escalate on yes")
    try:
        words = tuple(re.compile(pattern, re.IGNORECASE) for pattern in raw.get("words") or ())
    except re.error as error:
        raise ContentError(f"{where}: bad pattern: {error}") from error
    return SignCheck(
        id=check_id,
        level=level,
        label=require_text(raw, "label", where),
        question=require_text(raw, "question", where),
        yes=require_text(raw, "yes_button", where),
        no=require_text(raw, "no_button", where),
        words=words,
        sources=require_sources(raw, where),
        reviewed=require_reviewed(raw, where),
        concern=require_text(raw, "concern", where) if "concern" in raw else None,
    )


@cache
def load_sign_checks(path: Path = SIGN_CHECKS_FILE) -> dict[str, SignCheck]:
    document = load_yaml(path)
    if not isinstance(document, Mapping):
        raise ContentError(f"{path.name}: expected a mapping with 'checks'")
    check_keys(document, ("checks",), path.name)
    checks = [_parse_check(raw, path.name) for raw in document.get("checks") or ()]
    if ANY_SIGN not in {check.id for check in checks}:
        raise ContentError(f"{path.name}: needs the '{ANY_SIGN}' check")
    return {check.id: check for check in checks}


# --- when to ask -----------------------------------------------------------------------------------------


def check_before_escalating(matches: Sequence[RedFlagMatch]) -> Optional[PendingCheck]:
    """A check when a sign to check outranks every certain one ("weak bladder for years" and a fever: ask about
    the bladder first; the fever's advice follows a no)."""
    to_check = [match for match in matches if match.check]
    certain = [match for match in matches if not match.check]
    if not to_check or highest_level(to_check).rank <= highest_level(certain).rank:
        return None
    top = highest_level(to_check)
    first = next(match for match in to_check if match.level is top)
    labels = tuple(dict.fromkeys(match.label for match in to_check if match.check == first.check))
    return PendingCheck(str(first.check), labels)


def check_for_words(text: str, default: Optional[str] = None) -> Optional[PendingCheck]:
    """The first check whose words the message uses (in the file's order: the most serious first)."""
    for check in load_sign_checks().values():
        if check.words and check.mentioned_in(text):
            return PendingCheck(check.id)
    return PendingCheck(default) if default else None


def check_for_red_flag_message(text: str) -> Optional[PendingCheck]:
    """For a message taken as a red flag: a check when one is needed, or None when the signs are certain."""
    matches = detect_red_flags(text)
    if not matches:
        return check_for_words(text, default=ANY_SIGN)
    return check_before_escalating(matches)


# --- asking and answering --------------------------------------------------------------------------------


def question(pending: PendingCheck) -> Reply:
    check = load_sign_checks()[pending.check]
    mentioned = f"You mentioned {join_words(list(pending.labels))}. " if pending.labels else ""
    return Reply(
        f"{SIGN_CHECK_OPENING}. {mentioned}{check.question}",
        (Button(check.yes, "/affirm"), Button(check.no, "/deny"), Button("Not sure", "not sure")),
    )


def escalation(pending: PendingCheck, answer: str) -> Optional[Disposition]:
    """The reply to a yes (the check's level) or a "not sure" (at least same-day help); None for a no."""
    if answer == NO:
        return None
    check = load_sign_checks()[pending.check]
    level = check.level if answer == YES else Level.URGENT
    labels = pending.labels or (check.label,)
    matches = [RedFlagMatch(check.id, level, label, "", check.concern) for label in labels]
    return disposition(level, matches)
