"""All the figures of the NLU report for one model: held-out scores, scope detection, robustness, real users."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional

from nlu_eval import metrics, sets
from nlu_eval.parsing import Parse
from nlu_eval.sets import IN_SCOPE, OUT_OF_SCOPE, Case

Parser = Callable[[Sequence[str]], list[Parse]]


def is_right(case: Case, intent: str) -> bool:
    """IN_SCOPE: anything but a rejection; OUT_OF_SCOPE: a rejection (out_of_scope or nlu_fallback)."""
    if IN_SCOPE in case.accepted:
        return not metrics.is_rejected(intent)
    if OUT_OF_SCOPE in case.accepted:
        return metrics.is_rejected(intent)
    return intent in case.accepted


@dataclass(frozen=True)
class Scored:
    cases: list[Case]
    parses: list[Parse]

    @property
    def accuracy(self) -> float:
        return metrics.share(
            [str(is_right(c, p.intent)) for c, p in zip(self.cases, self.parses, strict=True)], {"True"}
        )

    def by_group(self) -> dict[str, Scored]:
        groups: dict[str, list[int]] = defaultdict(list)
        for index, case in enumerate(self.cases):
            groups[case.group].append(index)
        return {g: Scored([self.cases[i] for i in ix], [self.parses[i] for i in ix]) for g, ix in groups.items()}

    def mistakes(self) -> list[tuple[Case, Parse]]:
        return [(c, p) for c, p in zip(self.cases, self.parses, strict=True) if not is_right(c, p.intent)]


def score(parse: Parser, cases: list[Case]) -> Scored:
    return Scored(cases, parse([case.text for case in cases]))


@dataclass(frozen=True)
class HoldoutResult:
    scored: Scored
    intents: dict[str, metrics.Scores]
    macro_f1: float
    accuracy: float
    confusions: list[tuple[str, str, int]]
    entities: dict[str, metrics.Scores]


def evaluate_holdout(parse: Parser, cases: list[Case]) -> HoldoutResult:
    """Strict per-intent scores (nlu_fallback counts as a wrong intent, as in `rasa test nlu`)."""
    scored = score(parse, cases)
    gold = [case.label for case in cases]
    predicted = [p.intent for p in scored.parses]
    intents = metrics.per_label_scores(gold, predicted)
    return HoldoutResult(
        scored=scored,
        intents=intents,
        macro_f1=metrics.macro_f1(intents),
        accuracy=metrics.accuracy(gold, predicted),
        confusions=metrics.top_confusions(gold, predicted),
        entities=metrics.entity_scores([c.entities for c in cases], [p.entities for p in scored.parses]),
    )


@dataclass(frozen=True)
class Evaluation:
    holdout: HoldoutResult
    out_of_scope: Scored
    borderline: Scored
    robustness: Scored
    real_users: Scored
    consumer_questions: Optional[Scored]  # None when skipped (500 long messages: the slowest set to parse)

    @property
    def scope(self) -> metrics.ScopeScores:
        """Rejection of the off-topic set against the in-scope held-out messages plus the borderline set."""
        in_scope = [
            p.intent
            for c, p in zip(self.holdout.scored.cases, self.holdout.scored.parses, strict=True)
            if c.label != OUT_OF_SCOPE
        ] + [p.intent for p in self.borderline.parses]
        return metrics.scope_scores(in_scope, [p.intent for p in self.out_of_scope.parses])

    def real_user_share(self, expect: str) -> float:
        """Share of the real-user messages with this `expect` value that were handled right."""
        return self.real_users.by_group()[expect].accuracy


def evaluate(parse: Parser, consumer_questions: bool = True) -> Evaluation:
    return Evaluation(
        holdout=evaluate_holdout(parse, sets.load_holdout()),
        out_of_scope=score(parse, sets.load_out_of_scope()),
        borderline=score(parse, sets.load_borderline()),
        robustness=score(parse, sets.load_robustness()),
        real_users=score(parse, sets.load_real_users(sets.REAL_USER_PHRASES)),
        consumer_questions=score(parse, sets.load_real_users(sets.CONSUMER_HEALTH_QUESTIONS))
        if consumer_questions
        else None,
    )
