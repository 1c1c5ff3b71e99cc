"""Correct misspelt medicine and body-part words ("neurofen", "ibuprophen", "parasetamol") before the NLU
reads a message, by edit distance to a vocabulary of the words the assistant knows.

Deliberately cautious: only long words are touched, a word the assistant has seen in its training messages or an
English dictionary word is never changed (so "grown" cannot become "groin", nor "single" "tingle"), and a
misspelling must have exactly one nearest vocabulary word within the allowed distance; anything else is left as
typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

WORD = re.compile(r"[A-Za-z]+")
# Shorter words have too many real-word neighbours ("spasm"/"spasms", "groin"/"grown") to correct safely.
MIN_WORD_LENGTH = 6


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), or limit + 1 once it is certain to exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


def allowed_distance(word: str) -> int:
    """One slip in a 6-7 letter word, two from 8 letters ("ibuprophen" is two edits from "ibuprofen")."""
    return 1 if len(word) < 8 else 2


@dataclass(frozen=True)
class EnglishWords:
    """The English dictionary of the spaCy model's lemmatizer (WordNet base forms, irregular forms and suffix
    rules): a real word the training messages never used ("single") is not a misspelling ("tingle")."""

    lemmas: frozenset[str]
    irregular: frozenset[str]
    rules: tuple[tuple[str, str], ...]  # (inflected suffix, base-form ending), e.g. ("ies", "y")

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word in self.lemmas or word in self.irregular:
            return True
        return any(
            self._base_known(word[: len(word) - len(suffix)], ending) for suffix, ending in self._rules_for(word)
        )

    def _rules_for(self, word: str) -> Iterable[tuple[str, str]]:
        return (rule for rule in self.rules if rule[0] and word.endswith(rule[0]) and len(word) > len(rule[0]))

    def _base_known(self, stem: str, ending: str) -> bool:
        # "stabbed": the doubled consonant goes with the suffix.
        undoubled = stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem
        return stem + ending in self.lemmas or undoubled + ending in self.lemmas


@dataclass(frozen=True)
class SpellingNormaliser:
    vocabulary: frozenset[str]  # lower-case words to correct towards
    known_words: frozenset[str]  # lower-case words never to change (everything seen in training)
    english: Optional[EnglishWords] = None  # real words never to change either

    @classmethod
    def build(
        cls, vocabulary: Iterable[str], known_words: Iterable[str], english: Optional[EnglishWords] = None
    ) -> SpellingNormaliser:
        words = {w.lower() for term in vocabulary for w in WORD.findall(term) if len(w) >= MIN_WORD_LENGTH}
        known = {w.lower() for w in known_words} | words
        return cls(frozenset(words), frozenset(known), english)

    def correction(self, word: str) -> Optional[str]:
        """The vocabulary word this is a misspelling of, or None to leave it alone."""
        lowered = word.lower()
        if len(lowered) < MIN_WORD_LENGTH or lowered in self.known_words:
            return None
        if self.english is not None and lowered in self.english:
            return None
        limit = allowed_distance(lowered)
        by_distance: dict[int, list[str]] = {}
        for candidate in self.vocabulary:
            distance = edit_distance(lowered, candidate, limit)
            if distance <= limit:
                by_distance.setdefault(distance, []).append(candidate)
        if not by_distance:
            return None
        nearest = by_distance[min(by_distance)]
        return nearest[0] if len(nearest) == 1 else None

    def normalise(self, text: str) -> str:
        """The text with each correctable word replaced, everything else (spacing, punctuation) unchanged."""
        return WORD.sub(lambda match: self.correction(match.group()) or match.group(), text)
