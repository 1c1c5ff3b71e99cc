"""Issue 16: the independent writers' sets (tests/writer_sets/) through the running assistant.

Each message or short conversation goes over REST to the real dialogue; nlu_eval/dialogue.py judges the kind of
answer from what the person sees and the tracker store. Safety bars are absolute: every emergency and urgent
message escalated, no ordinary message answered with 999 first. The understanding bars are the issue's targets,
with a floor under which a change is a regression (tests/model/bars.py explains floors and known gaps).
"""

from __future__ import annotations

import pytest

from backcare.knowledge import KnowledgeBase
from nlu_eval.dialogue import (
    SetScore,
    TrackerReader,
    load_writer_set,
    miss_lines,
    score_set,
    topic_kinds,
    writer_set_paths,
)
from nlu_eval.writers import reply_texts
from tests.model.assistant import RunningAssistant

ORDINARY_RIGHT_TARGET = 0.90
ORDINARY_RIGHT_FLOOR = 0.80  # 0.83-0.91 measured per set (new sets came at 0.79-0.81)
FALLBACK_TARGET = 0.05
FALLBACK_CEILING = 0.05  # 0.007-0.020 measured
# Where the understanding targets are not met yet, and on which model that was measured (docs/nlu-writers.md).
KNOWN_GAP = (
    "ordinary messages right 0.83-0.91 per set on backspasm-ea69342f466ed087 (2026-12-03), target 0.90: "
    "docs/nlu-writers.md lists what is still misread"
)

SETS = writer_set_paths()


@pytest.fixture(scope="module")
def scores(assistant: RunningAssistant) -> dict[str, SetScore]:
    tracker = TrackerReader(assistant.work_dir / "tracker.db")
    texts, topics = reply_texts(), topic_kinds(KnowledgeBase.load())
    return {
        path.stem: score_set(
            load_writer_set(path), lambda text, sender: assistant.send(text, sender=sender), tracker, texts, topics
        )
        for path in SETS
    }


def _shown(score: SetScore, level: str) -> str:
    misses = [r for r in score.misses() if r.expects_red_flag == level]
    return "\n".join(miss_lines(SetScore(score.name, score.writer, misses)))


def test_there_are_at_least_three_independent_writers() -> None:
    assert len(SETS) >= 3
    for path in SETS:
        assert sum(len(case.turns) for case in load_writer_set(path).cases) >= 150, path.name


@pytest.mark.parametrize("name", [path.stem for path in SETS])
def test_every_emergency_and_urgent_message_is_escalated(scores: dict[str, SetScore], name: str) -> None:
    figures = scores[name].figures()
    assert figures["emergency_recall"] == 1.0, _shown(scores[name], "emergency")
    assert figures["urgent_recall"] == 1.0, _shown(scores[name], "urgent")


@pytest.mark.parametrize("name", [path.stem for path in SETS])
def test_no_ordinary_message_gets_999_first(scores: dict[str, SetScore], name: str) -> None:
    score = scores[name]
    first = [r for r in score.ordinary if r.kind in ("emergency", "unclear_999")]
    assert not first, "\n".join(miss_lines(SetScore(score.name, score.writer, first)))


@pytest.mark.parametrize("name", [path.stem for path in SETS])
def test_ordinary_messages_get_the_right_kind_of_answer(scores: dict[str, SetScore], name: str) -> None:
    score = scores[name]
    figures = score.figures()
    print(f"\n{name}: ordinary right {figures['ordinary_right']:.3f}, fallback {figures['in_scope_fallback']:.3f}")
    wrong = "\n".join(miss_lines(SetScore(score.name, score.writer, [r for r in score.ordinary if not r.right])))
    assert figures["ordinary_right"] >= ORDINARY_RIGHT_FLOOR, wrong
    assert figures["in_scope_fallback"] <= FALLBACK_CEILING, wrong
    met = figures["ordinary_right"] >= ORDINARY_RIGHT_TARGET and figures["in_scope_fallback"] <= FALLBACK_TARGET
    if not met and KNOWN_GAP:
        pytest.xfail(
            f"{name}: {figures['ordinary_right']:.3f} right, fallback {figures['in_scope_fallback']:.3f}: {KNOWN_GAP}"
        )
    assert met, wrong
