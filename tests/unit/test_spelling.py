"""The medicine and body-part spelling normaliser, without Rasa."""

from __future__ import annotations

import pytest

from backcare.spelling import SpellingNormaliser, edit_distance

VOCABULARY = [
    "ibuprofen",
    "nurofen",
    "paracetamol",
    "naproxen",
    "diazepam",
    "buttock",
    "shoulder",
    "codeine",
    "co-codamol",
    "groin",
]
KNOWN = ["can", "i", "take", "for", "my", "back", "grown", "should", "worse", "shoulders"]


@pytest.fixture(scope="module")
def normaliser() -> SpellingNormaliser:
    return SpellingNormaliser.build(VOCABULARY, KNOWN)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("neurofen", "nurofen"),
        ("ibuprophen", "ibuprofen"),
        ("ibuprofin", "ibuprofen"),
        ("parasetamol", "paracetamol"),
        ("naproxin", "naproxen"),
        ("diazapam", "diazepam"),
        ("buttcok", "buttock"),
        ("codeien", "codeine"),
    ],
)
def test_misspelt_medicines_and_body_parts_are_corrected(
    normaliser: SpellingNormaliser, typed: str, meant: str
) -> None:
    assert normaliser.normalise(f"can i take {typed} for my back") == f"can i take {meant} for my back"


def test_known_words_short_words_and_far_words_are_left_alone(normaliser: SpellingNormaliser) -> None:
    text = "my back has grown worse, should i see someone about my shoulders or take tramadol"
    assert normaliser.normalise(text) == text


def test_punctuation_and_case_of_the_rest_survive(normaliser: SpellingNormaliser) -> None:
    assert normaliser.normalise("Neurofen?? OK, or Parasetamol!") == "nurofen?? OK, or paracetamol!"


def test_a_tie_between_two_vocabulary_words_changes_nothing() -> None:
    tied = SpellingNormaliser.build(["abcdef", "abcdeg"], [])
    assert tied.normalise("abcdex") == "abcdex"


def test_edit_distance_counts_a_swap_as_one_and_stops_at_the_limit() -> None:
    assert edit_distance("buttcok", "buttock", 2) == 1
    assert edit_distance("ibuprophen", "ibuprofen", 2) == 2
    assert edit_distance("paracetamol", "tramadol", 2) == 3
