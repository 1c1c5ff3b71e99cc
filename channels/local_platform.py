"""A local stand-in for the two platforms, for the channel tests and scripts/channel_try.py: nothing here is used
by the running assistant.

- `FakePlatform`: a small HTTP server on 127.0.0.1 that answers like the Twilio REST API (Messages.json) and the
  Telegram Bot API (/bot<token>/<method>) and records every call, so we can see what the bot would send. Point a
  connector at it with `api_base_url` (TWILIO_API_BASE_URL / TELEGRAM_API_BASE_URL).
- Builders for what the platforms post to our webhooks, in their documented formats: Twilio's form-encoded
  incoming-message request, signed like Twilio signs it, and Telegram's JSON updates with the secret-token header.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import parse_qsl

import requests
from twilio.request_validator import RequestValidator

if TYPE_CHECKING:
    from channels.telegram import TelegramSettings
    from channels.whatsapp import WhatsAppSettings

# Made-up accounts for talking to the fake. The numbers are from Ofcom's ranges reserved for drama: they reach no one.
LOCAL_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
LOCAL_AUTH_TOKEN = "local-auth-token-0123456789abcdef"
LOCAL_CLINIC_NUMBER = "whatsapp:+441632960000"
LOCAL_PATIENT_NUMBER = "whatsapp:+447700900123"
# The URL Twilio would be given: a public one, not the local address we post to, as behind a proxy.
LOCAL_PUBLIC_WEBHOOK_URL = "https://clinic.example.org/webhooks/whatsapp/webhook"
LOCAL_BOT_TOKEN = "123456789:LOCAL-bot-token"
LOCAL_SECRET = "local-secret_0123456789"


def local_credentials(api_base_url: str, telegram_max_length: Optional[int] = None) -> dict[str, Any]:
    """A credentials file's content for REST, WhatsApp and Telegram, both channels on the made-up accounts and
    talking to `api_base_url` (the fake). Values given in the file win over environment variables, so real
    platform settings in the environment are never used."""
    telegram: dict[str, Any] = {
        "bot_token": LOCAL_BOT_TOKEN,
        "secret_token": LOCAL_SECRET,
        "api_base_url": api_base_url,
    }
    if telegram_max_length:
        telegram["max_message_length"] = telegram_max_length
    return {
        "channels.rest.LimitedRestInput": None,
        "channels.whatsapp.WhatsAppInput": {
            "account_sid": LOCAL_ACCOUNT_SID,
            "auth_token": LOCAL_AUTH_TOKEN,
            "whatsapp_number": LOCAL_CLINIC_NUMBER,
            "webhook_url": LOCAL_PUBLIC_WEBHOOK_URL,
            "api_base_url": api_base_url,
        },
        "channels.telegram.TelegramInput": telegram,
    }


_TWILIO_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json$")
_TELEGRAM_METHOD = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)$")


class FakePlatform:
    """Answers like Twilio's and Telegram's APIs on a free local port and records each call:
    {"platform": "twilio", "account_sid", "user", "form"} or {"platform": "telegram", "token", "method",
    "payload", "result"}."""

    def __init__(self, port: int = 0) -> None:
        self.calls: list[dict[str, Any]] = []
        # For tests: seconds each API call takes, and Telegram errors to answer the next calls with.
        self.delay_seconds = 0.0
        self.telegram_errors: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1000)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakePlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakePlatform:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    # What the bot sent ---------------------------------------------------------------------------------------

    def mark(self) -> int:
        """A bookmark: pass it to the readers below to see only what came after it."""
        with self._lock:
            return len(self.calls)

    def since(self, mark: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.calls[mark:])

    def twilio_messages(self, mark: int = 0) -> list[dict[str, str]]:
        """The form of each message the bot asked Twilio to send (To, From, Body)."""
        return [call["form"] for call in self.since(mark) if call["platform"] == "twilio"]

    def telegram_calls(self, method: Optional[str] = None, mark: int = 0) -> list[dict[str, Any]]:
        return [
            call
            for call in self.since(mark)
            if call["platform"] == "telegram" and (method is None or call["method"] == method)
        ]

    def wait_for(self, count: int, mark: int = 0, timeout: float = 10) -> list[dict[str, Any]]:
        """Calls after `mark`, once there are at least `count` (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        while len(self.since(mark)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.since(mark)

    # The server ----------------------------------------------------------------------------------------------

    def _record(self, call: dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(call)

    def _twilio(self, account_sid: str, user: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self._record({"platform": "twilio", "account_sid": account_sid, "user": user, "form": form})
        sid = "SM" + uuid.uuid4().hex
        return 201, {
            "sid": sid,
            "account_sid": account_sid,
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "num_media": "0",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "price": None,
            "error_code": None,
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        }

    def _telegram(self, token: str, method: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            error = self.telegram_errors.pop(0) if self.telegram_errors else None
        if error:
            self._record({"platform": "telegram", "token": token, "method": method, "payload": payload, "error": error})
            return int(error.get("error_code", 400)), {"ok": False, **error}
        result: Any = True
        if method in ("sendMessage", "sendPhoto"):
            result = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": _chat_id(payload.get("chat_id")), "type": "private"},
                "from": {"id": 1, "is_bot": True, "first_name": "Clinic assistant"},
            }
            result.update({key: payload[key] for key in ("text", "reply_markup") if key in payload})
        elif method == "getWebhookInfo":
            webhooks = [call["payload"] for call in self.telegram_calls("setWebhook")]
            result = {"url": webhooks[-1].get("url", "") if webhooks else "", "pending_update_count": 0}
        self._record({"platform": "telegram", "token": token, "method": method, "payload": payload, "result": result})
        return 200, {"ok": True, "result": result}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                time.sleep(platform.delay_seconds)
                if match := _TWILIO_MESSAGES.match(self.path):
                    user = ""
                    auth = self.headers.get("Authorization", "")
                    if auth.startswith("Basic "):
                        user = base64.b64decode(auth[6:]).decode("utf-8").split(":", 1)[0]
                    status, answer = platform._twilio(match["account"], user, dict(parse_qsl(body)))
                elif match := _TELEGRAM_METHOD.match(self.path):
                    if "json" in (self.headers.get("Content-Type") or ""):
                        payload = json.loads(body or "{}")
                    else:
                        payload = dict(parse_qsl(body))
                    status, answer = platform._telegram(match["token"], match["method"], payload)
                else:
                    status, answer = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
                data = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:  # keep test output quiet
                pass

        return Handler


# What the platforms post to our webhooks ---------------------------------------------------------------------


def twilio_incoming_form(
    body: Optional[str], sender: str, to: str, account_sid: str, message_sid: Optional[str] = None, num_media: int = 0
) -> dict[str, str]:
    """The form fields Twilio posts for an incoming WhatsApp message (Body left out when `body` is None)."""
    sid = message_sid or "SM" + uuid.uuid4().hex
    form = {
        "SmsMessageSid": sid,
        "NumMedia": str(num_media),
        "ProfileName": "Sam",
        "SmsSid": sid,
        "WaId": sender.removeprefix("whatsapp:+"),
        "SmsStatus": "received",
        "To": to,
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
    if body is not None:
        form["Body"] = body
    if num_media:
        form.update(
            {
                "MediaContentType0": "image/jpeg",
                "MediaUrl0": f"https://api.twilio.com/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media/ME1",
            }
        )
    return form


def twilio_signature(auth_token: str, public_url: str, form: dict[str, str]) -> str:
    """X-Twilio-Signature as Twilio computes it, over the URL it was given and the posted fields."""
    return str(RequestValidator(auth_token).compute_signature(public_url, form))


def post_twilio(post_url: str, form: dict[str, str], signature: Optional[str]) -> requests.Response:
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    return requests.post(post_url, data=form, headers=headers, timeout=60)


def telegram_message_update(
    update_id: int, chat_id: int, text: Optional[str], first_name: str = "Sam"
) -> dict[str, Any]:
    """A Telegram update with a private-chat message (no "text" when `text` is None, as for a sticker)."""
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "from": {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": "en"},
        "chat": {"id": chat_id, "first_name": first_name, "type": "private"},
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    else:
        message["sticker"] = {"file_id": "CAACAgQAAxkBAAEB", "width": 512, "height": 512, "is_animated": False}
    return {"update_id": update_id, "message": message}


def telegram_callback_update(
    update_id: int, chat_id: int, data: str, message: Optional[dict[str, Any]], first_name: str = "Sam"
) -> dict[str, Any]:
    """A Telegram update for a tap on an inline-keyboard button of `message` (the bot's message, as sent)."""
    query: dict[str, Any] = {
        "id": str(uuid.uuid4().int)[:19],
        "chat_instance": "-1234567890",
        "data": data,
        "from": {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": "en"},
    }
    if message is not None:
        query["message"] = message
    return {"update_id": update_id, "callback_query": query}


def post_telegram(post_url: str, update: dict[str, Any], secret: Optional[str]) -> requests.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return requests.post(post_url, json=update, headers=headers, timeout=60)


def _chat_id(value: Any) -> Any:
    """Telegram's chat ids are numbers; the Bot API also takes them as strings."""
    return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else value


# Patients, played against our server and the fake ----------------------------------------------------------

_SIGN = object()  # "sign it properly"


class WhatsAppPatient:
    """A patient writing to the clinic's WhatsApp number: posts Twilio's signed webhook requests to our server
    and returns the bodies of the messages the bot asked (the fake) Twilio to send back to them."""

    def __init__(
        self, fake: FakePlatform, server_url: str, settings: WhatsAppSettings, sender: str = LOCAL_PATIENT_NUMBER
    ) -> None:
        self.fake = fake
        self.post_url = f"{server_url.rstrip('/')}/webhooks/whatsapp/webhook"
        self.settings = settings
        self.sender = sender

    def form(self, body: Optional[str], **fields: Any) -> dict[str, str]:
        return twilio_incoming_form(
            body, self.sender, self.settings.whatsapp_number, self.settings.account_sid, **fields
        )

    def post(self, form: dict[str, str], signature: Any = _SIGN) -> requests.Response:
        if signature is _SIGN:
            signature = twilio_signature(self.settings.auth_token, self.settings.webhook_url, form)
        return post_twilio(self.post_url, form, signature)

    def replies(self, mark: int) -> list[str]:
        """The text bodies sent to this patient (a media message without text, a drawing, has none)."""
        return [
            message["Body"]
            for message in self.fake.twilio_messages(mark)
            if message.get("To") == self.sender and "Body" in message
        ]

    def say(self, body: Optional[str]) -> list[str]:
        mark = self.fake.mark()
        self.post(self.form(body)).raise_for_status()
        return self.replies(mark)


class TelegramPatient:
    """A patient in a private chat with the clinic's Telegram bot: posts Telegram's updates (with the secret
    header) to our server, taps inline buttons, and returns the Bot API calls the bot made to (the fake)
    Telegram for this chat."""

    _update_ids = itertools.count(int(time.time()) % 1_000_000 * 100)

    def __init__(self, fake: FakePlatform, server_url: str, settings: TelegramSettings, chat_id: int = 424242) -> None:
        self.fake = fake
        self.post_url = f"{server_url.rstrip('/')}/webhooks/telegram/webhook"
        self.settings = settings
        self.chat_id = chat_id
        self.last_keyboard_message: Optional[dict[str, Any]] = None

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def post(self, update: dict[str, Any], secret: Any = _SIGN) -> requests.Response:
        return post_telegram(self.post_url, update, self.settings.secret_token if secret is _SIGN else secret)

    def calls(self, mark: int) -> list[dict[str, Any]]:
        calls = [
            call
            for call in self.fake.telegram_calls(mark=mark)
            if _chat_id(call["payload"].get("chat_id")) in (self.chat_id, None)
        ]
        for call in calls:
            if call["method"] == "sendMessage" and "reply_markup" in call["payload"] and "result" in call:
                self.last_keyboard_message = call["result"]
        return calls

    def deliver(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        mark = self.fake.mark()
        self.post(update).raise_for_status()
        return self.calls(mark)

    def say(self, text: Optional[str]) -> list[dict[str, Any]]:
        return self.deliver(telegram_message_update(self.next_update_id(), self.chat_id, text))

    def keyboard(self) -> list[dict[str, str]]:
        rows = ((self.last_keyboard_message or {}).get("reply_markup") or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def tap(self, choice: Any) -> list[dict[str, Any]]:
        """Taps a button of the last keyboard the bot sent, by number (1 = first) or by its text."""
        buttons = self.keyboard()
        button = (
            buttons[choice - 1]
            if isinstance(choice, int)
            else next(button for button in buttons if button["text"] == choice)
        )
        return self.deliver(
            telegram_callback_update(
                self.next_update_id(), self.chat_id, button["callback_data"], self.last_keyboard_message
            )
        )


def sent_texts(calls: list[dict[str, Any]]) -> list[str]:
    """The texts of the messages Telegram accepted."""
    return [call["payload"]["text"] for call in calls if call["method"] == "sendMessage" and "result" in call]
