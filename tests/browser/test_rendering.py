"""The widget against a fake REST channel (no model needed): how it renders what a server sends, its buttons,
typing indicator, errors, storage and configuration. The real assistant is in test_widget.py."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.chat import TOPICS, Chat
from tests.browser.conftest import FakeSite, origin, serve_site

WIDGET_DIR = Path(__file__).resolve().parents[2] / "widget"
WIDGET_JS = "backspasm-widget-1.0.0.js"
WIDGET_CSS = "backspasm-widget-1.0.0.css"

GREETING = [
    {
        "text": "Hello, I'm the clinic's assistant. I give general guidance, not a diagnosis. "
        "If you can't control your bladder, call 999 now.",
        "buttons": [{"title": title, "payload": f"/topic_{i}"} for i, title in enumerate(TOPICS)],
    }
]

HOSTILE = (
    "<script>alert('script')</script> <img src=x onerror=\"alert('img')\"> "
    "[click](javascript:alert('md')) javascript:alert('bare') data:text/html,<b>x</b> "
    '<a href="https://evil.example">a tag</a> **strong words** and https://www.nhs.uk/conditions/back-pain/. '
    "(see https://example.org/a_(b)) &amp; &lt;b&gt;"
)


def elements_in_log(page: Page, selector: str) -> int:
    return int(page.evaluate(f"() => document.querySelectorAll('.bsw-log {selector}').length"))


def start(page: Page, site: FakeSite, replies: dict[str, Any]) -> Chat:
    site.rasa.replies.update({"/greet": GREETING, **replies})
    chat = Chat(page).goto(f"{site.url}/demo/")
    chat.open_and_wait_for_welcome()
    return chat


def test_first_open_sends_greet_once_and_shows_topic_buttons(page: Page, fake_site: FakeSite) -> None:
    chat = start(page, fake_site, {})
    assert [message for _, message in fake_site.rasa.received] == ["/greet"]
    expect(chat.options).to_have_text(TOPICS)
    expect(chat.user).to_have_count(0)  # the greeting request is not shown as a visitor's message
    expect(chat.bot.first).not_to_have_class(re.compile("bsw-emergency"))  # 999 later in the text is not an alert
    chat.page.keyboard.press("Escape")
    chat.open()
    assert len(fake_site.rasa.received) == 1


def test_bot_text_is_rendered_as_text_with_safe_links_and_bold(page: Page, fake_site: FakeSite) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat = start(page, fake_site, {"hostile": [{"text": HOSTILE}]})
    chat.say("hostile")
    reply = chat.bot.last
    expect(reply).to_contain_text("<script>alert('script')</script>")
    expect(reply).to_contain_text("<img src=x onerror=\"alert('img')\">")
    expect(reply).to_contain_text("[click](javascript:alert('md'))")
    expect(reply).to_contain_text("&amp; &lt;b&gt;")
    assert elements_in_log(page, "script") == 0
    assert elements_in_log(page, "img") == 0
    assert elements_in_log(page, "b") == 0
    assert reply.locator("strong").all_inner_texts() == ["strong words"]
    links = reply.locator("a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    # Only http(s) URLs written out in the text become links, and a link always shows its own address.
    assert hrefs == ["https://evil.example/", "https://www.nhs.uk/conditions/back-pain/", "https://example.org/a_(b)"]
    assert links.all_inner_texts() == [
        "https://evil.example",
        "https://www.nhs.uk/conditions/back-pain/",
        "https://example.org/a_(b)",
    ]
    for i in range(links.count()):
        expect(links.nth(i)).to_have_attribute("rel", "noopener noreferrer")
        expect(links.nth(i)).to_have_attribute("target", "_blank")
    page.wait_for_timeout(300)
    assert dialogs == []


def test_paragraphs_and_line_breaks(page: Page, fake_site: FakeSite) -> None:
    chat = start(page, fake_site, {"lines": [{"text": "First line\nsecond line\n\nSource: https://www.nhs.uk/"}]})
    chat.say("lines")
    reply = chat.bot.last
    expect(reply.locator("p")).to_have_count(2)
    expect(reply.locator("br")).to_have_count(1)


def test_user_text_is_shown_exactly_as_typed(page: Page, fake_site: FakeSite) -> None:
    chat = start(page, fake_site, {})
    message = "<img src=x onerror=alert(1)> **not bold** https://example.org"
    chat.say(message)
    expect(chat.user.last).to_have_text(f"You said: {message}")
    assert elements_in_log(page, ".bsw-user a, .bsw-user strong, .bsw-user img") == 0


def test_button_sends_its_payload_and_shows_its_title(page: Page, fake_site: FakeSite) -> None:
    chat = start(
        page,
        fake_site,
        {"/topic_2": [{"text": "About medicines", "buttons": [{"title": "<b>Next</b>", "payload": "/next"}]}]},
    )
    chat.choose("Medicines")
    assert fake_site.rasa.received[-1][1] == "/topic_2"
    expect(chat.user.last).to_have_text("You said: Medicines")
    # Only the latest answer's buttons stay; a hostile title is plain text.
    expect(chat.options).to_have_count(1)
    expect(chat.options).to_have_text("<b>Next</b>")
    expect(chat.input).to_be_focused()


def test_emergency_reply_stands_out_as_an_alert(page: Page, fake_site: FakeSite) -> None:
    chat = start(
        page,
        fake_site,
        {
            "red flag": [
                {
                    "text": "Call 999 now or go to A&E. These signs need checking straight away.",
                    "buttons": [{"title": "Find A&E", "payload": "/ae"}],
                }
            ],
            "marked": [{"text": "Please get help now."}, {"custom": {"urgency": "emergency"}}],
            "not urgent": [
                {"text": "A pharmacist can help. If you need help urgently, call NHS 111, or 999 in an emergency."}
            ],
        },
    )
    chat.say("red flag")
    alert = chat.log.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Emergency advice")
    expect(alert).to_contain_text("Call 999 now")
    expect(alert.locator(".bsw-bubble")).to_have_css("border-left-width", "8px")
    chat.say("marked")
    expect(alert).to_have_count(2)
    chat.say("not urgent")
    expect(alert).to_have_count(2)


def test_typing_indicator_shows_while_waiting(page: Page, fake_site: FakeSite) -> None:
    chat = start(page, fake_site, {})
    fake_site.rasa.delays["slow"] = 1.5
    chat.input.fill("slow")
    chat.input.press("Enter")
    expect(chat.typing).to_be_visible()
    expect(chat.typing).to_have_text("The assistant is typing")
    expect(chat.bot.last).to_have_text(re.compile("You said: slow"))
    expect(chat.typing).to_be_hidden()


def test_server_error_shows_message_and_retry_resends_the_same_message(page: Page, fake_site: FakeSite) -> None:
    chat = start(page, fake_site, {})
    fake_site.rasa.failures = 1
    chat.input.fill("my back hurts")
    chat.input.press("Enter")
    expect(chat.error).to_be_visible()
    expect(chat.error).to_have_attribute("role", "alert")
    expect(chat.error).to_contain_text("can't be reached")
    expect(chat.error).to_contain_text("999")
    chat.retry.click()
    expect(chat.bot.last).to_have_text(re.compile("You said: my back hurts"))
    expect(chat.error).to_be_hidden()
    expect(chat.user).to_have_count(1)
    assert [m for _, m in fake_site.rasa.received].count("my back hurts") == 2


def test_failed_message_can_be_retried_after_a_reload(page: Page, fake_site: FakeSite) -> None:
    chat = start(page, fake_site, {})
    fake_site.rasa.failures = 1
    chat.input.fill("still there?")
    chat.input.press("Enter")
    expect(chat.error).to_be_visible()
    page.reload()
    expect(chat.dialog).to_be_visible()  # it stays open across pages of the same visit
    expect(chat.error).to_be_visible()
    chat.retry.click()
    expect(chat.bot.last).to_have_text(re.compile("You said: still there"))


def test_sender_id_is_random_128_bit_and_kept(
    page: Page, fake_site: FakeSite, new_context: Callable[..., BrowserContext]
) -> None:
    chat = start(page, fake_site, {})
    sender = chat.sender_id()
    assert re.fullmatch(r"[0-9a-f]{32}", sender)
    page.reload()
    assert chat.sender_id() == sender
    other = Chat(new_context().new_page()).goto(f"{fake_site.url}/demo/")
    other.open_and_wait_for_welcome()
    assert other.sender_id() != sender
    assert {s for s, _ in fake_site.rasa.received} == {sender, other.sender_id()}


def test_transcript_is_capped(page: Page, fake_site: FakeSite) -> None:
    chat = start(page, fake_site, {})
    for i in range(55):
        chat.say(f"message {i}")
    stored = page.evaluate(
        "() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('backspasm-widget:'))))"
    )
    assert len(stored["messages"]) == 100
    assert stored["messages"][-1]["text"] == "You said: message 54"
    page.reload()
    expect(chat.log.locator(".bsw-message")).to_have_count(100)


def test_clear_chat_forgets_the_conversation_and_starts_a_new_one(page: Page, fake_site: FakeSite) -> None:
    chat = start(page, fake_site, {})
    chat.say("something private")
    sender = chat.sender_id()
    page.get_by_role("button", name="Clear chat").click()
    expect(chat.options.first).to_be_visible()
    expect(chat.user).to_have_count(0)
    assert chat.sender_id() != sender
    assert "something private" not in str(page.evaluate("() => JSON.stringify(localStorage)"))


def test_the_privacy_line_says_how_to_ask_and_gives_this_chats_code(page: Page, fake_site: FakeSite) -> None:
    chat = start(page, fake_site, {})
    line = page.locator(".bsw-privacy")
    expect(line).to_contain_text("have it deleted, contact the clinic")
    expect(line).to_contain_text(chat.sender_id())
    page.get_by_role("button", name="Clear chat").click()
    expect(line).to_contain_text(chat.sender_id())  # the new conversation's code


def test_init_from_javascript_without_data_attributes(page: Page, fake_site: FakeSite, tmp_path: Path) -> None:
    # A site that loads the script without data-endpoint (so nothing starts by itself) and calls init() itself.
    for name in (WIDGET_JS, WIDGET_CSS):
        shutil.copy(WIDGET_DIR / name, tmp_path / name)
    (tmp_path / "embed.html").write_text(
        '<!doctype html><html lang="en"><head><title>Embed</title>'
        f'<link rel="stylesheet" href="{WIDGET_CSS}"><script src="{WIDGET_JS}"></script>'
        '<script src="start.js"></script></head><body><main>Page</main></body></html>'
    )
    (tmp_path / "start.js").write_text(
        f"window.BackSpasmWidget.init({{endpoint: {json.dumps(fake_site.rasa.url)}, title: 'Back care assistant'}});"
    )
    fake_site.rasa.replies["/greet"] = GREETING
    with serve_site(endpoint=fake_site.rasa.url, directory=tmp_path) as site:
        fake_site.rasa.allowed_origins.append(origin(site))
        page.goto(f"{origin(site)}/embed.html")
        chat = Chat(page)
        chat.open_and_wait_for_welcome()
    assert page.evaluate("() => window.BackSpasmWidget.version") == "1.0.0"
    assert page.evaluate("() => window.BackSpasmWidget.init() === window.BackSpasmWidget.instance")
    expect(page.locator(".bsw-root")).to_have_count(1)
