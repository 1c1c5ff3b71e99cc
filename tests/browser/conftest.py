"""Fixtures for the chat widget's tests in a real browser: Debian's Chromium driven by Playwright for Python,
the demo site served from widget/ on a free port, and either the real assistant (action server and Rasa server
with the REST channel, allowing only the demo site's origin) or a small fake of the REST channel."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from scripts.serve_widget import WidgetServer, make_server
from tests.model.assistant import RunningAssistant, start_assistant

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("BACKSPASM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "results" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 640}

# The assistant's first answer can take a few seconds while the models warm up.
expect.set_options(timeout=30_000)


# ------------------------------------------------------------------------------------------------------------
# Browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser.sh (make test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class PageProblems:
    """What went wrong in a page that no assertion looks at: script errors and Content-Security-Policy refusals."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Makes fresh browser contexts (own storage, like a new visitor); checks their pages for problems after."""
    contexts: list[BrowserContext] = []
    problems = PageProblems()

    def make(viewport: Optional[dict[str, int]] = None, **options: Any) -> BrowserContext:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="en-GB", **options)
        context.on("page", problems.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not problems.errors, problems.errors


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


# ------------------------------------------------------------------------------------------------------------
# Static site


@contextlib.contextmanager
def serve_site(endpoint: Optional[str] = None, directory: Optional[Path] = None) -> Iterator[WidgetServer]:
    server = make_server(0, endpoint=endpoint, quiet=True, **({"directory": directory} if directory else {}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def origin(server: WidgetServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


# ------------------------------------------------------------------------------------------------------------
# The real assistant


@dataclass
class LiveSite:
    url: str  # the demo site, an origin the assistant allows
    assistant: RunningAssistant


@pytest.fixture(scope="session")
def live_site(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    work_dir = tmp_path_factory.mktemp("assistant")
    with serve_site() as site:
        url = origin(site)
        # Booking requests made in the widget go to a file of this run, where the staff console's tests read them.
        # Check-ins (issue 22) in the conversations' database, as in production (tests/browser/test_checkins.py).
        env = {"BOOKING_DB": str(work_dir / "bookings.db"), "CHECKINS_DB_URL": f"sqlite:///{work_dir / 'tracker.db'}"}
        with start_assistant(model_path, work_dir, timeout=300, cors_origins=[url], env=env) as assistant:
            site.endpoint = assistant.rasa_url
            yield LiveSite(url, assistant)


# ------------------------------------------------------------------------------------------------------------
# A fake REST channel, for rendering tests that need no model


@dataclass
class FakeRasa:
    """Answers POST /webhooks/rest/webhook like Rasa's REST channel, with replies set by the test."""

    allowed_origins: list[str]
    replies: dict[str, Any] = field(default_factory=dict)  # message -> list of reply dicts
    delays: dict[str, float] = field(default_factory=dict)  # message -> seconds to wait before answering
    failures: int = 0  # answer the next N requests with HTTP 500
    received: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    def answer(self, sender: str, message: str) -> tuple[int, Any]:
        self.received.append((sender, message))
        time.sleep(self.delays.get(message, 0))
        if self.failures:
            self.failures -= 1
            return 500, {"error": "boom"}
        return 200, self.replies.get(message, [{"recipient_id": sender, "text": f"You said: {message}"}])


def fake_handler(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def cors(self) -> None:
            origin = self.headers.get("Origin")
            if origin in fake.allowed_origins:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Access-Control-Allow-Headers", "content-type, accept")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")

        def do_OPTIONS(self) -> None:
            self.send_response(HTTPStatus.NO_CONTENT)
            self.cors()
            self.end_headers()

        def do_POST(self) -> None:
            if self.path.split("?")[0] != "/webhooks/rest/webhook":
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            status, body = fake.answer(str(request.get("sender")), str(request.get("message")))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.cors()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@dataclass
class FakeSite:
    url: str
    rasa: FakeRasa


@pytest.fixture
def fake_site() -> Iterator[FakeSite]:
    with serve_site() as site:
        fake = FakeRasa(allowed_origins=[origin(site)])
        server = ThreadingHTTPServer(("127.0.0.1", 0), fake_handler(fake))
        server.daemon_threads = True
        fake.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        site.endpoint = fake.url
        try:
            yield FakeSite(origin(site), fake)
        finally:
            server.shutdown()
            server.server_close()
