"""Scores for intent classification, out-of-scope detection and entity extraction, from plain lists.

Kept free of Rasa and of any ML library so that the numbers in docs/nlu-report.md and the thresholds in
tests/model are computed the same way and can be checked by hand in unit tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# What the assistant does when it declines a message: both mean "no back-spasm guidance".
REJECTING_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return _ratio(2 * precision * recall, precision + recall)


def per_label_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Scores]:
    """Precision, recall and F1 for every label that occurs in the gold labels."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    return _scores(
        Counter(g for g, p in zip(gold, predicted, strict=True) if g == p), Counter(gold), Counter(predicted)
    )


def _scores(true_positive: Counter[str], gold_count: Counter[str], predicted_count: Counter[str]) -> dict[str, Scores]:
    scores = {}
    for label in sorted(gold_count):
        precision = _ratio(true_positive[label], predicted_count[label])
        recall = _ratio(true_positive[label], gold_count[label])
        scores[label] = Scores(precision, recall, _f1(precision, recall), gold_count[label])
    return scores


def macro_f1(scores: dict[str, Scores]) -> float:
    return _ratio(sum(s.f1 for s in scores.values()), len(scores))


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return _ratio(sum(g == p for g, p in zip(gold, predicted, strict=True)), len(gold))


def top_confusions(gold: Sequence[str], predicted: Sequence[str], top: int = 10) -> list[tuple[str, str, int]]:
    """The most frequent (gold, predicted) mistakes, most frequent first."""
    pairs = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return [(g, p, n) for (g, p), n in sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:top]]


def is_rejected(intent: str) -> bool:
    return intent in REJECTING_INTENTS


@dataclass(frozen=True)
class ScopeScores:
    """Out-of-scope detection: precision and recall of rejecting, and how many in-scope messages were rejected."""

    oos_precision: float
    oos_recall: float
    in_scope_false_rejection: float
    out_of_scope_count: int
    in_scope_count: int


def scope_scores(in_scope_predictions: Iterable[str], out_of_scope_predictions: Iterable[str]) -> ScopeScores:
    in_scope = [is_rejected(p) for p in in_scope_predictions]
    out_of_scope = [is_rejected(p) for p in out_of_scope_predictions]
    rejected_correctly = sum(out_of_scope)
    rejected_wrongly = sum(in_scope)
    return ScopeScores(
        oos_precision=_ratio(rejected_correctly, rejected_correctly + rejected_wrongly),
        oos_recall=_ratio(rejected_correctly, len(out_of_scope)),
        in_scope_false_rejection=_ratio(rejected_wrongly, len(in_scope)),
        out_of_scope_count=len(out_of_scope),
        in_scope_count=len(in_scope),
    )


def share(predictions: Sequence[str], accept: frozenset[str] | set[str], negate: bool = False) -> float:
    """Share of predictions inside `accept` (or outside it with negate=True)."""
    return _ratio(sum((p in accept) != negate for p in predictions), len(predictions))


Entity = tuple[str, str]  # (entity type, canonical value)


def entity_scores(gold: Sequence[Iterable[Entity]], predicted: Sequence[Iterable[Entity]]) -> dict[str, Scores]:
    """Per entity type, matching (type, value) pairs message by message (a value found twice counts twice)."""
    true_positive: Counter[str] = Counter()
    gold_count: Counter[str] = Counter()
    predicted_count: Counter[str] = Counter()
    for gold_entities, predicted_entities in zip(gold, predicted, strict=True):
        gold_bag, predicted_bag = Counter(gold_entities), Counter(predicted_entities)
        for (entity, _), n in (gold_bag & predicted_bag).items():
            true_positive[entity] += n
        for (entity, _), n in gold_bag.items():
            gold_count[entity] += n
        for (entity, _), n in predicted_bag.items():
            predicted_count[entity] += n
    return _scores(true_positive, gold_count, predicted_count)
