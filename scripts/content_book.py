#!/usr/bin/env python3
"""Staff command: the content book, every answer the assistant can give (knowledge base, medicine rules,
red-flag rules) in plain words with sources and review dates, for the clinical lead to sign off.

  scripts/content_book.py [--out FILE] [--review-months N]

Entries past the review interval come first. The interval is --review-months, else CONTENT_REVIEW_MONTHS,
else `content_review_months` in clinic.yml, else 12. Default output: reports/content-book.html (print it
from the browser for a paper copy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backcare.clinic import load_profile
from backcare.insight.content_book import all_entries, is_overdue, render_content_book, review_months

ROOT = Path(__file__).resolve().parents[1]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "content-book.html")
    parser.add_argument("--review-months", type=int)
    args = parser.parse_args(argv)
    months, today = review_months(args.review_months), dt.date.today()
    entries = all_entries()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render_content_book(entries, load_profile().name, today, months), encoding="utf-8")
    overdue = sum(is_overdue(entry, today, months) for entry in entries)
    print(f"{len(entries)} entries ({overdue} past their {months}-month review): wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
