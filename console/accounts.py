"""Staff accounts, sessions and sign-in attempts for the staff console, in one SQLite file (CONSOLE_DB). Plain
Python, no web framework: the console and the account command (console/staff.py) both use it, and the unit
tests run it without a server.

- Passwords are hashed with scrypt (hashlib, OpenSSL) at OWASP's recommended cost (N=2^17, r=8, p=1), with a
  random salt; the parameters are stored with each hash, so a later cost applies to new passwords only.
- A session is a random 256-bit token in a cookie; only its SHA-256 is stored, so a copy of the file does not
  hold usable sessions. Sessions end at sign-out, after IDLE minutes without a request and after LIFETIME hours.
- Sign-in is rate-limited: after MAX_FAILURES wrong passwords within WINDOW for one staff name or from one
  address, sign-in is refused for that name or address until the window has passed (or `unlock NAME`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

SCHEMA = """
CREATE TABLE IF NOT EXISTS staff (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    staff TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL,
    seen_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS handles (
    handle TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
MIN_PASSWORD = 10
MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60
IDLE_SECONDS = 30 * 60
LIFETIME_SECONDS = 10 * 60 * 60


class AccountError(ValueError):
    pass


# --- passwords ---------------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


def hash_password(password: str, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """'scrypt$N$r$p$salt$hash', salt and hash in base64."""
    salt = secrets.token_bytes(16)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(_scrypt(password, salt, n, r, p))}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def check_new_password(password: str, name: str) -> None:
    """A new password: long enough, and not the name. Length beats rules (NCSC password guidance)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters (three random words work well)")
    if name.strip().lower() in password.lower():
        raise AccountError("a password must not contain the name")


def check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 80 or not all(ch.isprintable() for ch in cleaned):
        raise AccountError("a staff name is 1 to 80 printable characters, e.g. 'Sam Patel'")
    return cleaned


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- the file ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    staff: str
    csrf: str
    token: str = ""  # only when just created: the value for the cookie


@dataclass(frozen=True)
class SignIn:
    session: Optional[Session]
    locked: bool = False  # too many wrong passwords: refused without checking


class Accounts:
    """The console's SQLite file. `clock` is injectable so expiry and the rate limit are tested without waiting."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time, scrypt_n: int = SCRYPT_N) -> None:
        self.path = Path(path)
        self.clock = clock
        self.scrypt_n = scrypt_n
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)
        # Checked against when the name is unknown, so a wrong name takes as long as a wrong password.
        self._dummy_hash = hash_password(secrets.token_hex(8), n=scrypt_n)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    # staff ---------------------------------------------------------------------------------------------------

    def add_staff(self, name: str, password: str) -> str:
        name = check_name(name)
        check_new_password(password, name)
        with self._connect() as db:
            if db.execute("SELECT 1 FROM staff WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"there is already an account for {name}")
            db.execute(
                "INSERT INTO staff VALUES (?, ?, ?)", (name, hash_password(password, n=self.scrypt_n), self.clock())
            )
        return name

    def set_password(self, name: str, password: str) -> None:
        check_new_password(password, name)
        with self._connect() as db:
            changed = db.execute(
                "UPDATE staff SET password_hash = ? WHERE name = ?",
                (hash_password(password, n=self.scrypt_n), name.strip()),
            ).rowcount
            db.execute("DELETE FROM sessions WHERE staff = ? COLLATE NOCASE", (name.strip(),))
        if not changed:
            raise AccountError(f"no account for {name}")

    def remove_staff(self, name: str) -> None:
        with self._connect() as db:
            gone = db.execute("DELETE FROM staff WHERE name = ?", (name.strip(),)).rowcount
            db.execute("DELETE FROM sessions WHERE staff = ? COLLATE NOCASE", (name.strip(),))
        if not gone:
            raise AccountError(f"no account for {name}")

    def staff_names(self) -> list[str]:
        with self._connect() as db:
            return [row[0] for row in db.execute("SELECT name FROM staff ORDER BY name")]

    # sign-in and the rate limit ----------------------------------------------------------------------------

    def _failures(self, db: sqlite3.Connection, key: str) -> int:
        since = self.clock() - WINDOW_SECONDS
        return int(db.execute("SELECT COUNT(*) FROM failures WHERE key = ? AND at > ?", (key, since)).fetchone()[0])

    def locked(self, name: str, address: str) -> bool:
        with self._connect() as db:
            return any(self._failures(db, key) >= MAX_FAILURES for key in _keys(name, address))

    def sign_in(self, name: str, password: str, address: str) -> SignIn:
        """A new session for the right password; None (and a failure counted) for a wrong one."""
        if self.locked(name, address):
            return SignIn(None, locked=True)
        with self._connect() as db:
            row = db.execute(
                "SELECT name, password_hash FROM staff WHERE name = ?", (" ".join(name.split()),)
            ).fetchone()
        if not verify_password(password, row[1] if row else self._dummy_hash) or not row:
            with self._connect() as db:
                db.execute("DELETE FROM failures WHERE at < ?", (self.clock() - WINDOW_SECONDS,))
                db.executemany("INSERT INTO failures VALUES (?, ?)", [(k, self.clock()) for k in _keys(name, address)])
            return SignIn(None, locked=self.locked(name, address))
        with self._connect() as db:
            db.execute("DELETE FROM failures WHERE key = ?", (_keys(name, address)[0],))
        return SignIn(self._new_session(row[0]))

    def unlock(self, name: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM failures WHERE key = ?", (_keys(name, "")[0],))

    # sessions --------------------------------------------------------------------------------------------------

    def _new_session(self, staff: str) -> Session:
        token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), self.clock()
        with self._connect() as db:
            db.execute(
                "DELETE FROM sessions WHERE seen_at < ? OR created_at < ?", (now - IDLE_SECONDS, now - LIFETIME_SECONDS)
            )
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)", (token_hash(token), staff, csrf, now, now))
        return Session(staff, csrf, token)

    def session(self, token: Optional[str]) -> Optional[Session]:
        """The live session of this cookie value, its idle time restarted; None when unknown or expired."""
        if not token:
            return None
        now = self.clock()
        with self._connect() as db:
            row = db.execute(
                "SELECT staff, csrf, created_at, seen_at FROM sessions WHERE token_hash = ?", (token_hash(token),)
            ).fetchone()
            if not row:
                return None
            if row[3] < now - IDLE_SECONDS or row[2] < now - LIFETIME_SECONDS:
                db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))
                return None
            db.execute("UPDATE sessions SET seen_at = ? WHERE token_hash = ?", (now, token_hash(token)))
        return Session(row[0], row[1])

    def sign_out(self, token: Optional[str]) -> None:
        if token:
            with self._connect() as db:
                db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))

    # opaque handles for conversation ids (a WhatsApp id is a phone number: it stays out of URLs and logs) ------

    def _secret(self, db: sqlite3.Connection) -> bytes:
        row = db.execute("SELECT value FROM secrets WHERE name = 'handles'").fetchone()
        if row:
            return bytes.fromhex(row[0])
        value = secrets.token_bytes(32)
        db.execute("INSERT OR IGNORE INTO secrets VALUES ('handles', ?)", (value.hex(),))
        return bytes.fromhex(db.execute("SELECT value FROM secrets WHERE name = 'handles'").fetchone()[0])

    def handles_for(self, conversation_ids: list[str]) -> dict[str, str]:
        """{conversation id: handle}; the same id always gets the same handle."""
        with self._connect() as db:
            secret = self._secret(db)
            found = {
                cid: hmac.new(secret, cid.encode("utf-8"), hashlib.sha256).hexdigest()[:24] for cid in conversation_ids
            }
            db.executemany("INSERT OR IGNORE INTO handles VALUES (?, ?)", [(h, c) for c, h in found.items()])
        return found

    def conversation_of(self, handle: str) -> Optional[str]:
        with self._connect() as db:
            row = db.execute("SELECT conversation_id FROM handles WHERE handle = ?", (handle,)).fetchone()
        return row[0] if row else None


def _keys(name: str, address: str) -> tuple[str, str]:
    return "name:" + " ".join(name.split()).lower(), "address:" + address
