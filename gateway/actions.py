"""The action gateway: the Rasa server's action endpoint points here, and it forwards each call to the action
server. When the action server is down, fails or answers too slowly, it answers in its place with an apology,
the clinic's phone number and the 999 advice, so the patient is never left without a reply.

Why a side-car: Rasa 3.6 gives a failing custom action no fallback (the processor logs the error and the
patient gets nothing) and waits up to five minutes for a slow one (a fixed timeout in RemoteAction). Both can
only be changed from outside without patching Rasa, and the action server protocol lets this gateway answer
with ordinary `responses`. It runs beside the Rasa server, on loopback.

    python -m gateway.actions --port 5056 --upstream http://127.0.0.1:5055/webhook --timeout 10
"""

from __future__ import annotations

import argparse
import asyncio
import logging

import aiohttp
from aiohttp import web

from backcare.clinic import load_profile
from backcare.outage import lookup_unavailable_text

logger = logging.getLogger("gateway.actions")

# Headers of the action call that the action server needs to read the body (Rasa may gzip it).
FORWARDED_HEADERS = ("Content-Type", "Content-Encoding")


def unavailable_reply(text: str) -> web.Response:
    """An action-server answer that changes nothing in the conversation and only says `text`."""
    return web.json_response({"events": [], "responses": [{"text": text}]})


def create_app(upstream: str, timeout: float, unavailable_text: str) -> web.Application:
    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers}
        session: aiohttp.ClientSession = request.app["session"]
        try:
            async with session.post(upstream, data=body, headers=headers) as response:
                payload = await response.read()
                # 400 is the action server rejecting the action (a form's validation): Rasa must see it as is.
                if response.status < 500:
                    return web.Response(body=payload, status=response.status, content_type="application/json")
                logger.error("Action server answered %s; replying that the look-up is unavailable", response.status)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error(
                "Action server unreachable or too slow (%s); replying that the look-up is unavailable",
                type(error).__name__,
            )
        return unavailable_reply(unavailable_text)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def open_session(app: web.Application) -> None:
        app["session"] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))

    async def close_session(app: web.Application) -> None:
        await app["session"].close()

    app = web.Application()
    app.router.add_post("/webhook", forward)
    app.router.add_get("/health", health)
    app.on_startup.append(open_session)  # type: ignore[arg-type]  # aiohttp 3.9's signal type predates aiosignal 1.4's
    app.on_cleanup.append(close_session)  # type: ignore[arg-type]  # aiohttp 3.9's signal type predates aiosignal 1.4's
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5056)
    parser.add_argument("--upstream", default="http://127.0.0.1:5055/webhook", help="the action server's webhook")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the action server")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Loaded once at start: a broken clinic profile stops the gateway now, not during a patient's outage.
    text = lookup_unavailable_text(load_profile())
    web.run_app(
        create_app(args.upstream, args.timeout, text), host=args.host, port=args.port, print=None, access_log=None
    )


if __name__ == "__main__":
    main()
