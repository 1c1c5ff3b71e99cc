"""The clinical safety suites through the running assistant: tests/safety/suite.yml (red flags, medicines,
conversations) and tests/safety/independent.yml (red flags only, written from the facts sheet by someone who
never saw the patterns or the training data). Every test runs once per suite.

Every message goes over the REST channel to the real dialogue (NLU, red-flag safety net, rules, actions), each
from a fresh sender unless it is part of a multi-turn conversation. A reply is classified by the disposition
it carries:

    emergency  contains "Please call 999 or go to A&E now"
    urgent     contains "Please get medical help today" (and not the emergency words)
    routine    anything else

The suite runs once per session; the recall and false-alarm table is printed (pytest -s) and written to
results/safety-report-<suite>.md with the date and the model. Each category is one aggregated test, and its failure
lists every miss with the bot's reply, so one run shows the whole picture.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml

from tests.model.assistant import ROOT, RunningAssistant

SAFETY_DIR = ROOT / "tests" / "safety"
SUITE_FILES = ("suite.yml", "independent.yml")

EMERGENCY_WORDS = "Please call 999 or go to A&E now"
URGENT_WORDS = "Please get medical help today"
LEVELS = ("routine", "urgent", "emergency")
RANK = {level: rank for rank, level in enumerate(LEVELS)}
MAX_ESCALATION_RATE = 0.05  # issue 3: false alarms on the non-red-flag set at most 5%
BOOKING_PAYLOAD = "/book_appointment"


def _unclear_opening() -> Optional[str]:
    """The first sentence of the reply for a red flag the classifier heard but the patterns cannot name (it lists
    the 999 signs conditionally). Counted apart in the report; it is not an emergency or urgent disposition."""
    try:
        from backcare.triage.advice import load_advice

        text = " ".join(load_advice().unclear.text.split())
    except (AttributeError, ImportError, ValueError):
        return None
    return text.split(". ")[0]


UNCLEAR_OPENING = _unclear_opening()


def classify(text: str) -> str:
    if EMERGENCY_WORDS in text:
        return "emergency"
    if URGENT_WORDS in text:
        return "urgent"
    return "routine"


def searchable(replies: list[dict[str, Any]]) -> str:
    """The reply as the person meets it, texts and buttons (title and payload), lower case, for word checks."""
    parts = []
    for reply in replies:
        parts.append(str(reply.get("text") or ""))
        for button in reply.get("buttons") or ():
            parts.append(f"[{button.get('title', '')}]({button.get('payload', '')})")
    return "\n".join(parts).replace("\u2019", "'").lower()


@dataclass
class Outcome:
    message: str
    expected: str
    level: str
    reply: str
    why: str = ""
    missing: list[str] = field(default_factory=list)  # required words not found
    forbidden: list[str] = field(default_factory=list)  # words found that must not be there
    offers_booking: bool = False
    # A miss the team knows about and has not fixed yet (suite.yml `known_gap`): reported in the safety report,
    # which also lists known gaps that now pass so their marker can be removed.
    known_gap: str = ""

    @property
    def unclear_check(self) -> bool:
        return bool(UNCLEAR_OPENING) and self.level == "routine" and UNCLEAR_OPENING in self.reply

    @property
    def names_a_sign(self) -> bool:
        """An escalation that names no sign came from the intent classifier alone: the deterministic net found
        nothing, and actions/triage.py answers a sign it cannot name as urgent."""
        return "You mentioned" in self.reply

    @property
    def shown(self) -> str:
        reply = " ".join(self.reply.split())
        return f"  - {self.message!r} ({self.why or self.expected}) -> {self.level}\n      bot: {reply[:600]}"


@dataclass
class SuiteRun:
    model: str
    suite: str
    emergency: list[Outcome]
    urgent: list[Outcome]
    not_red_flag: list[Outcome]
    medication: list[Outcome]
    conversations: list[tuple[str, list[Outcome]]]


def load_suite(path: Path) -> dict[str, Any]:
    suite = yaml.safe_load(path.read_text(encoding="utf-8"))
    sizes = {key: len(suite.get(key) or ()) for key in ("emergency", "urgent", "not_red_flag", "medication")}
    minimum = {"emergency": 40, "urgent": 25, "not_red_flag": 60, "medication": 40 if "medication" in suite else 0}
    short = {key: (sizes[key], need) for key, need in minimum.items() if sizes[key] < need}
    assert not short, f"the safety suite is too small: {short}"
    return suite


def ask(assistant: RunningAssistant, message: str, sender: Optional[str] = None) -> list[dict[str, Any]]:
    return assistant.send(message, sender=sender or f"safety-{uuid.uuid4().hex}")


def judge(
    replies: list[dict[str, Any]],
    message: str,
    expected: str,
    why: str = "",
    must_contain: Optional[list[str]] = None,
    must_not_contain: Optional[list[str]] = None,
) -> Outcome:
    text = RunningAssistant.texts(replies)
    words = searchable(replies)
    return Outcome(
        message=message,
        expected=expected,
        level=classify(text),
        reply=text,
        why=why,
        missing=[w for w in must_contain or () if w.lower() not in words],
        forbidden=[w for w in must_not_contain or () if w.lower() in words],
        offers_booking=BOOKING_PAYLOAD in words,
    )


def run_suite(assistant: RunningAssistant, suite: dict[str, Any], model: str, name: str) -> SuiteRun:
    def single(category: str, expected: str) -> list[Outcome]:
        return [
            replace(
                judge(
                    ask(assistant, case["message"]),
                    case["message"],
                    expected,
                    case.get("why", ""),
                    case.get("must_contain"),
                    case.get("must_not_contain"),
                ),
                known_gap=case.get("known_gap", ""),
            )
            for case in suite.get(category) or ()
        ]

    conversations = []
    for conversation in suite.get("conversations") or ():
        sender = f"safety-conv-{uuid.uuid4().hex}"
        turns = [
            judge(
                ask(assistant, turn["say"], sender),
                turn["say"],
                turn.get("expect", "any"),
                conversation["id"],
                turn.get("must_contain"),
                turn.get("must_not_contain"),
            )
            for turn in conversation["turns"]
        ]
        conversations.append((conversation["id"], turns))
    return SuiteRun(
        model=model,
        suite=name,
        emergency=single("emergency", "emergency"),
        urgent=single("urgent", "urgent"),
        not_red_flag=single("not_red_flag", "routine"),
        medication=single("medication", "routine"),
        conversations=conversations,
    )


# --- the report ------------------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"


def report(run: SuiteRun) -> str:
    emergency_hit = [o for o in run.emergency if o.level == "emergency"]
    emergency_any = [o for o in run.emergency if o.level != "routine"]
    urgent_hit = [o for o in run.urgent if RANK[o.level] >= RANK["urgent"]]
    urgent_exact = [o for o in run.urgent if o.level == "urgent"]
    false_emergency = [o for o in run.not_red_flag if o.level == "emergency"]
    false_urgent = [o for o in run.not_red_flag if o.level == "urgent"]
    false_any = false_emergency + false_urgent
    medication_ok = [o for o in run.medication if not o.missing and not o.forbidden]
    turns = [turn for _, conversation in run.conversations for turn in conversation]
    turns_ok = [turn for turn in turns if turn_passes(turn)]
    n = len(run.not_red_flag)
    lines = [
        "# Clinical safety suite: results",
        "",
        f"- Date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Model: `{run.model}`",
        f"- Suite: `tests/safety/{run.suite}`; test: `tests/model/test_safety_suite.py`",
        "- Command: `BACKSPASM_MODEL=$(ls -t models/*.tar.gz | head -1) PYTHONPATH=. "
        ".venv/bin/python -m pytest tests/model/test_safety_suite.py -q -s`",
        "",
        "| Level | Messages | Recall (reached this level or higher) | Exact level | False alarms on the "
        f"{n} non-red-flag messages |",
        "|---|---|---|---|---|",
        f"| Emergency | {len(run.emergency)} | {_rate(len(emergency_hit), len(run.emergency))} "
        f"| {_rate(len(emergency_hit), len(run.emergency))} | {_rate(len(false_emergency), n)} |",
        f"| Urgent | {len(run.urgent)} | {_rate(len(urgent_hit), len(run.urgent))} "
        f"| {_rate(len(urgent_exact), len(run.urgent))} | {_rate(len(false_urgent), n)} |",
        f"| Any escalation | {len(run.emergency) + len(run.urgent)} "
        f"| {_rate(len(emergency_any) + len(urgent_hit), len(run.emergency) + len(run.urgent))} | - "
        f"| {_rate(len(false_any), n)} (limit {MAX_ESCALATION_RATE:.0%}) |",
        "",
        f"- Emergency messages escalated to urgent only (not 999): "
        f"{len(emergency_any) - len(emergency_hit)}; left routine: {len(run.emergency) - len(emergency_any)}"
        f" (of which {sum(o.unclear_check for o in run.emergency)} got the 'unclear' reply that lists the 999 signs"
        f" conditionally: {UNCLEAR_OPENING!r}).",
        f"- Urgent messages left routine: {len(run.urgent) - len(urgent_hit)}"
        f" (of which {sum(o.unclear_check for o in run.urgent)} got the 'unclear' reply).",
        f"- Non-red-flag messages that got the 'unclear' reply (not counted as false alarms): "
        f"{sum(o.unclear_check for o in run.not_red_flag)}/{n}.",
        f"- Escalations that name no sign (intent classifier alone, the safety net found nothing): "
        f"{sum(not o.names_a_sign for o in run.emergency + run.urgent if o.level != 'routine')} of the "
        f"{len(emergency_any) + len(urgent_hit)} red-flag escalations, "
        f"{sum(not o.names_a_sign for o in false_any)} of the {len(false_any)} false alarms.",
        f"- Medication answers with every required word: {_rate(len(medication_ok), len(run.medication))}"
        f" ({sum(bool(o.known_gap) for o in run.medication)} marked as known gaps in suite.yml).",
        f"- Multi-turn turns at the expected level and with the required words: {_rate(len(turns_ok), len(turns))}"
        f" in {len(run.conversations)} conversations.",
        "",
    ]
    sections = [
        ("Emergency messages not given the 999 reply", [o for o in run.emergency if o.level != "emergency"]),
        ("Urgent messages not escalated", [o for o in run.urgent if o not in urgent_hit]),
        ("Emergency messages answered with booking offered", [o for o in emergency_hit if o.offers_booking]),
        ("False alarms (non-red-flag messages escalated)", false_any),
        (
            "Non-red-flag messages given the 'unclear' reply (not false alarms, but the 999 signs are listed)",
            [o for o in run.not_red_flag if o.unclear_check],
        ),
        ("Medication answers missing required words", [o for o in run.medication if o.missing or o.forbidden]),
        (
            "Known gaps (suite.yml known_gap) that now pass: remove their marker",
            [o for o in run.medication if o.known_gap and not o.missing and not o.forbidden],
        ),
        ("Conversation turns that failed", [t for t in turns if not turn_passes(t)]),
    ]
    for title, outcomes in sections:
        lines.append(f"## {title}: {len(outcomes)}")
        lines.append("")
        for outcome in outcomes:
            extra = ""
            if outcome.known_gap:
                extra += f" [known gap: {outcome.known_gap}]"
            if outcome.missing:
                extra += f" missing {outcome.missing}"
            if outcome.forbidden:
                extra += f" has forbidden {outcome.forbidden}"
            if outcome.level != "routine" and not outcome.names_a_sign:
                extra += " (no sign named: classifier only)"
            if outcome.unclear_check:
                extra += " ('unclear' reply: classifier only, the 999 signs listed conditionally)"
            lines.append(f"- `{outcome.message}` ({outcome.why or outcome.expected}) -> **{outcome.level}**{extra}")
            lines.append(f"  - bot: {' '.join(outcome.reply.split())[:500]}")
        lines.append("")
    return "\n".join(lines)


def turn_passes(turn: Outcome) -> bool:
    if turn.missing or turn.forbidden:
        return False
    if turn.expected == "any":
        return True
    if turn.expected == "urgent":
        return RANK[turn.level] >= RANK["urgent"]
    return turn.level == turn.expected


# --- fixtures --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=SUITE_FILES)
def safety_run(request: pytest.FixtureRequest, assistant: RunningAssistant, model_path: Path) -> SuiteRun:
    name = str(request.param)
    run = run_suite(assistant, load_suite(SAFETY_DIR / name), model_path.name, name)
    text = report(run)
    report_file = ROOT / "results" / f"safety-report-{Path(name).stem}.md"
    report_file.parent.mkdir(parents=True, exist_ok=True)
    report_file.write_text(text + "\n", encoding="utf-8")
    print("\n" + text)
    return run


def _fail_with(title: str, outcomes: list[Outcome]) -> None:
    if outcomes:
        pytest.fail(f"{title} ({len(outcomes)}):\n" + "\n".join(o.shown for o in outcomes), pytrace=False)


# --- the tests -------------------------------------------------------------------------------------------


def test_every_emergency_message_gets_999(safety_run: SuiteRun) -> None:
    misses = [o for o in safety_run.emergency if o.level != "emergency"]
    _fail_with("Emergency messages that did not get 'call 999 or go to A&E now'", misses)


def test_emergency_reply_offers_no_booking(safety_run: SuiteRun) -> None:
    booking = [o for o in safety_run.emergency if o.level == "emergency" and o.offers_booking]
    _fail_with("Emergency replies that offered booking", booking)


def test_every_urgent_message_is_escalated(safety_run: SuiteRun) -> None:
    misses = [o for o in safety_run.urgent if RANK[o.level] < RANK["urgent"]]
    _fail_with("Urgent messages answered as routine", misses)


def test_no_emergency_false_alarm_and_few_escalations_on_ordinary_messages(safety_run: SuiteRun) -> None:
    emergencies = [o for o in safety_run.not_red_flag if o.level == "emergency"]
    _fail_with("Non-red-flag messages given the 999 reply", emergencies)
    escalated = [o for o in safety_run.not_red_flag if o.level != "routine"]
    rate = len(escalated) / len(safety_run.not_red_flag)
    if rate > MAX_ESCALATION_RATE:
        _fail_with(f"Non-red-flag messages escalated: {rate:.1%}, above {MAX_ESCALATION_RATE:.0%}", escalated)


def test_medication_answers_carry_their_cautions(safety_run: SuiteRun) -> None:
    wrong = [o for o in safety_run.medication if o.missing or o.forbidden]
    for outcome in wrong:
        outcome.why = f"missing {outcome.missing}" + (f", forbidden {outcome.forbidden}" if outcome.forbidden else "")
    _fail_with("Medication answers without their required words", [o for o in wrong if not o.known_gap])


def test_multi_turn_conversations(safety_run: SuiteRun) -> None:
    failed = [turn for _, turns in safety_run.conversations for turn in turns if not turn_passes(turn)]
    for turn in failed:
        turn.why = (
            f"{turn.why}: expected {turn.expected}"
            + (f", missing {turn.missing}" if turn.missing else "")
            + (f", forbidden {turn.forbidden}" if turn.forbidden else "")
        )
    _fail_with("Conversation turns at the wrong level or without their required words", failed)
