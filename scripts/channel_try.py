"""Try the WhatsApp or Telegram channel locally, without Twilio or Telegram: posts each message to the assistant's
webhook exactly as the platform would (Twilio's signed form, Telegram's JSON update with the secret header) and
prints what the bot would send, caught by a small local stand-in for the platform's API.

    .venv/bin/python scripts/channel_try.py whatsapp "hello" "2" "i have asthma"
    .venv/bin/python scripts/channel_try.py telegram /start 3          # on Telegram a bare number taps button 3
    .venv/bin/python scripts/channel_try.py whatsapp                   # no messages: type them, Ctrl-D to stop

By default it starts its own assistant (action server and Rasa server, on free ports, with the newest model in
models/ or --model) with made-up platform accounts, so nothing reaches a real patient, and bookings go to a
temporary file, never the clinic's booking system; that takes about a minute.

With --server it uses an assistant that is already running. That server must have the channel on and pointed at
this script's stand-in (the script signs with the same settings, read from the same environment variables):
    TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_NUMBER, TWILIO_WEBHOOK_URL and
    TWILIO_API_BASE_URL=http://127.0.0.1:5099       (WhatsApp)
    TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET and
    TELEGRAM_API_BASE_URL=http://127.0.0.1:5099     (Telegram)
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Optional, TextIO, Union
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from channels.local_platform import (
    FakePlatform,
    TelegramPatient,
    WhatsAppPatient,
    local_credentials,
)
from channels.telegram import TelegramSettings
from channels.whatsapp import WhatsAppSettings

Patient = Union[WhatsAppPatient, TelegramPatient]


def show(prefix: str, text: str, out: TextIO) -> None:
    lines = text.splitlines() or [""]
    print(f"{prefix} {lines[0]}", file=out)
    for line in lines[1:]:
        print(f"{' ' * len(prefix)} {line}", file=out)


def converse(patient: Patient, messages: Iterable[str], out: TextIO = sys.stdout) -> None:
    """Sends each message as the patient and prints the bot's replies."""
    for message in messages:
        if isinstance(patient, TelegramPatient) and message.strip().isdigit() and patient.keyboard():
            number = int(message)
            buttons = patient.keyboard()
            if not 1 <= number <= len(buttons):
                print(f"(there is no button {number})", file=out)
                continue
            print(f"you  > (taps [{buttons[number - 1]['text']}])", file=out)
            replies = patient.tap(number)
        else:
            show("you  >", message, out)
            if isinstance(patient, TelegramPatient):
                replies = patient.say(message)
            else:
                replies = [{"text": body} for body in patient.say(message)]
        for reply in replies:
            if "text" in reply:
                show("bot  >", reply["text"], out)
            elif reply.get("method") == "sendMessage" and "result" in reply:
                payload = reply["payload"]
                show("bot  >", payload["text"], out)
                for number, row in enumerate(payload.get("reply_markup", {}).get("inline_keyboard", []), start=1):
                    print(f"       [{number}] {row[0]['text']}", file=out)
            elif reply.get("method") == "answerCallbackQuery":
                continue
            elif "error" in reply:
                print(f"       (Telegram refused: {reply['error'].get('description')})", file=out)
        if not replies:
            print("bot  > (nothing)", file=out)
        print(file=out)


def typed_messages() -> Iterator[str]:
    print("Type a message and press Enter (Ctrl-D to stop).")
    for line in sys.stdin:
        if line.strip().lower() in ("quit", "exit"):
            return
        yield line.rstrip("\n")


def newest_model() -> Optional[Path]:
    models = sorted((ROOT / "models").glob("backspasm-*.tar.gz"), key=lambda path: path.stat().st_mtime)
    return models[-1] if models else None


@contextlib.contextmanager
def own_assistant(model: Path, fake: FakePlatform) -> Iterator[str]:
    from tests.model.assistant import start_assistant  # the same start-up as the tests use

    with tempfile.TemporaryDirectory(prefix="channel-try-") as work:
        credentials = Path(work) / "credentials.yml"
        credentials.write_text(yaml.safe_dump(local_credentials(fake.url)))
        print(f"Starting the assistant with {model.name} (about a minute)...", file=sys.stderr)
        # A booking made while trying goes to a temporary file, never the clinic's bookings or booking system.
        booking = {"BOOKING_BACKEND": "sqlite", "BOOKING_DB": str(Path(work) / "bookings.db")}
        with start_assistant(model, Path(work), credentials=credentials, env=booking) as running:
            yield running.rasa_url


def patient_for(channel: str, fake: FakePlatform, server: str, settings: Any) -> Patient:
    if channel == "whatsapp":
        return WhatsAppPatient(fake, server, settings)
    return TelegramPatient(fake, server, settings)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("channel", choices=["whatsapp", "telegram"])
    parser.add_argument("messages", nargs="*", help="what the patient sends, in order (none: type them)")
    parser.add_argument("--model", type=Path, help="model to start (default: the newest in models/)")
    parser.add_argument("--server", help="use this running assistant instead, e.g. http://localhost:5005")
    args = parser.parse_args(argv)
    messages = args.messages or typed_messages()

    if args.server:
        settings_class = WhatsAppSettings if args.channel == "whatsapp" else TelegramSettings
        settings = settings_class.from_credentials(None)
        if settings is None:
            print(textwrap.dedent(__doc__.split("With --server", 1)[1]).strip(), file=sys.stderr)
            return 2
        base = urlparse(settings.api_base_url)
        if base.hostname not in ("127.0.0.1", "localhost") or not base.port:
            print(
                f"The {args.channel} API address is {settings.api_base_url}: point it at this script's stand-in "
                f"(http://127.0.0.1:5099) when starting the server, so nothing goes to real patients.",
                file=sys.stderr,
            )
            return 2
        with FakePlatform(base.port) as fake:
            converse(patient_for(args.channel, fake, args.server, settings), messages)
        return 0

    model = args.model or newest_model()
    if model is None or not model.is_file():
        print("No trained model: run `make train`, or give --model.", file=sys.stderr)
        return 2
    with FakePlatform() as fake, own_assistant(model, fake) as server:
        credentials = local_credentials(fake.url)
        if args.channel == "whatsapp":
            channel_settings: Any = WhatsAppSettings.from_credentials(credentials["channels.whatsapp.WhatsAppInput"])
        else:
            channel_settings = TelegramSettings.from_credentials(credentials["channels.telegram.TelegramInput"])
        converse(patient_for(args.channel, fake, server, channel_settings), messages)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
