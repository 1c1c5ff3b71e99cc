"""The stretch drawings in the chat widget (issue 21), with the real assistant: the image appears inline, loaded,
with non-empty alt text, scaled to the chat on a phone and on a desktop, opens larger through its link, and the
page stays free of serious axe-core violations. Also with the fake REST channel: an image from an unsafe address
is not shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from backcare.exercises import routine
from tests.browser.chat import Chat
from tests.browser.conftest import AXE, PHONE, SCREENSHOTS, FakeSite, LiveSite
from tests.browser.test_rendering import start

FIRST = routine().exercises[0]


@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
def test_the_drawing_is_shown_loaded_with_alt_text_and_the_page_is_axe_clean(
    new_context: Callable[..., BrowserContext], live_site: LiveSite, viewport_name: str
) -> None:
    assert AXE.is_file(), "run `npm ci` (scripts/install-browser.sh does)"
    viewport = PHONE if viewport_name == "phone" else None
    # bypass_csp only for axe, injected as an inline script; the image itself is checked against the demo's policy
    # by the page-problems watcher in every other test of the widget (it fails on any refusal).
    page = new_context(viewport=viewport, bypass_csp=True).new_page()
    chat = Chat(page).goto(live_site.url + "/demo/")
    chat.open_and_wait_for_welcome()
    chat.say("show me stretches for a back spasm")
    image = chat.log.locator("img.bsw-image").last
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    alt = image.get_attribute("alt") or ""
    assert alt.strip() and alt == FIRST.alt
    expect(chat.log).to_contain_text("1. Lie on your back")
    # Scaled for the screen: never wider than the chat log, nothing scrolls sideways.
    box, log = image.bounding_box(), chat.log.bounding_box()
    assert box is not None and log is not None and box["width"] > 100 and box["width"] <= log["width"]
    assert chat.log.evaluate("el => el.scrollWidth <= el.clientWidth")
    # Openable larger: the image is a link to itself, in a new tab.
    link = chat.log.locator("a.bsw-image-link").last
    assert link.get_attribute("href") == image.get_attribute("src")
    assert link.get_attribute("target") == "_blank"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"widget-stretch-{viewport_name}.png"))
    page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def test_the_drawing_loads_under_the_demo_sites_content_security_policy(
    new_context: Callable[..., BrowserContext], live_site: LiveSite
) -> None:
    page = new_context().new_page()
    chat = Chat(page).goto(live_site.url + "/demo/")
    chat.open_and_wait_for_welcome()
    chat.say("how do I do the knee to chest stretch?")
    image = chat.log.locator("img.bsw-image").last
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())


def test_an_image_from_an_unsafe_address_is_not_shown(page: Page, fake_site: FakeSite) -> None:
    replies = [
        {"recipient_id": "x", "text": "Here it is."},
        {"recipient_id": "x", "image": "javascript:alert(1)", "alt_text": "bad"},
    ]
    chat = start(page, fake_site, {"pictures": replies})
    chat.say("pictures")
    expect(chat.log).to_contain_text("Here it is.")
    assert chat.log.locator("img").count() == 0
