#!/usr/bin/env python3
"""Staff command: review what patients said to the assistant. Names, phone numbers and emails are masked.

  scripts/review.py list [--since D] [--until D] [--days 7] [--flag FLAG] [--csv FILE]
                                                 conversations with their flags (FLAG: missed, emergency,
                                                 urgent, caution, booking, callback, handoff, unhelpful)
  scripts/review.py show ID [--unredacted --staff NAME]
                                                 one conversation as a transcript; the unmasked one needs
                                                 --unredacted and your name, and is written to the audit log
  scripts/review.py misses [--since D] [--until D] messages the assistant did not understand, with a REF each
  scripts/review.py add REF --intent INTENT [--entity ENTITY=WORDS[:VALUE] ...]
                                                 add that message, masked, to the review file
                                                 (data/review/misses.yml) under the right intent

Dates are YYYY-MM-DD (the default range is the last 7 days). The tracker store is the one in endpoints.yml
(--endpoints to change it). After `add`, see README "Turning misses into training data" for the next step.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import getpass
import os
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from backcare.insight.flags import Flags, flags_of  # noqa: E402
from backcare.insight.period import DEFAULT_DAYS, date_range, utc_midnight  # noqa: E402
from backcare.insight.records import BotMessage, Conversation, UserMessage  # noqa: E402
from backcare.insight.redaction import PERSONAL_QUESTIONS, Redactor, redactor_for  # noqa: E402
from backcare.insight.review_file import EntityMark, add_example, annotate  # noqa: E402
from scripts.conversation_store import DEFAULT_ENDPOINTS, ROOT, NoTrackerStore, load_conversations  # noqa: E402

REVIEW_FILE = Path(os.environ.get("REVIEW_FILE", ROOT / "data" / "review" / "misses.yml"))
AUDIT_LOG = Path(os.environ.get("REVIEW_AUDIT_LOG", ROOT / "logs" / "review-audit.log"))
FLAG_TESTS: dict[str, Callable[[Flags], bool]] = {
    "missed": lambda f: bool(f.misunderstood),
    "emergency": lambda f: f.escalation == "emergency",
    "urgent": lambda f: f.escalation == "urgent",
    "caution": lambda f: f.medication_cautions > 0,
    "booking": lambda f: f.booking.started,
    "callback": lambda f: f.callback.started,
    "handoff": lambda f: f.handoff,
    "unhelpful": lambda f: f.helpful is False,
}


def plain_console(**options: object) -> Console:
    """No markup: a patient's "[name]" or "[link](...)" is text to show, not a style to apply."""
    return Console(markup=False, highlight=False, emoji=False, **options)


console = plain_console(width=int(os.environ.get("REVIEW_WIDTH", "120")))


def conversations_in(args: argparse.Namespace) -> list[Conversation]:
    since, until = date_range(args.since, args.until, args.days)
    return load_conversations(args.endpoints, utc_midnight(since), utc_midnight(until))


def when(moment: dt.datetime) -> str:
    return f"{moment:%a %d %b %H:%M}"


def first_question(conversation: Conversation, redactor: Redactor) -> str:
    said = [redactor.user_message(m) for m in conversation.user_messages if not m.text.startswith("/")]
    return said[0] if said else ""


def list_conversations(args: argparse.Namespace) -> int:
    rows = []
    for conversation in conversations_in(args):
        flags = flags_of(conversation)
        if args.flag and not FLAG_TESTS[args.flag](flags):
            continue
        redactor = redactor_for(conversation)
        rows.append((conversation.id, when(conversation.started), str(len(conversation.user_messages)),
                     ", ".join(flags.labels()) or "-", first_question(conversation, redactor)[:60]))
    headers = ("Conversation", "Started (UTC)", "Msgs", "Flags", "First message (masked)")
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([headers, *rows])
        console.print(f"{len(rows)} conversations written to {args.csv}")
        return 0
    table = Table(*headers, title=f"{len(rows)} conversations", title_justify="left")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    return 0


def audit(staff: str, conversation_id: str) -> None:
    AUDIT_LOG.parent.mkdir(parents=True, exist_ok=True)
    moment = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    with AUDIT_LOG.open("a", encoding="utf-8") as log:
        log.write(f"{moment}\tstaff={staff}\tlogin={getpass.getuser()}\tunredacted transcript of {conversation_id}\n")


def show(args: argparse.Namespace) -> int:
    if args.unredacted and not args.staff:
        console.print("--unredacted needs --staff YOUR_NAME: every unmasked view is written to the audit log.")
        return 2
    sender = args.id.split("~")[0]
    matches = [c for c in load_conversations(args.endpoints, senders=[sender]) if c.id == args.id]
    if not matches:
        console.print(f"No conversation {args.id}.")
        return 1
    conversation = matches[0]
    if args.unredacted:
        audit(args.staff, conversation.id)
    redactor = None if args.unredacted else redactor_for(conversation)
    flags = flags_of(conversation)
    console.print(f"Conversation {conversation.id}, {when(conversation.started)} UTC. "
                  f"Flags: {', '.join(flags.labels()) or 'none'}"
                  + ("" if redactor else "  [UNMASKED: this view is in the audit log]"))
    missed = {m.index for m in flags.misunderstood}
    table = Table("Time", "Who", "Message", "Understood as", show_lines=False)
    for item in conversation.timeline:
        if isinstance(item, UserMessage):
            text = redactor.user_message(item) if redactor else item.text
            meaning = f"{item.intent} {item.confidence:.2f}" + ("  MISSED" if item.index in missed else "")
            table.add_row(f"{item.at:%H:%M:%S}", f"patient #{item.index}", text, meaning)
        elif isinstance(item, BotMessage):
            text = redactor.text(item.text) if redactor else item.text
            buttons = f"  [{' | '.join(item.buttons)}]" if item.buttons else ""
            table.add_row(f"{item.at:%H:%M:%S}", "assistant", text + buttons, "")
    console.print(table)
    return 0


def misses(args: argparse.Namespace) -> int:
    table = Table("REF", "When (UTC)", "Message (masked)", "Understood as", title="Messages not understood",
                  title_justify="left")
    count = 0
    for conversation in conversations_in(args):
        redactor = redactor_for(conversation)
        for message in flags_of(conversation).misunderstood:
            table.add_row(f"{conversation.id}:{message.index}", when(message.at), redactor.user_message(message),
                          f"{message.intent} {message.confidence:.2f}")
            count += 1
    console.print(table)
    console.print(f"{count} messages. Add one with: make review ARGS=\"add REF --intent INTENT\"")
    return 0


def domain_names(kind: str) -> set[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {str(name) if not isinstance(name, dict) else next(iter(name)) for name in domain.get(kind) or ()}


def parse_mark(text: str) -> EntityMark:
    entity, _, rest = text.partition("=")
    words, _, value = rest.partition(":")
    if not entity or not words:
        raise ValueError(f"--entity {text}: write ENTITY=WORDS or ENTITY=WORDS:VALUE")
    return EntityMark(entity.strip(), words.strip(), value.strip() or None)


def add(args: argparse.Namespace) -> int:
    conversation_id, _, index = args.ref.rpartition(":")
    if args.intent not in domain_names("intents"):
        console.print(f"Unknown intent {args.intent}. Intents: {', '.join(sorted(domain_names('intents')))}")
        return 2
    marks = [parse_mark(text) for text in args.entity]
    unknown = {mark.entity for mark in marks} - domain_names("entities")
    if unknown:
        console.print(f"Unknown entity {', '.join(sorted(unknown))}.")
        return 2
    found = [c for c in load_conversations(args.endpoints, senders=[conversation_id.split("~")[0]])
             if c.id == conversation_id]
    messages = [m for c in found for m in c.user_messages if str(m.index) == index]
    if not messages:
        console.print(f"No message {args.ref}. `make review ARGS=misses` lists them.")
        return 1
    masked = redactor_for(found[0]).user_message(messages[0])
    if messages[0].answering in PERSONAL_QUESTIONS or masked.startswith("/"):
        console.print("That message answered a personal question (or was a button): it cannot become training data.")
        return 2
    example = annotate(masked, marks)
    nlu_files = sorted((ROOT / "data" / "nlu").glob("*.yml"))
    if not add_example(args.review_file, args.intent, example, nlu_files):
        console.print(f"Already there: \"{masked}\" is in the training data or the review file. Nothing added.")
        return 0
    console.print(f"Added to {args.review_file} under {args.intent}: {example}")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=Path, default=DEFAULT_ENDPOINTS)
    commands = parser.add_subparsers(dest="command", required=True)
    ranged = argparse.ArgumentParser(add_help=False)
    ranged.add_argument("--since")
    ranged.add_argument("--until")
    ranged.add_argument("--days", type=int, default=DEFAULT_DAYS)
    listing = commands.add_parser("list", parents=[ranged])
    listing.add_argument("--flag", choices=sorted(FLAG_TESTS))
    listing.add_argument("--csv", type=Path)
    showing = commands.add_parser("show")
    showing.add_argument("id")
    showing.add_argument("--unredacted", action="store_true")
    showing.add_argument("--staff")
    commands.add_parser("misses", parents=[ranged])
    adding = commands.add_parser("add")
    adding.add_argument("ref")
    adding.add_argument("--intent", required=True)
    adding.add_argument("--entity", action="append", default=[])
    adding.add_argument("--review-file", type=Path, default=REVIEW_FILE)
    args = parser.parse_args(argv)
    handlers = {"list": list_conversations, "show": show, "misses": misses, "add": add}
    try:
        return handlers[args.command](args)
    except (ValueError, NoTrackerStore) as error:
        console.print(str(error))
        return 2


if __name__ == "__main__":
    sys.exit(main())
