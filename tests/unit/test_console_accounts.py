"""Staff accounts of the console without a server: scrypt hashes, sessions that expire, the sign-in rate limit,
opaque conversation handles, and the account command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from console import staff
from console.accounts import (
    IDLE_SECONDS,
    LIFETIME_SECONDS,
    MAX_FAILURES,
    WINDOW_SECONDS,
    AccountError,
    Accounts,
    hash_password,
    verify_password,
)

PASSWORD = "correct horse battery"
FAST_N = 2**10  # the real cost (2^17) is for the server; the rules are the same at any cost


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(tmp_path: Path, clock: Clock) -> Accounts:
    accounts = Accounts(tmp_path / "console.db", clock=clock, scrypt_n=FAST_N)
    accounts.add_staff("Sam Patel", PASSWORD)
    return accounts


def test_passwords_are_salted_scrypt_hashes_that_verify_only_the_right_password() -> None:
    first, second = hash_password(PASSWORD, n=FAST_N), hash_password(PASSWORD, n=FAST_N)
    assert first.startswith(f"scrypt${FAST_N}$8$1$") and first != second, "a random salt each time"
    assert PASSWORD not in first
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password("correct horse batterY", first)
    assert not verify_password(PASSWORD, "md5$abc") and not verify_password(PASSWORD, "garbage")


def test_the_server_hashes_at_owasp_cost() -> None:
    assert hash_password(PASSWORD).startswith("scrypt$131072$8$1$")


def test_short_passwords_a_password_with_the_name_and_a_second_account_are_refused(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="at least 10"):
        accounts.add_staff("Alex Morgan", "short")
    with pytest.raises(AccountError, match="name"):
        accounts.add_staff("Alex", "alex-is-my-password")
    with pytest.raises(AccountError, match="already"):
        accounts.add_staff("sam  patel", "another long password")
    assert accounts.staff_names() == ["Sam Patel"]


def test_the_right_password_opens_a_session_and_a_wrong_one_does_not(accounts: Accounts) -> None:
    assert accounts.sign_in("Sam Patel", "wrong password!", "10.0.0.1").session is None
    assert accounts.sign_in("Nobody", PASSWORD, "10.0.0.1").session is None
    signed = accounts.sign_in("sam patel", PASSWORD, "10.0.0.1").session
    assert signed is not None and signed.staff == "Sam Patel" and len(signed.token) >= 40 and signed.csrf
    again = accounts.session(signed.token)
    assert again is not None and again.staff == "Sam Patel" and again.csrf == signed.csrf
    assert accounts.session("made-up") is None and accounts.session(None) is None


def test_only_a_hash_of_the_session_token_is_stored(accounts: Accounts, tmp_path: Path) -> None:
    signed = accounts.sign_in("Sam Patel", PASSWORD, "10.0.0.1").session
    assert signed is not None
    assert signed.token.encode() not in (tmp_path / "console.db").read_bytes()


def test_sessions_end_at_sign_out_when_idle_and_after_their_lifetime(accounts: Accounts, clock: Clock) -> None:
    first = accounts.sign_in("Sam Patel", PASSWORD, "10.0.0.1").session
    assert first is not None
    accounts.sign_out(first.token)
    assert accounts.session(first.token) is None

    idle = accounts.sign_in("Sam Patel", PASSWORD, "10.0.0.1").session
    assert idle is not None
    clock.now += IDLE_SECONDS - 60
    assert accounts.session(idle.token) is not None, "in use: the idle time starts again"
    clock.now += IDLE_SECONDS - 60
    assert accounts.session(idle.token) is not None
    clock.now += IDLE_SECONDS + 1
    assert accounts.session(idle.token) is None

    busy = accounts.sign_in("Sam Patel", PASSWORD, "10.0.0.1").session
    assert busy is not None
    for _ in range(LIFETIME_SECONDS // (IDLE_SECONDS // 2) + 1):
        clock.now += IDLE_SECONDS // 2
        accounts.session(busy.token)
    assert accounts.session(busy.token) is None, "however busy, a session ends after its lifetime"


def test_ten_wrong_passwords_pause_sign_in_for_that_name_until_the_window_passes(
    accounts: Accounts, clock: Clock
) -> None:
    for attempt in range(MAX_FAILURES):
        result = accounts.sign_in("Sam Patel", f"wrong password {attempt}", f"10.0.0.{attempt}")
        assert result.session is None
    assert result.locked
    paused = accounts.sign_in("Sam Patel", PASSWORD, "10.0.1.1")
    assert paused.session is None and paused.locked, "even the right password waits"
    clock.now += WINDOW_SECONDS + 1
    assert accounts.sign_in("Sam Patel", PASSWORD, "10.0.1.1").session is not None


def test_ten_wrong_passwords_from_one_address_pause_it_for_every_name(accounts: Accounts) -> None:
    accounts.add_staff("Alex Morgan", "a different long one")
    for attempt in range(MAX_FAILURES):
        accounts.sign_in(f"guess{attempt}", "password123", "203.0.113.9")
    assert accounts.sign_in("Alex Morgan", "a different long one", "203.0.113.9").locked
    assert accounts.sign_in("Alex Morgan", "a different long one", "10.0.0.1").session is not None


def test_a_manager_can_unlock_a_paused_account(accounts: Accounts) -> None:
    for attempt in range(MAX_FAILURES):
        accounts.sign_in("Sam Patel", "wrong password", f"10.0.0.{attempt}")
    accounts.unlock("Sam Patel")
    assert accounts.sign_in("Sam Patel", PASSWORD, "10.0.2.1").session is not None


def test_a_new_password_or_removal_ends_the_sessions(accounts: Accounts) -> None:
    signed = accounts.sign_in("Sam Patel", PASSWORD, "10.0.0.1").session
    assert signed is not None
    accounts.set_password("sam patel", "a brand new passphrase")
    assert accounts.session(signed.token) is None
    assert accounts.sign_in("Sam Patel", "a brand new passphrase", "10.0.0.1").session is not None
    accounts.remove_staff("Sam Patel")
    assert accounts.staff_names() == [] and accounts.sign_in("Sam Patel", "a brand new passphrase", "1").session is None


def test_conversation_handles_are_stable_opaque_and_found_again(accounts: Accounts) -> None:
    ids = ["whatsapp:+447400123456", "0f3c9a"]
    handles = accounts.handles_for(ids)
    assert handles == accounts.handles_for(ids)
    assert "447400" not in handles[ids[0]] and len(set(handles.values())) == 2
    assert accounts.conversation_of(handles[ids[0]]) == ids[0] and accounts.conversation_of("nope") is None


def test_the_account_command_reads_the_password_from_stdin_and_lists_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = Accounts(tmp_path / "console.db", scrypt_n=FAST_N)
    assert staff.main(["add", "Alex Morgan"], accounts, lambda: staff.read_password(io.StringIO(PASSWORD + "\n"))) == 0
    assert staff.main(["add", "Bo"], accounts, lambda: "short") == 2
    assert staff.main(["list"], accounts) == 0
    out, err = capsys.readouterr()
    assert "Account created for Alex Morgan" in out and "Alex Morgan" in out.splitlines()[-1]
    assert "at least 10" in err
    assert accounts.sign_in("Alex Morgan", PASSWORD, "1").session is not None
