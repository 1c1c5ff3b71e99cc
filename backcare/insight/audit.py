"""The audit log: one line for every view of a patient's personal details by a member of staff (an unmasked
transcript, booking requests, an export, a deletion), from the review command and the staff console alike."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]


def audit_log_path() -> Path:
    return Path(os.environ.get("REVIEW_AUDIT_LOG") or ROOT / "logs" / "review-audit.log")


def one_line(text: str) -> str:
    """Tabs and line breaks would split a record: a name typed with one stays on its line."""
    return " ".join(str(text).split())


def record(staff: str, login: str, what: str, log: Optional[Path] = None, now: Optional[dt.datetime] = None) -> str:
    """Append who (the staff member's own name, and the login or channel used), when and what was seen."""
    path = log or audit_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    moment = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    line = f"{moment}\tstaff={one_line(staff)}\tlogin={one_line(login)}\t{one_line(what)}\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)
    return line
