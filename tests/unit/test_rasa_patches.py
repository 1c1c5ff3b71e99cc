"""The Rasa fixes: loaded with the channel connectors, and the same verdicts on action answers as Rasa's own check."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import channels  # noqa: F401  (the Rasa server imports it through credentials.yml)
from rasa_patches import action_results

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "pain_area", "value": "lower back"}],
     "responses": [{"text": "Heat can ease a spasm.", "buttons": [{"title": "Book", "payload": "/book_appointment"}]}]},
    {"events": [{"event": "active_loop", "name": "booking_form"}, {"event": "followup", "name": "action_listen"}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"events": [], "responses": ["a bare string"]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_guidance", EndpointConfig("http://localhost:5055/webhook"))


def test_the_channel_package_loads_the_fix() -> None:
    assert RemoteAction._validate_action_result is action_results._validate_action_result


@pytest.mark.parametrize("answer", VALID)
def test_a_valid_answer_is_accepted_as_rasa_accepts_it(action: RemoteAction, answer: dict[str, Any]) -> None:
    assert action_results._RASA_VALIDATE(action, answer)
    assert action._validate_action_result(answer)


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_raises_rasas_own_error(action: RemoteAction, answer: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as rasa_error:
        action_results._RASA_VALIDATE(action, answer)
    with pytest.raises(ValidationError) as patched_error:
        action._validate_action_result(answer)
    assert patched_error.value.message == rasa_error.value.message
    assert "Failed to validate Action server response" in patched_error.value.message


def test_the_schema_is_checked_once_not_per_answer(action: RemoteAction) -> None:
    action_results.response_validator.cache_clear()
    for answer in VALID:
        action._validate_action_result(answer)
    assert action_results.response_validator.cache_info().misses == 1
