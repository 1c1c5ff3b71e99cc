"""Serves the chat widget and its demo site (widget/) on a local port: `/` opens the demo page.

    python scripts/serve_widget.py [--port 8080] [--bind 127.0.0.1] [--endpoint http://localhost:5005]

--endpoint is the Rasa server the demo pages talk to: it replaces the `data-endpoint` of the widget's script tag
in the HTML pages served, so the demo follows RASA_PORT (and the tests' free ports) without editing the pages.
The pages are sent with a strict Content-Security-Policy (no inline script or style; network access only to the
page's own origin and the assistant), the same policy a clinic's site can use with the widget.
"""

from __future__ import annotations

import argparse
import functools
import html
import re
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO, Optional
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
WIDGET_DIR = ROOT / "widget"
DEFAULT_ENDPOINT = "http://localhost:5005"
ENDPOINT_ATTRIBUTE = re.compile(r'data-endpoint="[^"]*"')


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(endpoint: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: {origin_of(endpoint)}",
            f"connect-src 'self' {origin_of(endpoint)}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class WidgetServer(ThreadingHTTPServer):
    daemon_threads = True
    # Read on every request, so a test can bind the port first and name the assistant's URL once it is known.
    endpoint: Optional[str] = None
    quiet = False


class WidgetHandler(SimpleHTTPRequestHandler):
    server: WidgetServer

    @property
    def endpoint(self) -> Optional[str]:
        return self.server.endpoint

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", content_security_policy(self.endpoint or DEFAULT_ENDPOINT))
        super().end_headers()

    def send_head(self) -> Optional[BinaryIO]:  # GET and HEAD
        if urlsplit(self.path).path == "/":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", "/demo/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return super().send_head()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if self.endpoint and path != "/":
            page = Path(self.translate_path(path))
            if page.is_dir() and path.endswith("/"):
                page = page / "index.html"
            if page.suffix == ".html" and page.is_file():
                self.send_page(page)
                return
        super().do_GET()

    def send_page(self, page: Path) -> None:
        endpoint = html.escape(self.endpoint or DEFAULT_ENDPOINT, quote=True)
        body = ENDPOINT_ATTRIBUTE.sub(f'data-endpoint="{endpoint}"', page.read_text(encoding="utf-8")).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


def make_server(
    port: int,
    bind: str = "127.0.0.1",
    endpoint: Optional[str] = None,
    directory: Path = WIDGET_DIR,
    quiet: bool = False,
) -> WidgetServer:
    """Binds the port (0: any free one, see server.server_address) without serving yet: call serve_forever()."""
    if endpoint:
        origin_of(endpoint)  # refuse anything but an http(s) URL
    server = WidgetServer((bind, port), functools.partial(WidgetHandler, directory=str(directory)))
    server.endpoint = endpoint
    server.quiet = quiet
    return server


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument(
        "--endpoint", default=None, help=f"the Rasa server's URL (default in the pages: {DEFAULT_ENDPOINT})"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    server = make_server(args.port, args.bind, args.endpoint, quiet=args.quiet)
    host = "localhost" if args.bind in ("127.0.0.1", "0.0.0.0") else args.bind
    print(f"Demo site with the chat widget: http://{host}:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
