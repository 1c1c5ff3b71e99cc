"""The staff command scripts/bookings.py: list, show, mark handled, export, delete on request, outbox, retry."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

import pytest

from backcare.booking.request import CALLBACK, BookingRequest
from backcare.booking.store import PENDING, BookingStore

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("bookings_cli", ROOT / "scripts" / "bookings.py")
assert spec and spec.loader
cli = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cli)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BookingStore:
    monkeypatch.setenv("BOOKING_DB", str(tmp_path / "bookings.db"))
    monkeypatch.delenv("BOOKING_BACKEND", raising=False)
    store = BookingStore(tmp_path / "bookings.db")
    store.add(
        BookingRequest(
            "BK-AAAA22",
            name="Harriet Cole",
            phone="+447400314159",
            preferred_time="Thursday morning",
            appointment_type="free assessment",
            payment="self_pay",
            reason="lower back spasm",
        )
    )
    store.add(
        BookingRequest(
            "CB-BBBB33", kind=CALLBACK, name="Peter Grant", email="peter@example.com", summary="Asked about: causes."
        )
    )
    return store


def test_list_shows_a_readable_table_of_new_requests(store: BookingStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["Ref", "Received", "(UTC)"]
    assert "BK-AAAA22" in out and "07400 314159" in out and "call back" in out and "2 request(s)" in out


def test_handled_requests_leave_the_default_list(store: BookingStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["handled", "bk-aaaa22"]) == 0
    cli.main(["list"])
    out = capsys.readouterr().out
    assert "BK-AAAA22 marked as handled" in out and "1 request(s)" in out
    assert cli.main(["handled", "BK-NOPE99"]) == 1


def test_show_prints_one_request_in_full(store: BookingStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["show", "BK-AAAA22"]) == 0
    out = capsys.readouterr().out
    assert "Paying for themselves" in out and "lower back spasm" in out


def test_export_writes_csv(store: BookingStore, tmp_path: Path) -> None:
    out = tmp_path / "requests.csv"
    assert cli.main(["export", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [row["reference"] for row in rows] == ["BK-AAAA22", "CB-BBBB33"]


def test_delete_on_request_by_contact(store: BookingStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["delete", "--contact", "07400 314159", "--yes"]) == 0
    assert store.get("BK-AAAA22") is None and store.get("CB-BBBB33") is not None
    assert cli.main(["delete", "--contact", "nobody@example.com", "--yes"]) == 1


def test_outbox_and_retry(store: BookingStore, capsys: pytest.CaptureFixture[str]) -> None:
    store.queue(
        BookingRequest("BK-CCCC44", name="Nadia Rahman", email="nadia@example.com"),
        "webhook",
        "webhook unreachable",
        "2000-01-01T00:00:00+00:00",
    )
    cli.main(["outbox"])
    assert "BK-CCCC44" in capsys.readouterr().out
    # The profile's backend is SQLite, so a retry hands the waiting request to the local file.
    assert cli.main(["retry"]) == 0
    assert "Delivered 1" in capsys.readouterr().out
    assert store.get("BK-CCCC44") is not None and not store.outbox(PENDING)
