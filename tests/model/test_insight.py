"""Staff insight on real conversations: patients talk to the running assistant over the REST channel, the
conversations land in its SQLite tracker store, and the review and report commands read them back through
Rasa's tracker-store API. Checks the flags, the masking of every name, phone number and email in every output,
the review file, and the report's figures against the conversations the test held."""

from __future__ import annotations

import html
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from backcare.feedback import FEEDBACK_QUESTION
from backcare.insight.figures import report_figures
from backcare.insight.flags import flags_of
from backcare.insight.period import date_range, utc_midnight
from scripts import report, review
from scripts.conversation_store import load_conversations, open_tracker_store
from tests.model.assistant import ROOT, RunningAssistant, free_port

# A name the booking form takes (a rarer one, "Marjorie Quellington", is read as a red-flag report by the
# classifier and refused as a name: a finding for the booking form, not for this test). Not a name the
# booking tests look up, so their checks of what was stored stay theirs alone.
NAME = "Harriet Coleman"
PHONE, PHONE_OUTSIDE_FORM = "07400 271828", "07400 161803"
EMAIL = "harriet.coleman.insight@example.com"
# Every way these could show up: as typed, normalised (E.164), digits only, and the parts of the name.
SECRETS = ("Harriet", "Coleman", PHONE, "+447400271828", "7400271828", "271828", "161803", EMAIL)
# The NLU is unsure of this one (inform at 0.53, below the review's 0.6, with backspasm-5e2e6f6fce1ca238).
MISUNDERSTOOD = "the purple one or the other one"


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
    "feedback": ["what causes back spasms?", "how long will my back spasm last?", "/deny"],
    "emergency": [
        "my back hurts and i can't feel anything between my legs",
        "what causes back spasms?",
        "how long will it last?",
    ],
    "booking": ["can i book an appointment", "/affirm", NAME, PHONE, "oh forget it, i will ring you later"],
    "callback": ["can i speak to a real person please", "/affirm", NAME, EMAIL],
    "misses": [
        MISUNDERSTOOD,
        "can i take ibuprofen? i have asthma",
        f"my number is {PHONE_OUTSIDE_FORM} if you need it",
    ],
}


@pytest.fixture(scope="module")
def recorded(assistant: RunningAssistant) -> Recorded:
    run = uuid.uuid4().hex[:8]
    senders = {name: f"insight-{name}-{run}" for name in SCRIPTS}
    replies = {
        name: [assistant.texts(assistant.send(message, sender=senders[name])) for message in script]
        for name, script in SCRIPTS.items()
    }
    return Recorded(assistant, senders, replies, sum(len(script) for script in SCRIPTS.values()))


@pytest.fixture
def output(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What the review command prints, on a console wide enough that nothing is wrapped or cut."""
    buffer = io.StringIO()
    monkeypatch.setattr(review, "console", review.plain_console(file=buffer, width=1000))
    return buffer


def no_secrets(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert not leaked, f"{leaked} shown unmasked"


def test_the_conversations_were_what_the_flags_expect(recorded: Recorded) -> None:
    replies = recorded.replies
    assert FEEDBACK_QUESTION.text in replies["feedback"][1] and "anything else" in replies["feedback"][2]
    assert "999" in replies["emergency"][0]
    assert not any(FEEDBACK_QUESTION.text in reply for reply in replies["emergency"]), "no rating after a red flag"
    assert "kind of appointment" in replies["booking"][3] and "stopped the booking" in replies["booking"][-1]
    assert "CB-" in replies["callback"][-1] and EMAIL in replies["callback"][-1]
    # The fallback's "say it another way", the clarifying question between two close topics, or the unsure guidance
    # answer's "tell me a little more": each asks for more, and each leaves the message flagged as missed.
    asks = ("didn't quite follow", "not sure which you meant", "tell me a little more")
    assert any(ask in replies["misses"][0] for ask in asks), f"the assistant asked for more: {replies['misses'][0]!r}"


def test_flags_of_each_conversation(recorded: Recorded) -> None:
    conversations = {c.sender_id: c for c in load_conversations(recorded.endpoints, senders=recorded.senders.values())}
    flags = {name: flags_of(conversations[sender]) for name, sender in recorded.senders.items()}
    assert flags["feedback"].helpful is False and flags["feedback"].escalation is None
    assert flags["emergency"].escalation == "emergency"
    assert flags["booking"].booking.abandoned and flags["booking"].booking.stopped_at == "appointment_type"
    assert flags["callback"].handoff and flags["callback"].callback.completed
    assert not flags["callback"].booking.started
    assert [m.text for m in flags["misses"].misunderstood][:1] == [MISUNDERSTOOD]
    assert flags["misses"].medication_cautions >= 1, "ibuprofen with asthma gets its caution"
    assert not any(flags[name].misunderstood for name in ("feedback", "callback"))


def test_review_list_show_and_misses_mask_every_name_phone_and_email(
    recorded: Recorded, output: io.StringIO, tmp_path: Path
) -> None:
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
    assert f"{recorded.senders['misses']}:0" in printed and MISUNDERSTOOD in printed
    assert "[name]" in printed and "[contact]" in printed and "[phone]" in printed
    no_secrets(printed + csv_file.read_text())


def test_the_unmasked_transcript_needs_a_name_and_leaves_an_audit_line(
    recorded: Recorded, output: io.StringIO, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review, "AUDIT_LOG", tmp_path / "audit.log")
    sender = recorded.senders["booking"]
    endpoints = ["--endpoints", str(recorded.endpoints)]
    assert review.main([*endpoints, "show", sender, "--unredacted"]) == 2
    assert not (tmp_path / "audit.log").exists()
    assert review.main([*endpoints, "show", sender, "--unredacted", "--staff", "Dr Lead"]) == 0
    assert NAME in output.getvalue() and PHONE in output.getvalue()
    [line] = (tmp_path / "audit.log").read_text().splitlines()
    assert "staff=Dr Lead" in line and sender in line


def test_a_miss_goes_to_the_review_file_once_masked_and_rasa_validates_it(
    recorded: Recorded, output: io.StringIO, tmp_path: Path
) -> None:
    review_file = tmp_path / "review" / "misses.yml"
    endpoints = ["--endpoints", str(recorded.endpoints)]
    misses = recorded.senders["misses"]
    add = [*endpoints, "add", "--review-file", str(review_file)]
    assert review.main([*add, f"{misses}:0", "--intent", "ask_recovery"]) == 0
    assert review.main([*add, f"{misses}:0", "--intent", "ask_recovery"]) == 0
    assert review.main([*add, f"{misses}:2", "--intent", "inform"]) == 0
    assert (
        review.main(
            [
                *add,
                f"{misses}:1",
                "--intent",
                "ask_medication",
                "--entity",
                "medication=ibuprofen",
                "--entity",
                "condition=asthma",
            ]
        )
        == 0
    )
    assert review.main([*add, f"{recorded.senders['booking']}:2", "--intent", "inform"]) == 2, "a name answer"
    text = review_file.read_text()
    assert text.count(MISUNDERSTOOD) == 1 and "Already there" in output.getvalue()
    assert "my number is [phone] if you need it" in text
    assert "can i take [ibuprofen](medication)? i have [asthma](condition)" in text
    no_secrets(text)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    validate = subprocess.run(
        [
            str(Path(sys.executable).with_name("rasa")),
            "data",
            "validate",
            "--fail-on-warnings",
            "--data",
            "data",
            str(review_file),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
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
    assert (MISUNDERSTOOD, 1) in figures.unrecognised
    assert figures.response_median_s is not None and 0 < figures.response_median_s <= figures.response_p95_s < 30
    assert sum(c for c, _ in figures.per_day.values()) == len(SCRIPTS)
    out = tmp_path / "report.html"
    assert report.main(["--endpoints", str(recorded.endpoints), "--days", "1", "--out", str(out)]) == 0
    page = out.read_text()
    # The page covers every conversation of the day in the shared test assistant: its most frequent misses.
    everyone = report_figures(load_conversations(recorded.endpoints), since, until)
    shown = [text for text, _ in everyone.unrecognised]
    assert page.count("<svg") == 5 and "<script" not in page
    assert shown and all(html.escape(text) in page for text in shown[:3])
    no_secrets(page)


# --- the same commands on PostgreSQL ----------------------------------------------------------------------------


def as_postgres(*args: str) -> None:
    """PostgreSQL refuses to run as root: its commands run as the `postgres` user then."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def postgres_endpoints(recorded: Recorded) -> Iterator[Path]:
    """A private PostgreSQL server holding the recorded conversations, copied row for row from the SQLite store
    the assistant wrote, in the table Rasa's SQLTrackerStore creates there itself."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not binaries:
        pytest.fail("PostgreSQL is not installed (apt-get install postgresql)")
    pg_bin = binaries[-1]
    # Not under pytest's temporary folder, which the postgres user may not enter.
    home = Path(tempfile.mkdtemp(prefix="insight-pg-", dir="/tmp"))
    home.chmod(0o755)
    data, port = home / "data", free_port()
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    as_postgres(str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust")
    as_postgres(
        str(pg_bin / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(data / "server.log"),
        "-w",
        "start",
        "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -k {data}",
    )
    try:
        endpoints = home / "endpoints.yml"
        endpoints.write_text(
            f'tracker_store:\n  type: SQL\n  dialect: "postgresql"\n  url: "127.0.0.1"\n'
            f'  port: {port}\n  username: "postgres"\n  password: ""\n  db: "insight"\n'
            '  login_db: "postgres"\n'
        )
        columns = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
        senders = list(recorded.senders.values())
        with sqlite3.connect(recorded.assistant.work_dir / "tracker.db") as sqlite:
            rows = sqlite.execute(
                f"SELECT {', '.join(columns)} FROM events WHERE sender_id IN "
                f"({', '.join('?' * len(senders))}) ORDER BY id",
                senders,
            ).fetchall()
        store = open_tracker_store(endpoints)
        with store.session_scope() as session:
            session.bulk_insert_mappings(store.SQLEvent, [dict(zip(columns, row, strict=True)) for row in rows])
            session.commit()
        yield endpoints
    finally:
        as_postgres(str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


def test_postgresql_gives_the_same_review_and_report(
    recorded: Recorded, postgres_endpoints: Path, output: io.StringIO, tmp_path: Path
) -> None:
    since, until = date_range(None, None, days=1)
    ours = set(recorded.senders.values())

    def figures_from(endpoints: Path):
        conversations = load_conversations(endpoints, utc_midnight(since), utc_midnight(until))
        return report_figures([c for c in conversations if c.sender_id in ours], since, until)

    assert figures_from(postgres_endpoints) == figures_from(recorded.endpoints)
    lists = {}
    for name, endpoints in (("sqlite", recorded.endpoints), ("postgres", postgres_endpoints)):
        lists[name] = tmp_path / f"{name}.csv"
        assert review.main(["--endpoints", str(endpoints), "list", "--days", "1", "--csv", str(lists[name])]) == 0
    ours_only = [
        {line for line in path.read_text().splitlines() if line.split(",")[0] in ours} for path in lists.values()
    ]
    assert ours_only[0] == ours_only[1] and len(ours_only[0]) == len(SCRIPTS)
    assert review.main(["--endpoints", str(postgres_endpoints), "show", recorded.senders["booking"]]) == 0
    assert "booking left at appointment_type" in output.getvalue()
    no_secrets(output.getvalue())
