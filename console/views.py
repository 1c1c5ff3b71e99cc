"""What each console page shows, read through the same functions as the staff commands (backcare.insight,
backcare.booking, scripts/conversation_store.py). Plain values for the templates; no web framework here, and
nothing is written to a log but the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from backcare.booking import desk
from backcare.booking.store import NEW, BookingStore, StoredRequest
from backcare.clinic import load_profile
from backcare.insight import audit
from backcare.insight.content_book import all_entries, book_sections, is_overdue, review_months
from backcare.insight.figures import report_figures
from backcare.insight.flags import flags_of
from backcare.insight.period import DEFAULT_DAYS, date_range, utc_midnight
from backcare.insight.records import Conversation
from backcare.insight.report_html import period_words, report_body
from backcare.insight.review import (
    FLAG_TESTS,
    ConversationRow,
    Labelled,
    MissRow,
    TranscriptLine,
    conversation_rows,
    domain_names,
    label_miss,
    miss_rows,
    nlu_files,
    parse_mark,
    split_ref,
    transcript,
)
from backcare.insight.review_file import known_examples, normalised
from console.accounts import Accounts
from console.settings import ConsoleSettings
from scripts.conversation_store import load_conversation, load_conversations

LOGIN = "staff console"
FLAG_CHOICES = tuple(sorted(FLAG_TESTS))


@dataclass(frozen=True)
class RequestCard:
    stored: StoredRequest
    contact: str
    what_for: str
    urgent: bool
    fields: list[tuple[str, str]]
    screening: list[desk.ScreeningLine]


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date  # exclusive

    @property
    def last_day(self) -> dt.date:
        return self.until - dt.timedelta(days=1)


# --- booking and call-back requests ---------------------------------------------------------------------------


def request_cards(store: BookingStore, staff: str, everything: bool) -> list[RequestCard]:
    """New requests (or every one), urgent and newest first; the view is written to the audit log."""
    stored = desk.desk_order(store.list(status=None if everything else NEW))
    audit.record(
        staff,
        LOGIN,
        f"viewed {'all' if everything else 'new'} booking and call-back requests "
        f"({len(stored)}: {', '.join(s.request.reference for s in stored) or 'none'})",
    )
    return [
        RequestCard(
            item,
            desk.contact_of(item),
            desk.what_for(item),
            desk.is_urgent(item),
            desk.request_fields(item),
            desk.screening_lines(item),
        )
        for item in stored
    ]


def mark_handled(store: BookingStore, staff: str, reference: str) -> bool:
    done = store.mark_handled(reference)
    if done:
        audit.record(staff, LOGIN, f"marked {reference.upper()} as handled")
    return done


def export_csv(store: BookingStore, staff: str, everything: bool) -> str:
    audit.record(staff, LOGIN, f"exported {'all' if everything else 'new'} requests as CSV")
    return store.export_csv(status=None if everything else NEW)


def deletion_targets(store: BookingStore, reference: str, contact: str) -> list[StoredRequest]:
    references = desk.references_to_delete(store, reference or None, contact or None)
    return [item for item in (store.get(ref) for ref in references) if item]


def delete_requests(store: BookingStore, staff: str, references: list[str]) -> int:
    count = desk.delete_all(store, references)
    audit.record(staff, LOGIN, f"deleted on request {', '.join(r.upper() for r in references)} ({count} records)")
    return count


# --- conversations ---------------------------------------------------------------------------------------------


def period_of(since: Optional[str], until: Optional[str], days: int = DEFAULT_DAYS) -> Period:
    """Raises ValueError for a date that is not YYYY-MM-DD or an empty range."""
    start, end = date_range(since or None, until or None, days)
    return Period(start, end)


def conversations_in(settings: ConsoleSettings, period: Period) -> list[Conversation]:
    return load_conversations(settings.endpoints, utc_midnight(period.since), utc_midnight(period.until))


CHANNELS = {"whatsapp:": "WhatsApp", "telegram:": "Telegram"}


def masked_id(conversation_id: str) -> str:
    """A WhatsApp conversation's id is the patient's number, a Telegram one their account: the masked view
    names only the channel."""
    return next((name for prefix, name in CHANNELS.items() if conversation_id.startswith(prefix)), "Web chat")


def conversation_list(
    settings: ConsoleSettings, accounts: Accounts, period: Period, flag: Optional[str]
) -> list[tuple[ConversationRow, str]]:
    """Newest first, each row with its handle for links; serious ones are marked by the template."""
    rows = conversation_rows(conversations_in(settings, period), flag or None)
    handles = accounts.handles_for([row.id for row in rows])
    return [(row, handles[row.id]) for row in reversed(rows)]


@dataclass(frozen=True)
class TranscriptPage:
    conversation_id: str  # masked unless the page is unmasked
    started: dt.datetime
    flags: list[str]
    lines: list[TranscriptLine]
    unmasked: bool


def transcript_page(
    settings: ConsoleSettings, accounts: Accounts, handle: str, staff: str, unmasked: bool
) -> Optional[TranscriptPage]:
    conversation_id = accounts.conversation_of(handle)
    conversation = load_conversation(conversation_id, settings.endpoints) if conversation_id else None
    if conversation is None:
        return None
    if unmasked:
        audit.record(staff, LOGIN, f"unredacted transcript of {conversation.id}")
    return TranscriptPage(
        conversation.id if unmasked else masked_id(conversation.id),
        conversation.started,
        flags_of(conversation).labels(),
        transcript(conversation, unmasked),
        unmasked,
    )


# --- misses ----------------------------------------------------------------------------------------------------


def misses_in(settings: ConsoleSettings, accounts: Accounts, period: Period) -> list[tuple[MissRow, str, bool]]:
    """Newest first, each miss with a reference that names its conversation by handle (not by id) and whether
    the message is in the review file already."""
    rows = list(reversed(miss_rows(conversations_in(settings, period))))
    handles = accounts.handles_for(list({split_ref(row.ref)[0] for row in rows}))
    labelled = known_examples([settings.review_file])
    return [
        (row, f"{handles[split_ref(row.ref)[0]]}:{split_ref(row.ref)[1]}", normalised(row.text) in labelled)
        for row in rows
    ]


def intents() -> list[str]:
    return sorted(domain_names("intents"))


def label(settings: ConsoleSettings, accounts: Accounts, handle_ref: str, intent: str, entity: str) -> Labelled:
    handle, index = split_ref(handle_ref)
    conversation_id = accounts.conversation_of(handle) or ""
    conversation = load_conversation(conversation_id, settings.endpoints) if conversation_id else None
    marks = [parse_mark(text) for text in entity.split(";") if text.strip()]
    return label_miss(conversation, f"{conversation_id}:{index}", intent, marks, settings.review_file, nlu_files())


# --- the weekly report and the content book --------------------------------------------------------------------


def report_html(settings: ConsoleSettings, period: Period) -> tuple[str, str]:
    """(the period in words, the report's tiles and charts as HTML)."""
    figures = report_figures(conversations_in(settings, period), period.since, period.until)
    return period_words(figures), report_body(figures, "the Misses page")


def content_book_html(today: dt.date) -> tuple[str, int, int, int]:
    """(the book's sections as HTML, entries, overdue entries, review months)."""
    months, entries = review_months(), all_entries()
    overdue = sum(is_overdue(entry, today, months) for entry in entries)
    return book_sections(entries, today, months), len(entries), overdue, months


def clinic_name() -> str:
    return load_profile().name
