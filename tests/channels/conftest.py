"""Fixtures for the messaging channels: a local fake of the Twilio and Telegram APIs; the real assistant (action
server plus Rasa server) serving REST, WhatsApp and Telegram with both channels pointed at the fake; and the
connectors alone, in-process, with a stand-in dialogue."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from channels.common import TELEGRAM_MAX_LENGTH
from channels.local_platform import FakePlatform, TelegramPatient, WhatsAppPatient
from channels.telegram import TelegramInput
from channels.whatsapp import WhatsAppInput
from tests.channels.inprocess import StandInDialogue, serve
from tests.channels.settings import credentials, telegram_settings, whatsapp_settings
from tests.model.assistant import RunningAssistant, start_assistant


@pytest.fixture(scope="session")
def fake() -> Iterator[FakePlatform]:
    with FakePlatform() as platform:
        yield platform


@contextlib.contextmanager
def channel_assistant_running(
    model_path: Path, fake: FakePlatform, work_dir: Path, debug: bool = False
) -> Iterator[RunningAssistant]:
    credentials_file = work_dir / "credentials.yml"
    credentials_file.write_text(yaml.safe_dump(credentials(fake.url)))
    # Booking requests made over the channels go to a temporary file, never the clinic's bookings or systems.
    booking = {"BOOKING_BACKEND": "sqlite", "BOOKING_DB": str(work_dir / "bookings.db")}
    # Check-ins (issue 22) in the conversations' own database, as in production (tests/channels/test_checkins.py).
    booking["CHECKINS_DB_URL"] = f"sqlite:///{work_dir / 'tracker.db'}"
    with start_assistant(model_path, work_dir, credentials=credentials_file, env=booking, debug=debug) as running:
        yield running


@pytest.fixture(scope="session")
def channel_assistant(
    model_path: Path, fake: FakePlatform, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningAssistant]:
    with channel_assistant_running(model_path, fake, tmp_path_factory.mktemp("channels")) as running:
        yield running


@pytest.fixture(scope="module")
def debug_channel_assistant(
    model_path: Path, fake: FakePlatform, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningAssistant]:
    """Both servers at debug level, where Rasa logs every message, slot and tracker (for the log redaction test;
    debug logging slows every message down, so the other tests use the quiet one)."""
    with channel_assistant_running(model_path, fake, tmp_path_factory.mktemp("channels-debug"), debug=True) as running:
        yield running


_patients = itertools.count(100)


@pytest.fixture
def whatsapp(channel_assistant: RunningAssistant, fake: FakePlatform) -> WhatsAppPatient:
    """A new patient (own number, so own conversation) for each test."""
    return WhatsAppPatient(
        fake, channel_assistant.rasa_url, whatsapp_settings(fake.url), f"whatsapp:+447700900{next(_patients):03d}"
    )


@pytest.fixture
def telegram(channel_assistant: RunningAssistant, fake: FakePlatform) -> TelegramPatient:
    """A new patient (own private chat) for each test."""
    return TelegramPatient(
        fake, channel_assistant.rasa_url, telegram_settings(fake.url), chat_id=50_000_000 + next(_patients)
    )


# The connectors alone, in-process, with a stand-in dialogue (no trained model needed) -------------------------


@pytest.fixture
def dialogue() -> StandInDialogue:
    return StandInDialogue()


@pytest.fixture
def connectors(fake: FakePlatform, dialogue: StandInDialogue) -> Iterator[str]:
    """Fresh WhatsApp and Telegram connectors (real platform limits) served in-process; yields the base URL."""
    channels = [
        WhatsAppInput(whatsapp_settings(fake.url)),
        TelegramInput(telegram_settings(fake.url, limit=TELEGRAM_MAX_LENGTH)),
    ]
    with serve(channels, dialogue) as url:
        yield url


@pytest.fixture
def whatsapp_alone(connectors: str, fake: FakePlatform) -> WhatsAppPatient:
    return WhatsAppPatient(fake, connectors, whatsapp_settings(fake.url), f"whatsapp:+447700900{next(_patients):03d}")


@pytest.fixture
def telegram_alone(connectors: str, fake: FakePlatform) -> TelegramPatient:
    return TelegramPatient(
        fake, connectors, telegram_settings(fake.url, limit=TELEGRAM_MAX_LENGTH), chat_id=50_000_000 + next(_patients)
    )
