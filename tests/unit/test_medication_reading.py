"""The deterministic reading of a medicine question: ages, allergies and skin forms the model may miss."""

from __future__ import annotations

import pytest

from backcare.medication import medication_advice, read_medicine_words


@pytest.mark.parametrize(
    "text",
    [
        "im 72, can i take ibuprofen for my back",
        "I’m 80 and my back has gone",
        "i am 66",
        "aged 70, is naproxen ok",
        "I'm a 68 year old woman",
        "67yo male",
        "my mum is 81 can she have naproxen",
        "75 yrs old with a bad back",
    ],
)
def test_an_age_of_65_or_more_adds_the_over_65_cautions(text: str) -> None:
    assert read_medicine_words(text).conditions == ("over_65",)


@pytest.mark.parametrize(
    "text",
    [
        "i'm 25 and my back hurts",
        "im 70kg",
        "i am 100 percent in agony",
        "took 400 mg",
        "been 72 hours now",
        "i'm 150",
        "can i take 2 ibuprofen",
    ],
)
def test_other_numbers_are_not_read_as_an_age(text: str) -> None:
    assert read_medicine_words(text).conditions == ()


@pytest.mark.parametrize(
    "text",
    [
        "i'm allergic to aspirin, can i take ibuprofen?",
        "aspirin allergy - is naproxen ok",
        "I reacted badly to nurofen",
    ],
)
def test_an_nsaid_allergy_is_a_condition_and_not_a_question_about_that_medicine(text: str) -> None:
    reading = read_medicine_words(text)
    assert reading.conditions == ("nsaid_allergy",)
    assert reading.applied_to(["aspirin", "ibuprofen", "naproxen"]) != ["aspirin", "ibuprofen", "naproxen"]


def test_the_allergy_answer_says_not_to_use_the_other_nsaid() -> None:
    reading = read_medicine_words("i'm allergic to aspirin, can i take ibuprofen?")
    advice = medication_advice(reading.applied_to(["aspirin", "ibuprofen"]), list(reading.conditions))
    assert "do not use ibuprofen" in advice.text.lower()
    assert "nsaid_allergy" in advice.cautions


@pytest.mark.parametrize("text", ["is ibuprofen gel any good?", "nurofen gel for my back", "ibuprofen cream?"])
def test_an_nsaid_on_the_skin_is_the_topical_medicine_not_the_tablets(text: str) -> None:
    reading = read_medicine_words(text)
    assert reading.applied_to(["ibuprofen"]) == ["topical_nsaid"]
    assert "fewer side effects" in medication_advice(reading.applied_to(["ibuprofen"]), []).text


def test_gel_and_tablets_in_one_question_keeps_both() -> None:
    reading = read_medicine_words("should i use ibuprofen gel or ibuprofen tablets?")
    assert reading.applied_to(["ibuprofen"]) == ["ibuprofen", "topical_nsaid"]


def test_a_plain_question_is_left_as_the_model_read_it() -> None:
    reading = read_medicine_words("can i take ibuprofen and paracetamol together?")
    assert reading.applied_to(["ibuprofen", "paracetamol"]) == ["ibuprofen", "paracetamol"]
    assert reading.conditions == ()


def test_ibuprofen_as_a_muscle_relaxant_is_corrected() -> None:
    text = medication_advice(["ibuprofen", "muscle_relaxant"], []).text
    assert "ibuprofen is not a muscle relaxant" in text.lower() and "diazepam" in text


def test_a_muscle_relaxant_we_have_no_checked_advice_on_is_referred_honestly() -> None:
    advice = medication_advice(["baclofen"], [])
    assert "can't advise on baclofen" in advice.text and "pharmacist" in advice.text and not advice.known
