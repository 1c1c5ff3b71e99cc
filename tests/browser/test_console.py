"""The staff console in real Chromium, next to the real assistant: a patient books through the chat widget, and a
member of staff signs in, sees the request (urgent screening marked, answers shown), marks it handled, opens the
conversation masked and then unmasked (an audit line is written), labels a miss, opens the report and the
content book, and signs out. Every page is checked with axe-core on a desktop and on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from backcare.triage import screening_questions
from tests.browser.chat import Chat
from tests.browser.conftest import AXE, DESKTOP, PHONE, SCREENSHOTS, LiveSite
from tests.console_server import PASSWORD, STAFF, RunningConsole, start_console

NAME, PHONE_NUMBER = "Harriet Cole", "07400 314159"
# The NLU is unsure of this one (tests/model/test_insight.py relies on the same message).
MISUNDERSTOOD = "the purple one or the other one"
TABLET = {"width": 820, "height": 1180}


@pytest.fixture(scope="module")
def console(live_site: LiveSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningConsole]:
    work = live_site.assistant.work_dir
    with start_console(tmp_path_factory.mktemp("console"), work / "endpoints.yml", work / "bookings.db") as running:
        yield running


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core findings. axe is evaluated through the DevTools protocol, so the console's
    Content-Security-Policy (no script at all) stays on while it runs."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    results: dict[str, Any] = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check_page(page: Page, width: int) -> None:
    assert not axe_violations(page)
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways on a {width}px screen ({scroll}px)"


def sign_in(page: Page, console: RunningConsole, path: str = "/requests") -> None:
    page.goto(console.url + path)
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    page.get_by_label("Your name").fill(STAFF)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def book_through_the_widget(page: Page, site: LiveSite) -> str:
    """A booking whose first screening answer is "not sure" (urgent); returns the booking reference."""
    chat = Chat(page).goto(site.url + "/demo/")
    chat.open_and_wait_for_welcome()
    for message in (
        "i'd like to book an appointment for my back",
        "/affirm",
        NAME,
        PHONE_NUMBER,
        "free assessment",
        "thursday mornings",
        "self pay",
        "my lower back keeps going into spasm",
        "not sure",
    ):
        chat.say(message)
    for _ in screening_questions()[1:]:
        chat.say("/deny")
    chat.say("/affirm")
    reference = re.search(r"\bBK-[A-Z0-9]{6}\b", chat.bot.last.inner_text())
    assert reference, chat.bot.last.inner_text()
    chat.say(MISUNDERSTOOD)
    return reference.group(0)


def test_reception_handles_a_booking_made_in_the_widget(
    new_context: Callable[..., BrowserContext], live_site: LiveSite, console: RunningConsole
) -> None:
    patient = new_context().new_page()
    reference = book_through_the_widget(patient, live_site)
    sender = Chat(patient).sender_id()

    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, console)
    check_page(page, DESKTOP["width"])
    card = page.get_by_role("region", name=re.compile(NAME))
    expect(card).to_contain_text(reference)
    expect(card).to_contain_text("Urgent screening")
    expect(card.get_by_role("table", name="Screening answers")).to_contain_text("Not sure")
    expect(card).to_contain_text(PHONE_NUMBER)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-requests.png"), full_page=True)
    card.get_by_role("button", name=f"Mark handled {reference}").click()
    expect(page.get_by_role("status")).to_have_text(f"{reference} marked as handled.")
    expect(page.get_by_role("region", name=re.compile(NAME))).to_have_count(0)
    assert f"marked {reference} as handled" in console.audit

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Conversations").click()
    check_page(page, DESKTOP["width"])
    row = page.get_by_role("row").filter(has_text="booking done")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conversation of")
    transcript = page.get_by_role("list").filter(has_text="assistant")
    expect(transcript).to_contain_text("[name]")
    assert NAME not in page.content() and "314159" not in page.content() and sender not in page.content()
    check_page(page, DESKTOP["width"])
    page.screenshot(path=str(SCREENSHOTS / "console-transcript.png"), full_page=True)
    assert "unredacted" not in console.audit

    page.get_by_role("button", name="Show unmasked (audited)").click()
    expect(page.get_by_role("status")).to_contain_text("written to the audit log")
    expect(transcript).to_contain_text(NAME)
    check_page(page, DESKTOP["width"])
    [line] = [line for line in console.audit.splitlines() if "unredacted transcript" in line]
    assert f"staff={STAFF}" in line and sender in line

    page.get_by_role("link", name="Misses").click()
    miss = page.get_by_role("region", name=re.compile(re.escape(MISUNDERSTOOD)))
    expect(miss).to_have_count(1)
    check_page(page, DESKTOP["width"])
    miss.get_by_label("Meant").select_option("out_of_scope")
    miss.get_by_role("button", name="Add to the review file").click()
    expect(page.get_by_role("status")).to_contain_text("Added to misses.yml under out_of_scope")
    assert MISUNDERSTOOD in console.files["review_file"].read_text()
    expect(miss).to_contain_text("In the review file.")
    expect(miss.get_by_role("button")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "console-misses.png"), full_page=True)

    page.get_by_role("link", name="Report").click()
    expect(page.locator(".report svg[role=img]")).to_have_count(5)
    expect(page.locator(".report .tile").filter(has_text="bookings completed")).to_contain_text("1")
    check_page(page, DESKTOP["width"])

    page.get_by_role("link", name="Content book").click()
    expect(page.locator(".book article").first).to_be_visible()
    check_page(page, DESKTOP["width"])

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    check_page(page, DESKTOP["width"])
    page.goto(console.url + "/requests")
    expect(page).to_have_url(re.compile(r"/signin"))
    assert NAME not in console.log and "314159" not in console.log and MISUNDERSTOOD not in console.log


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_every_page_reads_on_a_phone_and_a_tablet_without_serious_axe_findings(
    new_context: Callable[..., BrowserContext], console: RunningConsole, viewport: dict[str, int]
) -> None:
    page = new_context(viewport=viewport, is_mobile=True, has_touch=True).new_page()
    page.goto(console.url + "/signin")
    check_page(page, viewport["width"])
    sign_in(page, console, "/requests?show=all")
    for path in ("/requests?show=all", "/conversations", "/misses", "/report", "/content-book"):
        page.goto(console.url + path)
        check_page(page, viewport["width"])
    page.goto(console.url + "/conversations")
    if page.get_by_role("row").count() > 1:
        page.get_by_role("row").nth(1).get_by_role("link").click()
        check_page(page, viewport["width"])
    if viewport == PHONE:
        page.goto(console.url + "/requests?show=all")
        page.screenshot(path=str(SCREENSHOTS / "console-phone.png"), full_page=True)


def test_the_console_works_from_the_keyboard(
    new_context: Callable[..., BrowserContext], console: RunningConsole
) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    page.goto(console.url + "/requests")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your name")).to_be_focused()
    page.keyboard.type(STAFF)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/requests$"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent").strip() == "Show handled requests too":
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"show=all"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, "the skip link shows when it has the focus"
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid", (
        "the focus is visible"
    )


def test_screenshot_of_the_requests_page_on_a_tablet(
    new_context: Callable[..., BrowserContext], console: RunningConsole
) -> None:
    """The picture in the README (docs/console.png is a copy of it), taken from the live console."""
    page = new_context(viewport=TABLET).new_page()
    sign_in(page, console, "/requests?show=all")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "console-tablet.png"))
