"""What to say after a check-in reply, and how the staff report counts it.

- A new warning sign: the same emergency or urgent answer as anywhere else (backcare.triage).
- Pain 7/10 or more, worse at any check-in, or the same after a week: see a GP or physio, with the offer to book.
- Otherwise (better, or the same after 2 days: give it time): what to keep doing, then the next check-in's day
  or goodbye.
- Nothing readable: ask once more, with an example.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Optional

from backcare.checkins.messages import load_wording
from backcare.checkins.reading import CheckinAnswer, Trend
from backcare.checkins.schedule import uk_day
from backcare.guidance import with_sources
from backcare.reply import Reply
from backcare.triage import Level, disposition, highest_level

SEVERE_PAIN = 7.0
# The second check-in (7 days): "the same" then means no better after a week.
WEEK_STEP = 2


class Outcome(str, Enum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    SEE_GP = "see_gp"
    KEEP_GOING = "keep_going"
    UNCLEAR = "unclear"

    @property
    def escalation(self) -> bool:
        return self in (Outcome.EMERGENCY, Outcome.URGENT, Outcome.SEE_GP)


@dataclass(frozen=True)
class CheckinReply:
    outcome: Outcome
    replies: tuple[Reply, ...]
    # The triage level the conversation is left in (the 999 advice then leads every answer), if any.
    triage_level: Optional[Level] = None


def _reason(answer: CheckinAnswer, step: int) -> Optional[str]:
    reasons = load_wording().reasons
    if answer.pain is not None and answer.pain >= SEVERE_PAIN:
        pain = int(answer.pain) if answer.pain == int(answer.pain) else answer.pain
        return reasons["severe"].format(pain=pain)
    if answer.trend is Trend.WORSE:
        return reasons["worse"]
    if answer.trend is Trend.SAME and step >= WEEK_STEP:
        return reasons["same_after_week"]
    return None


def respond(answer: CheckinAnswer, step: int, next_due: Optional[dt.datetime]) -> CheckinReply:
    """The reply to a check-in answer; `step` is 1 (2 days) or 2 (7 days), `next_due` the next check-in, if any."""
    wording = load_wording()
    if answer.signs:
        level = highest_level(answer.signs)
        if level is not Level.ROUTINE:
            advice = disposition(level, answer.signs)
            outcome = Outcome.EMERGENCY if level is Level.EMERGENCY else Outcome.URGENT
            reply = Reply(with_sources(advice.text, advice.sources), advice.buttons, topic="triage")
            return CheckinReply(outcome, (reply,), level)
    if not answer.understood:
        return CheckinReply(Outcome.UNCLEAR, (wording["unclear"].reply(),))
    reason = _reason(answer, step)
    if reason:
        return CheckinReply(Outcome.SEE_GP, (wording["see_gp"].reply(sourced=True, why=reason),))
    follow = wording["next_checkin"].reply(day=uk_day(next_due)) if next_due else wording["goodbye"].reply()
    keep_going = "no_change_yet" if answer.trend is Trend.SAME else "keep_going"
    return CheckinReply(Outcome.KEEP_GOING, (wording[keep_going].reply(sourced=True), follow))
