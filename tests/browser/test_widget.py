"""The chat widget on the demo site, talking to the real assistant (trained model, rules and custom actions) over
the REST channel, in headless Chromium: what a visitor on the clinic's website sees and does."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from backcare.knowledge import KnowledgeBase
from tests.browser.chat import TOPICS, Chat
from tests.browser.conftest import AXE, PHONE, SCREENSHOTS, LiveSite, origin, serve_site

RED_FLAG = "i can't feel my bum and i've wet myself"
INJECTION = "<script>alert('x')</script><img src=x onerror=\"alert('y')\"> hello"


def first_sentence(entry_id: str) -> str:
    entry = KnowledgeBase.load().get(entry_id)
    assert entry is not None
    return entry.answer.split(". ")[0]


def open_demo(page: Page, site: LiveSite, path: str = "/demo/") -> Chat:
    chat = Chat(page).goto(site.url + path)
    chat.open_and_wait_for_welcome()
    return chat


def test_topic_button_gets_the_knowledge_base_answer(page: Page, live_site: LiveSite) -> None:
    chat = open_demo(page, live_site)
    expect(chat.bot.first).to_contain_text("not a diagnosis")
    expect(chat.options).to_have_text(TOPICS)
    chat.choose("What is a back spasm?")
    expect(chat.user.last).to_have_text("You said: What is a back spasm?")
    answer = chat.bot.last
    expect(answer).to_contain_text(first_sentence("what_is_spasm"))
    source = answer.locator('a[href^="https://www.nhs.uk/"]')
    expect(source.first).to_have_attribute("rel", "noopener noreferrer")
    expect(chat.options.first).to_be_visible()  # the answer offers next steps
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-desktop.png"))


def test_typed_question_gets_an_answer(page: Page, live_site: LiveSite) -> None:
    chat = open_demo(page, live_site)
    chat.say("what causes back spasms?")
    expect(chat.bot.last).to_contain_text(first_sentence("causes"))


def test_red_flag_gets_the_emergency_reply_as_an_alert(page: Page, live_site: LiveSite) -> None:
    chat = open_demo(page, live_site)
    chat.say(RED_FLAG)
    alert = chat.log.get_by_role("alert").last
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("999")
    expect(alert).to_contain_text("Emergency advice")
    expect(alert.locator(".bsw-bubble")).to_have_css("border-left-color", "rgb(168, 32, 26)")
    # The 999 advice is in the text itself, not behind a button.
    text = alert.locator(".bsw-bubble").inner_text()
    assert "999" in text
    expect(chat.bot.first).not_to_have_class(re.compile("bsw-emergency"))  # the welcome is not an alert


def test_history_survives_reload_and_moving_to_another_page(page: Page, live_site: LiveSite) -> None:
    chat = open_demo(page, live_site)
    chat.choose("When to get help")
    sender = chat.sender_id()
    transcript = chat.log.locator(".bsw-bubble").all_text_contents()
    assert len(transcript) >= 3

    page.reload()
    expect(chat.dialog).to_be_visible()  # still open, and the same conversation
    expect(chat.log.locator(".bsw-bubble")).to_have_text(transcript)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contact us").click()
    expect(page).to_have_url(re.compile(r"/demo/contact\.html$"))
    expect(page.get_by_role("heading", name="Contact us")).to_be_visible()
    expect(chat.dialog).to_be_visible()
    expect(chat.log.locator(".bsw-bubble")).to_have_text(transcript)
    assert chat.sender_id() == sender
    # The conversation goes on with the assistant from the new page.
    chat.choose(chat.options.first.inner_text())


def test_history_is_there_after_closing_the_browser_tab(
    new_context: Callable[..., BrowserContext], live_site: LiveSite
) -> None:
    context = new_context()
    first = context.new_page()
    chat = open_demo(first, live_site)
    chat.say("how long will this last")
    transcript = chat.log.locator(".bsw-bubble").all_text_contents()
    first.close()
    chat = Chat(context.new_page()).goto(live_site.url + "/demo/contact.html")
    expect(chat.dialog).to_be_hidden()  # a new tab starts closed
    chat.open()
    expect(chat.log.locator(".bsw-bubble")).to_have_text(transcript)


def test_script_injection_is_rendered_inert(new_context: Callable[..., BrowserContext], live_site: LiveSite) -> None:
    # Without the demo site's Content-Security-Policy, so only the widget's own rendering is being tested.
    page = new_context(bypass_csp=True).new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat = open_demo(page, live_site)
    counts = "() => [...document.querySelectorAll('.bsw-log script, .bsw-log img')].length"
    assert page.evaluate(counts) == 0
    chat.say(INJECTION)
    expect(chat.user.last).to_have_text(f"You said: {INJECTION}")
    expect(chat.bot.last).to_be_visible()
    page.reload()
    expect(chat.user.last).to_have_text(f"You said: {INJECTION}")
    page.wait_for_timeout(500)
    assert page.evaluate(counts) == 0
    assert dialogs == []


def test_keyboard_only(page: Page, live_site: LiveSite) -> None:
    chat = Chat(page).goto(live_site.url + "/demo/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.classList.contains('bsw-launcher')"):
            break
    expect(chat.launcher).to_be_focused()
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(chat.dialog).to_be_visible()
    expect(chat.input).to_be_focused()
    expect(chat.launcher).to_have_attribute("aria-expanded", "true")
    expect(chat.options.first).to_be_visible()
    chat.wait_idle()
    # Type and send with the keyboard, then reach a suggested reply with Tab and press it.
    page.keyboard.type("what is a back spasm")
    page.keyboard.press("Enter")
    expect(chat.bot.last).to_contain_text(first_sentence("what_is_spasm"))
    chat.wait_idle()
    page.keyboard.press("Escape")
    expect(chat.dialog).to_be_hidden()
    expect(chat.launcher).to_be_focused()
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(chat.input).to_be_focused()


def test_focus_is_visible(page: Page, live_site: LiveSite) -> None:
    chat = open_demo(page, live_site)
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); "
        "return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert style == ["solid", "3px", "rgb(255, 191, 71)"]
    assert chat.input.evaluate("el => el === document.activeElement")


def test_unreachable_server_shows_an_error_and_retry_works_after(page: Page, live_site: LiveSite) -> None:
    chat = open_demo(page, live_site)
    webhook = f"{live_site.assistant.rasa_url}/webhooks/rest/webhook"
    page.route(webhook, lambda route: route.abort("connectionrefused"))
    chat.input.fill("what causes back spasms?")
    chat.input.press("Enter")
    expect(chat.error).to_be_visible()
    expect(chat.error).to_have_attribute("role", "alert")
    expect(chat.error).to_contain_text("can't be reached")
    expect(chat.typing).to_be_hidden()
    chat.retry.click()  # still down: the error comes back
    expect(chat.error).to_be_visible()
    page.unroute(webhook)
    chat.retry.click()
    expect(chat.bot.last).to_contain_text(first_sentence("causes"))
    expect(chat.error).to_be_hidden()
    expect(chat.user).to_have_count(1)  # resent, not duplicated


def test_page_from_an_origin_not_allowed_cannot_get_a_reply(page: Page, live_site: LiveSite) -> None:
    # The same demo site, served from another origin that is not in the Rasa server's --cors list.
    with serve_site(endpoint=live_site.assistant.rasa_url) as other:
        chat = Chat(page).goto(origin(other) + "/demo/")
        chat.open()
        expect(chat.error).to_be_visible()
        expect(chat.bot).to_have_count(0)
        result = page.evaluate(
            """async url => {
                try {
                    const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
                                                body: JSON.stringify({sender: 'cors-test', message: 'hello'})});
                    return 'answered ' + r.status;
                } catch (e) { return 'blocked'; }
            }""",
            f"{live_site.assistant.rasa_url}/webhooks/rest/webhook",
        )
        assert result == "blocked"
    # The allowed origin gets replies (the other tests), and the server itself is up.
    assert live_site.assistant.send("hello")


@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
def test_no_serious_accessibility_violations(
    new_context: Callable[..., BrowserContext], live_site: LiveSite, viewport_name: str
) -> None:
    assert AXE.is_file(), "run `npm ci` (scripts/install-browser.sh does)"
    viewport = PHONE if viewport_name == "phone" else None
    # bypass_csp: axe is injected as an inline script, which the demo site's policy rightly refuses.
    page = new_context(viewport=viewport, bypass_csp=True).new_page()
    chat = open_demo(page, live_site)
    chat.choose("What is a back spasm?")
    chat.say(RED_FLAG)
    page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def test_phone_sized_screen(new_context: Callable[..., BrowserContext], live_site: LiveSite) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    chat = open_demo(page, live_site)
    box = chat.dialog.bounding_box()
    assert box is not None
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, PHONE["width"], PHONE["height"])
    expect(chat.launcher).to_be_hidden()  # the full-screen chat has its own close button
    chat.choose("What can I do now?")
    # Nothing is wider than the screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert chat.log.evaluate("el => el.scrollWidth <= el.clientWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-phone.png"))
    page.get_by_role("button", name="Close chat").click()
    expect(chat.dialog).to_be_hidden()
    expect(chat.launcher).to_be_focused()
