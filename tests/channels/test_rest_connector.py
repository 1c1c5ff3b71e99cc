"""The website's REST channel on its own, with a stand-in dialogue: malformed and oversized requests get a clear
4xx, floods from one sender a polite reply, and well-formed messages reach the dialogue as before. No model needed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from channels.limits import EMPTY_REPLY, RATE_LIMITED_REPLY, LimitSettings, MessageGate
from channels.rest import LimitedRestInput
from tests.channels.inprocess import StandInDialogue, serve

SETTINGS = LimitSettings(per_minute=6, burst=3, max_message_chars=50, max_request_bytes=2048)


@pytest.fixture
def rest_url(dialogue: StandInDialogue) -> Iterator[str]:
    with serve([LimitedRestInput(MessageGate(SETTINGS))], dialogue) as url:
        yield f"{url}/webhooks/rest/webhook"


def post(url: str, **kwargs) -> requests.Response:
    return requests.post(url, timeout=10, **kwargs)


def test_a_message_reaches_the_dialogue_and_the_replies_come_back_as_from_rasas_rest_channel(
    rest_url: str, dialogue: StandInDialogue
) -> None:
    response = post(rest_url, json={"sender": "abc", "message": "my back\x00 hurts", "metadata": {"page": "/"}})
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "abc", "text": "Hello. How can I help?"}]
    [message] = dialogue.received
    assert (message.text, message.sender_id, message.input_channel) == ("my back hurts", "abc", "rest")
    assert message.metadata == {"page": "/"}


def test_the_client_cannot_claim_another_input_channel(rest_url: str, dialogue: StandInDialogue) -> None:
    post(rest_url, json={"sender": "abc", "message": "hi", "input_channel": "whatsapp"})
    assert dialogue.received[0].input_channel == "rest"


@pytest.mark.parametrize(
    "body, problem",
    [
        (b"", "Expected a JSON object"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b"null", "Expected a JSON object"),
        (b"[1, 2]", "Expected a JSON object"),
        (b'"hello"', "Expected a JSON object"),
        (b'{"message": "hi"}', '"sender"'),
        (b'{"sender": "", "message": "hi"}', '"sender"'),
        (b'{"sender": "\\u0000", "message": "hi"}', '"sender"'),
        (b'{"sender": 12, "message": "hi"}', '"sender"'),
        (b'{"sender": "' + b"x" * 129 + b'", "message": "hi"}', '"sender"'),
        (b'{"sender": "abc"}', '"message"'),
        (b'{"sender": "abc", "message": 5}', '"message"'),
        (b'{"sender": "abc", "message": ["hi"]}', '"message"'),
        (b'{"sender": "abc", "message": "hi", "metadata": "x"}', '"metadata"'),
    ],
)
def test_malformed_bodies_get_400_saying_what_is_wrong_and_never_reach_the_dialogue(
    rest_url: str, dialogue: StandInDialogue, body: bytes, problem: str
) -> None:
    response = post(rest_url, data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and problem in response.text
    assert dialogue.received == []


def test_an_oversized_body_gets_413(rest_url: str, dialogue: StandInDialogue) -> None:
    response = post(rest_url, json={"sender": "abc", "message": "x" * 3000})
    assert response.status_code == 413
    assert dialogue.received == []


def test_empty_and_over_long_messages_get_a_polite_reply_without_running_the_dialogue(
    rest_url: str, dialogue: StandInDialogue
) -> None:
    assert post(rest_url, json={"sender": "abc", "message": " \n "}).json()[0]["text"] == EMPTY_REPLY
    too_long = post(rest_url, json={"sender": "abc", "message": "x" * 51}).json()[0]["text"]
    assert "too long" in too_long and "at most 50 characters" in too_long
    assert dialogue.received == []


def test_a_flooding_sender_is_told_politely_to_slow_down_and_others_are_still_answered(
    rest_url: str, dialogue: StandInDialogue
) -> None:
    replies = [post(rest_url, json={"sender": "flood", "message": f"hi {n}"}) for n in range(6)]
    assert all(reply.status_code == 200 for reply in replies)
    assert [reply.json()[0]["text"] for reply in replies[3:]] == [RATE_LIMITED_REPLY] * 3
    assert dialogue.texts == ["hi 0", "hi 1", "hi 2"]
    assert post(rest_url, json={"sender": "calm", "message": "hello"}).json()[0]["text"] == "Hello. How can I help?"


def test_a_failing_dialogue_gets_an_apology_not_an_error_page(rest_url: str, dialogue: StandInDialogue) -> None:
    dialogue.fail = True
    response = post(rest_url, json={"sender": "abc", "message": "hi"})
    assert response.status_code == 200 and "something went wrong" in response.json()[0]["text"]
