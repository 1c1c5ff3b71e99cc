"""What the console's pages show, without a server and with known conversations in place of the tracker store:
request cards and their audit line, conversations under opaque handles, the masked and the audited unmasked
transcript, misses labelled through their handle and then shown as labelled."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest

from backcare.booking.request import BookingRequest
from backcare.booking.store import BookingStore
from backcare.insight.records import Conversation, conversations_of_sender
from console import views
from console.accounts import Accounts
from console.settings import ConsoleSettings
from tests.insight_events import Events, booking_left_then_missed

SENDER = "whatsapp:+447400271828"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ConsoleSettings:
    monkeypatch.setenv("REVIEW_AUDIT_LOG", str(tmp_path / "audit.log"))
    [conversation] = conversations_of_sender(SENDER, booking_left_then_missed(Events()).events)

    def one(conversation_id: str, endpoints: Any = None) -> Optional[Conversation]:
        return conversation if conversation_id == SENDER else None

    monkeypatch.setattr(views, "load_conversations", lambda *args, **kwargs: [conversation])
    monkeypatch.setattr(views, "load_conversation", one)
    return ConsoleSettings(db_path=tmp_path / "console.db", review_file=tmp_path / "review" / "misses.yml")


@pytest.fixture
def accounts(settings: ConsoleSettings) -> Accounts:
    return Accounts(settings.db_path, scrypt_n=2**10)


def audit_lines(tmp_path: Path) -> list[str]:
    return (tmp_path / "audit.log").read_text().splitlines()


def test_request_cards_are_urgent_first_and_their_view_is_audited(settings: ConsoleSettings, tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "bookings.db")
    store.add(BookingRequest("BK-PLAIN2", name="Ann Lee", phone="+447400111222", created_at="2026-12-02T09:00:00Z"))
    store.add(
        BookingRequest(
            "BK-URGNT3", name="Bo Ray", phone="+447400333444", screening="urgent", created_at="2026-12-01T09:00:00Z"
        )
    )
    cards = views.request_cards(store, "Sam Patel", everything=False)
    assert [(c.stored.request.reference, c.urgent, c.contact) for c in cards] == [
        ("BK-URGNT3", True, "07400 333444"),
        ("BK-PLAIN2", False, "07400 111222"),
    ]
    assert views.mark_handled(store, "Sam Patel", "bk-plain2") and not views.mark_handled(store, "Sam Patel", "BK-X")
    lines = audit_lines(tmp_path)
    assert "staff=Sam Patel" in lines[0] and "viewed new booking" in lines[0] and "BK-URGNT3" in lines[0]
    assert lines[1].endswith("marked BK-PLAIN2 as handled") and len(lines) == 2


def test_conversations_go_by_handle_and_only_the_unmasked_view_is_audited(
    settings: ConsoleSettings, accounts: Accounts, tmp_path: Path
) -> None:
    period = views.period_of(None, None)
    [(row, handle)] = views.conversation_list(settings, accounts, period, None)
    assert "447400" not in handle and row.id == SENDER
    masked = views.transcript_page(settings, accounts, handle, "Sam Patel", unmasked=False)
    assert masked is not None and masked.conversation_id == "WhatsApp"
    assert "Priya" not in " ".join(line.text for line in masked.lines)
    assert not (tmp_path / "audit.log").exists()
    unmasked = views.transcript_page(settings, accounts, handle, "Sam Patel", unmasked=True)
    assert unmasked is not None and unmasked.conversation_id == SENDER
    assert "Priya Shah" in " ".join(line.text for line in unmasked.lines)
    [line] = audit_lines(tmp_path)
    assert "staff=Sam Patel" in line and f"unredacted transcript of {SENDER}" in line
    assert views.transcript_page(settings, accounts, "unknown", "Sam Patel", unmasked=True) is None


def test_a_miss_labelled_through_its_handle_shows_as_labelled(settings: ConsoleSettings, accounts: Accounts) -> None:
    period = views.period_of(None, None)
    [(row, ref, labelled)] = views.misses_in(settings, accounts, period)
    assert row.text == "zzz blah" and not labelled and ref.endswith(":4") and "447400" not in ref
    assert views.label(settings, accounts, ref, "out_of_scope", "").added
    [(_, _, labelled)] = views.misses_in(settings, accounts, period)
    assert labelled
    assert views.label(settings, accounts, "nohandle:4", "out_of_scope", "").outcome == "not found"
    with pytest.raises(ValueError, match="month must be in"):
        views.period_of("2026-13-01", None)
