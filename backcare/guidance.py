"""Choose what to say for a guidance question: a knowledge-base entry, medicine advice, or an honest 'I don't
know', given the intent, the entities of this message and what the conversation already holds."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Optional

from backcare.clinic import ClinicProfile
from backcare.clinic_answers import BOOK_BUTTON, NHS_BUTTON, PRICE_TOPIC, asks_clinic_price, price_text
from backcare.knowledge import Entry, KnowledgeBase
from backcare.medication import has_general_answer_for, medication_advice, mentions_medicine
from backcare.reply import Button, Reply
from backcare.sources import sources_block

MEDICINE_TOPIC = "medicine"
# The knowledge-base entry for "what medicines help?": a condition given right after it is about medicines.
MEDICINE_OVERVIEW_TOPIC = "medication_overview"
TOPIC_BUTTONS = (
    Button("What can I do now?", "/ask_treatment"),
    Button("Medicines", "/ask_medication"),
    Button("When to get help", "/ask_when_to_seek_help"),
)
# The area a message the model was unsure about is answered in when its words name an everyday subject; also the
# follow-up ("and what about yoga?"), answered from the conversation's topic rather than an entry of its own.
SUBJECT_FOLLOW_UP = "inform"
# Every intent whose answer is a knowledge-base reply (action_give_guidance): the intents the entries in
# backcare/knowledge/*.yml answer, and the follow-up. The one list: the actions and the tests read it, and a unit test
# checks that data/rules.yml answers exactly these with action_give_guidance.
GUIDANCE_INTENTS = KnowledgeBase.load().intents | {SUBJECT_FOLLOW_UP}
# The broad areas in which a message naming an everyday subject ("can I drive?", "do I need a fit note?") gets
# that subject's entry. Not ask_medication (a medicine named or the medicine overview answers it) and not
# ask_when_to_seek_help (the full list of warning signs must always be given).
SUBJECT_INTENTS = GUIDANCE_INTENTS - {"ask_medication", "ask_when_to_seek_help"}
# The help question as well, for the entries marked `over_help_list` (a fit note, a child's back pain).
SUBJECT_AREAS = SUBJECT_INTENTS | {"ask_when_to_seek_help"}
PRICE_BUTTONS = (BOOK_BUTTON, Button("Using insurance", "/ask_insurance"), NHS_BUTTON)
# The answer when no entry matches what was asked: staff insight counts the message before it as missed.
ASK_FOR_MORE = "Could you tell me a little more about what you'd like to know? These are the things I can help with."


@dataclass(frozen=True)
class GuidanceRequest:
    intent: str
    treatment: Optional[str] = None
    medications: Sequence[str] = ()
    remembered_medications: Sequence[str] = ()
    conditions: Sequence[str] = ()
    last_topic: Optional[str] = None
    profile_fields: dict[str, str] = field(default_factory=dict)
    text: str = ""  # the person's words, for the subject they name


def profile_fields(profile: ClinicProfile) -> dict[str, str]:
    """Placeholders a content entry may use, such as {clinic_name}."""
    return {
        "clinic_name": profile.name,
        "clinic_phone": profile.phone,
        "clinic_services": ", ".join(profile.services),
        "clinic_address": profile.address,
        "clinic_booking_url": profile.booking_url,
        "clinic_prices": price_text(profile),
    }


def with_sources(text: str, sources: Sequence[str]) -> str:
    return f"{text}\n\n{sources_block(sources)}" if sources else text


def entry_text(entry: Entry, fields: dict[str, str]) -> str:
    """The answer and, after a blank line, its detail: both are sent (the 999 and same-day signs once sat in a
    detail nobody received, issue 17 finding 3)."""
    parts = (entry.answer, entry.detail or "")
    return "\n\n".join(part for part in parts if part).format_map(fields)


def entry_reply(entry: Entry, fields: dict[str, str]) -> Reply:
    return Reply(with_sources(entry_text(entry, fields), entry.sources), entry.buttons, topic=entry.id)


def unknown_treatment_reply(treatment: str) -> Reply:
    name = treatment.replace("_", " ")
    text = (
        f"I'm sorry, I don't have checked guidance on {name}. A physio or your GP can tell you whether it "
        "suits you. I can tell you about treatments that are known to help."
    )
    return Reply(text, (Button("What helps a back spasm?", "/ask_treatment"),) + TOPIC_BUTTONS[1:])


def medicine_reply(medications: Sequence[str], conditions: Sequence[str]) -> Reply:
    advice = medication_advice(list(medications), list(conditions))
    return Reply(with_sources(advice.text, advice.sources), tuple(advice.buttons), topic=MEDICINE_TOPIC)


def wants_medicine_advice(request: GuidanceRequest) -> bool:
    if request.medications:
        return True
    # "What painkiller can I take while pregnant?": the overview leads with ibuprofen, wrong in pregnancy.
    if request.intent == "ask_medication" and has_general_answer_for(request.conditions):
        return True
    # "I have asthma" (or "I'm 20 weeks pregnant") straight after a medicine answer is about medicines.
    follows_medicine = request.last_topic in (MEDICINE_TOPIC, MEDICINE_OVERVIEW_TOPIC)
    if request.intent == "inform" and bool(request.conditions) and follows_medicine:
        return True
    # "How many days max can I take it?", "a small sherry with it?" right after advice on a named medicine.
    # A short medicine question with no medicine named ("how many days max?") is about the one just discussed too.
    short_medicine_question = request.intent == "ask_medication" and len(request.text.split()) <= FOLLOW_UP_WORDS
    return (
        request.last_topic == MEDICINE_TOPIC
        and bool(request.remembered_medications)
        and (refers_back_to_a_medicine(request.text) or short_medicine_question or asks_about_dosing(request.text))
    )


# A short follow-up that points back at the medicine just discussed.
_BACK_REFERENCE = re.compile(
    r"\b(?:take|taking|took|on|with|stay\s+on|keep\s+on)\s+(?:it|them|these|those|this|that)\b", re.IGNORECASE
)
FOLLOW_UP_WORDS = 14


# "How many days max?", "how often?": about the medicine just discussed, whatever area the classifier read.
_DOSING = re.compile(
    r"\b(?:max|maximum|how\s+many\s+(?:days|times|tablets|pills|a\s+day)|how\s+often|how\s+long\s+can\s+i"
    r"\s+(?:take|keep|stay|be\s+on))\b",
    re.IGNORECASE,
)


def asks_about_dosing(text: str) -> bool:
    return len(text.split()) <= FOLLOW_UP_WORDS and bool(_DOSING.search(text))


def refers_back_to_a_medicine(text: str) -> bool:
    return len(text.split()) <= FOLLOW_UP_WORDS and bool(_BACK_REFERENCE.search(text))


def medicines_asked(request: GuidanceRequest) -> Sequence[str]:
    """This message's medicines, or those of the medicine answer just given; after the overview, none."""
    if request.medications:
        return request.medications
    return request.remembered_medications if request.last_topic == MEDICINE_TOPIC else ()


def subject_outside_medicines(kb: KnowledgeBase, request: GuidanceRequest) -> Optional[Entry]:
    """The everyday subject of a message the model put in the medicine area although its words name no
    medicine at all: "what can I do for back pain while pregnant?" is about back pain in pregnancy."""
    if request.intent != "ask_medication" or request.medications or mentions_medicine(request.text):
        return None
    if request.last_topic in (MEDICINE_TOPIC, MEDICINE_OVERVIEW_TOPIC):
        return None  # "I'm 30 weeks pregnant" right after a medicine answer is about that medicine
    return kb.for_subject(request.text)


def choose_guidance(kb: KnowledgeBase, request: GuidanceRequest) -> Reply:
    misplaced = subject_outside_medicines(kb, request)
    if misplaced:
        return entry_reply(misplaced, request.profile_fields)
    if wants_medicine_advice(request):
        return medicine_reply(medicines_asked(request), request.conditions)
    subject = kb.for_subject(request.text) if request.intent in SUBJECT_AREAS else None
    if subject and (request.intent in SUBJECT_INTENTS or subject.over_help_list):
        return entry_reply(subject, request.profile_fields)
    # After the subject: "how much time off work?" is about work, not a price.
    if (
        request.intent in SUBJECT_INTENTS
        and asks_clinic_price(request.text)
        and request.profile_fields.get("clinic_prices")
    ):
        return Reply(request.profile_fields["clinic_prices"], PRICE_BUTTONS, topic=PRICE_TOPIC)
    # "Can I take arnica?" is a medicine question about a remedy: its treatment entry answers it.
    if request.treatment and request.intent in ("ask_treatment", "inform", "ask_medication"):
        entry = kb.for_treatment(request.treatment)
        return entry_reply(entry, request.profile_fields) if entry else unknown_treatment_reply(request.treatment)
    entry = kb.for_intent(request.intent)
    if entry:
        return entry_reply(entry, request.profile_fields)
    return Reply(ASK_FOR_MORE, TOPIC_BUTTONS)
