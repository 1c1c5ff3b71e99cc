"""Choosing the answer for a guidance question, without Rasa."""

from __future__ import annotations

from backcare.clinic import load_profile
from backcare.guidance import MEDICINE_TOPIC, GuidanceRequest, choose_guidance, profile_fields
from backcare.knowledge import KnowledgeBase

KB = KnowledgeBase.load()
FIELDS = profile_fields(load_profile())


def ask(intent: str, **kwargs) -> str:
    return choose_guidance(KB, GuidanceRequest(intent=intent, profile_fields=FIELDS, **kwargs)).text


def test_topic_intent_gets_its_entry_and_source() -> None:
    reply = choose_guidance(KB, GuidanceRequest(intent="ask_causes", profile_fields=FIELDS))
    assert reply.topic == "causes"
    # Sources are titled links since issue 17 ("NHS: Back pain – <address>"), not "Source: <address>".
    assert reply.text.startswith(KB.get("causes").answer) and "NHS: Back pain \u2013 https://www.nhs.uk" in reply.text


def test_treatment_entity_narrows_a_treatment_question() -> None:
    assert ask("ask_treatment", treatment="yoga").startswith(KB.get("yoga_pilates").answer)
    assert ask("ask_treatment").startswith(KB.get("treatment_overview").answer)


def test_follow_up_naming_a_treatment_answers_that_treatment() -> None:
    assert ask("inform", treatment="ice", last_topic="physiotherapy").startswith(KB.get("heat_and_ice").answer)


def test_unknown_treatment_is_answered_honestly() -> None:
    text = ask("ask_treatment", treatment="cupping")
    assert "don't have checked guidance on cupping" in text


def test_medicine_question_gets_medicine_advice_with_the_persons_cautions() -> None:
    reply = choose_guidance(
        KB, GuidanceRequest(intent="ask_medication", medications=["ibuprofen"], conditions=["asthma"])
    )
    assert reply.topic == MEDICINE_TOPIC and "asthma" in reply.text.lower()


def test_condition_after_a_medicine_answer_is_about_that_medicine() -> None:
    text = ask("inform", conditions=["pregnancy"], remembered_medications=["ibuprofen"], last_topic=MEDICINE_TOPIC)
    assert "pregnan" in text.lower() and "ibuprofen" in text.lower()


def test_condition_out_of_the_blue_does_not_invent_a_medicine() -> None:
    text = ask("inform", conditions=["asthma"], last_topic="causes")
    assert "ibuprofen" not in text.lower()


def test_medicine_question_without_a_medicine_gets_the_overview() -> None:
    assert ask("ask_medication").startswith(KB.get("medication_overview").answer)


def test_find_physio_names_the_clinic_from_the_profile() -> None:
    profile = load_profile()
    text = ask("find_physio")
    assert profile.name in text and profile.phone in text and "{" not in text
