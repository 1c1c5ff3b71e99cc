"""`make shell` with the trained model, as staff use it: beside `make run` (staff often have both), so with the
ports of `make run` taken (and `make run`'s settings in the environment) the shell takes ports of its own, starts,
keeps the servers' start-up notes off the terminal, and answers questions typed in a row, each after an answer that
offered buttons (a typed message is always sent, never taken for a button). Driven through a pseudo-terminal, as a
person types into it; one shell serves every test here, since starting one takes about a minute."""

from __future__ import annotations

import contextlib
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.model.assistant import ROOT
from tests.model.terminal import Terminal

MAKE_RUN_PORTS = (5005, 5055, 5056)  # Rasa, action server, gateway of `make run`
PROMPT = "Your input ->"
BUTTONS_SHOWN = "(type a number to choose, or type anything else)"
# Each question with words of its own answer. The first answer offers buttons; the three questions after it are
# each typed where the previous answer offered buttons.
QUESTIONS = [
    ("what causes back spasms?", "A back spasm often starts when"),
    ("how long does a back spasm last?", "Most back pain gets better within a few weeks"),
    ("can I take ibuprofen if I have asthma?", "Ibuprofen is an anti-inflammatory painkiller"),
    ("is yoga any good for it?", "Yoga and pilates can be good for your back"),
]


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


@pytest.fixture(scope="module")
def transcript(model_path: Path) -> str:
    """What the terminal showed: the shell started beside `make run`, then every question typed in turn."""
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
        shell = Terminal([str(ROOT / "scripts/run.sh"), "shell", str(model_path)], env)
        try:
            if shell.read_until(PROMPT, 1, 420):
                for number, (question, _) in enumerate(QUESTIONS, start=2):
                    shell.type(question)
                    if not shell.read_until(PROMPT, number, 120):
                        break
        finally:
            shell.stop()
    return shell.text()


def test_the_shell_starts_beside_a_running_assistant_without_server_noise(transcript: str) -> None:
    assert "address already in use" not in transcript.lower()
    assert PROMPT in transcript, f"the shell never asked for input:\n{transcript[-2000:]}"
    assert not re.search(r"^\S+ \S+ +INFO ", transcript, flags=re.M), "the servers' INFO notes reached the terminal"


def test_questions_typed_in_a_row_after_answers_with_buttons_are_all_answered(transcript: str) -> None:
    turns = transcript.split(PROMPT)[1 : len(QUESTIONS) + 1]
    assert len(turns) == len(QUESTIONS), f"not every question got an answer and a new prompt:\n{transcript[-2000:]}"
    for (question, answer), turn in zip(QUESTIONS, turns, strict=True):
        assert turn.strip().startswith(question), turn
        assert answer in turn, f"{question!r} was not answered:\n{turn}"
        assert BUTTONS_SHOWN in turn, f"the answer to {question!r} offered no buttons:\n{turn}"
