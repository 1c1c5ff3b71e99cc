"""Issue 20's done-when: in a fresh clone, after `make install` and `make train`, Rasa's own `rasa shell` answers
"what causes back spasms?".

The clone is the repository's files as git gives them (tracked, and new files it does not ignore: no tracker.db,
logs or bookings) in a temporary folder. In it, Rasa's commands are typed as the README says a Rasa engineer types
them, with the .venv's `rasa` first on PATH and none of the project's variables (no PYTHONPATH, nothing the Makefile,
scripts/run.sh or the tests' conftest set): `rasa run actions` in one terminal (plain `rasa shell` starts no action
server) and `rasa shell -m MODEL` in another, on Rasa's default ports, as endpoints.yml names them. The question is
typed into a pseudo-terminal, the answer read from it, and `/stop` ends the shell. Every wait is time-boxed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from backcare.knowledge import KnowledgeBase
from tests.model.assistant import ROOT, wait_until_ready
from tests.model.terminal import Terminal, stop_process_group

RASA_BIN = ROOT / ".venv" / "bin"
# Rasa's defaults: `rasa shell` serves on 5005, `rasa run actions` on 5055 (endpoints.yml's action_endpoint).
DEFAULT_PORTS = (5005, 5055)
QUESTION = "what causes back spasms?"
PROMPT = "Your input ->"
# Rasa's shell shows an answer with buttons as a menu; its last choice goes back to typing.
TYPE_YOUR_OWN = "Type out your own message..."
UP = b"\x1b[A"  # from the first choice, the menu wraps round to the last
# Model loading on a shared 2-core machine takes minutes; no wait may hang CI.
START_TIMEOUT = 420
ANSWER_TIMEOUT = 120
EXIT_TIMEOUT = 60


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def fresh_clone(destination: Path) -> Path:
    """The working tree's files that a clone of it would hold (its uncommitted changes included)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def flat(text: str) -> str:
    """The terminal's text with its line breaks and redrawing padding as single spaces."""
    return " ".join(text.split())


def answered(text: str, phrase: str) -> bool:
    """The answer has been shown and the shell waits for the next input (typed, or chosen from its menu)."""
    shown = flat(text).split(phrase, 1)
    return len(shown) == 2 and (PROMPT in shown[1] or TYPE_YOUR_OWN in shown[1])


def engineer_environment() -> dict[str, str]:
    """A terminal's environment: the .venv's `rasa` first on PATH and nothing of the project's."""
    env = {name: os.environ[name] for name in ("HOME", "USER", "LANG", "LC_ALL", "TMPDIR") if name in os.environ}
    env["PATH"] = f"{RASA_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
    env["TERM"] = os.environ.get("TERM") or "xterm-256color"
    # A setting of the machine, not of the project: CI sends Rasa no usage data.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    return env


@contextlib.contextmanager
def action_server(clone: Path, env: dict[str, str], log: Path) -> Iterator[None]:
    """`rasa run actions`, as typed in the first terminal."""
    with log.open("w") as output:
        process = subprocess.Popen(
            ["rasa", "run", "actions"],
            cwd=clone,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        try:
            wait_until_ready("http://127.0.0.1:5055/health", process, START_TIMEOUT)
        except RuntimeError as error:
            raise AssertionError(f"`rasa run actions` did not start: {error}\n{log.read_text()[-3000:]}") from error
        yield
    finally:
        stop_process_group(process)


def test_plain_rasa_shell_in_a_fresh_clone_answers_what_causes_back_spasms(model_path: Path, tmp_path: Path) -> None:
    taken = [port for port in DEFAULT_PORTS if port_in_use(port)]
    if taken:
        pytest.skip(
            f"port {taken} in use (`make run`?): plain `rasa shell` and `rasa run actions` need Rasa's defaults"
        )
    # The answer's first words: the menu shows the message on one line, cut at the terminal's width.
    phrase = " ".join(KnowledgeBase.load().for_intent("ask_causes").answer.split()[:6])
    clone = fresh_clone(tmp_path / "clone")
    env = engineer_environment()
    assert shutil.which("rasa", path=env["PATH"]) == str(RASA_BIN / "rasa")

    with action_server(clone, env, tmp_path / "actions.log"):
        shell = Terminal(["rasa", "shell", "-m", str(model_path.resolve())], env, cwd=clone)
        try:
            assert shell.read_until(PROMPT, 1, START_TIMEOUT), (
                f"`rasa shell` never asked for input:\n{shell.text()[-3000:]}"
            )
            shell.type(QUESTION)
            # The answer, then the typing prompt again or, when its last message had buttons, Rasa's button menu.
            assert shell.wait_for(lambda text: answered(text, phrase), ANSWER_TIMEOUT), (
                f"no causes answer to {QUESTION!r}:\n{shell.text()[-3000:]}"
            )
            after = flat(shell.text()).split(phrase, 1)[1]
            if TYPE_YOUR_OWN in after:
                shell.press(UP)
                shell.press(b"\r")
                assert shell.wait_for(lambda text: PROMPT in flat(text).rsplit(TYPE_YOUR_OWN, 1)[1], 30), (
                    f"no typing prompt after the menu:\n{shell.text()[-2000:]}"
                )
            shell.type("/stop")
            assert shell.read_to_exit(EXIT_TIMEOUT), f"`rasa shell` did not end on /stop:\n{shell.text()[-2000:]}"
            assert shell.process.returncode == 0, shell.text()[-2000:]
        finally:
            shell.stop()
    assert "Traceback" not in shell.text(), shell.text()[-3000:]
