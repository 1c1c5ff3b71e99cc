"""The local SQLite file: booking and call-back requests (the default backend) and the outbox, where a
request waits when the clinic's own system (Cliniko, a webhook) cannot take it yet, so none is ever lost.

One short-lived connection per operation: the action server may serve several conversations at once, and
SQLite's own locking (with a busy timeout) keeps their writes apart.
"""

from __future__ import annotations

import builtins
import contextlib
import csv
import datetime as dt
import io
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from backcare.booking.request import BookingRequest, utc_now
from backcare.booking.validation import normalise_uk_phone, validate_email

SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    reference TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    handled_at TEXT,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    reference TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    delivered_at TEXT,
    payload TEXT
);
"""
NEW, HANDLED = "new", "handled"
PENDING, DELIVERED, NEEDS_ATTENTION = "pending", "delivered", "needs_attention"
CSV_FIELDS = (
    "reference",
    "kind",
    "created_at",
    "status",
    "handled_at",
    "name",
    "phone",
    "email",
    "preferred_time",
    "appointment_type",
    "payment",
    "reason",
    "screening",
    "screening_answers",
    "summary",
    "slot",
)


@dataclass(frozen=True)
class StoredRequest:
    request: BookingRequest
    status: str
    handled_at: Optional[str] = None


@dataclass(frozen=True)
class OutboxItem:
    request: Optional[BookingRequest]  # None once delivered: the copy is wiped
    reference: str
    backend: str
    status: str
    attempts: int
    next_attempt_at: str
    last_error: Optional[str]
    created_at: str


class BookingStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=10)
        connection.row_factory = sqlite3.Row
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    # --- requests (the SQLite backend) ------------------------------------------------------------------

    def add(self, request: BookingRequest) -> None:
        """Store a request; storing the same reference again changes nothing (a retry never duplicates)."""
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO requests (reference, kind, created_at, payload) VALUES (?, ?, ?, ?)",
                (request.reference, request.kind, request.created_at, json.dumps(request.to_dict())),
            )

    def get(self, reference: str) -> Optional[StoredRequest]:
        with self._connect() as db:
            row = db.execute("SELECT * FROM requests WHERE reference = ?", (reference.strip().upper(),)).fetchone()
        return _stored(row) if row else None

    def list(self, status: Optional[str] = None, kind: Optional[str] = None) -> builtins.list[StoredRequest]:
        query, args = "SELECT * FROM requests WHERE 1=1", []
        if status:
            query += " AND status = ?"
            args.append(status)
        if kind:
            query += " AND kind = ?"
            args.append(kind)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY created_at, reference", args).fetchall()
        return [_stored(row) for row in rows]

    def mark_handled(self, reference: str, when: Optional[str] = None) -> bool:
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE requests SET status = ?, handled_at = ? WHERE reference = ? AND status != ?",
                (HANDLED, when or utc_now(), reference.strip().upper(), HANDLED),
            )
        return cursor.rowcount > 0

    def delete(self, reference: str) -> int:
        """Erase one request everywhere (a data subject's request to delete); returns how many rows went."""
        ref = reference.strip().upper()
        with self._connect() as db:
            db.execute("PRAGMA secure_delete = ON")  # the freed pages are overwritten: nothing left in the file
            count = db.execute("DELETE FROM requests WHERE reference = ?", (ref,)).rowcount
            count += db.execute("DELETE FROM outbox WHERE reference = ?", (ref,)).rowcount
        return count

    def references_for_contact(self, contact: str) -> builtins.list[str]:
        """References of every stored request with this phone number or email (in any format)."""
        phone, email = normalise_uk_phone(contact), validate_email(contact)
        if not (phone or email):
            return []
        found = []
        with self._connect() as db:
            for table in ("requests", "outbox"):
                for row in db.execute(f"SELECT reference, payload FROM {table} WHERE payload IS NOT NULL"):
                    data = json.loads(row["payload"])
                    if (phone and data.get("phone") == phone) or (
                        email and (data.get("email") or "").lower() == email.lower()
                    ):
                        found.append(row["reference"])
        return sorted(set(found))

    def purge_handled(self, older_than_days: int, now: Optional[dt.datetime] = None) -> int:
        """Delete handled requests (and delivered outbox rows) older than the retention period."""
        cutoff = ((now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(days=older_than_days)).isoformat()
        with self._connect() as db:
            count = db.execute("DELETE FROM requests WHERE status = ? AND handled_at < ?", (HANDLED, cutoff)).rowcount
            count += db.execute(
                "DELETE FROM outbox WHERE status = ? AND delivered_at < ?", (DELIVERED, cutoff)
            ).rowcount
        return count

    def export_csv(self, status: Optional[str] = None) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for stored in self.list(status=status):
            data = stored.request.to_dict()
            data.update(
                status=stored.status,
                handled_at=stored.handled_at or "",
                payment=stored.request.payment_text(),
                slot=stored.request.slot.label if stored.request.slot else "",
                screening_answers="; ".join(f"{q}: {a}" for q, a in stored.request.screening_answers),
            )
            writer.writerow({key: _csv_safe(data.get(key)) for key in CSV_FIELDS})
        return out.getvalue()

    # --- outbox ---------------------------------------------------------------------------------------------

    def queue(
        self, request: BookingRequest, backend: str, error: str, next_attempt_at: str, status: str = PENDING
    ) -> None:
        """Keep a request that a backend could not take; queueing the same reference again only updates it."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO outbox"
                " (reference, backend, created_at, status, attempts, next_attempt_at, last_error, payload)"
                " VALUES (?, ?, ?, ?, 1, ?, ?, ?)"
                " ON CONFLICT(reference) DO UPDATE SET status = excluded.status, attempts = outbox.attempts + 1,"
                " next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error",
                (
                    request.reference,
                    backend,
                    utc_now(),
                    status,
                    next_attempt_at,
                    error[:500],
                    json.dumps(request.to_dict()),
                ),
            )

    def outbox(self, status: Optional[str] = None) -> builtins.list[OutboxItem]:
        query, args = "SELECT * FROM outbox", []
        if status:
            query += " WHERE status = ?"
            args.append(status)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY created_at, reference", args).fetchall()
        return [_outbox_item(row) for row in rows]

    def due(self, now: str) -> builtins.list[OutboxItem]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM outbox WHERE status = ? AND next_attempt_at <= ? ORDER BY created_at", (PENDING, now)
            ).fetchall()
        return [_outbox_item(row) for row in rows]

    def delivered(self, reference: str) -> None:
        """The backend has it now: keep the fact, wipe the local copy of the person's details."""
        with self._connect() as db:
            db.execute(
                "UPDATE outbox SET status = ?, delivered_at = ?, payload = NULL, last_error = NULL WHERE reference = ?",
                (DELIVERED, utc_now(), reference),
            )

    def requeue(self, reference: str, error: str, next_attempt_at: str, status: str = PENDING) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                "WHERE reference = ?",
                (status, next_attempt_at, error[:500], reference),
            )

    def reset_for_retry(self, reference: str, now: str) -> bool:
        """Staff fixed the cause (a key, a URL): try a request that needed attention again."""
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE outbox SET status = ?, next_attempt_at = ? WHERE reference = ? AND status = ?",
                (PENDING, now, reference.strip().upper(), NEEDS_ATTENTION),
            )
        return cursor.rowcount > 0


def _stored(row: sqlite3.Row) -> StoredRequest:
    return StoredRequest(BookingRequest.from_dict(json.loads(row["payload"])), row["status"], row["handled_at"])


def _outbox_item(row: sqlite3.Row) -> OutboxItem:
    request = BookingRequest.from_dict(json.loads(row["payload"])) if row["payload"] else None
    return OutboxItem(
        request,
        row["reference"],
        row["backend"],
        row["status"],
        row["attempts"],
        row["next_attempt_at"],
        row["last_error"],
        row["created_at"],
    )


def _csv_safe(value: object) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection: a name like '=HYPERLINK(...)')."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
