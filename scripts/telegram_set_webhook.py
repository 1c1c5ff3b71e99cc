"""Tells Telegram where to deliver the bot's messages, with the secret token it must send back on each one.
Run once by the clinic when connecting the bot (and again if the address or the secret changes); the assistant
never does this itself.

    export TELEGRAM_BOT_TOKEN=...            # from @BotFather
    export TELEGRAM_WEBHOOK_SECRET=...       # 1-256 characters: A-Z a-z 0-9 _ -  (the server needs the same value)
    export TELEGRAM_WEBHOOK_URL=https://assistant.example-clinic.co.uk/webhooks/telegram/webhook
    .venv/bin/python scripts/telegram_set_webhook.py            # register (prints what Telegram now has)
    .venv/bin/python scripts/telegram_set_webhook.py --info     # only show what Telegram has
    .venv/bin/python scripts/telegram_set_webhook.py --delete   # stop deliveries

TELEGRAM_API_BASE_URL points it at another Bot API server (tests use a local fake). The bot token is never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from channels.telegram import TELEGRAM_API, TelegramApiError, TelegramSettings, call_bot_api

WEBHOOK_PATH = "/webhooks/telegram/webhook"
ALLOWED_UPDATES = ["message", "callback_query"]


def show(info: dict[str, Any]) -> None:
    print(f"Telegram delivers to: {info.get('url') or '(nowhere: no webhook set)'}")
    print(f"Waiting to be delivered: {info.get('pending_update_count', 0)}")
    if info.get("last_error_message"):
        print(f"Last delivery error: {info['last_error_message']}")


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--info", action="store_true", help="only show the current webhook")
    action.add_argument("--delete", action="store_true", help="remove the webhook (deliveries stop)")
    parser.add_argument(
        "--drop-pending", action="store_true", help="discard messages Telegram is still holding for the bot"
    )
    args = parser.parse_args(argv)

    settings = TelegramSettings.from_credentials(None)
    if settings is None:
        print("Set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -) first.", file=sys.stderr)
        return 2
    try:
        if args.delete:
            await call_bot_api(settings, "deleteWebhook", {"drop_pending_updates": args.drop_pending})
            print("Webhook removed.")
        elif not args.info:
            url = os.environ.get("TELEGRAM_WEBHOOK_URL", "").strip()
            if not url:
                print(
                    f"Set TELEGRAM_WEBHOOK_URL to the public https address ending in {WEBHOOK_PATH}.", file=sys.stderr
                )
                return 2
            if not url.startswith("https://") and settings.api_base_url == TELEGRAM_API:
                print("Telegram only delivers to https addresses (ports 443, 80, 88 or 8443).", file=sys.stderr)
                return 2
            if not url.rstrip("/").endswith(WEBHOOK_PATH):
                print(f"Warning: the assistant listens at {WEBHOOK_PATH}; {url} does not end with it.", file=sys.stderr)
            await call_bot_api(
                settings,
                "setWebhook",
                {
                    "url": url,
                    "secret_token": settings.secret_token,
                    "allowed_updates": ALLOWED_UPDATES,
                    "drop_pending_updates": args.drop_pending,
                    "max_connections": 10,
                },
            )
            print("Webhook set.")
        show(await call_bot_api(settings, "getWebhookInfo", {}) or {})
    except TelegramApiError as error:
        print(f"Telegram said no: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
