"""`make shell` with the trained model: three questions typed in a row, each after an answer that offered buttons,
are all answered (a typed message is always sent, never taken for a button). Driven through a pseudo-terminal, as a
person types into it; the shell's servers get free ports of their own."""

from __future__ import annotations

import os
from pathlib import Path

from tests.model.assistant import ROOT, free_port
from tests.model.terminal import Terminal

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
