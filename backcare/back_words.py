"""Does a message name the back? A message that does is about what this assistant covers, even when the intent
classifier is unsure which question it asks: the classifier's best guess is then a better answer than "I didn't
follow" (components/back_anchor.py)."""

from __future__ import annotations

import re

BACK_WORDS = re.compile(
    r"\b(?:back|backs|bak|spine|spinal|spasms?|spazms?|lumbar|lumbago|sciatica|sciatic|vertebra\w*|coccyx|tailbone"
    r"|(?:slipped|herniated|bulging|prolapsed|ruptured|protruding|degenerat\w*)\s+dis[ck]s?"
    r"|dis[ck]s?\s+(?:hernia\w*|prolapse\w*|bulg\w*|protrusion|degeneration))\b",
    re.IGNORECASE,
)
# "back" that is not the body: "come back", "back to work", "call me back", "get back to you".
NOT_THE_BODY = re.compile(
    r"\b(?:come|came|coming|go|going|went|get|got|getting|call|ring|phone|text|write|bring|be|been|pay|paid|put|"
    r"look|looking|looked|give|hold|sit|lie|lying|fight|hear|heard|way)\s+(?:\w+\s+)?back\b|\bback\s+(?:to|in|home|"
    r"then|later|soon|again|on|up\s+(?:to|with))\b|\bbring\s+it\s+back\b",
    re.IGNORECASE,
)


def names_the_back(text: str) -> bool:
    return any(not _figure_of_speech(text, match) for match in BACK_WORDS.finditer(text or ""))


def _figure_of_speech(text: str, match: re.Match[str]) -> bool:
    if match.group(0).lower() not in ("back", "backs", "bak"):
        return False
    window = text[max(0, match.start() - 25) : match.end() + 15]
    return bool(NOT_THE_BODY.search(window)) and "my back" not in window.lower()
