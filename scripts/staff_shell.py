#!/usr/bin/env python3
"""The staff shell (`make shell`): a terminal conversation with the running assistant through its REST channel,
the same way the website widget talks to it.

Rasa's own `rasa shell` turns the prompt into a menu whenever an answer has buttons, so a question typed instead
of picking a button is lost. Here the prompt is always an ordinary line: buttons are printed as numbered options
under the answer, typing a number sends that button's payload, and anything else is sent as typed.

  scripts/staff_shell.py [--url http://localhost:5005] [--wait SECONDS]

scripts/run.sh shell starts the action server, the gateway and the Rasa server with the REST channel, then this.
Ctrl-D or /stop ends the conversation.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional, TextIO

import requests

WEBHOOK = "/webhooks/rest/webhook"
HEALTH = "/webhooks/rest/"
PROMPT = "Your input -> "
STOP = "/stop"
TIMEOUT_SECONDS = 60  # one answer, the action server's look-ups included

Send = Callable[[str], list[dict[str, Any]]]


@dataclass
class Shell:
    """The conversation so far, as far as the prompt needs it: the buttons of the last answer."""

    send: Send
    out: TextIO = sys.stdout
    buttons: list[dict[str, Any]] = field(default_factory=list)

    def message_for(self, line: str) -> str:
        """What to send for a typed line: a button's payload for its number, otherwise the line itself."""
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(self.buttons):
            return str(self.buttons[int(choice) - 1].get("payload") or self.buttons[int(choice) - 1].get("title"))
        return choice

    def say(self, line: str) -> None:
        try:
            replies = self.send(self.message_for(line))
        except requests.RequestException as error:
            print(f"(the assistant did not answer: {error.__class__.__name__}; try again)", file=self.out)
            return
        self.buttons = []
        for reply in replies:
            self.show(reply)
        if not replies:
            print("(no answer)", file=self.out)

    def show(self, reply: dict[str, Any]) -> None:
        if reply.get("text"):
            print(
                f"\033[1mBot:\033[0m {reply['text']}" if self.out.isatty() else f"Bot: {reply['text']}", file=self.out
            )
        if reply.get("image"):
            print(f"  (image: {reply['image']})", file=self.out)
            if reply.get("alt_text"):
                print(f"  (the image shows: {reply['alt_text']})", file=self.out)
        for button in reply.get("buttons") or ():
            self.buttons.append(button)
            print(f"  {len(self.buttons)}. {button.get('title') or button.get('payload')}", file=self.out)
        if self.buttons and reply.get("buttons"):
            print("  (type a number to choose, or type anything else)", file=self.out)

    def run(self, lines: Iterable[str]) -> None:
        for line in lines:
            if line.strip() == STOP:
                return
            if line.strip():
                self.say(line)


def rest_sender(url: str, sender: str, session: Optional[requests.Session] = None) -> Send:
    http = session or requests.Session()

    def send(message: str) -> list[dict[str, Any]]:
        response = http.post(
            url.rstrip("/") + WEBHOOK, json={"sender": sender, "message": message}, timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        return list(response.json())

    return send


def wait_until_ready(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url.rstrip("/") + HEALTH, timeout=2).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return False


def typed_lines(stream: TextIO) -> Iterable[str]:
    """Lines from the terminal with the prompt (and line editing), or from a pipe without it."""
    if stream.isatty():
        try:
            import readline  # noqa: F401  (line editing and history for input())
        except ImportError:
            pass
        while True:
            try:
                yield input(PROMPT)
            except EOFError:
                print()
                return
    else:
        yield from stream


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:5005", help="the Rasa server (REST channel)")
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the assistant to start")
    args = parser.parse_args(argv)
    if args.wait:
        print("Waiting for the assistant to load its model...", flush=True)
        if not wait_until_ready(args.url, args.wait):
            print(f"The assistant did not answer at {args.url} within {args.wait:.0f} s.", file=sys.stderr)
            return 1
    print(
        f"Talking to the assistant at {args.url}. Type a message; a number picks a button; {STOP} or Ctrl-D ends.",
        flush=True,
    )
    Shell(rest_sender(args.url, f"staff-shell-{uuid.uuid4().hex[:12]}")).run(typed_lines(sys.stdin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
