"""What the WhatsApp and Telegram connectors share: settings from the environment, splitting long answers at
sentence boundaries, buttons as a numbered list (and mapping the patient's "2" back to the button), and a small
bounded memory of recent deliveries and offered buttons."""

from __future__ import annotations

import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Generic, Optional, TypeVar

logger = logging.getLogger(__name__)

# Platform limits on one message's text. Both are counted here in UTF-16 code units (an emoji counts twice), which
# is how the platforms count, and never undercounts.
WHATSAPP_TWILIO_MAX_LENGTH = 1600  # Twilio's limit on a WhatsApp message body
TELEGRAM_MAX_LENGTH = 4096  # Bot API sendMessage text limit

BUTTONS_HINT = "Reply with the number or the words."
NO_TEXT_REPLY = (
    "Sorry, I can only read typed messages, not photos, voice notes, stickers or locations. "
    "Please type your question about your back. If it's an emergency, call 999."
)
SORRY_REPLY = (
    "Sorry, something went wrong on our side. Please try again in a minute. "
    "If you need help urgently, call NHS 111, or 999 in an emergency."
)

Buttons = list[dict[str, Any]]


# --- Settings ------------------------------------------------------------------------------------------------


def channel_settings(
    channel: str, credentials: Optional[Mapping[str, Any]], fields: Mapping[str, str], required: Iterable[str]
) -> Optional[dict[str, str]]:
    """Each setting from the credentials file when it is given there, otherwise from its environment variable
    (`fields` maps setting name to variable name). None, meaning the channel stays off, when a required setting
    is missing; that is logged, as an error when only some of them are set (a half-finished set-up)."""
    values: dict[str, str] = {}
    for field, variable in fields.items():
        value = (credentials or {}).get(field)
        if value is None or str(value).strip() == "":
            value = os.environ.get(variable, "")
        values[field] = str(value).strip()
    required = list(required)
    missing = [fields[field] for field in required if not values[field]]
    if not missing:
        return values
    if len(missing) == len(required):
        logger.info("The %s channel is off (set %s to turn it on).", channel, ", ".join(missing))
    else:
        logger.error(
            "The %s channel is off: %s not set, though the rest of its settings are.", channel, ", ".join(missing)
        )
    return None


def int_setting(value: Optional[str], default: int, maximum: Optional[int] = None) -> int:
    """A positive whole-number setting, never above `maximum`; the default when unset or not valid (logged)."""
    try:
        number = int(value) if value else default
    except ValueError:
        number = 0
    if number <= 0:
        logger.warning("Ignored the setting %r (expected a positive whole number); using %d.", value, default)
        number = default
    return min(number, maximum) if maximum else number


# --- Long answers ----------------------------------------------------------------------------------------------


def text_length(text: str) -> int:
    """Length as the platforms count it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# A sentence ends at . ! ? or … (maybe followed by a closing quote, bracket or bold marker) before white space; a
# line break is a boundary too.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]*_]*(?=\s)|\n")
_NOT_AN_END = {"e.g.", "i.e.", "etc.", "dr.", "mr.", "mrs.", "ms.", "st.", "approx.", "no.", "vs.", "cf."}
_LIST_NUMBER = re.compile(r"\d{1,2}[.)]")
_SPACES = re.compile(r"\s*")


def _is_sentence_end(text: str, match: re.Match[str]) -> bool:
    if match.group() == "\n":
        # A line that introduces what follows ("Read more:", "These can help:") stays with its next line.
        return not text[: match.start()].rstrip().endswith(":")
    line_start = text.rfind("\n", 0, match.start()) + 1
    word_start = max(line_start, text.rfind(" ", 0, match.start()) + 1)
    word = text[word_start : match.end()]
    if word.lower() in _NOT_AN_END:
        return False
    # "1. Yes" at the start of a line is a numbered option, not a sentence.
    return not (word_start == line_start and _LIST_NUMBER.fullmatch(word))


def sentences(text: str) -> list[str]:
    """The text cut after each sentence and line end; each piece keeps the white space that follows it, so
    joining the pieces gives back the text."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() < start or not _is_sentence_end(text, match):
            continue
        spaces = _SPACES.match(text, match.end())
        end = spaces.end() if spaces else match.end()
        pieces.append(text[start:end])
        start = end
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _hard_cut(word: str, limit: int) -> list[str]:
    parts, current = [], ""
    for char in word:
        if current and text_length(current + char) > limit:
            parts.append(current)
            current = ""
        current += char
    return parts + [current] if current else parts


def _words(piece: str, limit: int) -> list[str]:
    words: list[str] = []
    for word in re.findall(r"\S+\s*", piece):
        words.extend([word] if text_length(word.rstrip()) <= limit else _hard_cut(word.rstrip(), limit))
    return words


def _pack(pieces: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        # A sentence longer than a whole message is cut between words (a word longer than that, mid-word).
        for part in [piece] if text_length(piece.rstrip()) <= limit else _words(piece, limit):
            if text_length((current + part).rstrip()) <= limit:
                current += part
                continue
            if current.strip():
                chunks.append(current.strip())
            current = part
    if current.strip():
        chunks.append(current.strip())
    return chunks


def split_message(text: str, limit: int, footer: str = "") -> list[str]:
    """The text as messages of at most `limit` (UTF-16 units), cut at sentence boundaries (between words only for
    a sentence longer than a message). A footer (the numbered options) goes at the end of the last message, or
    in a message of its own when it does not fit there."""
    chunks = _pack(sentences(text.strip()), limit) if text and text.strip() else []
    footer = footer.strip()
    if footer:
        if chunks and text_length(f"{chunks[-1]}\n\n{footer}") <= limit:
            chunks[-1] = f"{chunks[-1]}\n\n{footer}"
        else:
            chunks.extend(_pack(sentences(footer), limit))
    return chunks


# --- Bold ------------------------------------------------------------------------------------------------------
# The assistant's texts mark emphasis the Markdown way, "**Please call 999 or go to A&E now.**" (the website
# renders it). WhatsApp writes bold as *single stars*; Telegram gets plain text with bold entities.

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)


def whatsapp_markup(text: str) -> str:
    return _BOLD.sub(r"*\1*", text)


def bold_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without its **bold** markers, and where each bold part is in it (start, end)."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    position = length = 0
    for match in _BOLD.finditer(text):
        parts.append(text[position : match.start()])
        length += match.start() - position
        spans.append((length, length + len(match.group(1))))
        parts.append(match.group(1))
        length += len(match.group(1))
        position = match.end()
    parts.append(text[position:])
    return "".join(parts), spans


# --- Buttons ---------------------------------------------------------------------------------------------------


def button_title(button: Mapping[str, Any]) -> str:
    return str(button.get("title") or button.get("payload") or "").strip()


def numbered_options(buttons: Buttons) -> str:
    """Buttons for a text-only channel: "1. Yes\\n2. No\\nReply with the number or the words."."""
    if not buttons:
        return ""
    lines = [f"{number}. {button_title(button)}" for number, button in enumerate(buttons, start=1)]
    return "\n".join(lines + [BUTTONS_HINT])


_KEYCAP = re.compile(r"(\d)\ufe0f?\u20e3")


def _comparable(text: str) -> str:
    text = _KEYCAP.sub(r"\1", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def chosen_payload(reply: str, buttons: Optional[Buttons]) -> Optional[str]:
    """The payload of the offered button the reply picks, by number ("2", "2.", "2️⃣") or by title (any case and
    punctuation); None when it picks none."""
    if not buttons or not reply:
        return None
    answer = _comparable(reply)
    if answer.isdigit():
        number = int(answer)
        chosen = buttons[number - 1] if 1 <= number <= len(buttons) else None
    else:
        chosen = next((button for button in buttons if _comparable(button_title(button)) == answer), None)
    if chosen is None or not chosen.get("payload"):
        return None
    return str(chosen["payload"])


def typed_text(text: Optional[str]) -> str:
    """What a patient typed, made safe to hand to Rasa: a leading "/" would make Rasa read the message as an
    intent with entities (for example '/inform{"conditions": ...}'), so patients' own words always go through
    language understanding. Only the connectors' button payloads start with "/"."""
    return (text or "").strip().lstrip("/").strip()


# --- Recent deliveries and offered buttons ----------------------------------------------------------------------

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentCache(Generic[K, V]):
    """A dictionary that forgets: entries expire after `ttl_seconds` and the oldest go first beyond `max_items`,
    so memory stays bounded however many people write. Used from the server's event loop only."""

    def __init__(
        self, max_items: int = 10_000, ttl_seconds: float = 24 * 3600, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_items = max_items
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def _expire(self) -> None:
        now = self._clock()
        while self._items:
            key, (stored_at, _) = next(iter(self._items.items()))
            if now - stored_at < self.ttl_seconds and len(self._items) <= self.max_items:
                break
            del self._items[key]

    def put(self, key: K, value: V) -> None:
        self._items.pop(key, None)
        self._items[key] = (self._clock(), value)
        self._expire()

    def get(self, key: K) -> Optional[V]:
        self._expire()
        item = self._items.get(key)
        return item[1] if item else None

    def discard(self, key: K) -> None:
        self._items.pop(key, None)

    def first_time(self, key: K) -> bool:
        """True the first time a key is seen within the time to live (and remembers it); False for a repeat."""
        self._expire()
        if key in self._items:
            return False
        self.put(key, True)  # type: ignore[arg-type]
        return True

    def __len__(self) -> int:
        self._expire()
        return len(self._items)
