"""docs/nlu-report.md: the figures of one model, written by `make eval`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from nlu_eval.evaluate import Evaluation, Scored


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _mistakes(scored: Scored, limit: int = 15) -> str:
    rows = [(case.text[:110], "/".join(sorted(case.accepted)), parse.intent) for case, parse in scored.mistakes()]
    shown = table(("message", "expected", "got"), rows[:limit]) if rows else "None."
    more = f"\n\n({len(rows) - limit} more not shown.)" if len(rows) > limit else ""
    return shown + more


def holdout_section(evaluation: Evaluation) -> str:
    holdout = evaluation.holdout
    intents = table(
        ("intent", "precision", "recall", "F1", "support"),
        [(name, s.precision, s.recall, s.f1, s.support) for name, s in holdout.intents.items()],
    )
    entities = table(
        ("entity", "precision", "recall", "F1", "support"),
        [(name, s.precision, s.recall, s.f1, s.support) for name, s in holdout.entities.items()],
    )
    entity_macro = sum(s.f1 for s in holdout.entities.values()) / max(len(holdout.entities), 1)
    confusions = table(("gold", "predicted", "count"), holdout.confusions)
    return (
        f"## Held-out set (tests/nlu_holdout.yml, {len(holdout.scored.cases)} messages)\n\n"
        f"Intent accuracy **{holdout.accuracy:.3f}**, macro-F1 **{holdout.macro_f1:.3f}**; entity macro-F1 "
        f"**{entity_macro:.3f}** (an entity counts when its type and canonical value match, message by message).\n\n"
        f"{intents}\n\nTop confusions:\n\n{confusions}\n\nEntities:\n\n{entities}\n"
    )


def scope_section(evaluation: Evaluation) -> str:
    scope = evaluation.scope
    groups = table(
        ("theme", "messages", "rejected"),
        [(g, len(s.cases), s.accuracy) for g, s in evaluation.out_of_scope.by_group().items()],
    )
    return (
        "## Out of scope\n\n"
        f"Off-topic set (tests/nlu_sets/out_of_scope.yml, {scope.out_of_scope_count} messages) against the in-scope "
        f"held-out messages plus the borderline set ({scope.in_scope_count} messages). A message is rejected when "
        "its intent is `out_of_scope` or `nlu_fallback`.\n\n"
        f"- out-of-scope recall **{scope.oos_recall:.3f}**, precision **{scope.oos_precision:.3f}**\n"
        f"- in-scope false rejection **{scope.in_scope_false_rejection:.3f}**\n"
        f"- borderline in-domain (neck, sciatica, hip...) kept in scope: **{evaluation.borderline.accuracy:.3f}** "
        f"of {len(evaluation.borderline.cases)}\n\n{groups}\n\nMissed off-topic messages:\n\n"
        f"{_mistakes(evaluation.out_of_scope)}\n\nBorderline messages rejected:\n\n{_mistakes(evaluation.borderline)}\n"
    )


def robustness_section(evaluation: Evaluation) -> str:
    groups = table(
        ("category", "messages", "accuracy"),
        [(g, len(s.cases), s.accuracy) for g, s in evaluation.robustness.by_group().items()],
    )
    return (
        f"## Robustness (tests/nlu_sets/robustness.yml, {len(evaluation.robustness.cases)} messages)\n\n"
        f"Accuracy **{evaluation.robustness.accuracy:.3f}** (a message mixing two topics counts if either intent "
        f"is chosen).\n\n{groups}\n\nMistakes:\n\n{_mistakes(evaluation.robustness, 25)}\n"
    )


def real_user_section(evaluation: Evaluation) -> str:
    def rows(scored: Scored) -> list[tuple[str, int, float]]:
        return [(g, len(s.cases), s.accuracy) for g, s in sorted(scored.by_group().items())]

    return (
        "## Real users (../shared/eval, evaluation only, never trained on)\n\n"
        "`real-user-phrases.tsv` (crowd workers describing their own symptoms): `back_domain` must be in scope, "
        "`out_of_scope` rejected, `emergency` must be `report_red_flag`.\n\n"
        f"{table(('expect', 'messages', 'handled right'), rows(evaluation.real_users))}\n\n"
        + (
            "`consumer-health-questions.tsv` (TREC 2017 LiveQA consumer questions, long and unpunctuated; "
            "reported, no threshold):\n\n"
            f"{table(('expect', 'messages', 'handled right'), rows(evaluation.consumer_questions))}\n\n"
            if evaluation.consumer_questions
            else ""
        )
        + f"Real-user mistakes:\n\n{_mistakes(evaluation.real_users, 25)}\n"
    )


def render(evaluation: Evaluation, model: Path, command: str, extra: str = "") -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "# NLU report\n\n"
        f"Generated {stamp} by `{command}` for model `{model.name}`. Thresholds are enforced by "
        "tests/model/test_nlu_quality.py in `make test`; this report only describes.\n\n"
        + "\n".join(
            [
                holdout_section(evaluation),
                scope_section(evaluation),
                robustness_section(evaluation),
                real_user_section(evaluation),
            ]
        )
        + extra
    )
