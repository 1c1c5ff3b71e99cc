"""What the intent classifier should not be distracted by: clauses that mention a warning sign only to say it is
absent, fine, long past or someone else's old problem ("no numbness, bladder fine, just a spasm: what helps?").

The text classifiers (backcare.text_model) read the message with those words blanked out, and answer the real
question. The entity extractor and the red-flag safety net still read the whole message: this never decides
whether a sign is present, only what the classifier looks at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Optional

from backcare.triage.detector import BOUNDARY, UNCERTAIN

# The words of the warning signs, broadly: a clause without any of them is never blanked.
SIGN_WORDS = re.compile(
    r"\b(?:numb\w*|tingl\w*|pins\s*(?:and|&|n)\s*needles|feeling|sensation|bladder|bowels?|pee\w*|wee|weeing"
    r"|urin\w*|poo\w*|incontinen\w*|leak\w*|accidents?|legs?|feet|foot|walk\w*|fevers?|temperature|shiver\w*"
    r"|sweat\w*|weight|feel|chest|erections?|sex\w*|groin|saddle|privates|genitals?|bum|bottom|lumps?|swelling"
    r"|cancer|steroids?|osteoporosis|crash\w*|fall|fell|falls|stroke|wipe|wiping|toilet|loo|sneez\w*|cough\w*)\b",
    re.IGNORECASE,
)
# "no numbness", "haven't noticed any tingling", "never had bladder trouble": absence. Not "can't" or "unable":
# "can't pee" IS the sign.
ABSENT = re.compile(
    r"\b(?:no|not|never|without|none|nor|zero|free\s+of|(?:do|does|did|have|has|had|is|are|was|were)n'?t"
    r"(?:\s+(?:have|got|get|had|noticed?|feel|felt|any|been|got))*)\b",
    re.IGNORECASE,
)
_REACH = 6  # words between "no" and the sign: "no numbness or tingling", "not had any bladder trouble"
# "bladder fine", "legs are ok", "can feel everything", "walking normally": an all-clear without a negation word.
ALL_CLEAR = re.compile(
    r"(?:'s\s+|\s*(?:(?:is|are|has\s+been|have\s+been|feels?|seems?|works?|working)\s+)?)(?:totally\s+|completely\s+|all\s+)?"
    r"(?:fine|ok|okay|normal|normally|good|all\s*right|alright|no\s+problems?|no\s+issues?|no\s+change"
    r"|as\s+usual|all\s+clear|sorted|recovered|got\s+better|cleared\s+up|went\s+away|gone\s+now|every\s*thing"
    r"|(?:doesn't|does\s+not|don't|do\s+not)\s+(?:make\s+(?:it|the\s+pain|things)\s+(?:any\s+)?worse|hurt|bother\s+it))\b",
    re.IGNORECASE,
)
# Long ago or long-standing, for this reading only: the safety net has its own, stricter rules.
LONG_AGO = re.compile(
    r"\b(?:\d+|a\s+few|few|several|many|two|three|four|five|six|ten|twenty)\s+(?:years?|yrs?|decades?)\s+ago\b"
    r"|\b(?:for|since)\s+(?:years|decades|ages)\b|\byears\s+ago\b|\b(?:in|since|back\s+in)\s+(?:19|20)\d\d\b"
    r"|\bsince\s+(?:his|her|my|their|the|a)\s+(?:stroke|operation|surgery|op|childbirth|birth|diagnosis)\b"
    r"|\b(?:dog|cat|puppy|horse|pony)(?:'s)?\b",
    re.IGNORECASE,
)


def clauses(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for boundary in BOUNDARY.finditer(text):
        yield start, boundary.start()
        start = boundary.end()
    yield start, len(text)


def _settled_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The parts of one clause that set a sign aside: "no numbness", "bladder fine", or all of "since his stroke
    years ago"."""
    clause = text[start:end]
    if UNCERTAIN.search(clause):
        return
    if SIGN_WORDS.search(clause) and LONG_AGO.search(clause):
        yield start, end
        return
    for sign in SIGN_WORDS.finditer(clause):
        cue = _last(ABSENT.finditer(clause, 0, sign.start()))
        if cue and len(clause[cue.end() : sign.start()].split()) <= _REACH:
            yield start + cue.start(), start + sign.end()
        clear = ALL_CLEAR.match(clause, sign.end())
        if clear:
            yield start + sign.start(), start + clear.end()


def _last(matches: Iterator[re.Match[str]]) -> Optional[re.Match[str]]:
    last = None
    for match in matches:
        last = match
    return last


def mask_settled_signs(text: str) -> str:
    """The message with every settled sign blanked; unchanged when nothing else would be left."""
    masked = list(text)
    for start, end in clauses(text):
        for left, right in _settled_spans(text, start, end):
            masked[left:right] = " " * (right - left)
    result = "".join(masked)
    return result if re.search(r"\w", result) else text
