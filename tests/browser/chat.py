"""The chat widget as a visitor meets it, for the browser tests: find it by role and label, open it, type, wait."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

TITLE = "Back care assistant"
LAUNCHER = "Chat with our back care assistant"
TOPICS = ["What is a back spasm?", "What can I do now?", "Medicines", "When to get help", "See a physio"]


class Chat:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher: Locator = page.get_by_role("button", name=LAUNCHER)
        self.dialog: Locator = page.get_by_role("dialog", name=TITLE)
        self.log: Locator = page.get_by_role("log", name="Conversation")
        self.input: Locator = page.get_by_label("Your message")
        self.bot: Locator = self.log.locator(".bsw-bot")
        self.user: Locator = self.log.locator(".bsw-user")
        self.options: Locator = self.log.locator(".bsw-option")
        self.error: Locator = page.locator(".bsw-error")
        self.retry: Locator = page.get_by_role("button", name="Retry")
        self.typing: Locator = page.locator(".bsw-typing")

    def goto(self, url: str) -> Chat:
        self.page.goto(url)
        expect(self.launcher).to_be_visible()
        return self

    def open(self) -> None:
        self.launcher.click()
        expect(self.dialog).to_be_visible()

    def wait_idle(self) -> None:
        expect(self.dialog).to_have_attribute("aria-busy", "false")

    def open_and_wait_for_welcome(self) -> None:
        self.open()
        expect(self.options.first).to_be_visible()
        self.wait_idle()

    def say(self, text: str) -> None:
        before = self.bot.count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_reply(before)

    def choose(self, title: str) -> None:
        before = self.bot.count()
        self.log.get_by_role("button", name=title, exact=True).click()
        self.wait_for_reply(before)

    def wait_for_reply(self, bot_messages_before: int) -> None:
        self.wait_idle()
        expect(self.error).to_be_hidden()
        self.page.wait_for_function(
            "n => document.querySelectorAll('.bsw-log .bsw-bot').length > n", arg=bot_messages_before
        )

    def sender_id(self) -> str:
        return str(
            self.page.evaluate(
                "() => { for (const k of Object.keys(localStorage)) if (k.startsWith('backspasm-widget:'))"
                " return JSON.parse(localStorage.getItem(k)).sender; return null; }"
            )
        )
