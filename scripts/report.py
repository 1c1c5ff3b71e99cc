#!/usr/bin/env python3
"""Staff command: the weekly report, one self-contained HTML file for the clinic manager.

  scripts/report.py [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--days 7] [--out FILE] [--endpoints FILE]

Default: the last 7 days up to today, written to reports/report-<first day>.html. Reads the tracker store
named in endpoints-env.yml; patients' names, phone numbers and emails are masked. The follow-up check-ins (sent,
answered, better / same / worse, escalations) come from CHECKINS_DB_URL or TRACKER_STORE_URL, as make check-ins.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backcare.checkins import CheckinFigures, CheckinStore
from backcare.clinic import load_profile
from backcare.insight.figures import report_figures
from backcare.insight.period import DEFAULT_DAYS, date_range, utc_midnight
from backcare.insight.report_html import render_report
from scripts.conversation_store import DEFAULT_ENDPOINTS, ROOT, NoTrackerStore, load_conversations


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", help="first day, YYYY-MM-DD")
    parser.add_argument("--until", help="last day, YYYY-MM-DD (default today)")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days before --until when no --since")
    parser.add_argument("--out", type=Path, help="where to write the HTML")
    parser.add_argument("--endpoints", type=Path, default=DEFAULT_ENDPOINTS)
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        since, until = date_range(args.since, args.until, args.days)
        conversations = load_conversations(args.endpoints, utc_midnight(since), utc_midnight(until))
    except (ValueError, NoTrackerStore) as error:
        print(error)
        return 2
    figures = report_figures(conversations, since, until)
    checkins = checkin_figures(utc_midnight(since), utc_midnight(until))
    if checkins is not None:
        figures = dataclasses.replace(figures, checkins=checkins)
    out = args.out or ROOT / "reports" / f"report-{since}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(figures, load_profile().name, dt.datetime.now(dt.timezone.utc)), encoding="utf-8")
    print(
        f"{figures.conversations} conversations, {figures.messages} messages, {since} to "
        f"{until - dt.timedelta(days=1)}: wrote {out} in {time.monotonic() - started:.1f} s"
    )
    if checkins is not None:
        print(
            f"Check-ins: {checkins.sent} sent, {checkins.answered} answered (better {checkins.better}, same "
            f"{checkins.same}, worse {checkins.worse}), {checkins.escalations} escalations"
        )
    return 0


def checkin_figures(since: dt.datetime, until: dt.datetime) -> Optional[CheckinFigures]:
    """The check-ins of the period, from CHECKINS_DB_URL or the conversations' database (TRACKER_STORE_URL)."""
    try:
        return CheckinStore().figures(since, until)
    except Exception as error:  # the report still has everything else
        print(f"Check-ins could not be read: {type(error).__name__}")
        return None


if __name__ == "__main__":
    sys.exit(main())
