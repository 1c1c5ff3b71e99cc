"""The staff console's defences on the running console (python -m console on a free port, its own files): nothing
answers without a session, every form post needs its CSRF token, ten wrong passwords pause sign-in and each is
answered slowly, the session cookie is Secure/HttpOnly/SameSite, sign-out ends the session, and the server's
log holds none of the patient details the pages showed."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from backcare.booking.request import BookingRequest
from backcare.booking.store import BookingStore
from console.accounts import MAX_FAILURES
from console.app import create_app
from console.settings import ConsoleSettings
from tests.console_server import PASSWORD, STAFF, Client, RunningConsole, start_console
from tests.model.assistant import write_endpoints

NAME, PHONE, EMAIL = "Harriet Coleman", "+447400271828", "harriet.security@example.com"
SECRETS = ("Harriet", "Coleman", "271828", "harriet.security")


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningConsole]:
    work = tmp_path_factory.mktemp("console")
    store = BookingStore(work / "bookings.db")
    store.add(BookingRequest("BK-SECUR2", name=NAME, phone=PHONE, email=EMAIL, reason="back spasm", screening="urgent"))
    store.add(BookingRequest("BK-KEEPS3", name="Peter Grant", phone="+447400161803", reason="stiff"))
    with start_console(work, write_endpoints(work, 1), work / "bookings.db") as running:
        yield running


@pytest.fixture
def client(console: RunningConsole) -> Client:
    return Client(console.url)


@pytest.fixture
def signed_in(console: RunningConsole) -> Client:
    client = Client(console.url)
    assert client.sign_in().status_code == 303
    return client


def every_route(tmp_path: Path) -> list[tuple[str, str]]:
    """(method, path) of every route the console serves, parameters filled in, from the app itself."""
    app = create_app(ConsoleSettings(db_path=tmp_path / "routes.db"))
    found = []
    for route in app.router.routes:
        path = "/" + re.sub(r"<[^>]+>", "BK-SECUR2", route.path)
        found += [(method, path) for method in sorted(route.methods) if method in ("GET", "POST")]
    return sorted(set(found))


PUBLIC = {("GET", "/signin"), ("POST", "/signin"), ("GET", "/console.css")}


def test_every_page_and_action_without_a_session_goes_to_sign_in_or_is_refused(client: Client, tmp_path: Path) -> None:
    routes = [route for route in every_route(tmp_path) if route not in PUBLIC]
    assert len(routes) >= 12, routes
    for method, path in routes:
        answer = client.get(path) if method == "GET" else client.post(path, {"reference": "BK-SECUR2"})
        if method == "GET":
            assert answer.status_code == 303 and answer.headers["Location"].startswith("/signin"), (method, path)
        else:
            assert answer.status_code in (401, 403), (method, path, answer.status_code)
        assert "Harriet" not in answer.text
    forged = Client(client.base, {"__Host-staff": "forged-token"})
    assert forged.get("/requests").status_code == 303


def test_a_form_post_without_its_csrf_token_is_refused(signed_in: Client, console: RunningConsole) -> None:
    assert signed_in.post("/requests/BK-SECUR2/handled", {}).status_code == 403
    assert signed_in.post("/requests/BK-SECUR2/handled", {"csrf": "guess"}).status_code == 403
    assert signed_in.post("/requests/delete", {"reference": "BK-SECUR2", "confirm": "yes"}).status_code == 403
    assert "BK-SECUR2" in signed_in.get("/requests").text, "still there, not handled"
    other = Client(console.url)
    other.sign_in()
    assert signed_in.post("/requests/BK-SECUR2/handled", {"csrf": other.csrf()}).status_code == 403, (
        "another session's token does not do"
    )
    fresh = Client(console.url)
    fresh.get("/signin")
    sign_in = {"name": STAFF, "password": PASSWORD, "next": "/requests"}
    assert fresh.post("/signin", sign_in).status_code == 403, "sign-in needs its own token too"


def test_the_session_cookie_is_secure_http_only_same_site_and_sign_out_ends_it(console: RunningConsole) -> None:
    client = Client(console.url)
    assert client.sign_in().headers["Location"] == "/requests"
    [cookie] = [h for h in client.set_cookie_headers if h.startswith("__Host-staff=")]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= attributes and "samesite=strict" in cookie.lower()
    assert "domain" not in attributes and "expires" not in attributes, "a browser-session cookie, this host only"
    token = client.cookies["__Host-staff"]
    assert client.get("/requests").status_code == 200
    assert client.post("/signout", {"csrf": client.csrf()}).headers["Location"] == "/signin?out=1"
    assert Client(console.url, {"__Host-staff": token}).get("/requests").status_code == 303


def test_security_headers_keep_pages_out_of_caches_frames_and_scripts(signed_in: Client) -> None:
    page = signed_in.get("/requests")
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Frame-Options"] == "DENY"
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"] and "<script" not in page.text


def test_sign_in_goes_only_to_pages_of_the_console(console: RunningConsole) -> None:
    client = Client(console.url)
    token = client.csrf("/signin")
    answer = client.post(
        "/signin", {"csrf": token, "name": STAFF, "password": PASSWORD, "next": "//evil.example/phish"}
    )
    assert answer.headers["Location"] == "/requests"


def test_no_personal_data_in_the_server_log(signed_in: Client, console: RunningConsole) -> None:
    page = signed_in.get("/requests?show=all").text
    assert NAME in page and "07400 271828" in page and "Urgent screening" in page
    assert NAME in signed_in.get("/requests/export.csv").text
    confirm = signed_in.post("/requests/delete", {"csrf": signed_in.csrf(), "contact": "07400 161803"})
    assert "Peter Grant" in confirm.text and "BK-KEEPS3" in confirm.text
    assert (
        signed_in.post(
            "/requests/delete", {"csrf": signed_in.csrf(), "confirm": "yes", "reference": "BK-KEEPS3"}
        ).status_code
        == 303
    )
    assert "Peter Grant" not in signed_in.get("/requests?show=all").text
    signed_in.get("/conversations/not-a-handle")
    log = console.log
    assert "GET /requests 200" in log and "POST /requests/delete" in log
    leaked = [secret for secret in (*SECRETS, "161803", "Peter", "Grant") if secret.lower() in log.lower()]
    assert not leaked, f"{leaked} in the console's log"
    assert f"staff={STAFF}" in console.audit and "deleted on request BK-KEEPS3" in console.audit


# Last: it pauses sign-in from 127.0.0.1, for every name, for the rest of this module's console.
def test_ten_wrong_passwords_in_a_row_slow_down_and_then_pause_sign_in(console: RunningConsole) -> None:
    from console.accounts import Accounts

    Accounts(console.files["db"], scrypt_n=2**12).add_staff("Robin Lee", "robin's long password")
    client = Client(console.url)
    started = time.monotonic()
    for attempt in range(MAX_FAILURES):
        answer = client.sign_in("Robin Lee", f"guess number {attempt}")
        assert answer.status_code in (401, 429) and "__Host-staff" not in client.cookies
    assert time.monotonic() - started >= MAX_FAILURES * 1.0, "each wrong password is answered after a pause"
    assert answer.status_code == 429
    paused = client.sign_in("Robin Lee", "robin's long password")
    assert paused.status_code == 429 and paused.headers["Retry-After"] == "900"
    assert "Too many wrong passwords" in paused.text and "__Host-staff" not in client.cookies


def test_behind_a_proxy_the_pause_is_for_the_client_address_the_proxy_saw(tmp_path: Path) -> None:
    """CONSOLE_PROXIES=1: the address is the last X-Forwarded-For entry (the proxy's own); what a client writes
    there itself cannot move it out of the pause."""
    with start_console(
        tmp_path, write_endpoints(tmp_path, 1), tmp_path / "bookings.db", env={"CONSOLE_PROXIES": "1"}
    ) as running:
        for attempt in range(MAX_FAILURES):
            forged = Client(running.url, headers={"X-Forwarded-For": f"10.9.9.{attempt}, 198.51.100.7"})
            assert forged.sign_in(f"guess {attempt}", "password1234").status_code in (401, 429)
        paused = Client(running.url, headers={"X-Forwarded-For": "10.1.1.1, 198.51.100.7"})
        assert paused.sign_in().status_code == 429
        other = Client(running.url, headers={"X-Forwarded-For": "198.51.100.8"})
        assert other.sign_in().status_code == 303
