"""Generated hostile and odd input for the fuzz test: messages of every kind a public chat endpoint meets, and
malformed webhook bodies for each channel. Deterministic (seeded), so a failure can be replayed."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from typing import Any

KINDS = (
    "empty",
    "whitespace",
    "ten_thousand",
    "binary_control",
    "emoji",
    "other_script",
    "html",
    "sql",
    "json_fragment",
    "long_word",
    "mixed",
)

_WORDS = (
    "back",
    "spasm",
    "pain",
    "ibuprofen",
    "physio",
    "book",
    "appointment",
    "help",
    "numb",
    "legs",
    "999",
    "heat",
    "stretch",
    "sciatica",
    "GP",
    "yes",
    "no",
    "tomorrow",
    "bupa",
    "name",
    "sleep",
)
_SCRIPTS = (
    "мне больно спину",
    "背中が痛いです",
    "我的背很痛",
    "ظهري يؤلمني كثيرا",
    "मेरी पीठ में दर्द है",
    "Mae fy nghefn yn brifo",
    "Το πλάτη μου πονάει",
    "허리가 아파요",
    "גב כואב לי",
    "Sırtım ağrıyor",
)
_EMOJI = ("😣", "🔥", "💊", "🧊", "👍🏽", "🏳️‍🌈", "❤️", "🤕", "1️⃣", "🇬🇧", "\u200d", "\ufe0f")
_HTML = (
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "<b>bold</b> back pain",
    '<a href="javascript:alert(1)">click</a>',
    "<!-- comment -->",
    "&lt;&amp;&gt;&#0;",
    "<iframe src=//x>",
)
_SQL = (
    "'; DROP TABLE events; --",
    "1 OR 1=1",
    '" OR ""="',
    "admin'--",
    "1; SELECT * FROM events",
    "UNION SELECT sender_id, data FROM events",
    "' OR sleep(5) --",
    "%' AND 1=0 UNION ALL SELECT 'a",
)
_JSON = (
    '{"sender": "x"',
    '{"intent": "book"}',
    "[1, 2, {",
    '/inform{"conditions": ["cancer"]}',
    "null",
    '{"a": "\\u0000"}',
    "}}}}]]]",
    '/affirm{"patient_name": "x"}',
    '{"__proto__": {"admin": true}}',
)


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 12)))


def _binary_control(rng: random.Random) -> str:
    characters = [
        chr(rng.choice([*range(0, 32), 127, *range(128, 160), 0xFFFD, 0xFEFF, 0x202E, 0xD800]))
        for _ in range(rng.randint(1, 40))
    ]
    return rng.choice(["", _sentence(rng)]) + "".join(characters)


_MAKERS: dict[str, Callable[[random.Random], str]] = {
    "empty": lambda rng: "",
    "whitespace": lambda rng: "".join(rng.choice(" \t\n\r\u00a0\u2003\u3000") for _ in range(rng.randint(1, 50))),
    "ten_thousand": lambda rng: (
        (_sentence(rng) + " ") * (10_000 // 20) if rng.random() < 0.5 else rng.choice("ab😣я") * 10_000
    ),
    "binary_control": _binary_control,
    "emoji": lambda rng: (
        "".join(rng.choice(_EMOJI) for _ in range(rng.randint(1, 30))) + rng.choice(["", " " + _sentence(rng)])
    ),
    "other_script": lambda rng: rng.choice(_SCRIPTS) + rng.choice(["", "?", " " + _sentence(rng)]),
    "html": lambda rng: rng.choice(_HTML) + rng.choice(["", " " + _sentence(rng)]),
    "sql": lambda rng: rng.choice(_SQL),
    "json_fragment": lambda rng: rng.choice(_JSON),
    "long_word": lambda rng: rng.choice(["a", "spasm", "Ω", "0", "x😣"]) * rng.randint(300, 1900),
    "mixed": lambda rng: " ".join(
        rng.choice([_sentence(rng), rng.choice(_EMOJI), rng.choice(_SCRIPTS), rng.choice(_HTML), rng.choice(_SQL)])
        for _ in range(3)
    ),
}


def messages(count: int, seed: int) -> Iterator[tuple[str, str]]:
    """`count` (kind, text) pairs cycling through every kind, each text drawn at random."""
    rng = random.Random(seed)
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        yield kind, _MAKERS[kind](rng)


# Malformed webhook bodies ----------------------------------------------------------------------------------------


def malformed_rest_bodies() -> list[bytes]:
    """Bodies the REST channel must refuse with 4xx (never 5xx)."""
    deep = b"[" * 5000 + b"]" * 5000
    return [
        b"",
        b"{",
        b"null",
        b"true",
        b"12",
        b'"text"',
        b"[]",
        b"\xff\xfe\xfd",
        b"\x00" * 100,
        deep,
        b'{"sender": null, "message": "hi"}',
        b'{"sender": "a"}',
        b'{"sender": "a", "message": null}',
        b'{"sender": "a", "message": 1e999}',
        b'{"sender": ["a"], "message": "hi"}',
        b'{"sender": {"$ne": 1}, "message": "hi"}',
        b'{"sender": "a", "message": {"text": "hi"}}',
        b'{"sender": "a", "message": "hi", "metadata": [1]}',
        b'{"sender": "' + b"s" * 500 + b'", "message": "x"}',
        json.dumps({"sender": "a", "message": "x" * 200_000}).encode(),  # over the body limit: 413
        b'{"sender": "a", "message": "hi"',
        b"sender=a&message=hi",
    ]


def malformed_twilio_forms(sender: str, clinic: str, account_sid: str) -> list[dict[str, str]]:
    """Form posts that are signed correctly but are not a normal incoming WhatsApp message."""
    return [
        {},
        {"From": sender},
        {"Body": "hi"},
        {"From": "", "Body": "hi"},
        {"From": "sms:+447700900000", "Body": "x"},
        {"From": clinic, "To": sender, "MessageStatus": "delivered"},
        {"From": sender, "Body": "\x00\x01\x02", "MessageSid": "SM" + "0" * 32, "AccountSid": account_sid},
        {"From": sender, "Body": "x" * 50_000, "AccountSid": account_sid},
        {"From": sender, "NumMedia": "-1", "MediaUrl0": "not a url", "AccountSid": account_sid},
        {"From": sender + "\n", "Body": "hi"},
        {"From": "whatsapp:", "Body": "hi"},
    ]


def malformed_telegram_updates(chat_id: int) -> list[Any]:
    """JSON updates with the right secret that are not a normal private message."""
    return [
        {},
        [],
        "update",
        5,
        None,
        {"update_id": "x"},
        {"update_id": 1, "message": "hi"},
        {"update_id": 2, "message": {"chat": "private", "text": "hi"}},
        {"update_id": 3, "message": {"chat": {"id": chat_id, "type": "private"}, "text": 42}},
        {"update_id": 4, "message": {"chat": {"id": [chat_id], "type": "private"}, "text": "hi"}},
        {"update_id": 5, "message": {"chat": {"id": chat_id, "type": "group"}, "text": "hi"}},
        {"update_id": 6, "callback_query": "tap"},
        {"update_id": 7, "callback_query": {"data": None}},
        {"update_id": 8, "callback_query": {"id": "1", "data": "#99", "from": {"id": chat_id}}},
        {"update_id": 9, "callback_query": {"id": "1", "data": "/affirm", "message": [], "from": 5}},
        {"update_id": 10, "edited_message": {"chat": {"id": chat_id, "type": "private"}, "text": "hi"}},
        {"update_id": 11, "message": {"chat": {"id": chat_id, "type": "private"}, "text": "x" * 60_000}},
        {"update_id": -1, "message": {"chat": {"id": chat_id}, "text": "/start@other_bot extra"}},
    ]
