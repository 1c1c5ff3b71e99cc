#!/usr/bin/env python3
"""Staff command for booking and call-back requests kept by the assistant (the SQLite file, and the outbox of
requests waiting for Cliniko or the webhook).

  scripts/bookings.py list [--all | --handled] [--kind booking|callback]   requests to act on (default: new)
  scripts/bookings.py show REF                                           one request in full
  scripts/bookings.py handled REF [REF ...]                              mark requests as dealt with
  scripts/bookings.py export [--out FILE] [--all]                        CSV for a spreadsheet (default: new)
  scripts/bookings.py delete REF | --contact PHONE_OR_EMAIL [--yes]      erase on a person's request
  scripts/bookings.py outbox                                             requests waiting for the clinic's system
  scripts/bookings.py retry [--all] [--reset REF]                        send waiting requests again now
  scripts/bookings.py purge [--days N]                                   delete handled requests past retention

The file is BOOKING_DB (default bookings.db at the project root); the backend for `retry` is the one in
clinic.yml (`booking:`) with its secrets from the environment. Run `retry` from cron every few minutes if the
clinic uses Cliniko or a webhook.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backcare.booking.backends import make_backend
from backcare.booking.desk import (
    contact_of,
    delete_all,
    desk_order,
    desk_settings,
    is_urgent,
    references_to_delete,
    request_fields,
    screening_lines,
    what_for,
)
from backcare.booking.outbox import retry_outbox
from backcare.booking.request import utc_now
from backcare.booking.settings import load_booking_settings
from backcare.booking.store import HANDLED, NEW, BookingStore
from backcare.clinic import load_profile


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> str:
    """A plain text table that fits the terminal; long cells are cut with an ellipsis."""

    def cell(text: str, width: int) -> str:
        text = " ".join(str(text).split())
        return (text[: width - 1] + "\u2026") if len(text) > width else text.ljust(width)

    lines = [
        "  ".join(cell(h, w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(cell(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def cmd_list(store: BookingStore, args: argparse.Namespace) -> int:
    status = None if args.all else HANDLED if args.handled else NEW
    stored = desk_order(store.list(status=status, kind=args.kind))
    if not stored:
        print(f"No {status or ''} requests.".replace("  ", " "))
        return 0
    width = shutil.get_terminal_size((120, 20)).columns
    reason_width = max(16, width - 112)
    rows = []
    for item in stored:
        r = item.request
        status = item.status + (" URGENT" if is_urgent(item) else "")
        rows.append(
            [
                r.reference,
                r.created_at[:16].replace("T", " "),
                status,
                r.name or "-",
                contact_of(item),
                what_for(item),
                r.preferred_time or "-",
                r.payment_text() or "-",
                r.reason or r.summary or "-",
            ]
        )
    print(
        table(
            ["Ref", "Received (UTC)", "Status", "Name", "Contact", "For", "When", "Payment", "Reason / note"],
            rows,
            [9, 16, 14, 16, 15, 16, 18, 14, reason_width],
        )
    )
    print(f"\n{len(stored)} request(s). `scripts/bookings.py show REF` for one in full.")
    return 0


def cmd_show(store: BookingStore, args: argparse.Namespace) -> int:
    item = store.get(args.reference)
    if not item:
        print(f"No request {args.reference}.", file=sys.stderr)
        return 1
    fields = request_fields(item) + [
        ("Screening " + str(n), f"{line.question} {line.answer}")
        for n, line in enumerate(screening_lines(item), start=1)
    ]
    for label, value in fields:
        wrapped = textwrap.fill(str(value), width=90, subsequent_indent=" " * 17)
        print(f"{label + ':':<16} {wrapped}")
    return 0


def cmd_handled(store: BookingStore, args: argparse.Namespace) -> int:
    missing = [ref for ref in args.references if not store.mark_handled(ref)]
    for ref in args.references:
        if ref not in missing:
            print(f"{ref.upper()} marked as handled.")
    for ref in missing:
        print(f"{ref.upper()}: no such new request.", file=sys.stderr)
    return 1 if missing else 0


def cmd_export(store: BookingStore, args: argparse.Namespace) -> int:
    data = store.export_csv(status=None if args.all else NEW)
    if args.out:
        Path(args.out).write_text(data, encoding="utf-8")
        print(f"Wrote {data.count(chr(10)) - 1} request(s) to {args.out}. It holds health data: keep it safe.")
    else:
        sys.stdout.write(data)
    return 0


def cmd_delete(store: BookingStore, args: argparse.Namespace) -> int:
    references = references_to_delete(store, args.reference, args.contact)
    if not references:
        print("Nothing stored for that.", file=sys.stderr)
        return 1
    if not args.yes:
        answer = input(f"Delete {', '.join(r.upper() for r in references)} for good? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    deleted = delete_all(store, references)
    print(f"Deleted {', '.join(r.upper() for r in references)} ({deleted} record(s)).")
    return 0


def cmd_outbox(store: BookingStore, args: argparse.Namespace) -> int:
    items = [item for item in store.outbox() if item.status != "delivered"]
    if not items:
        print("The outbox is empty: every request has reached the clinic's system.")
        return 0
    rows = [
        [
            i.reference,
            i.backend,
            i.status,
            str(i.attempts),
            i.next_attempt_at[:16].replace("T", " "),
            i.last_error or "-",
        ]
        for i in items
    ]
    print(table(["Ref", "Backend", "Status", "Tries", "Next try (UTC)", "Last error"], rows, [9, 8, 15, 5, 16, 50]))
    return 0


def cmd_retry(store: BookingStore, args: argparse.Namespace) -> int:
    profile = load_profile()
    real = load_booking_settings(profile.booking, profile.email)
    if args.reset and not store.reset_for_retry(args.reset, utc_now()):
        print(f"{args.reset.upper()} is not waiting for attention.", file=sys.stderr)
        return 1
    report = retry_outbox(make_backend(real, store, profile.name), store, everything=args.all)
    print(f"Delivered {report.delivered}, still waiting {report.waiting}, needing attention {report.needs_attention}.")
    return 0


def cmd_purge(store: BookingStore, args: argparse.Namespace, days: int) -> int:
    count = store.purge_handled(args.days or days)
    print(f"Deleted {count} handled request(s) older than {args.days or days} days.")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command")
    listing = sub.add_parser("list", help="requests to act on")
    listing.add_argument("--all", action="store_true")
    listing.add_argument("--handled", action="store_true")
    listing.add_argument("--kind", choices=("booking", "callback"))
    sub.add_parser("show", help="one request in full").add_argument("reference")
    sub.add_parser("handled", help="mark requests as dealt with").add_argument("references", nargs="+")
    export = sub.add_parser("export", help="CSV of requests")
    export.add_argument("--out")
    export.add_argument("--all", action="store_true")
    delete = sub.add_parser("delete", help="erase a person's requests")
    target = delete.add_mutually_exclusive_group(required=True)
    target.add_argument("reference", nargs="?")
    target.add_argument("--contact")
    delete.add_argument("--yes", action="store_true", help="do not ask to confirm")
    sub.add_parser("outbox", help="requests waiting for the clinic's system")
    retry = sub.add_parser("retry", help="send waiting requests again")
    retry.add_argument("--all", action="store_true", help="also those not due yet")
    retry.add_argument("--reset", metavar="REF", help="retry a request that needed attention, after a fix")
    purge = sub.add_parser("purge", help="delete handled requests past the retention period")
    purge.add_argument("--days", type=int)
    args = parser.parse_args(argv)
    config = desk_settings()
    store = BookingStore(config.db_path)
    command = args.command or "list"
    if command == "list" and not args.command:
        args = parser.parse_args(["list"])
    handlers = {
        "list": cmd_list,
        "show": cmd_show,
        "handled": cmd_handled,
        "export": cmd_export,
        "delete": cmd_delete,
        "outbox": cmd_outbox,
        "retry": cmd_retry,
    }
    if command == "purge":
        return cmd_purge(store, args, config.retention_days)
    return handlers[command](store, args)


if __name__ == "__main__":
    sys.exit(main())
