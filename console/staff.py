"""Staff accounts for the console (`make staff-user ARGS="..."`):

  python -m console.staff add "Sam Patel"        create an account; the password is asked twice (or read
                                                 from the first line of stdin when it is not a terminal)
  python -m console.staff password "Sam Patel"   set a new password (signs the account out everywhere)
  python -m console.staff remove "Sam Patel"     delete the account and its sessions
  python -m console.staff unlock "Sam Patel"     lift a sign-in pause after too many wrong passwords
  python -m console.staff list                   the accounts

Use each person's own name: it is what the audit log records when they look at a patient's details.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from typing import Optional, TextIO

from console.accounts import AccountError, Accounts
from console.settings import console_settings


def read_password(stdin: TextIO = sys.stdin, ask: Callable[[str], str] = getpass.getpass) -> str:
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    first = ask("New password (at least 10 characters): ")
    if ask("The same again: ") != first:
        raise AccountError("the two passwords were different")
    return first


def main(
    argv: Optional[Sequence[str]] = None,
    accounts: Optional[Accounts] = None,
    password: Callable[[], str] = read_password,
) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("add", "password", "remove", "unlock", "list"))
    parser.add_argument("name", nargs="?")
    args = parser.parse_args(argv)
    if args.command != "list" and not args.name:
        parser.error(f"{args.command} needs the person's name")
    accounts = accounts or Accounts(console_settings().db_path)
    try:
        if args.command == "add":
            print(f"Account created for {accounts.add_staff(args.name, password())}.")
        elif args.command == "password":
            accounts.set_password(args.name, password())
            print(f"Password changed for {args.name}; their sessions have ended.")
        elif args.command == "remove":
            accounts.remove_staff(args.name)
            print(f"Account of {args.name} removed.")
        elif args.command == "unlock":
            accounts.unlock(args.name)
            print(f"{args.name} can sign in again.")
        else:
            print("\n".join(accounts.staff_names()) or "No accounts yet.")
    except AccountError as error:
        print(f"Not done: {error}.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
