"""`make shell` with the trained model: three questions typed in a row, each after an answer that offered buttons,
are all answered (a typed message is always sent, never taken for a button). Driven through a pseudo-terminal, as a
person types into it; the shell's servers get free ports of their own."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.model.assistant import ROOT

PROMPT = "Your input ->"
BUTTONS_SHOWN = "(type a number to choose, or type anything else)"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Each question with words of its own answer. The first answer offers buttons; the three questions after it are
# each typed where the previous answer offered buttons.
QUESTIONS = [
    ("what causes back spasms?", "A back spasm often starts when"),
    ("how long does a back spasm last?", "Most back pain gets better within a few weeks"),
    ("can I take ibuprofen if I have asthma?", "Ibuprofen is an anti-inflammatory painkiller"),
    ("is yoga any good for it?", "Yoga and pilates can be good for your back"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Terminal:
    """The shell on a pseudo-terminal; `read_until` collects what it prints."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.controller, terminal = pty.openpty()
        self.process = subprocess.Popen(
            command, stdin=terminal, stdout=terminal, stderr=terminal, cwd=ROOT, env=env, start_new_session=True
        )
        os.close(terminal)
        self.output = ""

    def text(self) -> str:
        return ANSI.sub("", self.output).replace("\r", "")

    def read_until(self, marker: str, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if select.select([self.controller], [], [], 1)[0]:
                with contextlib.suppress(OSError):
                    chunk = os.read(self.controller, 65536)
                    if b"\x1b[6n" in chunk:  # asked where the cursor is, as terminals answer
                        os.write(self.controller, b"\x1b[1;1R")
                    self.output += chunk.decode("utf-8", errors="replace")
            if self.text().count(marker) >= count:
                return True
        return False

    def type(self, line: str) -> None:
        os.write(self.controller, line.encode() + b"\r")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        os.close(self.controller)


def test_three_typed_questions_in_a_row_after_answers_with_buttons_are_all_answered(model_path: Path) -> None:
    env = {
        **os.environ,
        "SHELL_RASA_PORT": str(free_port()),
        "SHELL_ACTION_PORT": str(free_port()),
        "SHELL_GATEWAY_PORT": str(free_port()),
        "PYTHONPATH": str(ROOT),
    }
    shell = Terminal([str(ROOT / "scripts/run.sh"), "shell", str(model_path)], env)
    try:
        assert shell.read_until(PROMPT, 1, 420), f"the shell never asked for input:\n{shell.text()[-2000:]}"
        for number, (question, _) in enumerate(QUESTIONS, start=2):
            shell.type(question)
            assert shell.read_until(PROMPT, number, 120), f"no prompt after {question!r}:\n{shell.text()[-2000:]}"
    finally:
        shell.stop()
    turns = shell.text().split(PROMPT)[1 : len(QUESTIONS) + 1]
    for (question, answer), turn in zip(QUESTIONS, turns, strict=True):
        assert turn.strip().startswith(question), turn
        assert answer in turn, f"{question!r} was not answered:\n{turn}"
        assert BUTTONS_SHOWN in turn, f"the answer to {question!r} offered no buttons:\n{turn}"
