"""No evaluation message may be (nearly) a training example: the sets must measure generalisation."""

from __future__ import annotations

import pytest

from nlu_eval import overlap, sets

# "hi", "bupa" or "since yesterday" are bound to be typed the same in both; a longer copy would flatter the score.
SHORT_MESSAGE_WORDS = 3


@pytest.fixture(scope="module")
def training() -> list[str]:
    return overlap.training_examples(sets.ROOT / "data" / "nlu")


def test_the_overlap_check_finds_near_copies() -> None:
    pairs = overlap.near_duplicates(
        ["Can I take Nurofen?", "what time do you open"], ["can i take nurofen", "how do i stretch my back"]
    )
    assert pairs == [("Can I take Nurofen?", "can i take nurofen")]


def test_robustness_off_topic_and_borderline_sets_are_not_in_the_training_data(training: list[str]) -> None:
    written_for_issue_8 = [
        case.text for load in (sets.load_robustness, sets.load_out_of_scope, sets.load_borderline) for case in load()
    ]
    assert overlap.near_duplicates(written_for_issue_8, training) == []


def test_real_user_phrases_are_not_in_the_training_data(training: list[str]) -> None:
    real_users = [case.text for case in sets.load_real_users(sets.REAL_USER_PHRASES)]
    assert overlap.near_duplicates(real_users, training) == []


def test_held_out_messages_longer_than_a_few_words_are_not_in_the_training_data(training: list[str]) -> None:
    held_out = [
        case.text for case in sets.load_holdout() if len(overlap.normalise(case.text).split()) > SHORT_MESSAGE_WORDS
    ]
    assert overlap.near_duplicates(held_out, training) == []


# The writers' sets (2026-12-02) came after most of the training data, and 23 of their short everyday questions
# ("r u a bot", "can i take ibuprofen n paracetamol together", "how much do you charge?") match examples written
# earlier by others: the same question typed the same way, not a copy. Longer messages must never match.
WRITER_SHORT_MESSAGE_WORDS = 10
# One longer everyday question the text-speak writer typed as an earlier training example had it.
KNOWN_COINCIDENCES = {
    ("can i see an nhs physio without going thru my gp", "can i see an nhs physio without going to the gp")
}


def test_the_independent_writers_messages_are_not_in_the_training_data(training: list[str]) -> None:
    from nlu_eval.dialogue import WRITER_SETS, load_writer_set

    paths = sorted(WRITER_SETS.glob("*.yml")) + sorted((WRITER_SETS / "sealed").glob("*.yml"))
    written = [
        turn.text
        for path in paths
        for case in load_writer_set(path).cases
        for turn in case.turns
        if len(overlap.normalise(turn.text).split()) > WRITER_SHORT_MESSAGE_WORDS
    ]
    assert len(paths) >= 6 and written
    assert [pair for pair in overlap.near_duplicates(written, training) if pair not in KNOWN_COINCIDENCES] == []
