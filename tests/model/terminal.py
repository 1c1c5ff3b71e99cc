"""A program on a pseudo-terminal, as a person types into it: what it prints is collected, and it is stopped with
its whole process group."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tests.model.assistant import ROOT

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """The program on a pseudo-terminal; `read_until` collects what it prints."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path = ROOT) -> None:
        self.controller, terminal = pty.openpty()
        self.process = subprocess.Popen(
            command, stdin=terminal, stdout=terminal, stderr=terminal, cwd=cwd, env=env, start_new_session=True
        )
        os.close(terminal)
        self.output = ""

    def text(self) -> str:
        return ANSI.sub("", self.output).replace("\r", "")

    def read_until(self, marker: str, count: int, timeout: float) -> bool:
        return self.wait_for(lambda text: text.count(marker) >= count, timeout)

    def wait_for(self, done: Callable[[str], bool], timeout: float) -> bool:
        """Reads until `done(text so far)`; False if the program exits or `timeout` seconds pass first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            self._read(1)
            if done(self.text()):
                return True
        return False

    def read_to_exit(self, timeout: float) -> bool:
        """Everything until the program exits by itself; False if it is still running after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            self._read(1)
        self._read(0)
        return self.process.poll() is not None

    def _read(self, wait: float) -> None:
        if select.select([self.controller], [], [], wait)[0]:
            with contextlib.suppress(OSError):
                chunk = os.read(self.controller, 65536)
                if b"\x1b[6n" in chunk:  # asked where the cursor is, as terminals answer
                    os.write(self.controller, b"\x1b[1;1R")
                self.output += chunk.decode("utf-8", errors="replace")

    def type(self, line: str) -> None:
        os.write(self.controller, line.encode() + b"\r")

    def press(self, keys: bytes) -> None:
        os.write(self.controller, keys)

    def stop(self) -> None:
        stop_process_group(self.process)
        os.close(self.controller)


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C to a program started with `start_new_session=True` and all it started; killed if still there in 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
