"""Telegram: a small connector of our own, used instead of Rasa's built-in one.

The built-in connector calls `setWebhook` while the server builds its routes (so the server cannot start offline,
and every restart re-registers the webhook) and breaks with the aiogram version pip resolves for rasa 3.6.21
("Event loop is closed"; RasaHQ/rasa PR #13040). This one talks to the Bot API directly with aiohttp (already part
of Rasa), with timeouts and a configurable API address (`TELEGRAM_API_BASE_URL`) so tests use a local stand-in.
The webhook is registered once by the clinic with scripts/telegram_set_webhook.py, never at server start.

- Every request must carry the `X-Telegram-Bot-Api-Secret-Token` header given at `setWebhook`
  (`TELEGRAM_WEBHOOK_SECRET`); anything else gets 403 and never reaches the dialogue.
- Buttons become an inline keyboard; a tap (callback_query) is acknowledged with answerCallbackQuery and its
  payload goes to the assistant. Only payloads of buttons we offered are accepted.
- Long answers are split at sentence boundaries under Telegram's 4,096-character limit; the keyboard goes on the
  last part. Text is sent without parse_mode (plain text: nothing in it can inject markup, and Telegram still
  makes links clickable); the assistant's **bold** becomes bold entities.
- A repeated delivery of the same update_id is answered once, by whichever instance gets it first (the channel
  memory, channels/memory.py, is shared in Redis when it is configured); a message without text is answered
  kindly.
- Only private chats are served (a health conversation does not belong in a group).
- A message with an image (a stretch drawing) becomes sendPhoto with the PNG rendering (Telegram cannot show SVG)
  and the text as its caption; text beyond the 1,024-character caption limit follows as ordinary messages, with
  the buttons on the last one.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Optional

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from backcare.exercises import png_address
from channels.common import (
    NO_TEXT_REPLY,
    SORRY_REPLY,
    TELEGRAM_MAX_LENGTH,
    Buttons,
    bold_spans,
    button_title,
    channel_settings,
    int_setting,
    split_message,
    text_length,
    typed_text,
)
from channels.limits import MessageGate, Verdict, readable_text
from channels.memory import ChannelMemory, channel_memory

logger = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org"
CAPTION_MAX_LENGTH = 1024  # Bot API sendPhoto caption limit, after entities parsing
SETTINGS = {
    "bot_token": "TELEGRAM_BOT_TOKEN",
    "secret_token": "TELEGRAM_WEBHOOK_SECRET",
    "api_base_url": "TELEGRAM_API_BASE_URL",
    "max_message_length": "TELEGRAM_MAX_MESSAGE_LENGTH",
}
REQUIRED = ("bot_token", "secret_token")
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_DATA_MAX_BYTES = 64
SENDER_PREFIX = "telegram:"
# Telegram opens every chat with /start; /help is the other command clients suggest.
GREETING_COMMANDS = {"/start", "/help"}
GREETING_PAYLOAD = "/greet"


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: str
    secret_token: str
    api_base_url: str = TELEGRAM_API
    max_message_length: int = TELEGRAM_MAX_LENGTH
    timeout_seconds: float = 10.0

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> Optional[TelegramSettings]:
        values = channel_settings("Telegram", credentials, SETTINGS, REQUIRED)
        if values is None:
            return None
        if not SECRET_TOKEN.fullmatch(values["secret_token"]):
            logger.error(
                "The Telegram channel is off: TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of "
                "A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)."
            )
            return None
        return cls(
            bot_token=values["bot_token"],
            secret_token=values["secret_token"],
            api_base_url=(values["api_base_url"] or TELEGRAM_API).rstrip("/"),
            max_message_length=int_setting(values["max_message_length"], TELEGRAM_MAX_LENGTH, TELEGRAM_MAX_LENGTH),
        )


class TelegramApiError(Exception):
    pass


async def call_bot_api(settings: TelegramSettings, method: str, payload: dict[str, Any]) -> Any:
    """One Bot API call; waits once when Telegram asks to slow down (429 with retry_after up to 10 s).
    The bot token is part of the URL, so errors never include the URL."""
    url = f"{settings.api_base_url}/bot{settings.bot_token}/{method}"
    timeout = aiohttp.ClientTimeout(total=settings.timeout_seconds)
    for attempt in range(2):
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session, session.post(url, json=payload) as reply:
                body = await reply.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise TelegramApiError(f"{method}: could not reach the Bot API ({type(error).__name__})") from None
        if body.get("ok"):
            return body.get("result")
        retry_after = (body.get("parameters") or {}).get("retry_after")
        if attempt == 0 and body.get("error_code") == 429 and retry_after and retry_after <= 10:
            await asyncio.sleep(retry_after)
            continue
        raise TelegramApiError(f"{method}: {body.get('error_code')} {body.get('description')}")
    raise TelegramApiError(f"{method}: still rate limited")


def callback_data(button: dict[str, Any], number: int) -> str:
    """What a tap sends back: the payload when it fits Telegram's 64 bytes, else "#<number>" of the button."""
    payload = str(button["payload"])
    return payload if len(payload.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES else f"#{number}"


def telegram_messages(text: str, limit: int) -> list[tuple[str, list[dict[str, Any]]]]:
    """The text as plain-text messages under the limit, each with its bold entities (offsets in UTF-16 units,
    as Telegram counts): "**bold**" is shown bold without any parse_mode."""
    plain, spans = bold_spans(text)
    messages = []
    cursor = 0
    for chunk in split_message(plain, limit):
        start = plain.find(chunk, cursor)
        end = cursor = start + len(chunk)
        entities = []
        for span_start, span_end in spans:
            bold_start, bold_end = max(span_start, start), min(span_end, end)
            if bold_start < bold_end:
                entities.append(
                    {
                        "type": "bold",
                        "offset": text_length(chunk[: bold_start - start]),
                        "length": text_length(chunk[bold_start - start : bold_end - start]),
                    }
                )
        messages.append((chunk, entities))
    return messages


class TelegramOutput(OutputChannel):
    """Sends the replies to one update, and notes the buttons it offered."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        self.offered_buttons: Buttons = []

    async def _call(self, method: str, payload: dict[str, Any]) -> Any:
        try:
            return await call_bot_api(self.settings, method, payload)
        except TelegramApiError as error:
            logger.error("Telegram did not take a message: %s", error)
            return None

    @staticmethod
    def chat_id(recipient_id: str) -> int | str:
        chat = recipient_id[len(SENDER_PREFIX) :] if recipient_id.startswith(SENDER_PREFIX) else recipient_id
        return int(chat) if chat.lstrip("-").isdigit() else chat

    async def _send_texts(self, recipient_id: str, text: str, reply_markup: Optional[dict[str, Any]] = None) -> None:
        messages = telegram_messages(text, self.settings.max_message_length)
        if not messages and reply_markup:
            messages = [("Please choose:", [])]
        await self._send_chunks(recipient_id, messages, reply_markup)

    async def _send_chunks(
        self, recipient_id: str, messages: list[Any], reply_markup: Optional[dict[str, Any]] = None
    ) -> None:
        """One sendMessage per chunk; the keyboard goes on the last."""
        for index, (message, entities) in enumerate(messages):
            payload: dict[str, Any] = {"chat_id": self.chat_id(recipient_id), "text": message}
            if entities:
                payload["entities"] = entities
            if reply_markup and index == len(messages) - 1:
                payload["reply_markup"] = reply_markup
            await self._call("sendMessage", payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_texts(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: Buttons, **kwargs: Any) -> None:
        buttons = [button for button in buttons if button.get("payload")]
        keyboard = [
            [{"text": button_title(button), "callback_data": callback_data(button, number)}]
            for number, button in enumerate(buttons, start=1)
        ]
        await self._send_texts(recipient_id, text or "", {"inline_keyboard": keyboard} if keyboard else None)
        if buttons:
            self.offered_buttons = buttons

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._call("sendPhoto", {"chat_id": self.chat_id(recipient_id), "photo": png_address(image)})

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """A message with an image is one sendPhoto with the text as caption (the first 1,024 characters, cut at a
        sentence); the rest of the text follows. Anything else as Rasa sends it."""
        image = message.get("image")
        if not image:
            await super().send_response(recipient_id, message)
            return
        buttons = [button for button in message.get("buttons") or [] if button.get("payload")]
        keyboard = [
            [{"text": button_title(button), "callback_data": callback_data(button, number)}]
            for number, button in enumerate(buttons, start=1)
        ]
        markup = {"inline_keyboard": keyboard} if keyboard else None
        text = str(message.get("text") or "")
        # Cut at sentences to the caption limit; what does not fit the caption follows in parts of that size.
        parts = telegram_messages(text, min(CAPTION_MAX_LENGTH, self.settings.max_message_length))
        (caption, entities), remaining = (parts[0], parts[1:]) if parts else (("", []), [])
        photo: dict[str, Any] = {"chat_id": self.chat_id(recipient_id), "photo": png_address(str(image))}
        if caption:
            photo["caption"] = caption
        if entities:
            photo["caption_entities"] = entities
        if markup and not remaining:
            photo["reply_markup"] = markup
        await self._call("sendPhoto", photo)
        await self._send_chunks(recipient_id, list(remaining), markup)
        if buttons:
            self.offered_buttons = buttons

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """A custom response is taken as sendMessage parameters (it must have "text")."""
        if not json_message.get("text"):
            logger.warning("Ignored a custom response without text on Telegram.")
            return
        await self._call("sendMessage", {**json_message, "chat_id": self.chat_id(recipient_id)})


def _keyboard_data(message: Optional[dict[str, Any]]) -> set[str]:
    keyboard = ((message or {}).get("reply_markup") or {}).get("inline_keyboard") or []
    return {str(button.get("callback_data")) for row in keyboard for button in row if button.get("callback_data")}


class TelegramInput(InputChannel):
    """Incoming Telegram updates at /webhooks/telegram/webhook."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> TelegramInput:
        return cls(TelegramSettings.from_credentials(credentials))

    def __init__(self, settings: Optional[TelegramSettings], memory: Optional[ChannelMemory] = None) -> None:
        self.settings = settings
        self.memory = memory if memory is not None else channel_memory()
        self.gate = MessageGate(memory=self.memory, scope=self.name())

    def get_output_channel(self) -> Optional[TelegramOutput]:
        return TelegramOutput(self.settings) if self.settings else None

    def is_from_telegram(self, request: Request) -> bool:
        assert self.settings is not None
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode("utf-8"), self.settings.secret_token.encode("utf-8"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("telegram_webhook", __name__)

        @webhook.route("/", methods=["GET"])  # type: ignore[untyped-decorator]  # Sanic's route() may return sanic_routing's untyped Route
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.settings else "off"})

        @webhook.route("/webhook", methods=["POST"])  # type: ignore[untyped-decorator]  # Sanic's route() may return sanic_routing's untyped Route
        async def receive(request: Request) -> HTTPResponse:
            if self.settings is None:
                return response.text("The Telegram channel is not configured.", status=503)
            if not self.is_from_telegram(request):
                logger.warning("Rejected a Telegram webhook request without the right secret token.")
                return response.text("Forbidden", status=403)
            try:
                update = request.json
            except Exception:  # Sanic raises its own error for a body that is not JSON
                update = None
            if not isinstance(update, dict):
                return response.text("Expected a Telegram update", status=400)
            await self.handle(update, on_new_message)
            return response.text("")  # 200: Telegram stops retrying

        return webhook

    async def _chosen_payload(self, sender: str, data: str, message: Optional[dict[str, Any]]) -> Optional[str]:
        """The payload of a tapped button, provided it is one we offered (callback data can be forged by a
        modified client); "#<n>" stands for the n-th of the buttons last offered in this chat."""
        offered = await self.memory.offered(sender) or []
        known = _keyboard_data(message) | {
            callback_data(button, number) for number, button in enumerate(offered, start=1)
        }
        if data not in known:
            return None
        if data.startswith("#"):
            number = int(data[1:]) if data[1:].isdigit() else 0
            return str(offered[number - 1]["payload"]) if 1 <= number <= len(offered) else None
        return data

    async def handle(self, update: dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        assert self.settings is not None
        update_id = update.get("update_id")
        if isinstance(update_id, int) and not await self.memory.first_delivery(f"telegram:{update_id}"):
            logger.info("Ignored a repeated delivery of Telegram update %s.", update_id)
            return
        # Forged or odd updates may hold anything where Telegram puts an object: read only objects.
        query = object_or_none(update.get("callback_query"))
        message = object_or_none(query.get("message") if query else update.get("message"))
        chat = object_or_none((message or {}).get("chat")) or {}
        if query and not chat.get("id") and (object_or_none(query.get("from")) or {}).get("id"):
            # A tap on a message too old for Telegram to include: the private chat's id is the user's id.
            chat = {"id": query["from"]["id"], "type": "private"}
        if query:
            await call_answer_callback_query(self.settings, query)
        if not isinstance(chat.get("id"), (int, str)) or not chat["id"] or chat.get("type", "private") != "private":
            return  # edited messages, channel posts, groups: not served
        sender = f"{SENDER_PREFIX}{chat['id']}"
        output = TelegramOutput(self.settings)

        if query:
            text = await self._chosen_payload(sender, str(query.get("data") or ""), message)
            if text is None:
                logger.info("Ignored a Telegram button tap that matches no button we offered.")
                return
            metadata: Optional[dict[str, Any]] = {"tapped": True}
        else:
            typed = (message or {}).get("text")
            text = readable_text(typed if isinstance(typed, str) else "").strip()
            metadata = None
        verdict = await self.gate.check(sender, text)
        if verdict is not Verdict.ANSWER:
            reply = self.gate.reply(verdict, empty_reply=NO_TEXT_REPLY)
            if reply:
                await output.send_text_message(sender, reply)
            return
        if not query:
            command = text.split()[0].split("@")[0].lower()
            text = GREETING_PAYLOAD if command in GREETING_COMMANDS else typed_text(text)

        try:
            await on_new_message(
                UserMessage(
                    text,
                    output,
                    sender,
                    input_channel=self.name(),
                    message_id=None if update_id is None else str(update_id),
                    metadata=metadata,
                )
            )
        except Exception:  # the patient gets an apology rather than silence
            logger.exception("The assistant failed to answer a Telegram message.")
            await output.send_text_message(sender, SORRY_REPLY)
            return
        if output.offered_buttons:
            await self.memory.offer(sender, output.offered_buttons)
        else:
            await self.memory.forget_offer(sender)


def object_or_none(value: Any) -> Optional[dict[str, Any]]:
    return value if isinstance(value, dict) else None


async def call_answer_callback_query(settings: TelegramSettings, query: dict[str, Any]) -> None:
    """Stops the spinner on the tapped button."""
    try:
        await call_bot_api(settings, "answerCallbackQuery", {"callback_query_id": query.get("id")})
    except TelegramApiError as error:
        logger.warning("answerCallbackQuery failed: %s", error)
