"""Start the staff console (python -m console) for tests, on a free port with its own files, as `make console` runs
it; and a small HTTP client that keeps the console's cookies itself (the session cookie is Secure, which Python's
cookie jar would not send over http://127.0.0.1, while browsers do on loopback)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import requests

from console.accounts import Accounts
from tests.model.assistant import ROOT, free_port, wait_until_ready

STAFF, PASSWORD = "Sam Patel", "correct horse battery"


@dataclass
class RunningConsole:
    url: str
    files: dict[str, Path]  # db, bookings, endpoints, review_file, audit_log, log

    @property
    def log(self) -> str:
        return self.files["log"].read_text(encoding="utf-8", errors="replace")

    @property
    def audit(self) -> str:
        path = self.files["audit_log"]
        return path.read_text(encoding="utf-8") if path.exists() else ""


@contextlib.contextmanager
def start_console(
    work_dir: Path,
    endpoints: Path,
    bookings: Path,
    env: Optional[Mapping[str, str]] = None,
) -> Iterator[RunningConsole]:
    work_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "db": work_dir / "console.db",
        "bookings": bookings,
        "endpoints": endpoints,
        "review_file": work_dir / "review" / "misses.yml",
        "audit_log": work_dir / "audit.log",
        "log": work_dir / "console.log",
    }
    Accounts(files["db"], scrypt_n=2**12).add_staff(STAFF, PASSWORD)
    port = free_port()
    process_env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CONSOLE_DB": str(files["db"]),
        "BOOKING_DB": str(bookings),
        "ENDPOINTS": str(endpoints),
        "REVIEW_FILE": str(files["review_file"]),
        "REVIEW_AUDIT_LOG": str(files["audit_log"]),
        **(env or {}),
    }
    with files["log"].open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "console", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/signin", process, timeout=120)
        yield RunningConsole(f"http://127.0.0.1:{port}", files)
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)


@dataclass
class Client:
    """Requests without redirects, with the cookies the console set (name -> value) sent back."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookie_headers: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # sent with every request, e.g. X-Forwarded-For

    def _keep(self, response: requests.Response) -> requests.Response:
        for header in response.raw.headers.getlist("Set-Cookie"):
            self.set_cookie_headers.append(header)
            name, _, rest = header.partition("=")
            value = rest.split(";")[0]
            if "max-age=0" in header.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def _headers(self) -> dict[str, str]:
        cookies = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        return {**self.headers, **cookies}

    def get(self, path: str) -> requests.Response:
        return self._keep(requests.get(self.base + path, headers=self._headers(), allow_redirects=False, timeout=60))

    def post(self, path: str, data: Mapping[str, object]) -> requests.Response:
        return self._keep(
            requests.post(self.base + path, data=data, headers=self._headers(), allow_redirects=False, timeout=60)
        )

    def sign_in(self, name: str = STAFF, password: str = PASSWORD) -> requests.Response:
        token = form_token(self.get("/signin").text)
        return self.post("/signin", {"csrf": token, "name": name, "password": password, "next": "/requests"})

    def csrf(self, path: str = "/requests") -> str:
        return form_token(self.get(path).text)


def form_token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)
