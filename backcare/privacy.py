"""A person's rights over their data (UK GDPR article 15, access, and article 17, erasure): find everything held
about one person, given a conversation id, a phone number or an email address, across the tracker store
(SQLite or PostgreSQL, through SQLAlchemy), the booking file (requests, call-backs and the outbox), the staff
files (reports, the review file, the audit log and other logs) and the channels' memory in Redis; then export it
as one JSON document, or erase it and keep a record of the erasure that holds no personal data.

What counts as theirs: the conversations with that sender id (WhatsApp's is "whatsapp:<phone>"), or in which the
phone number (in any usual UK writing) or the email address appears; the booking and call-back requests with that
phone number or email, or whose reference was given in those conversations; and, found in those conversations,
the phone numbers, emails and references the booking form stored (so a conversation id also finds their bookings).

Plain Python, nothing of Rasa: scripts/privacy.py finds the stores from endpoints-env.yml and the environment.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa

from backcare.booking.store import BookingStore
from backcare.booking.validation import normalise_uk_phone, validate_email
from backcare.checkins.store import PERSONAL_TABLES, checkin_email_sends, checkin_emails, checkins

EVENTS_TABLE = "events"
ERASED = "[erased]"
# Slots whose values identify the person (the booking and call-back forms fill them).
# checkin_email: the address for website check-in emails (issue 22), while its form runs.
IDENTIFYING_SLOTS = {
    "phone": "phones",
    "email": "emails",
    "checkin_email": "emails",
    "booking_reference": "references",
}
_REFERENCE = re.compile(r"^(?:BK|CB)-[A-Z0-9]{6}$")
_SEPARATORS = r"[\s\-().]*"
BATCH = 500


@dataclass
class Person:
    """Everything that identifies one person in the stores; grows as their conversations are read."""

    senders: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # E.164
    emails: set[str] = field(default_factory=set)  # lower case
    references: set[str] = field(default_factory=set)

    @classmethod
    def from_who(cls, who: str) -> Person:
        """WHO as staff type it: a phone number, an email address, a booking reference or a conversation id (the
        sender id; "~N" for a later session names the same sender)."""
        text = who.strip()
        if not text:
            raise ValueError("say whose data: a conversation id, a phone number or an email address")
        person = cls()
        email = validate_email(text) if "@" in text else None
        phone = None if email or re.search(r"[A-Za-z]", text.replace("whatsapp:", "")) else normalise_uk_phone(text)
        if email:
            person.emails.add(email.lower())
        elif phone:
            person.phones.add(phone)
        elif _REFERENCE.match(text.upper()):
            person.references.add(text.upper())
        else:
            person.senders.add(text.split("~")[0])
        if text.startswith("whatsapp:") and normalise_uk_phone(text):
            person.phones.add(str(normalise_uk_phone(text)))
        person.senders |= {f"whatsapp:{phone}" for phone in person.phones}
        return person

    def size(self) -> int:
        return len(self.senders) + len(self.phones) + len(self.emails) + len(self.references)

    def patterns(self) -> list[re.Pattern[str]]:
        """Regular expressions that find any of the identifiers in text, phone numbers in any usual writing."""
        found = [phone_pattern(phone) for phone in sorted(self.phones)]
        found += [
            re.compile(rf"(?<![\w.+-]){re.escape(email)}(?![\w-])", re.IGNORECASE) for email in sorted(self.emails)
        ]
        found += [
            re.compile(rf"(?<![\w-]){re.escape(item)}(?![\w-])") for item in sorted(self.senders | self.references)
        ]
        return found

    def mentioned_in(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.patterns())

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "conversation_ids": sorted(self.senders),
            "phones": sorted(self.phones),
            "emails": sorted(self.emails),
            "references": sorted(self.references),
        }


def phone_pattern(e164: str) -> re.Pattern[str]:
    """+447400314159 as written anywhere: +44 7400 314159, 0044..., 44 7400..., 07400 314 159, (07400) 314-159."""
    national = e164[3:] if e164.startswith("+44") else e164.lstrip("+")
    digits = _SEPARATORS.join(re.escape(digit) for digit in national)
    prefix = rf"(?:(?:\+|00)?44{_SEPARATORS}(?:\(0\){_SEPARATORS})?|0)" if e164.startswith("+44") else r"\+?"
    return re.compile(rf"(?<![\d+]){prefix}{digits}(?!\d)")


def redact(text: str, person: Person) -> str:
    for pattern in person.patterns():
        text = pattern.sub(ERASED, text)
    return text


# --- the tracker store --------------------------------------------------------------------------------------


def _has_events(engine: sa.engine.Engine) -> bool:
    return bool(sa.inspect(engine).has_table(EVENTS_TABLE))


def _events_table() -> Any:
    return sa.table(EVENTS_TABLE, sa.column("id"), sa.column("sender_id"), sa.column("data"))


def find_conversations(engine: sa.engine.Engine, person: Person) -> set[str]:
    """The senders whose conversations are the person's (see the module docstring), growing `person` with the
    identifiers their booking forms stored, until nothing new is found."""
    if not _has_events(engine):
        return set()
    table = _events_table()
    found: set[str] = set()
    while True:
        person.senders |= {f"whatsapp:{phone}" for phone in person.phones}  # WhatsApp's sender id is the number
        size = person.size()
        patterns = person.patterns()
        with engine.connect() as connection:
            rows = connection.execution_options(stream_results=True).execute(sa.select(table.c.sender_id, table.c.data))
            for sender, data in rows:
                if sender in person.senders or (sender not in found and any(p.search(data or "") for p in patterns)):
                    found.add(sender)
        found |= checkin_email_senders(engine, person.emails)
        for sender in found:
            for event in conversation_events(engine, sender):
                if event.get("event") == "slot" and event.get("name") in IDENTIFYING_SLOTS and event.get("value"):
                    kind = IDENTIFYING_SLOTS[event["name"]]
                    value = str(event["value"])
                    if kind != "emails" or validate_email(value):  # not "declined"
                        getattr(person, kind).add(value.lower() if kind == "emails" else value)
        person.senders |= found
        if person.size() == size:
            return found


def conversation_events(engine: sa.engine.Engine, sender: str) -> list[dict[str, Any]]:
    table = _events_table()
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table.c.data).where(table.c.sender_id == sender).order_by(table.c.id))
        return [json.loads(data) for (data,) in rows]


def delete_conversations(engine: sa.engine.Engine, senders: Iterable[str]) -> int:
    """Deletes every event of these senders in one transaction; returns how many events went."""
    senders = sorted(senders)
    if not senders or not _has_events(engine):
        return 0
    table = _events_table()
    deleted = 0
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(sa.text("PRAGMA secure_delete = ON"))  # overwrite the freed pages, not just unlink
        for start in range(0, len(senders), BATCH):
            deleted += connection.execute(
                sa.delete(table).where(table.c.sender_id.in_(senders[start : start + BATCH]))
            ).rowcount
            # Their follow-up check-ins (issue 22) go too, with the email address they gave for them.
            for personal in PERSONAL_TABLES:
                if sa.inspect(connection).has_table(personal.name):
                    connection.execute(
                        sa.delete(personal).where(personal.c.sender_id.in_(senders[start : start + BATCH]))
                    )
    return deleted


def _personal_rows(engine: sa.engine.Engine, table: sa.Table, sender: str) -> list[dict[str, Any]]:
    if not sa.inspect(engine).has_table(table.name):
        return []
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table).where(table.c.sender_id == sender))
        return [dict(row._mapping) for row in rows]


def checkin_records(engine: sa.engine.Engine, sender: str) -> list[dict[str, Any]]:
    """The follow-up check-ins held for a conversation (issue 22), for a subject access request."""
    return sorted(_personal_rows(engine, checkins, sender), key=lambda row: int(row["id"]))


def checkin_email_records(engine: sa.engine.Engine, sender: str) -> dict[str, list[dict[str, Any]]]:
    """The email address given for website check-ins and the check-in emails sent to it."""
    return {
        "address": _personal_rows(engine, checkin_emails, sender),
        "sent": sorted(_personal_rows(engine, checkin_email_sends, sender), key=lambda row: int(row["checkin_id"])),
    }


def checkin_email_senders(engine: sa.engine.Engine, emails: Iterable[str]) -> set[str]:
    """The conversations that gave one of these addresses for check-in emails."""
    wanted = sorted({email.lower() for email in emails})
    if not wanted or not sa.inspect(engine).has_table(checkin_emails.name):
        return set()
    query = sa.select(checkin_emails.c.sender_id).where(sa.func.lower(checkin_emails.c.address).in_(wanted))
    with engine.connect() as connection:
        return {str(sender) for (sender,) in connection.execute(query)}


# --- bookings ---------------------------------------------------------------------------------------------


def find_references(store: BookingStore, person: Person) -> set[str]:
    found = {
        reference
        for reference in person.references
        if store.get(reference) or any(item.reference == reference for item in store.outbox())
    }
    for contact in sorted(person.phones | person.emails):
        found.update(store.references_for_contact(contact))
    for record in booking_records(store, found)["requests"]:  # the other contact given with a request is theirs too
        if record.get("phone"):
            person.phones.add(str(record["phone"]))
        if record.get("email"):
            person.emails.add(str(record["email"]).lower())
    person.references |= found
    return found


def booking_records(store: BookingStore, references: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    wanted = set(references)
    requests = []
    for reference in sorted(wanted):
        stored = store.get(reference)
        if stored:
            requests.append({**stored.request.to_dict(), "status": stored.status, "handled_at": stored.handled_at})
    outbox = [
        {
            "reference": item.reference,
            "backend": item.backend,
            "status": item.status,
            "attempts": item.attempts,
            "created_at": item.created_at,
            "next_attempt_at": item.next_attempt_at,
            "request": item.request.to_dict() if item.request else None,
        }
        for item in store.outbox()
        if item.reference in wanted
    ]
    return {"requests": requests, "outbox": outbox}


# --- files ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffFiles:
    """Where staff tools write: reports (whole files, rebuilt from the stores by `make report`), the review file
    (one labelled example a line) and logs (the audit log and the rest: one record a line)."""

    reports: Sequence[Path] = ()
    review_file: Optional[Path] = None
    logs: Sequence[Path] = ()

    def _files(self, places: Iterable[Path]) -> Iterator[Path]:
        for place in places:
            if place.is_file():
                yield place
            elif place.is_dir():
                yield from sorted(path for path in place.rglob("*") if path.is_file())

    def report_files(self) -> list[Path]:
        return list(self._files(self.reports))

    def line_files(self) -> list[Path]:
        files = list(self._files(self.logs))
        if self.review_file and self.review_file.is_file():
            files.append(self.review_file)
        return list(dict.fromkeys(files))


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def file_mentions(files: StaffFiles, person: Person) -> dict[str, list[str]]:
    """{path: [the lines that name the person]} across every staff file."""
    found: dict[str, list[str]] = {}
    for path in files.report_files() + files.line_files():
        text = _read(path)
        if text and person.mentioned_in(text):
            found[str(path)] = [line for line in text.splitlines() if person.mentioned_in(line)]
    return found


@dataclass
class FileChanges:
    reports_deleted: list[str] = field(default_factory=list)
    lines_changed: dict[str, int] = field(default_factory=dict)


def erase_from_files(files: StaffFiles, person: Person) -> FileChanges:
    """Reports that name the person are deleted (`make report` rebuilds them from the stores, now without them);
    in the review file their examples are removed; in logs their identifiers become [erased] (the record of
    what staff did stays, no longer about them)."""
    changes = FileChanges()
    for path in files.report_files():
        text = _read(path)
        if text and person.mentioned_in(text):
            path.unlink()
            changes.reports_deleted.append(str(path))
    for path in files.line_files():
        text = _read(path)
        if not text or not person.mentioned_in(text):
            continue
        lines = text.splitlines(keepends=True)
        if path == files.review_file:
            kept = [line for line in lines if not person.mentioned_in(line)]
        else:
            kept = [redact(line, person) for line in lines]
        changes.lines_changed[str(path)] = (
            sum(1 for old, new in zip(lines, kept, strict=False) if old != new) + len(lines) - len(kept)
        )
        path.write_text("".join(kept), encoding="utf-8")
    return changes


# --- the channels' memory in Redis ------------------------------------------------------------------------


def redis_keys(client: Any, person: Person) -> list[str]:
    """Keys in Redis (channel memory, conversation locks) that name one of the person's conversations."""
    keys: set[str] = set()
    for sender in sorted(person.senders):
        glob = re.sub(r"([*?\[\]\\])", r"\\\1", sender)
        keys.update(key.decode() if isinstance(key, bytes) else key for key in client.scan_iter(match=f"*{glob}*"))
    return sorted(keys)


# --- the two requests ------------------------------------------------------------------------------------


@dataclass
class Stores:
    engine: Optional[sa.engine.Engine]
    bookings: Optional[BookingStore]
    files: StaffFiles
    redis: Any = None  # a redis.Redis client, when the channels' memory is shared there


def gather(stores: Stores, who: str) -> tuple[Person, set[str], set[str]]:
    """(the person, their conversations' sender ids, their booking references): conversations and bookings
    are read in turn until neither names anything new."""
    person = Person.from_who(who)
    senders: set[str] = set()
    references: set[str] = set()
    while True:
        size = person.size()
        if stores.engine is not None:
            senders |= find_conversations(stores.engine, person)
        if stores.bookings is not None:
            references |= find_references(stores.bookings, person)
        if person.size() == size:
            return person, senders, references


def subject_access(stores: Stores, who: str, now: Optional[dt.datetime] = None) -> dict[str, Any]:
    """Everything held about the person, as one JSON-ready document."""
    person, senders, references = gather(stores, who)
    document: dict[str, Any] = {
        "generated_at": (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
        "about": "Everything this assistant holds about the person (UK GDPR article 15).",
        "identifiers": person.as_dict(),
        "conversations": [
            {
                "conversation_id": sender,
                "events": conversation_events(stores.engine, sender),
                "checkins": checkin_records(stores.engine, sender),
                "checkin_emails": checkin_email_records(stores.engine, sender),
            }
            for sender in sorted(senders)
        ]
        if stores.engine is not None
        else [],
        **(
            booking_records(stores.bookings, references)
            if stores.bookings is not None
            else {"requests": [], "outbox": []}
        ),
        "staff_files": file_mentions(stores.files, person),
    }
    if stores.redis is not None:
        document["channel_memory"] = {key: _redis_value(stores.redis, key) for key in redis_keys(stores.redis, person)}
    return document


def _redis_value(client: Any, key: str) -> Any:
    kind = client.type(key)
    kind = kind.decode() if isinstance(kind, bytes) else kind
    value = client.hgetall(key) if kind == "hash" else client.get(key) if kind == "string" else None
    if isinstance(value, dict):
        return {
            k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v
            for k, v in value.items()
        }
    return value.decode() if isinstance(value, bytes) else value


@dataclass
class Erasure:
    record_id: str
    conversations: int
    events: int
    booking_records: int
    references: list[str]
    files: FileChanges
    redis_keys: int

    def summary_lines(self) -> list[str]:
        lines = [
            f"Deleted {self.conversations} conversation(s) ({self.events} events) from the tracker store.",
            f"Deleted {self.booking_records} booking/call-back record(s) and outbox entr(y/ies)"
            + (f": {', '.join(self.references)}." if self.references else "."),
        ]
        lines += [
            f"Deleted report {path} (make report rebuilds it without them)." for path in self.files.reports_deleted
        ]
        lines += [f"Removed or redacted {count} line(s) in {path}." for path, count in self.files.lines_changed.items()]
        if self.redis_keys:
            lines.append(f"Deleted {self.redis_keys} key(s) of theirs in Redis (channel memory, locks).")
        lines.append(f"Erasure recorded as {self.record_id} (no personal data in the record).")
        return lines


def erase(stores: Stores, who: str, record_log: Path, staff: str = "", now: Optional[dt.datetime] = None) -> Erasure:
    """Deletes everything held about the person and appends a record of the erasure without personal data."""
    person, senders, references = gather(stores, who)
    events = delete_conversations(stores.engine, senders) if stores.engine is not None else 0
    booking_rows = sum(stores.bookings.delete(reference) for reference in sorted(references)) if stores.bookings else 0
    files = erase_from_files(stores.files, person)
    keys = redis_keys(stores.redis, person) if stores.redis is not None else []
    if keys:
        stores.redis.delete(*keys)
    result = Erasure(
        f"ER-{secrets.token_hex(4).upper()}", len(senders), events, booking_rows, sorted(references), files, len(keys)
    )
    record_erasure(record_log, result, staff, now)
    return result


def record_erasure(log: Path, erasure: Erasure, staff: str = "", now: Optional[dt.datetime] = None) -> str:
    """One line: when, who ran it, the record id and the counts; never the person's identifiers (their
    booking references included)."""
    moment = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    line = (
        f"{moment}\terasure={erasure.record_id}\tstaff={' '.join(staff.split()) or '-'}\t"
        f"conversations={erasure.conversations}\tevents={erasure.events}\t"
        f"booking_records={erasure.booking_records}\treports_deleted={len(erasure.files.reports_deleted)}\t"
        f"lines_changed={sum(erasure.files.lines_changed.values())}\tredis_keys={erasure.redis_keys}\n"
    )
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(line)
    return line
