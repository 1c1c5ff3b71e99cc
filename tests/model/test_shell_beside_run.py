"""`make shell` beside `make run` (staff often have both): the shell's servers take their own ports, so with the
ports of `make run` taken (and `make run`'s settings in the environment) the shell still starts, answers a typed
question, and keeps the servers' start-up notes off the terminal. Driven through a pseudo-terminal, as a person
types into it."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from backcare.knowledge import KnowledgeBase
from tests.model.assistant import ROOT
from tests.model.terminal import stop_process_group

MAKE_RUN_PORTS = (5005, 5055, 5056)  # Rasa, action server, gateway of `make run`
QUESTION = "what causes back spasms?"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@contextlib.contextmanager
def ports_taken(ports: tuple[int, ...]) -> Iterator[None]:
    """Listeners standing in for a running `make run` (a port another program already holds is taken too)."""
    sockets = []
    for port in ports:
        sock = socket.socket()
        with contextlib.suppress(OSError):
            sock.bind(("127.0.0.1", port))
            sock.listen()
            sockets.append(sock)
    try:
        yield
    finally:
        for sock in sockets:
            sock.close()


def test_the_shell_answers_beside_a_running_assistant_without_server_noise(model_path: Path) -> None:
    # The start of the answer: the shell's menu cuts lines at the terminal's width.
    answer = KnowledgeBase.load().for_intent("ask_causes").answer[:60]
    env = {
        **os.environ,
        "RASA_PORT": "5005",
        "ACTION_PORT": "5055",
        "GATEWAY_PORT": "5056",
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5056/webhook",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("LOG_LEVEL", None)
    with ports_taken(MAKE_RUN_PORTS):
        controller, terminal = pty.openpty()
        shell = subprocess.Popen(
            [str(ROOT / "scripts/run.sh"), "shell", str(model_path)],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        os.close(terminal)
        output, asked_at = "", 0.0
        deadline = time.monotonic() + 420
        try:
            while time.monotonic() < deadline and shell.poll() is None:
                if select.select([controller], [], [], 1)[0]:
                    with contextlib.suppress(OSError):
                        chunk = os.read(controller, 65536)
                        if b"\x1b[6n" in chunk:  # the prompt asks where the cursor is, as terminals answer
                            os.write(controller, b"\x1b[1;1R")
                        output += chunk.decode("utf-8", errors="replace")
                if not asked_at and ("Your input" in output or "You:" in output or output.rstrip().endswith(">")):
                    time.sleep(1)
                    os.write(controller, QUESTION.encode() + b"\r")
                    asked_at = time.monotonic()
                if asked_at and answer in ANSI.sub("", output).split(QUESTION)[-1].replace("\r", ""):
                    break
                if asked_at and time.monotonic() - asked_at > 90:
                    break
        finally:
            stop_process_group(shell)
            os.close(controller)
    text = ANSI.sub("", output).replace("\r", "")
    assert "address already in use" not in text.lower()
    assert asked_at, f"the shell never asked for input:\n{text[-2000:]}"
    assert answer in text.split(QUESTION)[-1], f"no answer to the question:\n{text[-2000:]}"
    assert not re.search(r"^\S+ \S+ +INFO ", text, flags=re.M), "the servers' INFO notes reached the terminal"
