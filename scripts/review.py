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
                                                 (review/misses.yml) under the right intent

Dates are YYYY-MM-DD (the default range is the last 7 days). The tracker store is the one in endpoints-env.yml
(--endpoints to change it). After `add`, see README "Turning misses into training data" for the next step.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console
from rich.table import Table

from backcare.insight import audit
from backcare.insight.flags import flags_of
from backcare.insight.period import DEFAULT_DAYS, date_range, utc_midnight
from backcare.insight.records import Conversation
from backcare.insight.review import (
    ADDED,
    DUPLICATE,
    FLAG_TESTS,
    NOT_FOUND,
    conversation_rows,
    label_miss,
    miss_rows,
    nlu_files,
    parse_mark,
    transcript,
    when,
)
from backcare.insight.review_file import DEFAULT_REVIEW_FILE
from scripts.conversation_store import (
    DEFAULT_ENDPOINTS,
    NoTrackerStore,
    load_conversation,
    load_conversations,
)

REVIEW_FILE = Path(os.environ.get("REVIEW_FILE", DEFAULT_REVIEW_FILE))
AUDIT_LOG = audit.audit_log_path()


def plain_console(**options: Any) -> Console:
    """No markup: a patient's "[name]" or "[link](...)" is text to show, not a style to apply."""
    return Console(markup=False, highlight=False, emoji=False, **options)


console = plain_console(width=int(os.environ.get("REVIEW_WIDTH", "120")))


def conversations_in(args: argparse.Namespace) -> list[Conversation]:
    since, until = date_range(args.since, args.until, args.days)
    return load_conversations(args.endpoints, utc_midnight(since), utc_midnight(until))


def list_conversations(args: argparse.Namespace) -> int:
    rows = [
        (row.id, when(row.started), str(row.messages), ", ".join(row.flags) or "-", row.first_message[:60])
        for row in conversation_rows(conversations_in(args), args.flag)
    ]
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


def show(args: argparse.Namespace) -> int:
    if args.unredacted and not args.staff:
        console.print("--unredacted needs --staff YOUR_NAME: every unmasked view is written to the audit log.")
        return 2
    conversation = load_conversation(args.id, args.endpoints)
    if conversation is None:
        console.print(f"No conversation {args.id}.")
        return 1
    if args.unredacted:
        audit.record(args.staff, getpass.getuser(), f"unredacted transcript of {conversation.id}", AUDIT_LOG)
    flags = flags_of(conversation)
    console.print(
        f"Conversation {conversation.id}, {when(conversation.started)} UTC. "
        f"Flags: {', '.join(flags.labels()) or 'none'}"
        + ("  [UNMASKED: this view is in the audit log]" if args.unredacted else "")
    )
    table = Table("Time", "Who", "Message", "Understood as", show_lines=False)
    for line in transcript(conversation, unmasked=args.unredacted):
        buttons = f"  [{' | '.join(line.buttons)}]" if line.buttons else ""
        meaning = line.understood_as + ("  MISSED" if line.missed else "")
        table.add_row(f"{line.at:%H:%M:%S}", line.who, line.text + buttons, meaning)
    console.print(table)
    return 0


def misses(args: argparse.Namespace) -> int:
    table = Table(
        "REF", "When (UTC)", "Message (masked)", "Understood as", title="Messages not understood", title_justify="left"
    )
    rows = miss_rows(conversations_in(args))
    for row in rows:
        table.add_row(row.ref, when(row.at), row.text, row.understood_as)
    console.print(table)
    console.print(f'{len(rows)} messages. Add one with: make review ARGS="add REF --intent INTENT"')
    return 0


def add(args: argparse.Namespace) -> int:
    marks = [parse_mark(text) for text in args.entity]
    conversation_id = args.ref.rpartition(":")[0]
    result = label_miss(
        load_conversation(conversation_id, args.endpoints), args.ref, args.intent, marks, args.review_file, nlu_files()
    )
    console.print(result.message + (" `make review ARGS=misses` lists them." if result.outcome == NOT_FOUND else ""))
    return 0 if result.outcome in (ADDED, DUPLICATE) else 1 if result.outcome == NOT_FOUND else 2


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
