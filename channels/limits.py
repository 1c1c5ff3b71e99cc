"""Limits every public channel applies before a message reaches the dialogue: how big a message may be, how often
one sender may write, and which characters are taken at all. Plain Python (no Rasa, no Sanic), so the rules are
unit-tested on their own; the REST, WhatsApp and Telegram connectors each call `MessageGate.check`.

Settings (environment variables, all optional):
  RATE_LIMIT_PER_MINUTE   messages one sender may send per minute, on average (default 20)
  RATE_LIMIT_BURST        messages one sender may send in a quick burst before the average applies (default 10)
  MAX_MESSAGE_CHARS       longest message read, in characters (default 2000); longer ones get a polite reply
  MAX_REQUEST_BYTES       largest REST request body accepted (default 65536); larger ones get 413
"""

from __future__ import annotations

import enum
import os
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from channels.common import int_setting

if TYPE_CHECKING:
    from channels.memory import ChannelMemory

RATE_LIMITED_REPLY = (
    "You're sending messages faster than I can read them. Please wait a minute, then send your question again. "
    "If you need help urgently, call NHS 111, or 999 in an emergency."
)
TOO_LONG_REPLY = (
    "Sorry, that message is too long for me to read (at most {limit:,} characters). Please send a shorter "
    "message, in a few parts if you need to. If it's an emergency, call 999."
)
EMPTY_REPLY = "I didn't receive any words. Please type your question about your back. If it's an emergency, call 999."

# C0/C1 control characters other than tab and line breaks, and lone UTF-16 surrogates (JSON can carry "\ud800"):
# they mean nothing to language understanding, PostgreSQL refuses NUL in text, and a lone surrogate cannot be
# encoded as UTF-8 for the tracker store or the log.
_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def readable_text(text: str) -> str:
    """The message without characters that no patient types and that would break storage or logging."""
    return _UNREADABLE.sub("", text)


class Verdict(enum.Enum):
    """What to do with one incoming message."""

    ANSWER = "answer"  # hand it to the dialogue
    EMPTY = "empty"  # nothing readable in it: ask for words
    TOO_LONG = "too_long"  # longer than MAX_MESSAGE_CHARS: ask for a shorter one
    SLOW_DOWN = "slow_down"  # over the sender's rate: say so, once
    IGNORE = "ignore"  # still over the rate after being told: drop silently (no reply to pay for or flood with)


class SenderRateLimiter:
    """A token bucket per sender: `burst` messages at once, refilled at `per_minute` a minute. Memory stays bounded:
    at most `max_senders` buckets, the least recently active forgotten first (a forgotten sender starts full)."""

    def __init__(
        self, per_minute: int, burst: int, max_senders: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.refill_per_second = per_minute / 60.0
        self.burst = burst
        self.max_senders = max_senders
        self._clock = clock
        # sender -> (tokens left, when counted, whether the sender was already told to slow down)
        self._buckets: OrderedDict[str, tuple[float, float, bool]] = OrderedDict()

    def take(self, sender: str) -> Verdict:
        """ANSWER and one token spent; SLOW_DOWN the first time the bucket is empty; IGNORE while it stays empty."""
        now = self._clock()
        tokens, counted_at, told = self._buckets.pop(sender, (float(self.burst), now, False))
        tokens = min(float(self.burst), tokens + (now - counted_at) * self.refill_per_second)
        if tokens >= 1:
            verdict, tokens, told = Verdict.ANSWER, tokens - 1, False
        else:
            verdict, told = (Verdict.IGNORE if told else Verdict.SLOW_DOWN), True
        self._buckets[sender] = (tokens, now, told)
        while len(self._buckets) > self.max_senders:
            self._buckets.popitem(last=False)
        return verdict

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(frozen=True)
class LimitSettings:
    per_minute: int = 20
    burst: int = 10
    max_message_chars: int = 2000
    max_request_bytes: int = 65536

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> LimitSettings:
        env = os.environ if environ is None else environ
        default = cls()
        return cls(
            per_minute=int_setting(env.get("RATE_LIMIT_PER_MINUTE"), default.per_minute),
            burst=int_setting(env.get("RATE_LIMIT_BURST"), default.burst),
            max_message_chars=int_setting(env.get("MAX_MESSAGE_CHARS"), default.max_message_chars),
            max_request_bytes=int_setting(env.get("MAX_REQUEST_BYTES"), default.max_request_bytes),
        )


class MessageGate:
    """One channel's limits: checks each message's size and its sender's rate before the dialogue sees it.
    The rate is counted in `memory` (channels/memory.py: this process, or Redis shared by every instance) under
    the channel's `scope`, so a sender id given on one channel never spends another channel's allowance."""

    def __init__(
        self,
        settings: Optional[LimitSettings] = None,
        clock: Callable[[], float] = time.monotonic,
        memory: Optional[ChannelMemory] = None,
        scope: str = "",
    ) -> None:
        from channels.memory import LocalMemory

        self.settings = settings or LimitSettings.from_env()
        self.memory = memory if memory is not None else LocalMemory(clock=clock)
        self.scope = scope

    async def check(self, sender: str, text: str) -> Verdict:
        """The verdict for `text` (already made readable) from `sender`. Every message counts towards the rate,
        so a flood of empty or over-long messages is slowed down too."""
        rate = await self.memory.take(f"{self.scope}:{sender}", self.settings.per_minute, self.settings.burst)
        if rate is not Verdict.ANSWER:
            return rate
        if not text.strip():
            return Verdict.EMPTY
        if len(text) > self.settings.max_message_chars:
            return Verdict.TOO_LONG
        return Verdict.ANSWER

    def reply(self, verdict: Verdict, empty_reply: str = EMPTY_REPLY) -> Optional[str]:
        """The polite answer for a message that is not handed to the dialogue (None: answer nothing).
        `empty_reply`: what a channel says to a message without words (a photo, on the messaging apps)."""
        return {
            Verdict.EMPTY: empty_reply,
            Verdict.TOO_LONG: TOO_LONG_REPLY.format(limit=self.settings.max_message_chars),
            Verdict.SLOW_DOWN: RATE_LIMITED_REPLY,
        }.get(verdict)
