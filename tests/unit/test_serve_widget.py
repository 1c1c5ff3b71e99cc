"""The demo site's static server (scripts/serve_widget.py): redirect to the demo, endpoint rewriting, headers."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests

from scripts.serve_widget import content_security_policy, make_server


@pytest.fixture
def site() -> Iterator[str]:
    server = make_server(0, endpoint="http://127.0.0.1:5999", quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_root_redirects_to_the_demo_page(site: str) -> None:
    response = requests.get(site + "/", allow_redirects=False, timeout=5)
    assert response.status_code == 302 and response.headers["Location"] == "/demo/"
    page = requests.get(site + "/", timeout=5)
    assert page.ok and "backspasm-widget-1.0.0.js" in page.text


@pytest.mark.parametrize("path", ["/demo/", "/demo/index.html", "/demo/contact.html"])
def test_pages_talk_to_the_configured_endpoint(site: str, path: str) -> None:
    page = requests.get(site + path, timeout=5)
    assert 'data-endpoint="http://127.0.0.1:5999"' in page.text
    assert "localhost:5005" not in page.text
    assert "connect-src 'self' http://127.0.0.1:5999" in page.headers["Content-Security-Policy"]


def test_widget_files_are_served_unchanged_with_safe_headers(site: str) -> None:
    for name in ("backspasm-widget-1.0.0.js", "backspasm-widget-1.0.0.css"):
        response = requests.get(f"{site}/{name}", timeout=5)
        assert response.ok and response.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(site + "/../Makefile", timeout=5).status_code == 404


def test_policy_refuses_inline_script_and_other_hosts() -> None:
    policy = content_security_policy("https://bot.example.org/some/path")
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "connect-src 'self' https://bot.example.org;" in policy
    with pytest.raises(ValueError, match=r"not an http\(s\) URL"):
        content_security_policy("javascript:alert(1)")


def test_endpoint_must_be_http() -> None:
    with pytest.raises(ValueError, match=r"not an http\(s\) URL"):
        make_server(0, endpoint="javascript:alert(1)")
