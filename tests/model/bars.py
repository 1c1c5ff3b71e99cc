"""A quality figure with the issue's target and a floor.

Below the floor is a regression and fails. Between floor and target is a known gap, reported as xfail with the
measured value, until the data closes it (reaching the target with the gap still declared is printed, so the
declaration can go). Floors sit about 0.03 below the figure measured on the model named in GAP: retraining on
changed data moves these figures by a point or two, and a floor at the measured value failed on noise.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from nlu_eval.evaluate import Scored

# The known gaps of issues 8 and 16: where they were measured, and where the misses are listed.
GAP = "measured on backspasm-c7deab7c7ca05773 (2026-12-02); see docs/nlu-report.md for the misses"


class Bar(NamedTuple):
    target: float
    floor: float
    known_gap: str = ""  # why the target is not met yet; empty when it is


def check(name: str, value: float, bar: Bar, mistakes: Scored, at_most: bool = False) -> None:
    sign = -1 if at_most else 1
    print(f"\n{name}: {value:.3f} (target {bar.target}, floor {bar.floor})")
    errors = [(case.text[:80], parse.intent) for case, parse in mistakes.mistakes()]
    assert sign * value >= sign * bar.floor, f"{name} {value:.3f} is past the floor {bar.floor}: {errors}"
    if sign * value >= sign * bar.target:
        if bar.known_gap:
            print(f"{name} now meets its target {bar.target}: the known gap can go and the floor can rise")
    elif bar.known_gap:
        pytest.xfail(f"{name} {value:.3f}, target {bar.target} not met yet: {bar.known_gap}")
    else:
        pytest.fail(f"{name} {value:.3f} misses the target {bar.target}: {errors}")
