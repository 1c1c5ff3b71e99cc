"""Follow-up check-ins on the website (issue 22): the website cannot message anyone, so a due check-in waits and
appears when the same browser opens the chat again; it is shown once, and the answer gets its outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from playwright.sync_api import BrowserContext, expect

from backcare.checkins import load_wording
from backcare.checkins.store import checkins
from backcare.clinic import load_profile
from tests.browser.chat import Chat
from tests.browser.conftest import LiveSite

OFFER = load_wording()["offer"].text.split("?")[0]
CHECKIN = load_wording()["checkin"].text.format(clinic=load_profile().name).split(".")[0]


def make_due_now(site: LiveSite, sender: str) -> None:
    """As if two days had passed (the servers' clock cannot be moved)."""
    engine = sa.create_engine(f"sqlite:///{site.assistant.work_dir / 'tracker.db'}")
    due = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).timestamp()
    with engine.begin() as connection:
        connection.execute(
            checkins.update().where(checkins.c.sender_id == sender, checkins.c.step == 1).values(due_at=due)
        )


def test_the_due_check_in_appears_when_the_same_browser_reopens_the_chat(
    new_context: Callable[..., BrowserContext], live_site: LiveSite
) -> None:
    context = new_context()
    first = context.new_page()
    chat = Chat(first).goto(live_site.url + "/demo/")
    chat.open_and_wait_for_welcome()
    chat.say("how long will this last")
    expect(chat.bot.last).to_contain_text(OFFER)
    chat.choose("Yes, check in")
    expect(chat.log).to_contain_text("open this chat again")
    sender = chat.sender_id()
    first.close()

    chat = Chat(context.new_page()).goto(live_site.url + "/demo/contact.html")
    with chat.page.expect_response(lambda response: response.url.endswith("/webhooks/rest/checkins")) as asked:
        chat.open()
    assert asked.value.json() == []  # asked when the chat opened, and not due yet
    expect(chat.log).not_to_contain_text(CHECKIN)
    chat.page.close()

    make_due_now(live_site, sender)
    page = context.new_page()
    chat = Chat(page).goto(live_site.url + "/demo/contact.html")
    chat.open()
    expect(chat.bot.last).to_contain_text(CHECKIN)
    page.reload()  # kept in the transcript, and not shown a second time
    expect(chat.log.locator(".bsw-bubble", has_text=CHECKIN)).to_have_count(1)
    chat.say("much better, 2 out of 10")
    expect(chat.log).to_contain_text("stay active")
