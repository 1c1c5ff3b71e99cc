"""The review command (scripts/review.py) on top of the shared review logic, with the tracker store replaced by
known conversations (tests/model/test_insight.py runs it on a real store): list, show masked and unmasked with
its audit line, misses, and add."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Optional

import pytest

from backcare.insight.records import Conversation, conversations_of_sender
from scripts import review
from tests.insight_events import Events, booking_left_then_missed

SENDER = "whatsapp:+447400271828"


def conversation() -> Conversation:
    [found] = conversations_of_sender(SENDER, booking_left_then_missed(Events()).events)
    return found


@pytest.fixture
def output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> io.StringIO:
    buffer = io.StringIO()
    monkeypatch.setattr(review, "console", review.plain_console(file=buffer, width=1000))
    monkeypatch.setattr(review, "AUDIT_LOG", tmp_path / "audit.log")
    monkeypatch.setattr(review, "load_conversations", lambda *args, **kwargs: [conversation()])

    def one(conversation_id: str, endpoints: Any = None) -> Optional[Conversation]:
        return conversation() if conversation_id == SENDER else None

    monkeypatch.setattr(review, "load_conversation", one)
    return buffer


def test_list_show_and_misses_are_masked(output: io.StringIO) -> None:
    assert review.main(["list"]) == 0
    assert review.main(["show", SENDER]) == 0
    assert review.main(["misses"]) == 0
    assert review.main(["show", "nobody"]) == 1
    printed = output.getvalue()
    assert "booking left at contact" in printed and f"{SENDER}:4" in printed and "MISSED" in printed
    assert "Priya" not in printed and "07400 271828" not in printed and "[name]" in printed


def test_the_unmasked_transcript_needs_a_name_and_is_audited(output: io.StringIO, tmp_path: Path) -> None:
    assert review.main(["show", SENDER, "--unredacted"]) == 2
    assert review.main(["show", SENDER, "--unredacted", "--staff", "Dr Lead"]) == 0
    assert "Priya Shah" in output.getvalue() and "UNMASKED" in output.getvalue()
    [line] = (tmp_path / "audit.log").read_text().splitlines()
    assert "staff=Dr Lead" in line and f"unredacted transcript of {SENDER}" in line


def test_add_labels_a_miss_once_and_refuses_a_name(output: io.StringIO, tmp_path: Path) -> None:
    add = ["add", "--review-file", str(tmp_path / "misses.yml")]
    assert review.main([*add, f"{SENDER}:4", "--intent", "out_of_scope"]) == 0
    assert review.main([*add, f"{SENDER}:4", "--intent", "out_of_scope"]) == 0
    assert review.main([*add, f"{SENDER}:2", "--intent", "inform"]) == 2
    assert review.main([*add, f"{SENDER}:4", "--intent", "not_an_intent"]) == 2
    assert review.main([*add, f"{SENDER}:9", "--intent", "inform"]) == 1
    assert review.main([*add, f"{SENDER}:4", "--intent", "inform", "--entity", "broken"]) == 2
    assert "Already there" in output.getvalue()
    assert (tmp_path / "misses.yml").read_text().count("zzz blah") == 1


def test_the_review_file_is_outside_data_so_no_training_reads_it() -> None:
    """A plain `rasa train` reads every file under data/; `make train` reads data/ too. `make validate` checks
    the review file with the training data."""
    from backcare.insight.review_file import DEFAULT_REVIEW_FILE

    root = Path(__file__).resolve().parents[2]
    assert not DEFAULT_REVIEW_FILE.is_relative_to(root / "data") and DEFAULT_REVIEW_FILE.parent == root / "review"
    makefile = (root / "Makefile").read_text()
    assert "TRAINING_DATA := data\n" in makefile and "REVIEW_DATA := $(wildcard review)" in makefile
    assert "data validate --fail-on-warnings --data $(TRAINING_DATA) $(REVIEW_DATA)" in makefile
