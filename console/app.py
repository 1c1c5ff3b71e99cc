"""The staff console: a small Sanic app (the web framework Rasa already brings) serving server-rendered pages,
no script, nothing from a CDN. Every page and action needs a signed-in session; every form carries a CSRF token;
the log names routes, never a patient's details (a WhatsApp conversation's id is a phone number, so URLs carry
an opaque handle instead)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, Sanic, response
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse

from backcare.booking.desk import desk_store
from backcare.insight.content_book import ENTRY_CSS
from backcare.insight.report_html import PARTS_CSS
from console import views
from console.accounts import Accounts, Session
from console.settings import ConsoleSettings

HERE = Path(__file__).resolve().parent
PUBLIC = {"signin", "signin_post", "stylesheet"}
SIGNIN_CSRF = "signin_csrf"
FAILED_SIGNIN_DELAY = 1.0  # seconds before a wrong password is answered
MAX_PARALLEL_HASHES = 2
SECURITY_HEADERS = {
    # No script at all; inline styles only for the report's charts (matplotlib's SVG styles its shapes inline).
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
log = logging.getLogger("console")
Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = lambda moment: f"{moment:%a %d %b %H:%M}"
    env.filters["quote"] = lambda text: quote(str(text), safe="")
    return env


def stylesheet() -> str:
    return (HERE / "static" / "console.css").read_text(encoding="utf-8") + PARTS_CSS + ENTRY_CSS


async def blocking(function: Callable[..., Any], *args: Any) -> Any:
    """Run file and database work off the event loop (scrypt, SQLite, the tracker store)."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(function, *args))


def local_path(target: Optional[str]) -> str:
    """Where to go after signing in: only a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/requests"


def create_app(settings: ConsoleSettings, accounts: Optional[Accounts] = None) -> Sanic:
    app = Sanic("staff_console", configure_logging=False)  # one log, ours: console/__main__.py
    # The client's address for the rate limit: the entry the last N proxies added to X-Forwarded-For (what a
    # client puts there itself stays to the left and is not read).
    app.config.PROXIES_COUNT = settings.proxies
    app.ctx.settings = settings
    app.ctx.accounts = accounts or Accounts(settings.db_path)
    app.ctx.templates = templates()
    app.ctx.css = stylesheet()
    # Each scrypt check takes 128 MiB for a moment: a burst of sign-ins waits its turn rather than filling memory.
    app.ctx.hashing = asyncio.Semaphore(MAX_PARALLEL_HASHES)
    add_guards(app)
    add_signin_routes(app)
    add_request_routes(app)
    add_insight_routes(app)
    return app


# --- rendering and cookies ---------------------------------------------------------------------------------------


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    session: Optional[Session] = getattr(request.ctx, "session", None)
    body = request.app.ctx.templates.get_template(template).render(
        staff=session.staff if session else None, csrf=session.csrf if session else "", path=request.path, **context
    )
    return response.html(body, status=status)


def set_cookie(
    resp: HTTPResponse, settings: ConsoleSettings, name: str, value: str, max_age: Optional[int] = None, path: str = "/"
) -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["path"] = path
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    if settings.secure_cookie:
        cookie["secure"] = True
    if max_age is not None:
        cookie["max-age"] = max_age


def address_of(request: Request) -> str:
    return request.remote_addr or request.ip or "unknown"


# --- guards: session, CSRF, headers, a log without personal data ----------------------------------------------


def add_guards(app: Sanic) -> None:
    @app.on_request
    async def require_session(request: Request) -> Optional[HTTPResponse]:
        request.ctx.started = time.monotonic()
        request.ctx.session = None
        if request.route is None or request.route.name.split(".")[-1] in PUBLIC:
            return None  # no route: a plain 404 (the browser's favicon request must not reset the sign-in form)
        token = request.cookies.get(app.ctx.settings.cookie_name)
        request.ctx.session = await blocking(app.ctx.accounts.session, token)
        if request.ctx.session is None:
            if request.method == "GET":
                here = request.path + (f"?{request.query_string}" if request.query_string else "")
                return response.redirect(f"/signin?next={quote(here, safe='')}", status=303)
            return response.text("Sign in first.", status=403)
        if request.method == "POST":
            sent = request.form.get("csrf") if request.form else None
            if not sent or not hmac.compare_digest(sent, request.ctx.session.csrf):
                return response.text("This form has expired. Go back, reload the page and try again.", status=403)
        return None

    @app.on_response
    async def secure_and_log(request: Request, resp: HTTPResponse) -> None:
        for header, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(header, value)
        route = f"/{request.route.path}" if request.route else "(no route)"
        started = getattr(request.ctx, "started", time.monotonic())
        log.info("%s %s %s %.0f ms", request.method, route, resp.status, (time.monotonic() - started) * 1000)

    @app.exception(NotFound)
    async def not_found(request: Request, error: Exception) -> HTTPResponse:
        return response.text("Not found.", status=404)

    @app.exception(Exception)
    async def failed(request: Request, error: Exception) -> HTTPResponse:
        # The type only: an exception's message may quote what a patient wrote.
        log.error("%s on %s", type(error).__name__, f"/{request.route.path}" if request.route else "(no route)")
        return response.text("Something went wrong. The error is in the console's log.", status=500)

    @app.get("/console.css", name="stylesheet")
    async def css(request: Request) -> HTTPResponse:
        return response.text(
            app.ctx.css, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"}
        )


# --- signing in and out ----------------------------------------------------------------------------------------


def signin_page(request: Request, status: int = 200, message: str = "", next_path: str = "") -> HTTPResponse:
    # One token per browser for the sign-in form, kept across reloads and tabs until signing in succeeds.
    token = request.cookies.get(SIGNIN_CSRF) or secrets.token_urlsafe(32)
    resp = page(
        request,
        "signin.html",
        status,
        signin_csrf=token,
        message=message,
        next=local_path(next_path or request.args.get("next")),
        signed_out=request.args.get("out") == "1",
    )
    set_cookie(resp, request.app.ctx.settings, SIGNIN_CSRF, token, path="/signin")
    return resp


def add_signin_routes(app: Sanic) -> None:
    @app.get("/signin", name="signin")
    async def signin_form(request: Request) -> HTTPResponse:
        return signin_page(request)

    @app.post("/signin", name="signin_post")
    async def signin(request: Request) -> HTTPResponse:
        expected = request.cookies.get(SIGNIN_CSRF) or ""
        sent = request.form.get("csrf") or ""
        next_path = request.form.get("next") or ""
        if not expected or not hmac.compare_digest(sent, expected):
            return signin_page(request, 403, "The sign-in form had expired. Please try again.", next_path)
        name, password = request.form.get("name") or "", request.form.get("password") or ""
        async with app.ctx.hashing:
            result = await blocking(app.ctx.accounts.sign_in, name, password, address_of(request))
        if result.session is None:
            await asyncio.sleep(FAILED_SIGNIN_DELAY)
            if result.locked:
                resp = signin_page(
                    request,
                    429,
                    "Too many wrong passwords. Sign-in is paused for 15 minutes; a manager can unlock your account.",
                    next_path,
                )
                resp.headers["Retry-After"] = "900"
                return resp
            return signin_page(request, 401, "That name and password do not match an account.", next_path)
        log.info("staff sign-in")
        resp = response.redirect(local_path(next_path), status=303)
        set_cookie(resp, app.ctx.settings, app.ctx.settings.cookie_name, result.session.token)
        set_cookie(resp, app.ctx.settings, SIGNIN_CSRF, "", max_age=0, path="/signin")
        return resp

    @app.post("/signout", name="signout")
    async def signout(request: Request) -> HTTPResponse:
        await blocking(app.ctx.accounts.sign_out, request.cookies.get(app.ctx.settings.cookie_name))
        resp = response.redirect("/signin?out=1", status=303)
        set_cookie(resp, app.ctx.settings, app.ctx.settings.cookie_name, "", max_age=0)
        return resp

    @app.get("/", name="home")
    async def home(request: Request) -> HTTPResponse:
        return response.redirect("/requests", status=303)


# --- booking and call-back requests ---------------------------------------------------------------------------


def add_request_routes(app: Sanic) -> None:
    def store() -> Any:
        return desk_store()

    @app.get("/requests", name="requests")
    async def requests_page(request: Request) -> HTTPResponse:
        everything = request.args.get("show") == "all"
        cards = await blocking(views.request_cards, store(), request.ctx.session.staff, everything)
        return page(
            request,
            "requests.html",
            cards=cards,
            everything=everything,
            handled=request.args.get("handled"),
            deleted=request.args.get("deleted"),
        )

    @app.post("/requests/<reference>/handled", name="handled")
    async def handled(request: Request, reference: str) -> HTTPResponse:
        done = await blocking(views.mark_handled, store(), request.ctx.session.staff, reference)
        target = f"/requests?handled={quote(reference.upper())}" if done else "/requests"
        return response.redirect(target, status=303)

    @app.get("/requests/export.csv", name="export")
    async def export(request: Request) -> HTTPResponse:
        everything = request.args.get("show") == "all"
        data = await blocking(views.export_csv, store(), request.ctx.session.staff, everything)
        day = dt.date.today().isoformat()
        return response.text(
            data,
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="requests-{"all" if everything else "new"}-{day}.csv"'
            },
        )

    @app.post("/requests/delete", name="delete")
    async def delete(request: Request) -> HTTPResponse:
        form = request.form
        if form.get("confirm") == "yes":
            references = form.getlist("reference") or []
            await blocking(views.delete_requests, store(), request.ctx.session.staff, references)
            return response.redirect(f"/requests?deleted={len(references)}", status=303)
        targets = await blocking(
            views.deletion_targets, store(), form.get("reference") or "", form.get("contact") or ""
        )
        return page(request, "delete.html", targets=targets)


# --- conversations, misses, the report, the content book -----------------------------------------------------


def dated(template: str) -> Callable[[Handler], Handler]:
    """A page over a date range (?since=&until=, last 7 days by default); a wrong date is said on the page."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def run(request: Request, *args: Any) -> HTTPResponse:
            since, until = request.args.get("since") or "", request.args.get("until") or ""
            try:
                period = views.period_of(since, until)
            except ValueError as error:
                return page(request, template, 400, error=str(error), since=since, until=until, period=None)
            return await handler(request, period, *args)

        return run

    return wrap


def add_insight_routes(app: Sanic) -> None:
    settings, accounts = app.ctx.settings, app.ctx.accounts

    @app.get("/conversations", name="conversations")
    @dated("conversations.html")
    async def conversations(request: Request, period: views.Period) -> HTTPResponse:
        flag = request.args.get("flag") or ""
        flag = flag if flag in views.FLAG_CHOICES else ""
        rows = await blocking(views.conversation_list, settings, accounts, period, flag)
        return page(request, "conversations.html", rows=rows, period=period, flag=flag, flags=views.FLAG_CHOICES)

    async def transcript(request: Request, handle: str, unmasked: bool) -> HTTPResponse:
        shown = await blocking(views.transcript_page, settings, accounts, handle, request.ctx.session.staff, unmasked)
        if shown is None:
            raise NotFound("no such conversation")
        return page(request, "transcript.html", shown=shown, handle=handle)

    @app.get("/conversations/<handle>", name="conversation")
    async def masked(request: Request, handle: str) -> HTTPResponse:
        return await transcript(request, handle, False)

    @app.post("/conversations/<handle>/unmasked", name="unmasked")
    async def unmasked(request: Request, handle: str) -> HTTPResponse:
        """Only on an explicit request (a form post with its CSRF token), written to the audit log first."""
        return await transcript(request, handle, True)

    @app.get("/misses", name="misses")
    @dated("misses.html")
    async def misses(request: Request, period: views.Period) -> HTTPResponse:
        return await misses_page(request, period)

    async def misses_page(
        request: Request, period: views.Period, result: Optional[Any] = None, status: int = 200
    ) -> HTTPResponse:
        rows = await blocking(views.misses_in, settings, accounts, period)
        return page(request, "misses.html", status, rows=rows, period=period, intents=views.intents(), result=result)

    @app.post("/misses", name="label")
    async def label(request: Request) -> HTTPResponse:
        form = request.form
        try:
            result = await blocking(
                views.label,
                settings,
                accounts,
                form.get("ref") or "",
                form.get("intent") or "",
                form.get("entity") or "",
            )
        except ValueError as error:
            result = views.Labelled("refused", str(error))
        try:
            period = views.period_of(form.get("since") or None, form.get("until") or None)
        except ValueError:
            period = views.period_of(None, None)
        return await misses_page(request, period, result, 200 if result.outcome != "refused" else 400)

    @app.get("/report", name="report")
    @dated("report.html")
    async def report(request: Request, period: views.Period) -> HTTPResponse:
        words, body = await blocking(views.report_html, settings, period)
        return page(request, "report.html", period=period, words=words, body=body)

    @app.get("/content-book", name="content_book")
    async def content_book(request: Request) -> HTTPResponse:
        today = dt.date.today()
        body, entries, overdue, months = await blocking(views.content_book_html, today)
        return page(request, "book.html", body=body, entries=entries, overdue=overdue, months=months, today=today)
