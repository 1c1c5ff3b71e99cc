"""The stretch routine (issue 21): one exercise at a time with its drawing, and "next", "again", "that hurts" and
"stop" inside it. The logic and the words are in backcare.exercises; this only reads the intent and the remembered
position, and sends the reply with Rasa's standard `image` field (the drawing's address) and its alt text."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, latest_text
from backcare.exercises import (
    EMERGENCY_TEXT,
    ExerciseReply,
    Move,
    drawing_url,
    public_url,
    reply_for,
    routine,
    take_turn,
)
from backcare.triage import Level

POSITION_SLOT = "exercise_step"
IN_ROUTINE_SLOT = "in_exercise_routine"
MOVES = {
    "show_exercises": Move.START,
    "next_exercise": Move.NEXT,
    "repeat_exercise": Move.AGAIN,
    "report_exercise_pain": Move.HURTS,
    "stop": Move.STOP,
}


def send_exercise_reply(dispatcher: CollectingDispatcher, reply: ExerciseReply) -> None:
    buttons = [{"title": button.title, "payload": button.payload} for button in reply.buttons]
    extra: dict[str, Any] = {}
    if reply.drawing:
        # `alt_text` travels as the message's metadata: the REST channel puts it beside the image.
        extra = {"image": drawing_url(reply.drawing, public_url()), "alt_text": reply.alt}
    dispatcher.utter_message(text=reply.text, buttons=buttons or None, **extra)


def routine_events(position: Any) -> list[dict[str, Any]]:
    return [SlotSet(POSITION_SLOT, position), SlotSet(IN_ROUTINE_SLOT, position is not None)]


class ActionShowExercise(Action):
    def name(self) -> str:
        return "action_show_exercise"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        move = MOVES.get(latest_intent(tracker), Move.START)
        if tracker.get_slot("triage_level") == Level.EMERGENCY.value and move is not Move.HURTS:
            dispatcher.utter_message(text=EMERGENCY_TEXT)
            return routine_events(None)
        plan = routine()
        turn = take_turn(plan, move, tracker.get_slot(POSITION_SLOT), latest_text(tracker))
        send_exercise_reply(dispatcher, reply_for(plan, turn))
        return routine_events(turn.position)


class ActionStopExercises(Action):
    """ "Stop" inside the routine: leaves it (and keeps the 999 advice first in an emergency)."""

    def name(self) -> str:
        return "action_stop_exercises"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("triage_level") == Level.EMERGENCY.value:
            dispatcher.utter_message(response="utter_emergency_reminder")
        plan = routine()
        send_exercise_reply(dispatcher, reply_for(plan, take_turn(plan, Move.STOP, tracker.get_slot(POSITION_SLOT))))
        return routine_events(None)
