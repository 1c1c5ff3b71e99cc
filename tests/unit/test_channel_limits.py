"""The limits every public channel applies: readable characters, message size and each sender's rate."""

from __future__ import annotations

import asyncio

from channels.limits import (
    EMPTY_REPLY,
    RATE_LIMITED_REPLY,
    LimitSettings,
    MessageGate,
    SenderRateLimiter,
    Verdict,
    readable_text,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_control_characters_and_lone_surrogates_are_dropped_but_words_emoji_and_line_breaks_stay() -> None:
    assert readable_text("my\x00 back\x1b[31m hurts\ud800 😣\nstill\tthere") == "my back[31m hurts 😣\nstill\tthere"
    assert readable_text("боль в спине 腰痛") == "боль в спине 腰痛"


def test_a_sender_gets_the_burst_then_one_polite_refusal_then_silence_until_the_bucket_refills() -> None:
    clock = Clock()
    limiter = SenderRateLimiter(per_minute=6, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(5)] == [Verdict.ANSWER] * 3 + [Verdict.SLOW_DOWN, Verdict.IGNORE]
    assert limiter.take("b") is Verdict.ANSWER  # other senders are not affected
    clock.now += 10  # 6 a minute: one message every 10 s
    assert limiter.take("a") is Verdict.ANSWER
    assert limiter.take("a") is Verdict.SLOW_DOWN  # told again after an answer
    clock.now += 3600
    assert [limiter.take("a") for _ in range(4)] == [Verdict.ANSWER] * 3 + [Verdict.SLOW_DOWN]  # never above burst


def test_the_limiter_forgets_the_least_recently_active_senders_beyond_its_size() -> None:
    limiter = SenderRateLimiter(per_minute=1, burst=1, max_senders=100, clock=Clock())
    for number in range(1000):
        limiter.take(f"sender-{number}")
    assert len(limiter) == 100
    assert limiter.take("sender-999") is Verdict.SLOW_DOWN  # still remembered
    assert limiter.take("sender-0") is Verdict.ANSWER  # forgotten, so starts afresh


def test_the_gate_asks_for_words_or_a_shorter_message_and_counts_those_towards_the_rate() -> None:
    gate = MessageGate(LimitSettings(per_minute=60, burst=3, max_message_chars=10), clock=Clock())

    def check(text: str) -> Verdict:
        return asyncio.run(gate.check("a", text))

    assert check("  ") is Verdict.EMPTY and gate.reply(Verdict.EMPTY) == EMPTY_REPLY
    assert check("x" * 11) is Verdict.TOO_LONG and "at most 10 characters" in gate.reply(Verdict.TOO_LONG)
    assert check("x" * 10) is Verdict.ANSWER
    assert check("hello") is Verdict.SLOW_DOWN and gate.reply(Verdict.SLOW_DOWN) == RATE_LIMITED_REPLY
    assert gate.reply(Verdict.IGNORE) is None
    assert "999" in gate.reply(Verdict.EMPTY, empty_reply="photo? call 999")


def test_settings_come_from_the_environment_and_bad_values_fall_back_to_the_defaults() -> None:
    settings = LimitSettings.from_env(
        {
            "RATE_LIMIT_PER_MINUTE": "5",
            "RATE_LIMIT_BURST": "nope",
            "MAX_MESSAGE_CHARS": "-3",
            "MAX_REQUEST_BYTES": "1024",
        }
    )
    assert settings == LimitSettings(per_minute=5, burst=10, max_message_chars=2000, max_request_bytes=1024)
    assert LimitSettings.from_env({}) == LimitSettings()
