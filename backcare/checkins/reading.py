"""Reading a reply to a check-in: pain now (0-10), better / same / worse, whether the person can do their normal
day, and any new warning sign. The signs are read by the red-flag patterns every other answer uses
(backcare.triage): nothing here decides what is an emergency."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Optional

from backcare.content import plain_words
from backcare.triage import RedFlagMatch, detect_red_flags


class Trend(str, Enum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


NUMBER_WORDS = {
    "zero": 0,
    "nought": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_NUMBER = r"(10|[0-9](?:\.5)?|" + "|".join(NUMBER_WORDS) + r")"
# "8 out of 10", "8/10", "8 of 10"; then "pain is 8", "about a 2", "a 6" (a bare number only in a short reply).
_PAIN_SCALE = re.compile(rf"\b{_NUMBER}\s*(?:/|out\s+of|outta|of)\s*(?:10|ten)\b")
_PAIN_SAID = re.compile(
    rf"\b(?:pain|it'?s|its|is|at|about|around|maybe|now|a)\s+(?:an?\s+)?{_NUMBER}\b(?!\s*(?:days?|weeks?|hours?|%))"
)
_BARE_NUMBER = re.compile(rf"^\D*\b{_NUMBER}\b(?!\s*(?:days?|weeks?|hours?|%))\D*$")

# Order matters: "not better" is the same, "no worse" is not worse, "worse than before" is worse.
_SAME = re.compile(
    r"\b(?:same|no\s+(?:real\s+)?change|not\s+(?:any\s+|much\s+)?better|no\s+better|unchanged|not\s+improv\w*|"
    r"about\s+the\s+same|still\s+(?:the\s+same|bad|sore|painful)|no\s+worse|not\s+worse)\b"
)
_WORSE = re.compile(r"\b(?:worse|worsening|getting\s+worse|deteriorat\w*|more\s+pain(?:ful)?)\b")
_BETTER = re.compile(
    r"\b(?:better|improv\w*|easing|eased|less\s+pain(?:ful)?|good|great|fine|recover\w*|healed|much\s+easier)\b"
)
_NORMAL_NO = re.compile(
    r"\b(?:can'?t|cannot|can\s+not|unable\s+to|not\s+able\s+to|couldn'?t|struggl\w*\s+(?:with|to))\s+"
    r"(?:\w+\s+){0,3}(?:normal|usual|work|day|manage|cope|do)\w*|\bno\s+normal\s+day\b|\boff\s+work\b|"
    r"\bnot\s+(?:a\s+)?normal\s+day\b"
)
_NORMAL_YES = re.compile(
    r"\b(?:normal\s+day|usual\s+(?:stuff|things|day)|back\s+(?:at|to)\s+(?:work|normal)|managing|coping|"
    r"yes\s+normal|doing\s+my\s+(?:normal|usual))\b"
)


@dataclass(frozen=True)
class CheckinAnswer:
    pain: Optional[float]
    trend: Optional[Trend]
    normal_day: Optional[bool]
    signs: tuple[RedFlagMatch, ...]

    @property
    def understood(self) -> bool:
        return self.pain is not None or self.trend is not None or bool(self.signs)


def _number(word: str) -> float:
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word)


def read_pain(text: str) -> Optional[float]:
    words = plain_words(text)
    for pattern in (_PAIN_SCALE, _PAIN_SAID):
        match = pattern.search(words)
        if match:
            return _number(match.group(1))
    match = _BARE_NUMBER.search(words)
    if match and len(words.split()) <= 6:
        return _number(match.group(1))
    return None


def read_trend(text: str) -> Optional[Trend]:
    words = plain_words(text)
    if _SAME.search(words):
        return Trend.SAME
    if _WORSE.search(words):
        return Trend.WORSE
    if _BETTER.search(words):
        return Trend.BETTER
    return None


def read_normal_day(text: str) -> Optional[bool]:
    words = plain_words(text)
    if _NORMAL_NO.search(words):
        return False
    if _NORMAL_YES.search(words):
        return True
    return None


def read_answer(text: str) -> CheckinAnswer:
    return CheckinAnswer(
        pain=read_pain(text),
        trend=read_trend(text),
        normal_day=read_normal_day(text),
        signs=tuple(detect_red_flags(text)),
    )
