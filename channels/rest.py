"""The website widget's channel: Rasa's REST channel, at the same address (/webhooks/rest/webhook, same JSON in and
out), with what a public endpoint needs.

- A body larger than MAX_REQUEST_BYTES gets 413; one that is not a JSON object with a text `sender` (1-128
  characters) and a text `message` gets 400 saying what is wrong. The stock channel answered some of these with
  500 (a JSON `null` body, a number as the message).
- Each sender may send RATE_LIMIT_BURST messages at once and RATE_LIMIT_PER_MINUTE a minute; beyond that, and for
  empty or over-long messages, the reply is a polite message in the usual format (status 200, so the widget shows
  it) and the dialogue is not run. See channels/limits.py.
- Characters no patient types (control characters, lone surrogates) are dropped before the dialogue sees the text.
- POST /webhooks/rest/checkins with {"sender"}: the follow-up check-ins (issue 22) waiting for this sender, in the
  usual reply format, each shown once. The website cannot message anyone, so the widget asks when the chat opens.
- The client cannot choose the input channel (the stock channel let it claim to be any channel) and the reply is
  always one JSON list (no streaming).
- An image message (Rasa's standard `image` field) carries its words as `alt_text` beside it, for the widget.
- The stretch drawings (backcare/exercises) are served at /webhooks/rest/drawings/<id>.svg and <id>.png; any other
  name gets 404.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from backcare.checkins import CheckinStore, load_wording
from backcare.clinic import load_profile
from backcare.exercises import drawing_file
from channels.common import SORRY_REPLY
from channels.limits import MessageGate, Verdict, readable_text
from channels.memory import channel_memory

logger = logging.getLogger(__name__)

MAX_SENDER_LENGTH = 128


class BadRequest(ValueError):
    """The request body is not a message this channel takes; the text says why (sent back with status 400)."""


def parse_message(body: Any) -> tuple[str, str, Optional[dict[str, Any]]]:
    """(sender, text, metadata) from a decoded request body, or BadRequest."""
    if not isinstance(body, dict):
        raise BadRequest('Expected a JSON object: {"sender": "...", "message": "..."}')
    sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not 0 < len(readable_text(sender).strip()) <= MAX_SENDER_LENGTH:
        raise BadRequest(f'"sender" must be text of 1 to {MAX_SENDER_LENGTH} characters')
    if not isinstance(text, str):
        raise BadRequest('"message" must be text')
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest('"metadata" must be a JSON object when given')
    return readable_text(sender).strip(), readable_text(text), metadata


def decoded_json(request: Request) -> Any:
    try:
        return request.json
    except Exception:  # Sanic raises its own error for a body that is not JSON (or not UTF-8)
        raise BadRequest("The body is not valid JSON") from None


def bot_messages(sender: str, text: str) -> list[dict[str, str]]:
    return [{"recipient_id": sender, "text": text}]


_checkin_store: list[CheckinStore] = []


def waiting_checkins(sender: str, now: Optional[dt.datetime] = None) -> list[dict[str, str]]:
    """The website's check-ins due for this sender, marked shown (CHECKINS_DB_URL or the conversations' database)."""
    if not _checkin_store:
        _checkin_store.append(CheckinStore())
    shown = _checkin_store[0].take_waiting(sender, now or dt.datetime.now(dt.timezone.utc))
    text = load_wording()["checkin"].text.format(clinic=load_profile().name)
    return [message for _ in shown for message in bot_messages(sender, text)]


class AltTextCollector(CollectingOutputChannel):
    """Rasa's collector, with an image's alt text (sent by the action as `alt_text`) kept on the image message; when
    a message has text, an image and buttons, the buttons go on the image, so they come last: steps, drawing, then
    what to do next."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if message.get("image") and message.get("buttons"):
            message = dict(message)
            buttons = message.pop("buttons")
            if message.get("text"):
                await self.send_text_message(recipient_id, message.pop("text"))
            await self.send_image_url(recipient_id, message.pop("image"), buttons=buttons, **message)
            return
        await super().send_response(recipient_id, message)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        message = self._message(recipient_id, image=image, buttons=kwargs.get("buttons") or None)
        if kwargs.get("alt_text"):
            message["alt_text"] = str(kwargs["alt_text"])
        await self._persist_message(message)


def drawing_response(filename: str) -> HTTPResponse:
    found = drawing_file(filename)
    if found is None:
        return response.text("Not found", status=404)
    body, content_type = found
    return response.raw(body, content_type=content_type, headers={"Cache-Control": "public, max-age=86400"})


class LimitedRestInput(RestInput):
    """The REST channel with size limits, a per-sender rate limit and input checks (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> LimitedRestInput:
        return cls()

    def __init__(self, gate: Optional[MessageGate] = None) -> None:
        self.gate = gate or MessageGate(memory=channel_memory(), scope=self.name())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("limited_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])  # type: ignore[untyped-decorator]  # Sanic's route() may return sanic_routing's untyped Route
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/drawings/<filename:str>", methods=["GET", "HEAD"])  # type: ignore[untyped-decorator]  # Sanic's route() may return sanic_routing's untyped Route
        async def drawing(_: Request, filename: str) -> HTTPResponse:
            return drawing_response(filename)

        @webhook.route("/webhook", methods=["POST"])  # type: ignore[untyped-decorator]  # Sanic's route() may return sanic_routing's untyped Route
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > self.gate.settings.max_request_bytes:
                return response.text(
                    f"The request is larger than {self.gate.settings.max_request_bytes} bytes.", status=413
                )
            try:
                sender, text, metadata = parse_message(decoded_json(request))
            except BadRequest as error:
                return response.text(str(error), status=400)
            return response.json(await self.answer(sender, text, metadata, on_new_message))

        @webhook.route("/checkins", methods=["POST"])  # type: ignore[untyped-decorator]  # as above
        async def checkins(request: Request) -> HTTPResponse:
            if len(request.body or b"") > self.gate.settings.max_request_bytes:
                return response.text("The request is too large.", status=413)
            try:
                body = decoded_json(request)
                sender, _, _ = parse_message({**body, "message": ""} if isinstance(body, dict) else body)
            except BadRequest as error:
                return response.text(str(error), status=400)
            try:
                return response.json(await asyncio.to_thread(waiting_checkins, sender))
            except Exception as error:  # the chat still opens; the check-in waits for the next time
                logger.error("Waiting check-ins could not be read: %s", type(error).__name__)
                return response.json([])

        return webhook

    async def answer(
        self,
        sender: str,
        text: str,
        metadata: Optional[dict[str, Any]],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> list[dict[str, Any]]:
        verdict = await self.gate.check(sender, text)
        if verdict is not Verdict.ANSWER:
            # Over the rate, a polite reply costs nothing here (it is the HTTP answer), so it is always given.
            return bot_messages(sender, self.gate.reply(verdict) or self.gate.reply(Verdict.SLOW_DOWN) or "")
        collector = AltTextCollector()
        try:
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
        except Exception:  # the patient gets an apology rather than an error page
            logger.exception("The assistant failed to answer a website message.")
            return bot_messages(sender, SORRY_REPLY)
        return list(collector.messages)
