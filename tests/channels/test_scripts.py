"""The staff scripts: registering the Telegram webhook, and trying a channel locally. No trained model needed
(the connectors run in-process with a stand-in dialogue)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from channels.local_platform import FakePlatform, TelegramPatient, WhatsAppPatient
from channels.telegram import TelegramInput
from channels.whatsapp import WhatsAppInput
from scripts.channel_try import converse
from tests.channels.inprocess import StandInDialogue, serve
from tests.channels.settings import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    BOT_TOKEN,
    CLINIC_NUMBER,
    PUBLIC_WEBHOOK_URL,
    SECRET,
    telegram_settings,
    whatsapp_settings,
)
from tests.model.assistant import free_port

ROOT = Path(__file__).resolve().parents[2]
CHANNEL_VARIABLES = ("TWILIO_", "TELEGRAM_")


def script_env(**variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(CHANNEL_VARIABLES)}
    return {**env, "PYTHONPATH": str(ROOT), **variables}


def run_script(name: str, *args: str, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *args],
        env=script_env(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_set_webhook_registers_the_url_with_the_secret_token(fake: FakePlatform) -> None:
    mark = fake.mark()
    url = "https://assistant.example-clinic.co.uk/webhooks/telegram/webhook"
    result = run_script(
        "telegram_set_webhook.py",
        TELEGRAM_BOT_TOKEN=BOT_TOKEN,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_URL=url,
        TELEGRAM_API_BASE_URL=fake.url,
    )
    assert result.returncode == 0, result.stderr
    [call] = fake.telegram_calls("setWebhook", mark=mark)
    assert call["token"] == BOT_TOKEN
    assert call["payload"]["url"] == url and call["payload"]["secret_token"] == SECRET
    assert call["payload"]["allowed_updates"] == ["message", "callback_query"]
    assert f"Telegram delivers to: {url}" in result.stdout
    assert BOT_TOKEN not in result.stdout + result.stderr, "the bot token is never printed"


def test_set_webhook_refuses_without_its_settings(fake: FakePlatform) -> None:
    mark = fake.mark()
    result = run_script("telegram_set_webhook.py", TELEGRAM_API_BASE_URL=fake.url)
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN" in result.stderr
    result = run_script("telegram_set_webhook.py", TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET=SECRET)
    assert result.returncode == 2 and "TELEGRAM_WEBHOOK_URL" in result.stderr
    result = run_script(
        "telegram_set_webhook.py",
        TELEGRAM_BOT_TOKEN=BOT_TOKEN,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_URL="http://insecure.example/webhooks/telegram/webhook",
    )
    assert result.returncode == 2 and "https" in result.stderr
    assert fake.since(mark) == []


YES_NO = {
    "text": "Shall I explain?",
    "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
}


def test_channel_try_prints_the_whatsapp_conversation(
    whatsapp_alone: WhatsAppPatient, dialogue: StandInDialogue
) -> None:
    dialogue.reply = YES_NO
    out = io.StringIO()
    converse(whatsapp_alone, ["hello", "2"], out)
    assert dialogue.texts == ["hello", "/deny"]
    assert "you  > hello\nbot  > Shall I explain?\n" in out.getvalue()
    assert "       1. Yes\n       2. No\n" in out.getvalue()


def test_channel_try_taps_telegram_buttons_by_number(
    telegram_alone: TelegramPatient, dialogue: StandInDialogue
) -> None:
    dialogue.reply = YES_NO
    out = io.StringIO()
    converse(telegram_alone, ["/start", "1"], out)
    assert dialogue.texts == ["/greet", "/affirm"]
    assert "       [1] Yes\n       [2] No\n" in out.getvalue()
    assert "you  > (taps [Yes])" in out.getvalue()


def test_channel_try_against_a_running_server(dialogue: StandInDialogue) -> None:
    """--server: the script runs the stand-in on the port the server's channels were told, and signs with the
    same settings from the environment."""
    port = free_port()
    api = f"http://127.0.0.1:{port}"
    dialogue.reply = {"text": "Hello. How can I help?"}
    with serve([WhatsAppInput(whatsapp_settings(api)), TelegramInput(telegram_settings(api))], dialogue) as server:
        whatsapp = run_script(
            "channel_try.py",
            "whatsapp",
            "my back hurts",
            "--server",
            server,
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            TWILIO_WHATSAPP_NUMBER=CLINIC_NUMBER,
            TWILIO_WEBHOOK_URL=PUBLIC_WEBHOOK_URL,
            TWILIO_API_BASE_URL=api,
        )
        telegram = run_script(
            "channel_try.py",
            "telegram",
            "/start",
            "--server",
            server,
            TELEGRAM_BOT_TOKEN=BOT_TOKEN,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            TELEGRAM_API_BASE_URL=api,
        )
        refused = run_script(
            "channel_try.py",
            "telegram",
            "hi",
            "--server",
            server,
            TELEGRAM_BOT_TOKEN=BOT_TOKEN,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
        )
    assert whatsapp.returncode == 0, whatsapp.stderr
    assert "you  > my back hurts\nbot  > Hello. How can I help?" in whatsapp.stdout
    assert telegram.returncode == 0, telegram.stderr
    assert "bot  > Hello. How can I help?" in telegram.stdout
    assert dialogue.texts == ["my back hurts", "/greet"]
    assert refused.returncode == 2 and "api.telegram.org" in refused.stderr, "never the real platform"
