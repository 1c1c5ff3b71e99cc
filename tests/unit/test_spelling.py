"""The medicine and body-part spelling normaliser, without Rasa."""

from __future__ import annotations

import pytest

from backcare.spelling import EnglishWords, SpellingNormaliser, edit_distance

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


# A few lemmatizer-style entries: base forms, one irregular form, and suffix rules as spaCy's tables give them.
ENGLISH = EnglishWords(
    lemmas=frozenset({"single", "stab", "sneeze", "tingle", "horrible"}),
    irregular=frozenset({"children"}),
    rules=(("ed", ""), ("ing", ""), ("es", ""), ("s", ""), ("ly", "e")),
)


@pytest.mark.parametrize("word", ["single", "stabbed", "stabbing", "sneezes", "children"])
def test_english_words_include_inflected_and_irregular_forms(word: str) -> None:
    assert word in ENGLISH


@pytest.mark.parametrize("word", ["parasetamol", "neurofen", "singel"])
def test_misspellings_are_not_english_words(word: str) -> None:
    assert word not in ENGLISH


def test_a_real_english_word_is_never_corrected_into_a_sign_word() -> None:
    with_english = SpellingNormaliser.build(["tingle", "nurofen"], [], ENGLISH)
    without = SpellingNormaliser.build(["tingle", "nurofen"], [])
    text = "every single sneeze hurts, can i take neurofen"
    assert without.normalise(text) == "every tingle sneeze hurts, can i take nurofen"  # what went wrong before
    assert with_english.normalise(text) == "every single sneeze hurts, can i take nurofen"
