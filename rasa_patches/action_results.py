"""Check the action server's answers with a JSON-schema validator built once, not once per answer.

Rasa 3.6 checks every answer with `jsonschema.validate`, which first re-checks Rasa's large events schema against
the JSON-Schema meta-schema and builds a new validator each time. Under load that was half of the Rasa server's
time per message (py-spy, docs/benchmarks.md). The checks are the same; an answer that fails them goes through
Rasa's own code, so the error and its message are Rasa's.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_RASA_VALIDATE = RemoteAction._validate_action_result


@cache
def response_validator(action_class: type[RemoteAction]) -> Validator:
    """The validator for `action_class`'s answer format, with the schema itself checked once."""
    schema = action_class.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if best_match(response_validator(self.__class__).iter_errors(result)) is None:
        return True
    return _RASA_VALIDATE(self, result)  # raises Rasa's own ValidationError with its explanation


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result


def is_applied() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result
