"""Independent writers' sets through the running dialogue: does each message get the right KIND of answer?

The writers (tests/writer_sets/*.yml) saw only the clinical facts sheet and a one-page brief, never data/, the
patterns or earlier sets. Each case is one message or a 2-3 turn conversation, each turn labelled with the kind
of answer a person needs (`treatment`, `medication`, `emergency`, ...; a list when two would do).

Every turn goes over the REST channel to the real assistant (NLU, safety net, rules, actions). The kind of the
answer is read from what the person sees and what the assistant did (its tracker events):

    emergency / urgent    the reply carries the 999 or the same-day words (tests/model/test_safety_suite.py)
    unclear_999           the conditional "call 999 if..." reply for a red flag nobody could name
    sign_check            one question before escalating ("is it new since the back pain?")
    fallback / clarify    "didn't follow" / "which did you mean"
    <topic kind>          the knowledge entry the guidance chose, else the answer the intent's rule gives
    subject               an everyday entry chosen because the message names its subject (driving, a fit note,
                          a mattress...): right for any question about the back's care, recovery or causes

A sign check is answered as the person would: "yes" when the writer marked the turn emergency or urgent, "no"
otherwise; the turn is judged on the reply that follows (and counted as asked).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from backcare.knowledge import KnowledgeBase

WRITER_SETS = Path(__file__).resolve().parents[1] / "tests" / "writer_sets"
EMERGENCY_WORDS = "Please call 999 or go to A&E now"
URGENT_WORDS = "Please get medical help today"
RED_FLAG_KINDS = ("emergency", "urgent")
ANY = "any"

# What the person needs, as the writers' brief names it, from the intent that answered.
INTENT_KINDS = {
    "ask_what_is_spasm": "what_is_spasm",
    "ask_symptoms": "symptoms",
    "ask_causes": "causes",
    "ask_diagnosis": "diagnosis",
    "ask_treatment": "treatment",
    "ask_medication": "medication",
    "ask_prevention": "prevention",
    "ask_recovery": "recovery",
    "ask_when_to_seek_help": "when_to_seek_help",
    "check_symptoms": "when_to_seek_help",
    "ask_nhs": "nhs",
    "ask_which_professional": "which_professional",
    "book_appointment": "booking",
    "find_physio": "booking",
    "ask_clinic_info": "clinic_info",
    "ask_insurance": "insurance",
    "request_human": "human",
    "greet": "greet",
    "thank": "thanks",
    "goodbye": "goodbye",
    "bot_challenge": "bot_challenge",
    "out_of_scope": "out_of_scope",
    "stop": "goodbye",
}
# What the person got, from the action that answered (when no knowledge entry did).
ACTION_KINDS = {
    "booking_form": "booking",
    "callback_form": "human",
    "action_request_human": "human",
    "action_give_clinic_info": "clinic_info",
    "action_answer_insurance": "insurance",
    "utter_greet": "greet",
    "utter_goodbye": "goodbye",
    "utter_you_are_welcome": "thanks",
    "utter_iamabot": "bot_challenge",
    "utter_out_of_scope": "out_of_scope",
    "screening_form": "when_to_seek_help",
    "action_show_exercise": "treatment",  # the stretch routine (issue 21): how to do a stretch is self-care
}
MEDICINE_TOPIC = "medicine"
TRIAGE_TOPIC = "triage"
SUBJECT = "subject"
# What a subject entry may rightly answer: a question about the back's care, not the clinic or a warning sign.
SUBJECT_KINDS = frozenset(
    {
        "treatment",
        "recovery",
        "prevention",
        "causes",
        "symptoms",
        "what_is_spasm",
        "when_to_seek_help",
        "diagnosis",
        "which_professional",
        "nhs",
    }
)


@dataclass(frozen=True)
class Turn:
    text: str
    expect: frozenset[str]


@dataclass(frozen=True)
class WriterCase:
    id: str
    turns: tuple[Turn, ...]
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WriterSet:
    name: str
    writer: str
    cases: tuple[WriterCase, ...]


@dataclass
class TurnResult:
    case_id: str
    text: str
    expect: frozenset[str]
    kind: str
    reply: str
    tags: frozenset[str]
    asked_first: bool = False

    @property
    def expects_red_flag(self) -> str:
        """'emergency', 'urgent' or '' (the most serious level the writer expected)."""
        return next((level for level in RED_FLAG_KINDS if level in self.expect), "")

    @property
    def right(self) -> bool:
        if ANY in self.expect:
            return self.kind not in ("emergency", "unclear_999")
        if self.expects_red_flag == "urgent":
            return self.kind in RED_FLAG_KINDS
        if self.kind == SUBJECT:
            return bool(self.expect & SUBJECT_KINDS)
        return self.kind in self.expect


@dataclass
class SetScore:
    name: str
    writer: str
    results: list[TurnResult] = field(default_factory=list)

    def _of(self, level: str) -> list[TurnResult]:
        return [r for r in self.results if r.expects_red_flag == level]

    @property
    def ordinary(self) -> list[TurnResult]:
        return [r for r in self.results if not r.expects_red_flag and ANY not in r.expect]

    @property
    def in_scope(self) -> list[TurnResult]:
        return [r for r in self.ordinary if "out_of_scope" not in r.expect]

    def figures(self) -> dict[str, Any]:
        emergency, urgent, ordinary, in_scope = self._of("emergency"), self._of("urgent"), self.ordinary, self.in_scope
        return {
            "cases": len({r.case_id for r in self.results}),
            "turns": len(self.results),
            "emergency_recall": _share(r.right for r in emergency),
            "emergency_n": len(emergency),
            "urgent_recall": _share(r.right for r in urgent),
            "urgent_n": len(urgent),
            "ordinary_right": _share(r.right for r in ordinary),
            "ordinary_n": len(ordinary),
            "ordinary_999_first": sum(r.kind in ("emergency", "unclear_999") for r in ordinary),
            "in_scope_fallback": _share(r.kind == "fallback" for r in in_scope),
            "in_scope_n": len(in_scope),
            "asked_first": sum(r.asked_first for r in self.results),
        }

    def misses(self) -> list[TurnResult]:
        return [r for r in self.results if not r.right]


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 1.0


# --- reading the sets ------------------------------------------------------------------------------------


def _kinds(raw: Any) -> frozenset[str]:
    values = raw if isinstance(raw, list) else [raw]
    return frozenset(str(value).strip() for value in values if value)


def load_writer_set(path: Path) -> WriterSet:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = tuple(
        WriterCase(
            id=str(raw["id"]),
            turns=tuple(Turn(str(turn["text"]), _kinds(turn.get("expect"))) for turn in raw["turns"]),
            tags=frozenset(raw.get("tags") or ()),
        )
        for raw in document["cases"]
    )
    return WriterSet(path.stem, str(document.get("writer", path.stem)), cases)


def writer_set_paths(folder: Path = WRITER_SETS) -> list[Path]:
    return sorted(folder.glob("*.yml"))


# --- what the assistant did ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnTrace:
    """What the tracker store holds for one turn: the message's final intent, the actions and the topic."""

    intent: str
    actions: tuple[str, ...]
    topic: Optional[str]
    in_emergency_before: bool


class TrackerReader:
    """Reads a sender's events from the assistant's SQLite tracker store (tests/model/assistant.py)."""

    def __init__(self, database: Path) -> None:
        self._database = database

    def events(self, sender: str) -> list[dict[str, Any]]:
        with sqlite3.connect(self._database) as connection:
            rows = connection.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def last_turn(self, sender: str) -> TurnTrace:
        events = self.events(sender)
        users = [i for i, event in enumerate(events) if event.get("event") == "user"]
        start = users[-1] if users else 0
        before, after = events[:start], events[start:]
        intent = ((after[0].get("parse_data") or {}).get("intent") or {}).get("name", "") if after else ""
        return TurnTrace(
            intent=str(intent),
            actions=tuple(str(e["name"]) for e in after if e.get("event") == "action" and e.get("name")),
            topic=_last_slot(after, "topic"),
            in_emergency_before=_last_slot(before, "triage_level") == "emergency",
        )


def _last_slot(events: Sequence[Mapping[str, Any]], name: str) -> Optional[str]:
    values = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == name]
    return str(values[-1]) if values and values[-1] is not None else None


# --- judging a reply -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyTexts:
    """Openings of the replies that are not answers, read from the content so the judge follows wording changes."""

    unclear: str
    fallback: str
    clarify: str
    sign_check: str
    # Said before later answers once a same-day sign was named (backcare/triage/advice.yml, urgent `reminder`).
    urgent_reminder: str = ""
    # Openings of fixed answers (greeting, thanks, clinic details...) -> kind: they may be given by an action that
    # hands a message on to another intent, so no action or intent in the tracker names them.
    answers: Mapping[str, str] = field(default_factory=dict)


def topic_kinds(kb: KnowledgeBase) -> dict[str, str]:
    """Knowledge entry id -> kind: the entry's first intent, `treatment` for the treatment entries, `subject` for the
    everyday entries chosen by the subject a message names."""
    kinds = {MEDICINE_TOPIC: "medication"}
    for entry in kb.entries:
        intents = [intent for intent in entry.intents if intent in INTENT_KINDS]
        if entry.subject_words or entry.ages_under is not None:
            kinds[entry.id] = SUBJECT
        else:
            kinds[entry.id] = INTENT_KINDS[intents[0]] if intents else "treatment"
    kinds["opioids"] = "medication"
    return kinds


def judge_kind(reply: str, trace: TurnTrace, texts: ReplyTexts, topics: Mapping[str, str]) -> str:
    answered = trace.topic not in (None, TRIAGE_TOPIC)  # a knowledge entry answered in this turn
    if EMERGENCY_WORDS in reply and not (trace.in_emergency_before and answered):
        return "emergency"
    if URGENT_WORDS in reply:
        return "urgent"
    for kind, opening in (
        ("unclear_999", texts.unclear),
        ("sign_check", texts.sign_check),
        ("clarify", texts.clarify),
        ("fallback", texts.fallback),
    ):
        if opening and opening in reply:
            return kind
    fixed = next((kind for opening, kind in texts.answers.items() if opening and reply.startswith(opening)), None)
    if fixed:
        return fixed
    if answered:
        return topics.get(trace.topic or "", "no_guidance")
    if "action_give_guidance" in trace.actions:
        return "no_guidance"
    if "action_triage_red_flag" in trace.actions:
        return "routine_triage"
    by_action = next((ACTION_KINDS[action] for action in trace.actions if action in ACTION_KINDS), None)
    return by_action or INTENT_KINDS.get(trace.intent, trace.intent or "none")


Send = Callable[[str, str], list[dict[str, Any]]]


def reply_text(replies: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(str(reply.get("text") or "") for reply in replies)


def run_case(
    case: WriterCase, send: Send, tracker: TrackerReader, texts: ReplyTexts, topics: Mapping[str, str]
) -> list[TurnResult]:
    sender = f"writer-{case.id}-{uuid.uuid4().hex[:8]}"
    results = []
    for turn in case.turns:
        reply = reply_text(send(turn.text, sender))
        trace = tracker.last_turn(sender)
        kind = _help_repeated(turn, trace, reply, texts) or judge_kind(reply, trace, texts, topics)
        asked = kind == "sign_check"
        if asked:
            answer = "yes" if turn.expect & set(RED_FLAG_KINDS) else "no"
            reply = reply_text(send(answer, sender))
            kind = judge_kind(reply, tracker.last_turn(sender), texts, topics)
        results.append(TurnResult(case.id, turn.text, turn.expect, kind, reply, case.tags, asked))
    return results


def _help_repeated(turn: Turn, trace: TurnTrace, reply: str, texts: ReplyTexts) -> str:
    """After a 999 answer, a later turn that still needs it ("he won't go", "it's probably just stress") gets the
    999 advice again before the answer to what was asked: that is the emergency answer for that turn; likewise the
    same-day reminder after an urgent answer. (An ordinary follow-up in the same state is judged by its answer, so a
    repeated warning never counts against it.) Empty when neither applies."""
    if "emergency" in turn.expect and trace.in_emergency_before and EMERGENCY_WORDS in reply:
        return "emergency"
    if "urgent" in turn.expect and texts.urgent_reminder and texts.urgent_reminder in reply:
        return "urgent"
    return ""


# Conversations sent at once: each case has its own sender, so they cannot affect one another, and while the Rasa
# server works on one message the action server and the HTTP round trips of others proceed.
CONVERSATIONS_AT_ONCE = 4


def score_set(
    writer_set: WriterSet, send: Send, tracker: TrackerReader, texts: ReplyTexts, topics: Mapping[str, str]
) -> SetScore:
    score = SetScore(writer_set.name, writer_set.writer)
    with ThreadPoolExecutor(CONVERSATIONS_AT_ONCE) as pool:
        for results in pool.map(lambda case: run_case(case, send, tracker, texts, topics), writer_set.cases):
            score.results.extend(results)
    return score


# --- the report ------------------------------------------------------------------------------------------

FIGURE_COLUMNS = (
    ("emergency recall", lambda f: f"{f['emergency_recall']:.2f} ({f['emergency_n']})"),
    ("urgent recall", lambda f: f"{f['urgent_recall']:.2f} ({f['urgent_n']})"),
    ("ordinary right kind", lambda f: f"{f['ordinary_right']:.2f} ({f['ordinary_n']})"),
    ("999-first on ordinary", lambda f: str(f["ordinary_999_first"])),
    ("fallback on in-scope", lambda f: f"{f['in_scope_fallback']:.3f} ({f['in_scope_n']})"),
    ("asked first", lambda f: str(f["asked_first"])),
)


def figures_table(scores: Sequence[SetScore]) -> str:
    header = "| set | cases / turns | " + " | ".join(name for name, _ in FIGURE_COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(FIGURE_COLUMNS) + 2)]
    for score in scores:
        figures = score.figures()
        cells = [render(figures) for _, render in FIGURE_COLUMNS]
        lines.append(f"| {score.name} | {figures['cases']} / {figures['turns']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def miss_summary(score: SetScore) -> str:
    kinds = Counter(f"{'/'.join(sorted(r.expect))} -> {r.kind}" for r in score.misses())
    return ", ".join(f"{pair} ({count})" for pair, count in kinds.most_common(12))


def miss_lines(score: SetScore) -> list[str]:
    return [
        f"  - [{r.case_id}] {r.text!r} expected {'/'.join(sorted(r.expect))}, got {r.kind}: "
        f"{' '.join(r.reply.split())[:160]}"
        for r in score.misses()
    ]
