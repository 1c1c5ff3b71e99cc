"""Two Rasa servers and two action servers sharing PostgreSQL and Redis: a patient whose messages land on either
instance has one conversation, and messages sent at the same moment are handled one at a time, in order."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.prod.cluster import Cluster


def user_texts(tracker: dict[str, Any]) -> list[str]:
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def test_a_booking_alternating_between_instances_keeps_slots_form_and_history(cluster: Cluster) -> None:
    sender = f"alternating-{uuid.uuid4().hex}"
    first, second = cluster.instances
    steps = [
        (first, "i'd like to book an appointment for my back", "UK GDPR"),
        (second, "/affirm", "name"),
        (first, "Harriet Cole", "phone number"),
        (second, "07400 314159", "kind of appointment"),
        (first, "free assessment", "days and times"),
    ]
    for instance, message, expected_question in steps:
        assert expected_question in instance.say(message, sender)

    tracker = cluster.tracker(sender)
    assert tracker["active_loop"]["name"] == "booking_form"
    assert tracker["slots"]["requested_slot"] == "preferred_time"
    assert tracker["slots"]["patient_name"] == "Harriet Cole"
    assert tracker["slots"]["phone"] == "+447400314159"
    assert tracker["slots"]["appointment_type"] == "free assessment"
    assert user_texts(tracker) == [message for _, message, _ in steps]


def test_messages_sent_at_once_to_both_instances_are_handled_one_at_a_time_in_order(cluster: Cluster) -> None:
    sender = f"concurrent-{uuid.uuid4().hex}"
    messages = [
        "what is a back spasm?",
        "does heat help",
        "can i take ibuprofen",
        "how long does it last",
        "should i stretch",
        "when should i see a doctor",
    ]

    def send(index: int) -> str:
        # Staggered so the arrival order is known; each message is still sent long before the one ahead of it
        # has been answered (an answer takes far longer than the stagger). 0.15 s: since the rate limit is kept in
        # Redis (issue 19), a message makes one more round trip before it queues, and 0.05 s let two swap places on
        # a loaded machine.
        time.sleep(0.15 * index)
        return cluster.instances[index % 2].say(messages[index], sender)

    with ThreadPoolExecutor(len(messages)) as pool:
        replies = list(pool.map(send, range(len(messages))))

    assert all(reply.strip() for reply in replies)
    events = cluster.tracker(sender)["events"]
    assert user_texts({"events": events}) == messages
    # One at a time: after each message, the assistant finishes its turn (action_listen) before the next one.
    turns = [
        event["event"] if event["event"] == "user" else "listen"
        for event in events
        if event["event"] == "user" or event.get("name") == "action_listen"
    ]
    first_user = turns.index("user")
    assert turns[first_user:] == ["user", "listen"] * len(messages)
