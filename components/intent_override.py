"""Setting a message's intent from a component after the classifiers, with the intent ranking kept consistent."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


def override_intent(message: Message, name: str, confidence: float) -> None:
    """`name` becomes the intent, and the top of the ranking (once: an earlier entry for it is dropped)."""
    override = {"name": name, "confidence": confidence}
    ranking = [item for item in message.get(INTENT_RANKING_KEY) or [] if item.get("name") != name]
    message.set(INTENT, override, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
