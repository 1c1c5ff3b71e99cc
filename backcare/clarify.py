"""When the NLU cannot tell two topics apart, ask which one was meant instead of guessing.

The FallbackClassifier (config.yml) turns a message into `nlu_fallback` when the best intent is unsure or
when the best two are within its `ambiguity_threshold`; its ranking still lists the real intents after
`nlu_fallback`. Only the second case is a question between two topics; the first is answered by asking to
rephrase.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Optional

from backcare.intent_ranking import RED_FLAG
from backcare.reply import Button, Reply

# Must equal FallbackClassifier's ambiguity_threshold in config.yml (a unit test checks they agree).
AMBIGUITY_MARGIN = 0.02
FALLBACK_INTENT = "nlu_fallback"

# How each intent reads on a button, as the user's own question.
INTENT_TITLES = {
    "ask_what_is_spasm": "What is a back spasm?",
    "ask_symptoms": "Is this a spasm? (symptoms)",
    "ask_causes": "What causes it?",
    "ask_diagnosis": "Do I need a scan or tests?",
    "ask_treatment": "What can I do for it?",
    "ask_medication": "Which medicines can I take?",
    "ask_prevention": "How do I stop it coming back?",
    "ask_recovery": "How long will it last?",
    "ask_when_to_seek_help": "When should I get help?",
    "ask_which_professional": "Who should I see?",
    "report_red_flag": "I have a worrying symptom",
    "ask_nhs": "Help on the NHS",
    "find_physio": "Find a physio",
    "book_appointment": "Book an appointment",
    "ask_insurance": "Insurance and paying",
    "ask_clinic_info": "Clinic hours and address",
    "request_human": "Talk to a person",
}
SOMETHING_ELSE = Button("Something else", "/deny")
QUESTION = "Sorry, I'm not sure which you meant. Is it one of these?"


def close_pair(ranking: Sequence[Mapping[str, Any]], margin: float = AMBIGUITY_MARGIN) -> Optional[tuple[str, str]]:
    """The two intents the classifier could not choose between, or None when it was simply unsure.

    Only intents with a button title count: a tie with, say, `greet` is no question to put to a patient.
    """
    candidates = [item for item in ranking if item.get("name") in INTENT_TITLES]
    if len(candidates) < 2:
        return None
    first, second = candidates[0], candidates[1]
    if float(first.get("confidence") or 0) - float(second.get("confidence") or 0) > margin:
        return None
    return str(first["name"]), str(second["name"])


# A follow-up this short leans on what came before it ("what should I do?").
SHORT_FOLLOW_UP_WORDS = 6


def settled_by_context(pair: tuple[str, str], previous_intent: str, text: str) -> Optional[str]:
    """For a short follow-up torn between two areas, the one the person's previous message was about ("my back has
    just gone into spasm", then "what should I do?"); None when neither was, when the message is longer, or when one
    of the two is a warning sign (then the person is asked)."""
    if previous_intent not in pair or RED_FLAG in pair or len(text.split()) > SHORT_FOLLOW_UP_WORDS:
        return None
    return previous_intent


def payload(intent: str, entities: Sequence[Mapping[str, Any]]) -> str:
    """A button payload for the intent that carries the message's entities along (`/intent{"e": "v"}`)."""
    values = {str(e["entity"]): e["value"] for e in entities if e.get("entity") and e.get("value") is not None}
    return f"/{intent}{json.dumps(values)}" if values else f"/{intent}"


def clarifying_question(pair: tuple[str, str], entities: Sequence[Mapping[str, Any]]) -> Reply:
    buttons = tuple(Button(INTENT_TITLES[intent], payload(intent, entities)) for intent in pair)
    return Reply(QUESTION, (*buttons, SOMETHING_ELSE))
