"""The weekly report in real Chromium, offline: it opens from a file without a single network request or
console error, its charts show on a phone without sideways scrolling, and axe-core finds nothing serious."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Request

from backcare.feedback import FEEDBACK_QUESTION
from backcare.insight.figures import report_figures
from backcare.insight.records import conversations_of_sender
from backcare.insight.report_html import render_report
from tests.browser.conftest import AXE, DESKTOP, PHONE, SCREENSHOTS
from tests.insight_events import T0, Events, booking_started

DAY = 86400


def week_of_conversations() -> list:
    helped = Events().user("what causes it", "ask_causes").bot("Causes", 2).bot(FEEDBACK_QUESTION.text)
    helped.user("/affirm", "affirm", 1.0)
    urgent = Events(T0 + DAY).user("fever and back pain", "report_red_flag").slot("triage_level", "urgent")
    urgent.bot("Get help today", 4).user("zzz", "nlu_fallback", 0.2).bot("Sorry?", 1)
    emergency = Events(T0 + 3 * DAY).user("numb down there", "report_red_flag").slot("triage_level", "emergency")
    emergency.bot("Call 999", 1)
    abandoned = booking_started(Events(T0 + 2 * DAY)).loop(None)
    return [
        conversation
        for number, events in enumerate([helped, urgent, emergency, abandoned])
        for conversation in conversations_of_sender(f"patient-{number}", events.events)
    ]


def write_report(directory: Path) -> Path:
    figures = report_figures(week_of_conversations(), dt.date(2026, 11, 23), dt.date(2026, 11, 30))
    page = directory / "report.html"
    page.write_text(render_report(figures, "Example clinic", dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)))
    return page


def open_offline(context: BrowserContext, page_file: Path) -> tuple[Any, list[str]]:
    """The report opened from disk with every network request refused and recorded, and console errors kept."""
    problems: list[str] = []

    def refuse(route: Any, request: Request) -> None:
        problems.append(f"network request: {request.url}")
        route.abort()

    context.route("http*://**", refuse)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}") if message.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(page_file.as_uri())
    return page, problems


def test_the_report_opens_offline_on_a_phone_without_errors(
    new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    context = new_context(viewport=PHONE, is_mobile=True, device_scale_factor=2)
    page, problems = open_offline(context, write_report(tmp_path))
    charts = page.locator("svg[role=img]")
    assert charts.count() == 5
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["height"] > 50 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_text("Mon 23 Nov 2026 to Sun 29 Nov 2026").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-phone.png"), full_page=True)
    assert not problems, problems


def test_the_report_has_no_serious_accessibility_violations(
    new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    assert AXE.is_file(), "run `npm ci` (scripts/install-browser.sh does)"
    page, problems = open_offline(new_context(viewport=DESKTOP), write_report(tmp_path))
    page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)
    assert not problems, problems
