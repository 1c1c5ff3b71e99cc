"""The staff shell (`make shell`, scripts/staff_shell.py) against a fake of the assistant's REST channel: typed
questions after answers with buttons are all sent and answered, and a number picks a button's payload. Run in a
terminal (a pseudo-terminal), as staff use it, and through a pipe."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHELL = ROOT / "scripts" / "staff_shell.py"
BUTTONS = [
    {"title": "Book an assessment", "payload": "/book_appointment"},
    {"title": "Something else", "payload": "/something_else"},
]


class FakeAssistant(BaseHTTPRequestHandler):
    """Rasa's REST channel as the shell sees it: every answer comes with buttons."""

    received: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:  # the health check of the channel
        self.reply(200, {"status": "ok"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((body["sender"], body["message"]))
        self.reply(
            200,
            [
                {"recipient_id": body["sender"], "text": f"Answer to: {body['message']}"},
                {"recipient_id": body["sender"], "text": "Anything else?", "buttons": BUTTONS},
            ],
        )

    def reply(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def assistant() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    received: ClassVar[list[tuple[str, str]]] = []
    handler = type("Handler", (FakeAssistant,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def read_until(fd: int, wanted: str, seen: str = "", timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"no {wanted!r} within {timeout} s; the terminal showed:\n{seen}")
        seen += os.read(fd, 4096).decode(errors="replace")
    return seen


QUESTIONS = ["what causes back spasms?", "can I take ibuprofen if I have asthma", "is yoga any good for it"]


def test_three_typed_questions_in_a_row_after_answers_with_buttons_are_all_answered_in_a_terminal(
    assistant: tuple[str, list[tuple[str, str]]],
) -> None:
    url, received = assistant
    controller, terminal = os.openpty()
    shell = subprocess.Popen(
        [sys.executable, str(SHELL), "--url", url, "--wait", "10"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=ROOT,
        env={**os.environ, "TERM": "dumb"},
    )
    os.close(terminal)
    try:
        read_until(controller, "Your input -> ")
        for number, question in enumerate(QUESTIONS, start=1):
            os.write(controller, question.encode() + b"\n")
            shown = read_until(controller, "Your input -> ")  # the next prompt: what came before it is the answer
            assert f"Answer to: {question}" in shown and "2. Something else" in shown, shown
            assert [message for _, message in received] == QUESTIONS[:number]
        os.write(controller, b"2\n")  # a number picks that button
        assert "Answer to: /something_else" in read_until(controller, "Your input -> ")
        os.write(controller, b"\x04")  # Ctrl-D ends the conversation
        assert shell.wait(timeout=10) == 0
    finally:
        shell.kill()
        os.close(controller)
    assert [message for _, message in received] == [*QUESTIONS, "/something_else"]
    assert len({sender for sender, _ in received}) == 1, "one conversation"


def test_through_a_pipe_numbers_pick_buttons_and_anything_else_is_sent_as_typed(
    assistant: tuple[str, list[tuple[str, str]]],
) -> None:
    url, received = assistant
    typed = "hello\n1\n\n7\nwhat about heat?\n/stop\nnot sent\n"
    result = subprocess.run(
        [sys.executable, str(SHELL), "--url", url], input=typed, capture_output=True, text=True, timeout=30, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert [message for _, message in received] == ["hello", "/book_appointment", "7", "what about heat?"]
    assert result.stdout.count("1. Book an assessment") == 4 and "Bot: Answer to: what about heat?" in result.stdout


def test_an_assistant_that_is_not_there_is_named_not_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, str(SHELL), "--url", "http://127.0.0.1:9", "--wait", "1"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert result.returncode == 1 and "did not answer at http://127.0.0.1:9" in result.stderr
