"""Sends the follow-up check-ins that are due (issue 22). Run it hourly (cron, or the Kubernetes CronJob in
deploy/kubernetes/checkins-cronjob.yaml); `make check-ins` runs it with the stores' environment.

  .venv/bin/python scripts/checkins.py [--now 2026-12-10T10:00] [--credentials credentials.yml]

--now: the time to act as (UK time unless it names an offset), for trying it out; default the real time.
Nothing is sent outside 09:00-20:00 UK time. Each due check-in is claimed in the database first (backcare/checkins/
store.py), so two runs at once, or a run on two instances, never send one twice; a failed send is retried on the
next run, three times at most.

- Telegram: a Bot API sendMessage (TELEGRAM_BOT_TOKEN; TELEGRAM_API_BASE_URL points it elsewhere, as in tests).
- WhatsApp (Twilio): within 24 hours of the person's last message an ordinary message (Body); otherwise WhatsApp
  only allows an approved template: the one whose Content SID is in TWILIO_CHECKIN_CONTENT_SID ({{1}} = the clinic's
  name). Without it, such a check-in is not sent (and says so).
- The website cannot be messaged: its check-ins wait for the person to open the chat again (channels/rest.py).
  When the person also agreed to email and gave an address, a short email says the check-in is ready and links
  back to the chat (backcare/checkins/email.py; SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM,
  SMTP_SECURITY). Without SMTP_HOST no email is sent (logged); the check-in still waits in the chat. Emails are
  claimed like the messages, so never sent twice.
The database is CHECKINS_DB_URL, else the conversations' TRACKER_STORE_URL (scripts/endpoints-env.sh)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backcare import redaction
from backcare.checkins import Checkin, CheckinStore, in_window, load_wording
from backcare.checkins import email as checkin_email
from backcare.checkins.schedule import UK
from backcare.clinic import load_profile

log = logging.getLogger("checkins")
WHATSAPP_WINDOW = dt.timedelta(hours=24)
CONTENT_SID_VARIABLE = "TWILIO_CHECKIN_CONTENT_SID"
TELEGRAM_KEY = "channels.telegram.TelegramInput"
WHATSAPP_KEY = "channels.whatsapp.WhatsAppInput"


class SendError(RuntimeError):
    pass


def parse_now(value: Optional[str]) -> dt.datetime:
    if not value:
        return dt.datetime.now(dt.timezone.utc)
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UK)


class Senders:
    """The two messaging platforms, with the connectors' own settings (credentials file, then environment)."""

    def __init__(self, credentials: dict[str, Any]) -> None:
        # The connectors' settings classes are in the Rasa server plug-ins; imported here, when there is work.
        from channels.telegram import TelegramSettings
        from channels.whatsapp import WhatsAppSettings

        self.telegram = TelegramSettings.from_credentials(credentials.get(TELEGRAM_KEY))
        self.whatsapp = WhatsAppSettings.from_credentials(credentials.get(WHATSAPP_KEY))
        self.text = load_wording()["checkin"].text.format(clinic=load_profile().name)

    def send(self, checkin: Checkin, store: CheckinStore, now: dt.datetime) -> str:
        if checkin.channel == "telegram":
            return self.send_telegram(checkin)
        if checkin.channel == "whatsapp":
            return self.send_whatsapp(checkin, store.last_user_message_at(checkin.sender_id), now)
        raise SendError(f"no way to send on channel {checkin.channel!r}")

    def send_telegram(self, checkin: Checkin) -> str:
        if self.telegram is None:
            raise SendError("the Telegram channel is not set up")
        settings = self.telegram
        chat_id = checkin.sender_id.removeprefix("telegram:")
        url = f"{settings.api_base_url}/bot{settings.bot_token}/sendMessage"
        try:
            reply = requests.post(url, json={"chat_id": chat_id, "text": self.text}, timeout=settings.timeout_seconds)
            body = reply.json()
        except (requests.RequestException, ValueError) as error:
            raise SendError(f"Telegram: {type(error).__name__}") from None  # the URL holds the token: not shown
        if not body.get("ok"):
            raise SendError(f"Telegram refused it: {body.get('error_code')} {body.get('description')}")
        return "telegram"

    def send_whatsapp(self, checkin: Checkin, last_message: Optional[dt.datetime], now: dt.datetime) -> str:
        if self.whatsapp is None:
            raise SendError("the WhatsApp channel is not set up")
        from twilio.base.exceptions import TwilioRestException
        from twilio.rest import Client

        settings = self.whatsapp
        client = Client(settings.account_sid, settings.auth_token)
        client.api.base_url = settings.api_base_url
        message: dict[str, Any] = {"to": checkin.sender_id, "from_": settings.whatsapp_number}
        if last_message is not None and now - last_message < WHATSAPP_WINDOW:
            message["body"] = self.text
            delivery = "whatsapp"
        else:
            content_sid = os.environ.get(CONTENT_SID_VARIABLE, "").strip()
            if not content_sid:
                raise SendError(f"over 24 hours since their last message and {CONTENT_SID_VARIABLE} is not set")
            message["content_sid"] = content_sid
            message["content_variables"] = json.dumps({"1": load_profile().name})
            delivery = "whatsapp_template"
        try:
            client.messages.create(**message)
        except (TwilioRestException, requests.RequestException) as error:
            raise SendError(f"Twilio: {type(error).__name__}") from None
        return delivery


def send_emails(store: CheckinStore, now: dt.datetime, environ: Optional[dict[str, str]] = None) -> Counter[str]:
    """Emails the website check-ins due at `now` to those who gave an address; counts "email", "failed" and
    "email_skipped" (SMTP not set up: nothing is claimed, so they go once it is)."""
    done: Counter[str] = Counter()
    profile = load_profile()
    try:
        settings = checkin_email.SmtpSettings.from_environment(profile, environ)
    except checkin_email.EmailError as error:
        log.error("check-in emails not sent: %s", error)
        done["failed"] += len(store.emails_due(now))
        return done
    if settings is None:
        waiting = len(store.emails_due(now))
        if waiting:
            log.warning("%s check-in email(s) not sent: SMTP_HOST is not set (they still wait in the chat)", waiting)
            done["email_skipped"] += waiting
        return done
    link = checkin_email.chat_link(profile, environ)
    for checkin, address, token in store.claim_emails(now):
        try:
            checkin_email.send(checkin_email.compose(address, settings.sender, profile, link), settings)
        except checkin_email.EmailError as error:
            log.error("check-in %s email to %s not sent: %s", checkin.id, address, error)
            store.release_email(checkin, token)
            done["failed"] += 1
            continue
        store.mark_emailed(checkin, token, now)
        done["email"] += 1
    return done


def run(
    store: CheckinStore, senders_factory: Any, now: dt.datetime, environ: Optional[dict[str, str]] = None
) -> Counter[str]:
    """Claims and sends what is due at `now`; counts by how each was delivered (and "failed")."""
    done: Counter[str] = Counter()
    if not in_window(now):
        return done
    done += send_emails(store, now, environ)
    claimed = store.claim_due(now)
    if not claimed:
        return done
    senders = senders_factory()
    for checkin in claimed:
        try:
            delivery = senders.send(checkin, store, now)
        except SendError as error:
            log.error("check-in %s (%s) not sent: %s", checkin.id, checkin.channel, error)
            store.release(checkin)
            done["failed"] += 1
            continue
        store.mark_sent(checkin, delivery, now)
        done[delivery] += 1
    return done


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--now", help="act as if it were this time (ISO, UK time unless an offset is given)")
    parser.add_argument("--credentials", type=Path, default=ROOT / "credentials.yml")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    redaction.install()  # email addresses and phone numbers never reach the log
    now = parse_now(args.now)
    credentials = yaml.safe_load(args.credentials.read_text()) if args.credentials.is_file() else {}
    store = CheckinStore()
    if not in_window(now):
        print(f"{now.astimezone(UK):%Y-%m-%d %H:%M} UK time is outside 09:00-20:00: nothing sent.")
        return 0
    done = run(store, lambda: Senders(credentials or {}), now)
    sent = sum(count for kind, count in done.items() if kind not in ("failed", "email_skipped"))
    detail = ", ".join(f"{kind} {count}" for kind, count in sorted(done.items()))
    print(f"{now.astimezone(UK):%Y-%m-%d %H:%M} UK time: {sent} check-in(s) sent" + (f" ({detail})" if detail else ""))
    return 1 if done["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
