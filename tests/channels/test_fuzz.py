"""Fuzz: 5,000 generated messages of every odd kind (empty, white space, 10,000 characters, binary and control
characters, emoji, other scripts, HTML, SQL, JSON fragments, very long words) through the real assistant on all
three public channels, plus malformed webhook bodies for each. No 5xx and no crash: every message is answered
(a reply comes back, or goes out through the platform fake) or refused with a clear 4xx, and the assistant still
answers a normal question afterwards."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from channels.local_platform import (
    FakePlatform,
    TelegramPatient,
    WhatsAppPatient,
    post_telegram,
    post_twilio,
    telegram_message_update,
    twilio_incoming_form,
    twilio_signature,
)
from tests.channels import fuzz_corpus
from tests.channels.settings import telegram_settings, whatsapp_settings
from tests.model.assistant import RunningAssistant

# Messages per channel (5,000 in all), dealt to conversations of MESSAGES_PER_CONVERSATION (a patient's
# conversation is that long; Rasa's work per message grows with the conversation); each conversation's messages go
# one after another, several conversations at once.
SHARE = {"rest": 3000, "whatsapp": 1000, "telegram": 1000}
MESSAGES_PER_CONVERSATION = 10
PARALLEL_CONVERSATIONS = 6


@dataclass
class Outcomes:
    """What happened to each message: 'answered', 'refused <status>', or a failure description."""

    by_kind: dict[str, Counter] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def record(self, channel: str, kind: str, outcome: str, text: str) -> None:
        self.by_kind.setdefault(f"{channel}/{kind}", Counter())[outcome] += 1
        if not (outcome == "answered" or outcome.startswith("refused 4")):
            self.failures.append(f"{channel}/{kind}: {outcome} for {text[:80]!r}")


def rest_sender(assistant: RunningAssistant) -> Callable[[str, str], str]:
    def send(sender: str, text: str) -> str:
        response = requests.post(
            f"{assistant.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
        )
        if response.status_code != 200:
            return f"refused {response.status_code}"
        return "answered" if response.json() else "no reply"

    return send


def platform_sender(
    fake: FakePlatform, post: Callable[[str, str], requests.Response], recipient: Callable[[dict[str, Any]], Any]
) -> Callable[[str, str], str]:
    """Posts one platform message and checks that at least one reply went out to that sender through the fake
    (the connectors send before they answer the webhook, so the reply is there when the post returns)."""

    def send(sender: str, text: str) -> str:
        mark = fake.mark()
        response = post(sender, text)
        if response.status_code != 200:
            return f"refused {response.status_code}"
        replies = [call for call in fake.since(mark) if recipient(call) == sender]
        return "answered" if replies else "no reply"

    return send


def whatsapp_sender(assistant: RunningAssistant, fake: FakePlatform) -> Callable[[str, str], str]:
    settings = whatsapp_settings(fake.url)
    url = f"{assistant.rasa_url}/webhooks/whatsapp/webhook"

    def post(sender: str, text: str) -> requests.Response:
        # Twilio posts UTF-8, which cannot hold a lone surrogate: it arrives as U+FFFD.
        text = re.sub("[\ud800-\udfff]", "\ufffd", text)
        form = twilio_incoming_form(text, sender, settings.whatsapp_number, settings.account_sid)
        return post_twilio(url, form, twilio_signature(settings.auth_token, settings.webhook_url, form))

    return platform_sender(fake, post, lambda call: call.get("form", {}).get("To"))


def telegram_sender(assistant: RunningAssistant, fake: FakePlatform) -> Callable[[str, str], str]:
    settings = telegram_settings(fake.url)
    url = f"{assistant.rasa_url}/webhooks/telegram/webhook"
    update_ids = iter(range(900_000_000, 901_000_000))

    def post(sender: str, text: str) -> requests.Response:
        return post_telegram(url, telegram_message_update(next(update_ids), int(sender), text), settings.secret_token)

    return platform_sender(fake, post, lambda call: str(call.get("payload", {}).get("chat_id")))


def conversations(channel: str, count: int, seed: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """The channel's share of generated messages, dealt round-robin to senders, MESSAGES_PER_CONVERSATION each."""
    senders = {
        "rest": lambda n: f"fuzz-{n}",
        "whatsapp": lambda n: f"whatsapp:+4477009{n:05d}",
        "telegram": lambda n: str(70_000_000 + n),
    }[channel]
    conversation_count = -(-count // MESSAGES_PER_CONVERSATION)
    dealt: list[tuple[str, list[tuple[str, str]]]] = [(senders(n), []) for n in range(conversation_count)]
    for number, message in enumerate(fuzz_corpus.messages(count, seed)):
        dealt[number % conversation_count][1].append(message)
    return dealt


def test_five_thousand_generated_messages_on_every_channel_are_answered_or_refused_with_4xx(
    channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    send = {
        "rest": rest_sender(channel_assistant),
        "whatsapp": whatsapp_sender(channel_assistant, fake),
        "telegram": telegram_sender(channel_assistant, fake),
    }
    outcomes = Outcomes()

    def converse(channel: str, sender: str, messages: list[tuple[str, str]]) -> None:
        for kind, text in messages:
            try:
                outcome = send[channel](sender, text)
            except requests.RequestException as error:  # a crash or hang shows up here
                outcome = f"request failed: {type(error).__name__}"
            outcomes.record(channel, kind, outcome, text)

    started = time.monotonic()
    with ThreadPoolExecutor(PARALLEL_CONVERSATIONS) as pool:
        jobs = [
            pool.submit(converse, channel, sender, messages)
            for seed, (channel, count) in enumerate(SHARE.items())
            for sender, messages in conversations(channel, count, seed)
        ]
        for job in jobs:
            job.result()
    seconds = time.monotonic() - started
    total = sum(sum(counter.values()) for counter in outcomes.by_kind.values())
    print(f"\nfuzz: {total} messages in {seconds:.0f} s ({total / seconds:.1f} msg/s)")
    for key, counter in sorted(outcomes.by_kind.items()):
        print(f"  {key}: {dict(counter)}")

    assert total == sum(SHARE.values()) >= 5000
    assert {key.split("/")[1] for key in outcomes.by_kind} == set(fuzz_corpus.KINDS)
    assert outcomes.failures == [], f"{len(outcomes.failures)} failures, first: {outcomes.failures[:10]}"
    assert_still_serving(channel_assistant, fake)


def test_malformed_webhook_bodies_on_every_channel_get_4xx_or_are_ignored_never_5xx(
    channel_assistant: RunningAssistant, fake: FakePlatform
) -> None:
    statuses: dict[str, list[int]] = {"rest": [], "whatsapp": [], "telegram": [], "unsigned": []}
    rest = f"{channel_assistant.rasa_url}/webhooks/rest/webhook"
    for body in fuzz_corpus.malformed_rest_bodies():
        statuses["rest"].append(
            requests.post(rest, data=body, timeout=60, headers={"Content-Type": "application/json"}).status_code
        )

    whatsapp = WhatsAppPatient(fake, channel_assistant.rasa_url, whatsapp_settings(fake.url), "whatsapp:+447700900999")
    settings = whatsapp.settings
    for form in fuzz_corpus.malformed_twilio_forms(whatsapp.sender, settings.whatsapp_number, settings.account_sid):
        statuses["whatsapp"].append(whatsapp.post(form).status_code)
    for form in ({"From": whatsapp.sender, "Body": "hi"}, {}):
        statuses["unsigned"] += [
            whatsapp.post(form, signature=None).status_code,
            whatsapp.post(form, signature="forged").status_code,
        ]
    statuses["unsigned"].append(
        requests.post(
            whatsapp.post_url, data=b"\xff\x00=&&==", timeout=60, headers={"X-Twilio-Signature": "x"}
        ).status_code
    )

    telegram = TelegramPatient(fake, channel_assistant.rasa_url, telegram_settings(fake.url), chat_id=71_000_001)
    for update in fuzz_corpus.malformed_telegram_updates(telegram.chat_id):
        statuses["telegram"].append(
            post_telegram(telegram.post_url, update, telegram.settings.secret_token).status_code
        )
    statuses["telegram"].append(
        requests.post(
            telegram.post_url,
            data=b"{not json",
            timeout=60,
            headers={"X-Telegram-Bot-Api-Secret-Token": telegram.settings.secret_token},
        ).status_code
    )
    statuses["unsigned"] += [
        telegram.post({"update_id": 1}, secret=None).status_code,
        telegram.post({"update_id": 1}, secret="wrong").status_code,
    ]

    print(f"\nmalformed bodies: { {channel: dict(Counter(codes)) for channel, codes in statuses.items()} }")
    assert all(code < 500 for codes in statuses.values() for code in codes), statuses
    assert set(statuses["unsigned"]) == {403}
    # The REST channel takes none of these bodies as a message: each is refused with 400 or 413.
    assert set(statuses["rest"]) <= {400, 413} and 413 in statuses["rest"]
    assert_still_serving(channel_assistant, fake)


def assert_still_serving(assistant: RunningAssistant, fake: FakePlatform) -> None:
    answer = assistant.texts(assistant.send("what causes back spasms?"))
    assert "spasm" in answer.lower()
    patient = WhatsAppPatient(fake, assistant.rasa_url, whatsapp_settings(fake.url), "whatsapp:+447700900998")
    assert any("spasm" in reply.lower() for reply in patient.say("what causes back spasms?"))
