"""Check-ins kept in the database the conversations use (SQLite by default, PostgreSQL in production), through
SQLAlchemy, so they survive restarts and are shared by every instance.

Sending is claimed row by row with one conditional UPDATE (`... WHERE id = ? AND status = 'due' AND due_at <= now`):
only the run whose UPDATE changed the row sends it, so two runs at once never send the same check-in twice. A row
left in 'sending' (a run that died mid-send) may be claimed again after `stale` (15 minutes by default).

Statuses: due -> sending -> sent -> answered; due -> stopped ("stop check-ins"); sending -> due (failed, retried)
-> failed (after MAX_ATTEMPTS). Website check-ins are never pushed: they go from due to sent when the person
opens the chat again (`take_waiting`); when the person also gave an email address (`checkin_emails`, a separate
consent), an email says so, claimed in the same way, one row per check-in in `checkin_email_sends`.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa

from backcare.checkins.schedule import aware, due_times

DEFAULT_URL = "sqlite:///tracker.db"
STALE_CLAIM = dt.timedelta(minutes=15)
MAX_ATTEMPTS = 3
WEBSITE = "rest"
OPEN = ("due", "sending")

metadata = sa.MetaData()
checkins = sa.Table(
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("due_at", sa.Float, nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("claimed_at", sa.Float),
    sa.Column("claim_token", sa.String(32)),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("sent_at", sa.Float),
    sa.Column("delivery", sa.String(32)),
    sa.Column("answered_at", sa.Float),
    sa.Column("pain", sa.Float),
    sa.Column("trend", sa.String(16)),
    sa.Column("normal_day", sa.Boolean),
    sa.Column("outcome", sa.String(16)),
)


# Website check-ins by email too (a separate consent): the address, and one row per check-in emailed, claimed as
# the check-ins are (the row's primary key is the check-in, so it can only ever be inserted once).
checkin_emails = sa.Table(
    "checkin_emails",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("address", sa.String(320), nullable=False),
    sa.Column("agreed_at", sa.Float, nullable=False),
)
checkin_email_sends = sa.Table(
    "checkin_email_sends",
    metadata,
    sa.Column("checkin_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("claimed_at", sa.Float),
    sa.Column("claim_token", sa.String(32)),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("sent_at", sa.Float),
)
# Everything held per person, for `make export` and `make erase` (backcare/privacy.py).
PERSONAL_TABLES = (checkins, checkin_emails, checkin_email_sends)


def checkins_db_url(environ: Optional[Mapping[str, str]] = None) -> str:
    """CHECKINS_DB_URL, else the tracker store's TRACKER_STORE_URL (scripts/endpoints-env.sh), else tracker.db."""
    env = os.environ if environ is None else environ
    return env.get("CHECKINS_DB_URL") or env.get("TRACKER_STORE_URL") or DEFAULT_URL


def _ts(moment: dt.datetime) -> float:
    return aware(moment).timestamp()


def _moment(value: Optional[float]) -> Optional[dt.datetime]:
    return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)


@dataclass(frozen=True)
class Checkin:
    id: int
    sender_id: str
    channel: str
    step: int
    status: str
    due_at: dt.datetime
    claim_token: Optional[str] = None
    sent_at: Optional[dt.datetime] = None
    delivery: Optional[str] = None
    outcome: Optional[str] = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Checkin:
        due = _moment(row["due_at"])
        assert due is not None
        return cls(
            id=int(row["id"]),
            sender_id=str(row["sender_id"]),
            channel=str(row["channel"]),
            step=int(row["step"]),
            status=str(row["status"]),
            due_at=due,
            claim_token=row["claim_token"],
            sent_at=_moment(row["sent_at"]),
            delivery=row["delivery"],
            outcome=row["outcome"],
        )


@dataclass(frozen=True)
class CheckinFigures:
    offered_to: int
    sent: int
    answered: int
    better: int
    same: int
    worse: int
    escalations: int
    stopped: int


class CheckinStore:
    def __init__(self, url: Optional[str] = None, engine: Optional[sa.engine.Engine] = None) -> None:
        self.url = url or checkins_db_url()
        if engine is None:
            options: dict[str, Any] = {"pool_pre_ping": True}
            if self.url.startswith("sqlite"):
                # Two senders (or the action server and a sender) may write at once: wait for the lock.
                options["connect_args"] = {"timeout": 30}
            engine = sa.create_engine(self.url, **options)
        self.engine = engine
        metadata.create_all(self.engine, checkfirst=True)

    def _rows(self, query: Any) -> list[Checkin]:
        with self.engine.connect() as connection:
            return [Checkin.from_row(row._mapping) for row in connection.execute(query)]

    # Consent --------------------------------------------------------------------------------------------

    def active(self, sender_id: str) -> list[Checkin]:
        query = (
            sa.select(checkins)
            .where(checkins.c.sender_id == sender_id, checkins.c.status.in_(OPEN))
            .order_by(checkins.c.due_at)
        )
        return self._rows(query)

    def start(self, sender_id: str, channel: str, now: dt.datetime) -> list[Checkin]:
        """The person said yes: their check-ins, due 2 and 7 days from now. Saying yes again changes nothing."""
        existing = self.active(sender_id)
        if existing:
            return existing
        rows = [
            {
                "sender_id": sender_id,
                "channel": channel,
                "step": step,
                "status": "due",
                "due_at": _ts(due),
                "created_at": _ts(now),
                "attempts": 0,
            }
            for step, due in enumerate(due_times(now), start=1)
        ]
        with self.engine.begin() as connection:
            connection.execute(checkins.insert(), rows)
        return self.active(sender_id)

    def stop(self, sender_id: str, now: dt.datetime) -> int:
        """Ends every check-in not yet sent, at once, and their emails (the address is forgotten); how many
        check-ins there were."""
        with self.engine.begin() as connection:
            result = connection.execute(
                checkins.update()
                .where(checkins.c.sender_id == sender_id, checkins.c.status.in_(OPEN))
                .values(status="stopped", answered_at=_ts(now))
            )
            connection.execute(checkin_emails.delete().where(checkin_emails.c.sender_id == sender_id))
        return int(result.rowcount or 0)

    # Email for website check-ins ------------------------------------------------------------------------

    def set_email(self, sender_id: str, address: str, now: dt.datetime) -> None:
        """The person agreed to get their website check-ins by email too, at this address (replacing any)."""
        with self.engine.begin() as connection:
            connection.execute(checkin_emails.delete().where(checkin_emails.c.sender_id == sender_id))
            connection.execute(checkin_emails.insert().values(sender_id=sender_id, address=address, agreed_at=_ts(now)))

    def email_for(self, sender_id: str) -> Optional[str]:
        query = sa.select(checkin_emails.c.address).where(checkin_emails.c.sender_id == sender_id)
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar()
        return None if value is None else str(value)

    def _email_claimable(self, now: dt.datetime, stale: dt.timedelta) -> Any:
        return sa.or_(
            checkin_email_sends.c.status == "due",
            sa.and_(checkin_email_sends.c.status == "sending", checkin_email_sends.c.claimed_at < _ts(now - stale)),
        )

    def emails_due(self, now: dt.datetime) -> list[tuple[Checkin, str]]:
        """Website check-ins due by `now`, not yet shown in the chat, whose person gave an email address and whose
        email has not been sent: (check-in, address). Nothing is claimed."""
        sends = checkin_email_sends
        query = (
            sa.select(checkins, checkin_emails.c.address)
            .join(checkin_emails, checkin_emails.c.sender_id == checkins.c.sender_id)
            .outerjoin(sends, sends.c.checkin_id == checkins.c.id)
            .where(
                checkins.c.channel == WEBSITE,
                checkins.c.status == "due",
                checkins.c.due_at <= _ts(now),
                sa.or_(sends.c.checkin_id.is_(None), sends.c.status.in_(OPEN)),
            )
            .order_by(checkins.c.due_at)
        )
        with self.engine.connect() as connection:
            return [(Checkin.from_row(row._mapping), str(row.address)) for row in connection.execute(query)]

    def claim_emails(self, now: dt.datetime, stale: dt.timedelta = STALE_CLAIM) -> list[tuple[Checkin, str, str]]:
        """Claims the check-in emails due at `now` for this run alone: (check-in, address, claim token). Two runs
        at once never claim the same one; a claim left by a run that died is taken again after `stale`."""
        claimed = []
        for checkin, address in self.emails_due(now):
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        checkin_email_sends.insert().values(
                            checkin_id=checkin.id, sender_id=checkin.sender_id, status="due", attempts=0
                        )
                    )
            except sa.exc.IntegrityError:
                pass  # another run made the row first: the conditional update below decides
            key = checkin_email_sends.c.checkin_id == checkin.id
            token = self._claim(checkin_email_sends, key, self._email_claimable(now, stale), now)
            if token is not None:
                claimed.append((checkin, address, token))
        return claimed

    def mark_emailed(self, checkin: Checkin, token: str, now: dt.datetime) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(
                checkin_email_sends.update()
                .where(checkin_email_sends.c.checkin_id == checkin.id, checkin_email_sends.c.claim_token == token)
                .values(status="sent", sent_at=_ts(now))
            )
        return bool(result.rowcount == 1)

    def release_email(self, checkin: Checkin, token: str) -> None:
        """Sending the email failed: due again for the next run, or failed after MAX_ATTEMPTS."""
        self._release(checkin_email_sends, checkin_email_sends.c.checkin_id == checkin.id, token)

    # Claims (check-ins and their emails alike) ----------------------------------------------------------

    def _claim(self, table: sa.Table, key: Any, condition: Any, now: dt.datetime) -> Optional[str]:
        """One conditional UPDATE makes the row 'sending' for this run alone: its new claim token, or None when
        another run claimed it first (or it is no longer claimable)."""
        token = uuid.uuid4().hex
        with self.engine.begin() as connection:
            result = connection.execute(
                table.update()
                .where(key, condition)
                .values(status="sending", claimed_at=_ts(now), claim_token=token, attempts=table.c.attempts + 1)
            )
        return token if result.rowcount == 1 else None

    def _release(self, table: sa.Table, key: Any, token: Optional[str]) -> None:
        status = sa.case((table.c.attempts >= MAX_ATTEMPTS, "failed"), else_="due")
        with self.engine.begin() as connection:
            connection.execute(
                table.update().where(key, table.c.claim_token == token).values(status=status, claim_token=None)
            )

    # Sending --------------------------------------------------------------------------------------------

    def _claimable(self, now: dt.datetime, stale: dt.timedelta) -> Any:
        return sa.or_(
            sa.and_(checkins.c.status == "due", checkins.c.due_at <= _ts(now)),
            sa.and_(checkins.c.status == "sending", checkins.c.claimed_at < _ts(now - stale)),
        )

    def claim_due(
        self,
        now: dt.datetime,
        channels: Optional[Sequence[str]] = None,
        stale: dt.timedelta = STALE_CLAIM,
        limit: int = 500,
    ) -> list[Checkin]:
        """Claims the check-ins due at `now` (on `channels`, default all but the website) for this run alone."""
        condition = self._claimable(now, stale)
        channel_filter = (
            checkins.c.channel.in_(list(channels)) if channels is not None else checkins.c.channel != WEBSITE
        )
        with self.engine.connect() as connection:
            candidates = [
                int(row[0])
                for row in connection.execute(
                    sa.select(checkins.c.id).where(condition, channel_filter).order_by(checkins.c.due_at).limit(limit)
                )
            ]
        claimed = []
        for checkin_id in candidates:
            if self._claim(checkins, checkins.c.id == checkin_id, condition, now) is not None:
                claimed.extend(self._rows(sa.select(checkins).where(checkins.c.id == checkin_id)))
        return claimed

    def mark_sent(self, checkin: Checkin, delivery: str, now: dt.datetime) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(
                checkins.update()
                .where(checkins.c.id == checkin.id, checkins.c.claim_token == checkin.claim_token)
                .values(status="sent", sent_at=_ts(now), delivery=delivery)
            )
        return bool(result.rowcount == 1)

    def release(self, checkin: Checkin) -> None:
        """Sending failed: due again for the next run, or failed after MAX_ATTEMPTS."""
        self._release(checkins, checkins.c.id == checkin.id, checkin.claim_token)

    def take_waiting(self, sender_id: str, now: dt.datetime) -> list[Checkin]:
        """The website's check-ins due by now, marked as shown (each is shown once, whoever asks first)."""
        query = sa.select(checkins.c.id).where(
            checkins.c.sender_id == sender_id,
            checkins.c.channel == WEBSITE,
            checkins.c.status == "due",
            checkins.c.due_at <= _ts(now),
        )
        shown = []
        with self.engine.connect() as connection:
            candidates = [int(row[0]) for row in connection.execute(query)]
        for checkin_id in candidates:
            with self.engine.begin() as connection:
                result = connection.execute(
                    checkins.update()
                    .where(checkins.c.id == checkin_id, checkins.c.status == "due")
                    .values(status="sent", sent_at=_ts(now), delivery="website", attempts=checkins.c.attempts + 1)
                )
            if result.rowcount == 1:
                shown.extend(self._rows(sa.select(checkins).where(checkins.c.id == checkin_id)))
        return shown

    # Answers --------------------------------------------------------------------------------------------

    def awaiting_answer(self, sender_id: str) -> Optional[Checkin]:
        """The latest check-in sent to this person and not answered yet."""
        query = (
            sa.select(checkins)
            .where(checkins.c.sender_id == sender_id, checkins.c.status == "sent")
            .order_by(checkins.c.sent_at.desc())
            .limit(1)
        )
        rows = self._rows(query)
        return rows[0] if rows else None

    def record_answer(
        self,
        checkin: Checkin,
        now: dt.datetime,
        outcome: str,
        pain: Optional[float] = None,
        trend: Optional[str] = None,
        normal_day: Optional[bool] = None,
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                checkins.update()
                .where(checkins.c.id == checkin.id)
                .values(
                    status="answered",
                    answered_at=_ts(now),
                    outcome=outcome,
                    pain=pain,
                    trend=trend,
                    normal_day=normal_day,
                )
            )

    def next_due(self, sender_id: str) -> Optional[dt.datetime]:
        due = [checkin.due_at for checkin in self.active(sender_id)]
        return min(due) if due else None

    def all(self) -> list[Checkin]:
        return self._rows(sa.select(checkins).order_by(checkins.c.id))

    # The person's last message (WhatsApp's 24-hour window) ----------------------------------------------

    def last_user_message_at(self, sender_id: str) -> Optional[dt.datetime]:
        """When the person last wrote, from Rasa's SQL tracker store in the same database (its `events` table);
        None when that table is not here or holds nothing from them."""
        if not sa.inspect(self.engine).has_table("events"):
            return None
        events = sa.table("events", sa.column("sender_id"), sa.column("type_name"), sa.column("timestamp"))
        query = sa.select(sa.func.max(events.c.timestamp)).where(
            events.c.sender_id == sender_id, events.c.type_name == "user"
        )
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar()
        return _moment(float(value)) if value is not None else None

    # Staff figures --------------------------------------------------------------------------------------

    def figures(self, since: Optional[dt.datetime] = None, until: Optional[dt.datetime] = None) -> CheckinFigures:
        """Check-ins sent and answered in [since, until), the answers' trend and the escalations."""

        def within(column: Any) -> list[Any]:
            bounds = [column.isnot(None)]
            if since is not None:
                bounds.append(column >= _ts(since))
            if until is not None:
                bounds.append(column < _ts(until))
            return bounds

        def count(*where: Any) -> int:
            with self.engine.connect() as connection:
                return int(connection.execute(sa.select(sa.func.count()).select_from(checkins).where(*where)).scalar())

        answered = within(checkins.c.answered_at) + [checkins.c.status == "answered"]
        return CheckinFigures(
            offered_to=count(*within(checkins.c.created_at), checkins.c.step == 1),
            sent=count(*within(checkins.c.sent_at)),
            answered=count(*answered),
            better=count(*answered, checkins.c.trend == "better"),
            same=count(*answered, checkins.c.trend == "same"),
            worse=count(*answered, checkins.c.trend == "worse"),
            escalations=count(*answered, checkins.c.outcome.in_(["emergency", "urgent", "see_gp"])),
            stopped=count(*within(checkins.c.answered_at), checkins.c.status == "stopped", checkins.c.step == 1),
        )
