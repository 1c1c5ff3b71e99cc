"""Staff insight on real conversations: patients talk to the running assistant over the REST channel, the
conversations land in its SQLite tracker store, and the review and report commands read them back through
Rasa's tracker-store API. Checks the flags, the masking of every name, phone number and email in every output,
the review file, and the report's figures against the conversations the test held."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from backcare.feedback import FEEDBACK_QUESTION
from backcare.insight.figures import report_figures
from backcare.insight.flags import flags_of
from backcare.insight.period import date_range
from scripts import report, review
from scripts.conversation_store import load_conversations
from tests.model.assistant import ROOT, RunningAssistant

NAME = "Marjorie Quellington"
PHONE, PHONE_OUTSIDE_FORM = "07400 271828", "07400 161803"
EMAIL = "marjorie.quellington@example.com"
# Every way these could show up: as typed, normalised (E.164), digits only, and the parts of the name.
SECRETS = ("Marjorie", "Quellington", PHONE, "+447400271828", "7400271828", "271828", "161803", EMAIL)
GIBBERISH = "flibbertigibbet wobblegong snorkelwhist"


@dataclass
class Recorded:
    assistant: RunningAssistant
    senders: dict[str, str]
    replies: dict[str, list[str]]
    messages: int

    @property
    def endpoints(self) -> Path:
        return self.assistant.work_dir / "endpoints.yml"


SCRIPTS = {
    "feedback": ["what causes back spasms?", "how long will my back spasm last?", "/rate_not_helpful"],
    "emergency": ["my back hurts and i can't feel anything between my legs", "what causes back spasms?",
                  "how long will it last?"],
    "booking": ["can i book an appointment", "/affirm", NAME, PHONE, "oh forget it, i will ring you later"],
    "callback": ["can i speak to a real person please", "/affirm", NAME, EMAIL],
    "misses": [GIBBERISH, "can i take ibuprofen? i have asthma", f"my number is {PHONE_OUTSIDE_FORM} if you need it"],
}


@pytest.fixture(scope="module")
def recorded(assistant: RunningAssistant) -> Recorded:
    run = uuid.uuid4().hex[:8]
    senders = {name: f"insight-{name}-{run}" for name in SCRIPTS}
    replies = {name: [assistant.texts(assistant.send(message, sender=senders[name])) for message in script]
               for name, script in SCRIPTS.items()}
    return Recorded(assistant, senders, replies, sum(len(script) for script in SCRIPTS.values()))


@pytest.fixture
def output(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """What the review command prints, on a console wide enough that nothing is wrapped or cut."""
    buffer = io.StringIO()
    monkeypatch.setattr(review, "console", review.plain_console(file=buffer, width=1000))
    yield buffer


def no_secrets(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert not leaked, f"{leaked} shown unmasked"


def test_the_conversations_were_what_the_flags_expect(recorded: Recorded) -> None:
    replies = recorded.replies
    assert FEEDBACK_QUESTION.text in replies["feedback"][1] and "didn't help" in replies["feedback"][2]
    assert "999" in replies["emergency"][0]
    assert not any(FEEDBACK_QUESTION.text in reply for reply in replies["emergency"]), "no rating after a red flag"
    assert "stopped the booking" in replies["booking"][-1]


def test_flags_of_each_conversation(recorded: Recorded) -> None:
    conversations = {c.sender_id: c for c in load_conversations(recorded.endpoints,
                                                                senders=recorded.senders.values())}
    flags = {name: flags_of(conversations[sender]) for name, sender in recorded.senders.items()}
    assert flags["feedback"].helpful is False and flags["feedback"].escalation is None
    assert flags["emergency"].escalation == "emergency"
    assert flags["booking"].booking.abandoned and flags["booking"].booking.stopped_at == "appointment_type"
    assert flags["callback"].handoff and flags["callback"].callback.completed
    assert not flags["callback"].booking.started
    assert [m.text for m in flags["misses"].misunderstood][:1] == [GIBBERISH]
    assert flags["misses"].medication_cautions == 1
    assert not any(flags[name].misunderstood for name in ("feedback", "callback"))


def test_review_list_show_and_misses_mask_every_name_phone_and_email(recorded: Recorded, output: io.StringIO,
                                                                      tmp_path: Path) -> None:
    endpoints = ["--endpoints", str(recorded.endpoints)]
    csv_file = tmp_path / "list.csv"
    assert review.main([*endpoints, "list", "--days", "1", "--csv", str(csv_file)]) == 0
    rows = {line.split(",")[0]: line for line in csv_file.read_text().splitlines()}
    assert "EMERGENCY" in rows[recorded.senders["emergency"]]
    assert "booking left at appointment_type" in rows[recorded.senders["booking"]]
    assert "hand-off" in rows[recorded.senders["callback"]] and "call-back done" in rows[recorded.senders["callback"]]
    assert "NOT helpful" in rows[recorded.senders["feedback"]]
    assert review.main([*endpoints, "list", "--days", "1", "--flag", "emergency"]) == 0
    assert review.main([*endpoints, "misses", "--days", "1"]) == 0
    for sender in recorded.senders.values():
        assert review.main([*endpoints, "show", sender]) == 0
    printed = output.getvalue()
    assert f"{recorded.senders['misses']}:0" in printed and GIBBERISH in printed
    assert "[name]" in printed and "[contact]" in printed and "[phone]" in printed
    no_secrets(printed + csv_file.read_text())


def test_the_unmasked_transcript_needs_a_name_and_leaves_an_audit_line(recorded: Recorded, output: io.StringIO,
                                                                        tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review, "AUDIT_LOG", tmp_path / "audit.log")
    sender = recorded.senders["booking"]
    endpoints = ["--endpoints", str(recorded.endpoints)]
    assert review.main([*endpoints, "show", sender, "--unredacted"]) == 2
    assert not (tmp_path / "audit.log").exists()
    assert review.main([*endpoints, "show", sender, "--unredacted", "--staff", "Dr Lead"]) == 0
    assert NAME in output.getvalue() and PHONE in output.getvalue()
    [line] = (tmp_path / "audit.log").read_text().splitlines()
    assert "staff=Dr Lead" in line and sender in line


def test_a_miss_goes_to_the_review_file_once_masked_and_rasa_validates_it(recorded: Recorded, output: io.StringIO,
                                                                           tmp_path: Path) -> None:
    review_file = tmp_path / "review" / "misses.yml"
    endpoints = ["--endpoints", str(recorded.endpoints)]
    misses = recorded.senders["misses"]
    add = [*endpoints, "add", "--review-file", str(review_file)]
    assert review.main([*add, f"{misses}:0", "--intent", "out_of_scope"]) == 0
    assert review.main([*add, f"{misses}:0", "--intent", "out_of_scope"]) == 0
    assert review.main([*add, f"{misses}:2", "--intent", "inform"]) == 0
    assert review.main([*add, f"{misses}:1", "--intent", "ask_medication", "--entity", "medication=ibuprofen",
                        "--entity", "condition=asthma"]) == 0
    assert review.main([*add, f"{recorded.senders['booking']}:2", "--intent", "inform"]) == 2, "a name answer"
    text = review_file.read_text()
    assert text.count(GIBBERISH) == 1 and "Already there" in output.getvalue()
    assert "my number is [phone] if you need it" in text
    assert "can i take [ibuprofen](medication)? i have [asthma](condition)" in text
    no_secrets(text)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    validate = subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "data", "validate", "--fail-on-warnings",
         "--data", "data", str(review_file)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert validate.returncode == 0, validate.stdout[-3000:] + validate.stderr[-3000:]


def test_report_figures_match_the_conversations_and_the_html_masks_them(recorded: Recorded, tmp_path: Path) -> None:
    since, until = date_range(None, None, days=1)
    ours = load_conversations(recorded.endpoints, senders=recorded.senders.values())
    figures = report_figures(ours, since, until)
    assert figures.conversations == len(SCRIPTS) and figures.messages == recorded.messages
    assert figures.escalations["emergency"] == 1 and figures.escalations["urgent"] == 0
    assert (figures.booking.started, figures.booking.completed) == (1, 0)
    assert figures.booking.abandoned_at == {"appointment_type": 1}
    assert (figures.callback.started, figures.callback.completed, figures.handoffs) == (1, 1, 1)
    assert (figures.helpful, figures.not_helpful) == (0, 1) and figures.medication_cautions == 1
    assert (GIBBERISH, 1) in figures.unrecognised
    assert figures.response_median_s is not None and 0 < figures.response_median_s <= figures.response_p95_s < 30
    assert sum(c for c, _ in figures.per_day.values()) == len(SCRIPTS)
    out = tmp_path / "report.html"
    assert report.main(["--endpoints", str(recorded.endpoints), "--days", "1", "--out", str(out)]) == 0
    page = out.read_text()
    assert page.count("<svg") == 5 and GIBBERISH in page and "<script" not in page
    no_secrets(page)
