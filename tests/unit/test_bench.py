"""The benchmark's own arithmetic (scripts/bench.py): the messages it draws and the figures it reports. The
benchmark itself is `make bench`, never a unit test."""

from __future__ import annotations

import random

from scripts import bench


def test_a_conversation_draws_each_message_from_its_steps_pool_in_turn() -> None:
    messages = bench.draw(bench.OURS_STEPS, 9, random.Random(1))
    assert [messages[n] in bench.OURS_STEPS[n % 7] for n in range(9)] == [True] * 9
    assert messages[:7] != bench.draw(bench.OURS_STEPS, 7, random.Random(2))  # patients do not all say the same


def test_the_long_conversations_compare_the_same_kinds_of_message() -> None:
    for steps in (bench.OURS_LONG, bench.STOCK_LONG):
        assert [(n - 1) % len(steps) for n in bench.EARLY] == [(n - 1) % len(steps) for n in bench.LATE]
    assert max(bench.LATE) <= bench.LONG_MESSAGES


def test_figures_at_given_messages_are_medians_in_ms_leaving_errors_out() -> None:
    conversations: list[list[float | None]] = [[0.01, 0.02, 0.03], [0.05, None, 0.07]]
    assert bench.at_messages(conversations, (1, 2)) == 20.0  # 10, 20, 50 ms
    assert bench.at_messages(conversations, (2,)) == 20.0
    assert bench.ratio(30.0, 20.0) == "1.50" and bench.ratio(1.0, float("nan")) == "n/a"
