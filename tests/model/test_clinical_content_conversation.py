"""Issue 17 through the running assistant: each unsafe finding of the clinical read (1-6), the reading fixes and
each everyday question, as a patient would type them. Phrasings are ones the current model routes to the
intended broad area; the issue's report lists those it did not (NLU evidence)."""

from __future__ import annotations

import uuid

import pytest

from backcare.clinic import load_profile
from backcare.clinic_answers import price_text
from backcare.knowledge import KnowledgeBase
from tests.model.assistant import RunningAssistant

KB = KnowledgeBase.load()
FALSE_REASSURANCE = "no specific warning"


def conversation(assistant: RunningAssistant, *messages: str) -> list[str]:
    """Each message from one new sender; the text of every answer, in turn."""
    sender = uuid.uuid4().hex
    return [assistant.texts(assistant.send(message, sender=sender)) for message in messages]


def opening(entry_id: str) -> str:
    entry = KB.get(entry_id)
    assert entry is not None
    return entry.answer.splitlines()[0].split(". ")[0]


# --- finding 1: pregnancy and breastfeeding with a named medicine ------------------------------------------


@pytest.mark.parametrize(
    "message, words",
    [
        ("i'm pregnant, can i take codeine?", "not usually recommended in pregnancy"),
        ("can i take co-codamol while pregnant?", "not usually recommended in pregnancy"),
        ("can i take tramadol when i'm breastfeeding", "Ask a pharmacist or GP before you take"),
        ("is diazepam safe when breastfeeding?", "Ask a pharmacist or GP before you take"),
    ],
)
def test_pregnancy_with_a_medicine_says_what_is_known(assistant: RunningAssistant, message: str, words: str) -> None:
    text = assistant.texts(assistant.send(message))
    assert words in text and FALSE_REASSURANCE not in text.lower()


def test_codeine_when_breastfeeding_is_do_not_take(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("i'm breastfeeding, can i take co-codamol?"))
    assert "Do not take co-codamol while you are breastfeeding" in text


# --- finding 2: which painkiller in pregnancy, asked directly or as a follow-up -----------------------------

PREGNANCY_ANSWER = "If you are pregnant, paracetamol is usually the first painkiller to try."


def test_painkiller_question_in_pregnancy(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("what painkiller can i take while pregnant?"))
    assert PREGNANCY_ANSWER in text and "20 weeks" in text and "midwife" in text
    assert "Paracetamol on its own is not advised" not in text


def test_pregnancy_given_after_the_medicine_overview(assistant: RunningAssistant) -> None:
    overview, follow_up = conversation(assistant, "which painkillers help a back spasm?", "i'm 20 weeks pregnant")
    assert "anti-inflammatory painkillers" in overview
    assert PREGNANCY_ANSWER in follow_up, "not 'Could you tell me a little more'"


# --- finding 3: every warning sign reaches the person ------------------------------------------------------


@pytest.mark.parametrize("message", ["when should i get help for back pain?", "when should i worry about my back?"])
def test_when_to_get_help_names_every_sign(assistant: RunningAssistant, message: str) -> None:
    text = assistant.texts(assistant.send(message))
    for sign in (
        "erection",
        "chest pain",
        "serious accident",
        "lump",
        "changed shape",
        "cough, sneeze or poo",
        "between your shoulders",
        "had cancer",
        "steroids",
        "osteoporosis",
        "worse at night",
    ):
        assert sign in text, sign
    assert "Please call 999 or go to A&E now" not in text, "a list of signs is not an emergency reply"


def test_symptom_check_without_signs_names_the_other_signs(assistant: RunningAssistant) -> None:
    answers = conversation(
        assistant,
        "can you check if my back pain is serious",
        "no",
        "/deny",
        "nope",
        "no fever",
        "no",
        "never had cancer",
    )
    last = answers[-1]
    assert "none of those suggests" in last
    for sign in ("weight loss", "lump", "between your shoulders", "cough, sneeze or poo", "chest pain", "erection"):
        assert sign in last, sign
    assert "Please get medical help today" not in last and "Please call 999" not in last


# --- findings 4 to 6: medicines together, diazepam, allergy, Nurofen Plus, gels ---------------------------


@pytest.mark.parametrize(
    "message", ["can i take codeine and diazepam together?", "is it safe to take tramadol with diazepam?"]
)
def test_opioid_with_diazepam_warns_about_breathing(assistant: RunningAssistant, message: str) -> None:
    text = assistant.texts(assistant.send(message))
    assert "slow your breathing or even stop it" in text and "prescribed both" in text
    assert "very sleepy or your breathing is slow" in text


def test_diazepam_is_not_nices_next_step(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("is diazepam good for a back spasm?"))
    assert "does not list muscle relaxants" in text and "ibuprofen first" not in text


def test_an_aspirin_allergy_is_do_not_use(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("i'm allergic to aspirin, can i take naproxen?"))
    assert "do not use naproxen" in text and "Check with a pharmacist or GP first" not in text


def test_nurofen_plus_gets_the_codeine_cautions(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("can i take nurofen plus for my back?"))
    assert "Ibuprofen with codeine, such as Nurofen Plus" in text and "3 days" in text
    assert "**Do not use ibuprofen with codeine if you:**\n- are breastfeeding" in text


def test_a_gel_has_fewer_side_effects(assistant: RunningAssistant) -> None:
    assert "fewer side effects than tablets" in assistant.texts(assistant.send("is ibuprofen gel better than tablets?"))


# --- reading: titled sources, cautions as lists, cauda equina explained, 999 first ------------------------


def test_sources_are_titled_links(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("what causes back spasms?"))
    assert "Read more:\n- NHS: Back pain \u2013 https://www.nhs.uk/conditions/back-pain/" in text
    assert "Source:" not in text


def test_medicine_cautions_are_a_list(assistant: RunningAssistant) -> None:
    text = assistant.texts(assistant.send("can i take ibuprofen for my back?"))
    assert "**Check with a pharmacist or GP first if you:**\n- have asthma\n" in text and ";" not in text


def test_emergency_reply_keeps_999_first_and_explains_cauda_equina(assistant: RunningAssistant) -> None:
    replies = assistant.send("my back is in spasm and i can't pee and my groin is numb")
    first = replies[0]["text"]
    assert first.startswith("**Please call 999 or go to A&E now.**")
    assert "cauda equina syndrome, when the nerves at the bottom of the spine are squashed" in first


# --- everyday questions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message, entry_id",
    [
        ("what's the best sleeping position with a bad back?", "sleeping_position"),
        ("how should i sleep with back pain?", "sleeping_position"),
        ("can i get a sick note for my back?", "work_and_fit_notes"),
        ("do i need a fit note?", "work_and_fit_notes"),
        ("should i take time off work?", "work_and_fit_notes"),
        ("when can i drive again?", "driving"),
        ("can i drive with a back spasm?", "driving"),
        ("is it ok to drive with back pain?", "driving"),
        ("back pain in pregnancy, what helps?", "back_pain_in_pregnancy"),
        ("my son is 14 and has back spasms, what should we do?", "children_and_teenagers"),
        ("what's the difference between sciatica and a spasm?", "sciatica_or_spasm"),
        ("is this sciatica or a back spasm?", "sciatica_or_spasm"),
        ("can i have sex with a back spasm?", "sex"),
        ("when can i go back to the gym?", "gym_and_sport"),
        ("can i play football with a back spasm?", "gym_and_sport"),
        ("what mattress is best for back pain?", "mattress"),
        ("is a massage gun good for back spasms?", "massage_gun_foam_roller"),
        ("can i use a foam roller on my back?", "massage_gun_foam_roller"),
        ("are heat patches good for back pain?", "heat_patches"),
        # How to do a named stretch is the stretch routine's, from that stretch (issue 21, test_stretch_routine.py).
        ("what can i do for back pain while pregnant?", "back_pain_in_pregnancy"),
        ('/ask_treatment{"treatment":"cat_cow"}', "stretch_cat_cow"),
    ],
)
def test_everyday_question(assistant: RunningAssistant, message: str, entry_id: str) -> None:
    assert opening(entry_id) in assistant.texts(assistant.send(message))


@pytest.mark.parametrize("message", ["how much is an assessment?", "how much does it cost to see a physio?"])
def test_the_price_of_an_assessment_comes_from_the_clinic_profile(assistant: RunningAssistant, message: str) -> None:
    assert price_text(load_profile()) in assistant.texts(assistant.send(message))
