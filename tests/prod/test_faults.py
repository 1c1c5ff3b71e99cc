"""Faults, each made for real: the action server stopped or frozen, PostgreSQL and Redis restarted, a Rasa server
restarted in the middle of a conversation."""

from __future__ import annotations

import time
import uuid

from backcare.clinic import load_profile
from tests.prod.cluster import ACTION_TIMEOUT, Cluster, Instance
from tests.prod.test_multi_instance import user_texts

PROFILE = load_profile()
UNAVAILABLE = "can't look that up right now"
QUESTION = "can i take ibuprofen for my back"


def assert_kind_apology(reply: str) -> None:
    assert UNAVAILABLE in reply and PROFILE.phone in reply and "999" in reply


def assert_answered(instance: Instance, sender: str) -> None:
    reply = instance.say(QUESTION, sender)
    assert UNAVAILABLE not in reply and "ibuprofen" in reply.lower()


def test_action_server_down_gets_a_kind_reply_and_the_conversation_continues_once_it_is_back(
    cluster: Cluster,
) -> None:
    instance = cluster.instances[0]
    sender = f"actions-down-{uuid.uuid4().hex}"
    assert_answered(instance, sender)
    instance.actions.stop()
    try:
        assert_kind_apology(instance.say(QUESTION, sender))
    finally:
        instance.actions.start()
        instance.actions.wait_ready()
    assert_answered(instance, sender)
    assert len(user_texts(cluster.tracker(sender))) == 3


def test_a_frozen_action_server_gets_a_kind_reply_within_the_timeout(cluster: Cluster) -> None:
    instance = cluster.instances[1]
    sender = f"actions-slow-{uuid.uuid4().hex}"
    instance.actions.freeze()
    try:
        started = time.monotonic()
        reply = instance.say(QUESTION, sender)
        waited = time.monotonic() - started
    finally:
        instance.actions.thaw()
    assert_kind_apology(reply)
    assert ACTION_TIMEOUT <= waited < ACTION_TIMEOUT + 5
    assert_answered(instance, sender)


def test_restarting_postgresql_and_redis_loses_no_events(cluster: Cluster) -> None:
    first, second = cluster.instances
    sender = f"stores-restart-{uuid.uuid4().hex}"
    first.say("what is a back spasm?", sender)
    second.say("does heat help", sender)
    events_before = cluster.tracker(sender)["events"]

    cluster.stores.stop()
    cluster.stores.start()

    assert second.say("should i stretch", sender).strip()
    assert first.say("how long does it last", sender).strip()
    events_after = cluster.tracker(sender)["events"]
    assert events_after[: len(events_before)] == events_before
    assert user_texts({"events": events_after}) == [
        "what is a back spasm?",
        "does heat help",
        "should i stretch",
        "how long does it last",
    ]


def test_a_rasa_server_restarted_mid_booking_continues_from_the_stored_conversation(cluster: Cluster) -> None:
    instance = cluster.instances[1]
    sender = f"rasa-restart-{uuid.uuid4().hex}"
    instance.say("can i book in", sender)
    instance.say("/affirm", sender)
    assert "phone number" in instance.say("Gwen Price", sender)

    instance.rasa.stop()
    instance.rasa.start()
    instance.rasa.wait_ready()

    assert "kind of appointment" in instance.say("07400 314159", sender)
    slots = cluster.tracker(sender)["slots"]
    assert (slots["patient_name"], slots["phone"]) == ("Gwen Price", "+447400314159")
