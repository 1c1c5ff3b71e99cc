"""The connectors served in-process by a bare Sanic app with a stand-in dialogue instead of the trained model: fast
tests of what the connectors themselves do (what reaches the dialogue, what goes out)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Sanic

from tests.model.assistant import free_port


@dataclass
class StandInDialogue:
    """Records each message that reaches it and answers with `reply` (a Rasa bot message, or a function of the
    message giving one); `fail` makes it raise instead."""

    reply: Any = field(default_factory=lambda: {"text": "Hello. How can I help?"})
    fail: bool = False
    received: list[UserMessage] = field(default_factory=list)

    @property
    def texts(self) -> list[Optional[str]]:
        return [message.text for message in self.received]

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.fail:
            raise RuntimeError("the dialogue broke")
        reply = self.reply(message) if callable(self.reply) else self.reply
        for bot_message in reply if isinstance(reply, list) else [reply]:
            await message.output_channel.send_response(message.sender_id, dict(bot_message))


@contextlib.contextmanager
def serve(channels: list[InputChannel], dialogue: Callable[[UserMessage], Any]) -> Iterator[str]:
    """Serves the channels' webhooks at /webhooks/<name>/... on a free port; yields the base URL."""
    Sanic.test_mode = True
    app = Sanic(f"channels_{uuid.uuid4().hex}")
    for channel in channels:
        app.blueprint(channel.blueprint(dialogue), url_prefix=f"/webhooks/{channel.url_prefix()}")
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    async def run() -> None:
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
        assert server is not None
        await server.startup()
        started.set()
        await server.serve_forever()

    def main() -> None:
        with contextlib.suppress(RuntimeError, asyncio.CancelledError):  # stopped from outside
            loop.run_until_complete(run())

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    assert started.wait(20), "the in-process server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
