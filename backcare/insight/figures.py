"""The weekly report's figures, computed from plain conversations (no Rasa, no plotting)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from backcare.booking.summary import TOPIC_WORDS
from backcare.checkins.store import CheckinFigures
from backcare.insight.flags import ESCALATION_LEVELS, LOW_CONFIDENCE, Flags, FormOutcome, flags_of
from backcare.insight.records import BotMessage, Conversation, UserMessage
from backcare.insight.redaction import redactor_for

TOP = 10


@dataclass(frozen=True)
class Funnel:
    started: int
    completed: int
    abandoned_at: dict[str, int]  # question -> how many stopped there


@dataclass(frozen=True)
class ReportFigures:
    since: dt.date
    until: dt.date  # exclusive
    conversations: int
    messages: int
    per_day: dict[dt.date, tuple[int, int]]  # day -> (conversations, user messages)
    top_topics: list[tuple[str, int]]
    fallback_rate: float  # share of user messages misunderstood
    escalations: dict[str, int]  # level -> conversations
    medication_cautions: int
    booking: Funnel
    callback: Funnel
    handoffs: int
    helpful: int
    not_helpful: int
    response_median_s: Optional[float]
    response_p95_s: Optional[float]
    unrecognised: list[tuple[str, int]]  # redacted message -> times
    # Follow-up check-ins (issue 22), from their own table (scripts/report.py adds them); None: not read.
    checkins: Optional[CheckinFigures] = None


def response_times(conversation: Conversation) -> list[float]:
    """Seconds from each user message to the first bot message after it (unanswered messages are skipped)."""
    times: list[float] = []
    waiting: Optional[UserMessage] = None
    for item in conversation.timeline:
        if isinstance(item, UserMessage):
            waiting = item
        elif waiting is not None and isinstance(item, BotMessage):
            times.append((item.at - waiting.at).total_seconds())
            waiting = None
    return times


def percentile(values: Sequence[float], share: float) -> Optional[float]:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * share)) - 1]


def topic_name(intent: str) -> str:
    return TOPIC_WORDS.get(intent, intent.replace("_", " "))


def _funnel(outcomes: Sequence[FormOutcome]) -> Funnel:
    stopped = Counter(outcome.stopped_at or "start" for outcome in outcomes if outcome.abandoned)
    return Funnel(sum(o.started for o in outcomes), sum(o.completed for o in outcomes), dict(stopped.most_common()))


def report_figures(
    conversations: Sequence[Conversation], since: dt.date, until: dt.date, threshold: float = LOW_CONFIDENCE
) -> ReportFigures:
    flags: list[Flags] = [flags_of(c, threshold) for c in conversations]
    per_day: dict[dt.date, list[int]] = {since + dt.timedelta(days=n): [0, 0] for n in range((until - since).days)}
    topics: Counter[str] = Counter()
    unrecognised: Counter[str] = Counter()
    times: list[float] = []
    messages = missed = 0
    for conversation, flag in zip(conversations, flags, strict=True):
        users = conversation.user_messages
        day = per_day.setdefault(conversation.started.date(), [0, 0])
        day[0] += 1
        day[1] += len(users)
        messages += len(users)
        missed += len(flag.misunderstood)
        topics.update(topic_name(m.intent) for m in users if m.intent in TOPIC_WORDS)
        redactor = redactor_for(conversation)
        unrecognised.update(redactor.user_message(m) for m in flag.misunderstood)
        times += response_times(conversation)
    levels = Counter(flag.escalation for flag in flags if flag.escalation)
    return ReportFigures(
        since=since,
        until=until,
        conversations=len(conversations),
        messages=messages,
        per_day={day: (counts[0], counts[1]) for day, counts in sorted(per_day.items())},
        top_topics=topics.most_common(TOP),
        fallback_rate=missed / messages if messages else 0.0,
        escalations={level: levels.get(level, 0) for level in ESCALATION_LEVELS},
        medication_cautions=sum(1 for flag in flags if flag.medication_cautions),
        booking=_funnel([flag.booking for flag in flags]),
        callback=_funnel([flag.callback for flag in flags]),
        handoffs=sum(flag.handoff for flag in flags),
        helpful=sum(flag.helpful is True for flag in flags),
        not_helpful=sum(flag.helpful is False for flag in flags),
        response_median_s=statistics.median(times) if times else None,
        response_p95_s=percentile(times, 0.95),
        unrecognised=unrecognised.most_common(TOP),
    )
