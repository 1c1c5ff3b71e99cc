"""Which everyday subject a message names, read deterministically: the intent gives only the broad area
("ask_recovery"), and the model cannot tell "can I drive?" from "how long will it last?" without new intents.
The words live with each entry (`subject_words` in everyday.yml); this module only matches them, plus a
young person's age for the entry whose advice is "the guidance is for over-16s"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from backcare.content import plain_words

if TYPE_CHECKING:  # the Entry type only; knowledge/__init__ imports this module
    from backcare.knowledge import Entry

YOUNG_PERSON = r"(?:son|daughter|boy|girl|child|kid|grandson|granddaughter|nephew|niece|stepson|stepdaughter)"
# "my son is 14", "daughter aged 12", "my 13 year old", "14-year-old boy": an age written as a number.
_AGE_PATTERNS = (
    re.compile(rf"\b{YOUNG_PERSON}s?\b[^.?!\d]{{0,20}}?\b(?:is|aged?|of)\s+(\d{{1,2}})\b"),
    re.compile(rf"\b{YOUNG_PERSON}s?\s*,?\s*\(?(\d{{1,2}})\b"),
    # "old" is required: "for 10 years" is how long, not how old.
    re.compile(r"\b(\d{1,2})\s*-?\s*(?:(?:years?|yrs?)[\s-]*old|y/?o)\b"),
)


# The young person is the one with the back pain ("my son is 14 and has back spasms", "her back"), not the
# person writing ("I lifted my son (3 years) and my back went", "my toddler's had a temperature, now my own back").
_OWN_BACK = re.compile(
    r"\b(?:my|my\s+own)\s+(?:\w+\s+)?back\b|\bi\s+(?:\w+\s+){0,3}?(?:hurt|pulled|put\s+out|did)\s+my\s+back"
)
_YOUNG_PERSONS_BACK = re.compile(
    rf"\b(?:{YOUNG_PERSON}|teenager|toddler|baby)s?(?:'s)?\b[^.?!]{{0,60}}?\b(?:back|spine|spasms?)\b"
    r"|\b(?:his|her|their)\s+(?:\w+\s+)?(?:back|spine)\b"
    r"|\b\d{1,2}\s*-?\s*(?:years?|yrs?)[\s-]*old\b[^.?!]{0,40}?\b(?:back|spine|spasms?)\b"
)


def _about_a_young_persons_back(lowered: str) -> bool:
    return bool(_YOUNG_PERSONS_BACK.search(lowered)) and not _OWN_BACK.search(lowered)


@lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{word})" for word in words))


def _ages(text: str) -> Iterator[int]:
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(text):
            yield int(match.group(1))


def names_subject(entry: Entry, text: str) -> bool:
    lowered = plain_words(text)
    if not lowered:
        return False
    if entry.ages_under is not None and not _about_a_young_persons_back(lowered):
        return False
    if entry.subject_words and _pattern(entry.subject_words).search(lowered):
        return True
    return entry.ages_under is not None and any(age < entry.ages_under for age in _ages(lowered))
