"""What the messaging channels remember, shared by two instances through the real Redis (channels/memory.py):
a platform's retry that reaches the other instance is answered once, a number typed on the other instance picks
the button offered by the first, and one sender's rate limit holds across both."""

from __future__ import annotations

import itertools
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from channels.limits import RATE_LIMITED_REPLY
from channels.local_platform import (
    FakePlatform,
    TelegramPatient,
    WhatsAppPatient,
    sent_texts,
    telegram_message_update,
)
from tests.channels.settings import telegram_settings, whatsapp_settings
from tests.prod.cluster import CLUSTER_RATE_LIMITS, Cluster, Instance
from tests.prod.test_multi_instance import user_texts

_numbers = itertools.count(int(time.time()) % 900 + 100)


def whatsapp_on_both(cluster: Cluster, platform: FakePlatform) -> tuple[WhatsAppPatient, WhatsAppPatient]:
    """One patient's WhatsApp number, as Twilio would deliver it to either instance."""
    sender = f"whatsapp:+4477009{next(_numbers):05d}"
    settings = whatsapp_settings(platform.url)
    return tuple(
        WhatsAppPatient(platform, instance.assistant.rasa_url, settings, sender)  # type: ignore[return-value]
        for instance in cluster.instances
    )


def rasa_url(instance: Instance) -> str:
    return instance.assistant.rasa_url


def test_the_same_messagesid_delivered_to_both_instances_is_answered_once(
    cluster: Cluster, platform: FakePlatform
) -> None:
    first, second = whatsapp_on_both(cluster, platform)
    form = first.form("what causes back spasms?")
    mark = platform.mark()
    with ThreadPoolExecutor(2) as pool:  # Twilio's retry reaching the other instance at the same moment
        statuses = list(pool.map(lambda patient: patient.post(form).status_code, (first, second)))
    assert statuses == [200, 200]
    replies = first.replies(mark)
    assert len(replies) == 1 and "spasm" in replies[0].lower()
    assert user_texts(cluster.tracker(first.sender)) == ["what causes back spasms?"]


def test_the_same_update_id_delivered_to_both_instances_is_answered_once(
    cluster: Cluster, platform: FakePlatform
) -> None:
    settings = telegram_settings(platform.url)
    chat_id = 60_000_000 + next(_numbers)
    first, second = (TelegramPatient(platform, rasa_url(instance), settings, chat_id) for instance in cluster.instances)
    update = telegram_message_update(first.next_update_id(), chat_id, "does heat help")
    mark = platform.mark()
    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(lambda patient: patient.post(update).status_code, (first, second)))
    assert statuses == [200, 200]
    texts = sent_texts(first.calls(mark))
    assert texts and "heat" in " ".join(texts).lower()
    assert user_texts(cluster.tracker(f"telegram:{chat_id}")) == ["does heat help"]


def test_a_number_typed_on_the_other_instance_picks_the_button_the_first_offered(
    cluster: Cluster, platform: FakePlatform
) -> None:
    first, second = whatsapp_on_both(cluster, platform)
    [greeting] = first.say("hello")
    assert "2. " in greeting
    reply = second.say("2")
    assert reply, "the other instance did not answer"
    [button_payload] = [text for text in user_texts(cluster.tracker(first.sender))[1:]]
    assert button_payload.startswith("/"), f"'2' reached the dialogue as words: {button_payload!r}"
    # The same payload sent on the website gets the same answer.
    website = cluster.instances[0].assistant.send(button_payload)
    assert website and website[0]["text"].split(". ")[0] in reply[0].replace("*", "")


def test_one_senders_rate_limit_holds_across_both_instances(cluster: Cluster) -> None:
    sender = f"flood-{uuid.uuid4().hex}"
    burst = int(CLUSTER_RATE_LIMITS["RATE_LIMIT_BURST"])
    started = time.monotonic()
    answered = 0
    for number in range(3 * burst):
        instance = cluster.instances[number % 2]
        # Empty messages count towards the rate without running the dialogue: the burst is spent quickly.
        response = requests.post(
            f"{rasa_url(instance)}/webhooks/rest/webhook", json={"sender": sender, "message": " "}, timeout=30
        )
        response.raise_for_status()
        texts: list[Any] = [reply.get("text") for reply in response.json()]
        if RATE_LIMITED_REPLY in texts:
            break
        answered += 1
    elapsed = time.monotonic() - started
    refilled = elapsed * int(CLUSTER_RATE_LIMITS["RATE_LIMIT_PER_MINUTE"]) / 60
    # Each instance counting alone would have let 2 x burst through.
    assert burst <= answered <= burst + refilled + 1, (answered, elapsed)
