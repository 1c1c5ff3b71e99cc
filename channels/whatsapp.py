"""WhatsApp through Twilio: Rasa's built-in Twilio connector with what it lacks for a clinic.

- Every request must carry a valid `X-Twilio-Signature` (HMAC of the public webhook URL and the form fields with
  the account's auth token); anything else gets 403 and never reaches the dialogue. The URL is the one given to
  Twilio (`TWILIO_WEBHOOK_URL`), not the one the server sees, which differs behind a proxy or tunnel.
- Twilio's Python client is synchronous, so each send runs in a worker thread, off the server's event loop, with a
  timeout. The API address is configurable (`TWILIO_API_BASE_URL`) so tests talk to a local stand-in.
- Buttons become one numbered message ("1. Yes", "2. No", "Reply with the number or the words."); the patient's
  "2" or "No" is mapped back to that button's payload. The last buttons offered to each number are kept for 24
  hours in the channel memory (channels/memory.py: in Redis, shared by every instance, when it is configured;
  otherwise in this process, bounded); without them a bare number simply goes to language understanding.
- Long answers are split at sentence boundaries under Twilio's 1,600-character limit for a WhatsApp body.
- A message without text (photo, voice note, location) is answered kindly instead of crashing the stock code.
- A repeated delivery of the same MessageSid is answered once (by whichever instance gets it first).
- An image (a stretch drawing) is sent as media (MediaUrl), as the PNG rendering: WhatsApp cannot show SVG.

WhatsApp's 24-hour rule: a business may send free-form messages only within 24 hours of the patient's last
message; outside it only pre-approved templates. This assistant only ever replies to a message the patient has just
sent, so it stays inside the window; it never starts a conversation (no reminders, and Rasa's HTTP API, which could
push messages, is not enabled). Twilio refuses a send outside the window with error 63016, which is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import parse_qsl

import requests
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from backcare.exercises import png_address
from channels.common import (
    NO_TEXT_REPLY,
    SORRY_REPLY,
    WHATSAPP_TWILIO_MAX_LENGTH,
    Buttons,
    channel_settings,
    chosen_payload,
    int_setting,
    numbered_options,
    split_message,
    typed_text,
    whatsapp_markup,
)
from channels.limits import MessageGate, Verdict, readable_text
from channels.memory import ChannelMemory, channel_memory

logger = logging.getLogger(__name__)
# Twilio's client logs every API request's address and headers at INFO; keep the server log to what matters.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

TWILIO_API = "https://api.twilio.com"
SETTINGS = {
    "account_sid": "TWILIO_ACCOUNT_SID",
    "auth_token": "TWILIO_AUTH_TOKEN",
    "whatsapp_number": "TWILIO_WHATSAPP_NUMBER",
    "webhook_url": "TWILIO_WEBHOOK_URL",
    "api_base_url": "TWILIO_API_BASE_URL",
    "max_message_length": "TWILIO_MAX_MESSAGE_LENGTH",
}
REQUIRED = ("account_sid", "auth_token", "whatsapp_number", "webhook_url")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
OUTSIDE_24_HOUR_WINDOW = 63016


@dataclass(frozen=True)
class WhatsAppSettings:
    account_sid: str
    auth_token: str
    whatsapp_number: str  # the clinic's sender, "whatsapp:+44..."
    webhook_url: str  # exactly the URL given to Twilio for incoming messages
    api_base_url: str = TWILIO_API
    max_message_length: int = WHATSAPP_TWILIO_MAX_LENGTH
    timeout_seconds: float = 10.0

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> Optional[WhatsAppSettings]:
        values = channel_settings("WhatsApp", credentials, SETTINGS, REQUIRED)
        if values is None:
            return None
        number = values["whatsapp_number"]
        return cls(
            account_sid=values["account_sid"],
            auth_token=values["auth_token"],
            whatsapp_number=number if number.startswith("whatsapp:") else f"whatsapp:{number}",
            webhook_url=values["webhook_url"],
            api_base_url=(values["api_base_url"] or TWILIO_API).rstrip("/"),
            max_message_length=int_setting(
                values["max_message_length"], WHATSAPP_TWILIO_MAX_LENGTH, WHATSAPP_TWILIO_MAX_LENGTH
            ),
        )


class WhatsAppOutput(TwilioOutput):
    """Sends the replies to one incoming message, and notes the buttons it offered."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(self, settings: WhatsAppSettings) -> None:
        super().__init__(settings.account_sid, settings.auth_token, settings.whatsapp_number)
        self.settings = settings
        self.http_client = TwilioHttpClient(timeout=settings.timeout_seconds)
        self.api.base_url = settings.api_base_url
        self.offered_buttons: Buttons = []

    async def _send_message(self, message_data: dict[str, Any]) -> Any:
        try:
            return await asyncio.to_thread(self.messages.create, **message_data)
        except TwilioRestException as error:
            if error.code == OUTSIDE_24_HOUR_WINDOW:
                logger.warning("Twilio refused a WhatsApp reply: outside the 24-hour window (63016).")
            else:
                logger.error(
                    "Twilio refused a WhatsApp message: HTTP %s, code %s: %s", error.status, error.code, error.msg
                )
        except requests.RequestException as error:
            logger.error("Could not reach Twilio to send a WhatsApp message: %s", type(error).__name__)
        return None

    async def _send_texts(self, recipient_id: str, texts: list[str]) -> None:
        for text in texts:
            await self._send_message({"to": recipient_id, "from_": self.twilio_number, "body": text})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_texts(recipient_id, split_message(whatsapp_markup(text), self.settings.max_message_length))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send_message({"to": recipient_id, "from_": self.twilio_number, "media_url": [png_address(image)]})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: Buttons, **kwargs: Any) -> None:
        buttons = [button for button in buttons if button.get("payload")]
        await self._send_texts(
            recipient_id,
            split_message(whatsapp_markup(text or ""), self.settings.max_message_length, numbered_options(buttons)),
        )
        if buttons:
            self.offered_buttons = buttons


class TwilioForm(dict[str, str]):
    """The posted fields with empty ones kept (Sanic's `request.form` drops them, but Twilio signs them: a photo
    arrives with an empty Body). Maps each name to its first value; `getall` gives every value, as the
    signature check expects."""

    def __init__(self, body: bytes) -> None:
        self.values_by_name: dict[str, list[str]] = {}
        for name, value in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
            self.values_by_name.setdefault(name, []).append(value)
        super().__init__({name: values[0] for name, values in self.values_by_name.items()})

    def getall(self, name: str) -> list[str]:
        return self.values_by_name[name]


def empty_twiml(status: int = 200) -> HTTPResponse:
    """Twilio's expected answer to a webhook: TwiML with nothing in it (the replies go through the API)."""
    return response.text(EMPTY_TWIML, status=status, content_type="text/xml")


class WhatsAppInput(TwilioInput):
    """Incoming WhatsApp messages from Twilio at /webhooks/whatsapp/webhook."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> WhatsAppInput:
        return cls(WhatsAppSettings.from_credentials(credentials))

    def __init__(self, settings: Optional[WhatsAppSettings], memory: Optional[ChannelMemory] = None) -> None:
        super().__init__(
            settings.account_sid if settings else None,
            settings.auth_token if settings else None,
            settings.whatsapp_number if settings else None,
            debug_mode=False,
        )
        self.settings = settings
        self.memory = memory if memory is not None else channel_memory()
        self.gate = MessageGate(memory=self.memory, scope=self.name())
        self.validator = RequestValidator(settings.auth_token) if settings else None

    def get_output_channel(self) -> Optional[WhatsAppOutput]:
        return WhatsAppOutput(self.settings) if self.settings else None

    def is_signed(self, form: TwilioForm, signature: str) -> bool:
        assert self.validator is not None and self.settings is not None
        return bool(signature) and self.validator.validate(self.settings.webhook_url, form, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("whatsapp_webhook", __name__)

        @webhook.route("/", methods=["GET"])  # type: ignore[untyped-decorator]  # Sanic's route() may return sanic_routing's untyped Route
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.settings else "off"})

        @webhook.route("/webhook", methods=["POST"])  # type: ignore[untyped-decorator]  # Sanic's route() may return sanic_routing's untyped Route
        async def receive(request: Request) -> HTTPResponse:
            if self.settings is None:
                return response.text("The WhatsApp channel is not configured.", status=503)
            form = TwilioForm(request.body or b"")
            if not self.is_signed(form, request.headers.get("X-Twilio-Signature", "")):
                logger.warning("Rejected a WhatsApp webhook request without a valid Twilio signature.")
                return response.text("Forbidden", status=403)
            return await self.handle(form, on_new_message)

        return webhook

    async def handle(self, form: TwilioForm, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        assert self.settings is not None
        sender = form.get("From") or ""
        message_sid = form.get("MessageSid") or form.get("SmsMessageSid")
        if not sender.startswith("whatsapp:") or sender == self.settings.whatsapp_number:
            # Not a patient's WhatsApp message (an SMS, or a status callback about our own message).
            logger.info("Ignored a Twilio request that is not an incoming WhatsApp message.")
            return empty_twiml()
        if message_sid and not await self.memory.first_delivery(f"whatsapp:{message_sid}"):
            logger.info("Ignored a repeated delivery of WhatsApp message %s.", message_sid)
            return empty_twiml()

        output = WhatsAppOutput(self.settings)
        text = readable_text(form.get("Body") or "").strip()
        verdict = await self.gate.check(sender, text)
        if verdict is not Verdict.ANSWER:
            reply = self.gate.reply(verdict, empty_reply=NO_TEXT_REPLY)
            if reply:
                await output.send_text_message(sender, reply)
            return empty_twiml()

        payload = chosen_payload(text, await self.memory.offered(sender))
        message = UserMessage(
            payload or typed_text(text),
            output,
            sender,
            input_channel=self.name(),
            message_id=message_sid,
            metadata={"typed": text} if payload else None,
        )
        try:
            await on_new_message(message)
        except Exception:  # the patient gets an apology rather than silence
            logger.exception("The assistant failed to answer a WhatsApp message.")
            await output.send_text_message(sender, SORRY_REPLY)
            return empty_twiml()
        if output.offered_buttons:
            await self.memory.offer(sender, output.offered_buttons)
        else:
            await self.memory.forget_offer(sender)
        return empty_twiml()
