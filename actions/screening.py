"""The red-flag screening questions (bladder or bowel changes, numbness between the legs, leg weakness, fever,
recent injury, cancer history): asked inside the booking form, and on their own when someone wants to know
whether their pain is serious (screening_form). The questions and the disposition live in backcare.triage."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.checkins import STOPS_CHECKINS, stop_checkins_too
from actions.common import send
from actions.forms import PatientFormValidationAction, answer_intent, latest_intent_name
from backcare.booking import conversation as talk
from backcare.guidance import with_sources
from backcare.reply import Button, Reply
from backcare.triage import Level, screening_disposition, screening_none_found, screening_questions

SCREENING_SLOTS = ("red_flag_screen", "screening_answers", "invalid_answers", "requested_slot")
ROUTINE_NEXT_STEPS = Reply(
    "Most back pain gets better within a few weeks. If any of those signs starts, get help straight away. "
    "Would you like some tips on what you can do now, or to book an assessment with a physio?",
    (Button("What can I do now?", "/ask_treatment"), Button("Book an assessment", "/book_appointment")),
)


class RedFlagScreenQuestions:
    """The screening slot of a form: one question per turn, stopping at the first emergency "yes"."""

    form: str

    async def extract_red_flag_screen(
        self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = answer_intent(tracker)
        return self._rescue("red_flag_screen", tracker, lambda text: talk.screening_answer(text, intent) is not None)

    async def validate_red_flag_screen(
        self: Any, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = talk.screening_answer(str(value), latest_intent_name(tracker))
        if answer is None:
            check = talk.FieldCheck(message="Please answer yes, no or not sure.")
            return self.outcome("red_flag_screen", check, dispatcher, tracker)
        answers = dict(tracker.get_slot("screening_answers") or {})
        pending = [q for q in screening_questions() if q.id not in answers]
        if not pending:
            return {"red_flag_screen": None, "screening_answers": {}}
        answers[pending[0].id] = answer
        values: dict[str, Any] = {"screening_answers": answers, "invalid_answers": 0.0}
        emergency_yes = answer == "yes" and pending[0].level is Level.EMERGENCY
        if len(pending) > 1 and not emergency_yes:
            return {**values, "red_flag_screen": None}  # ask the next question
        return {**values, **self._screen_result(answers, dispatcher)}

    def _screen_result(self, answers: dict[str, str], dispatcher: CollectingDispatcher) -> dict[str, Any]:
        outcome = screening_disposition(answers)
        if outcome.level is Level.ROUTINE:
            dispatcher.utter_message(text=screening_none_found())
            return {"red_flag_screen": Level.ROUTINE.value}
        text = with_sources(outcome.text, outcome.sources)
        if outcome.level is Level.URGENT and self.form == "booking_form":
            text = f"{text}\n\n{talk.urgent_screen_note()}"
        send(dispatcher, Reply(text, outcome.buttons if outcome.level is Level.EMERGENCY else ()))
        return {"red_flag_screen": outcome.level.value, "triage_level": outcome.level.value}


class ValidateScreeningForm(RedFlagScreenQuestions, PatientFormValidationAction):
    form = "screening_form"

    def name(self) -> str:
        return "validate_screening_form"


class ActionAskRedFlagScreen(Action):
    def name(self) -> str:
        return "action_ask_red_flag_screen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        answers = tracker.get_slot("screening_answers") or {}
        questions = screening_questions()
        pending = [q for q in questions if q.id not in answers]
        question = pending[0] if pending else questions[-1]
        purpose = "check" if tracker.active_loop_name == "screening_form" else "booking"
        send(dispatcher, talk.screening_question(question.text, questions.index(question) + 1, len(questions), purpose))
        return []


def clear_screening_slots() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in SCREENING_SLOTS]


class ActionFinishScreening(Action):
    """After the last answer: the disposition was given; a routine result adds what to do next."""

    def name(self) -> str:
        return "action_finish_screening"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot("red_flag_screen") == Level.ROUTINE.value:
            send(dispatcher, ROUTINE_NEXT_STEPS)
        return clear_screening_slots()


class ActionStopScreening(Action):
    def name(self) -> str:
        return "action_stop_screening"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="That's fine, we can stop the questions. Is there anything else I can help with?")
        if latest_intent_name(tracker) in STOPS_CHECKINS:
            stop_checkins_too(dispatcher, tracker)
        return [ActiveLoop(None)] + clear_screening_slots()
