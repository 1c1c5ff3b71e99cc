"""The action gateway between real HTTP servers: it passes the action server's answers through and, when the
action server is down, failing or too slow, answers with the kind apology instead."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web

from backcare.clinic import load_profile
from backcare.outage import lookup_unavailable_text
from gateway.actions import create_app
from tests.model.assistant import free_port

APOLOGY = lookup_unavailable_text(load_profile())
ACTION_CALL = {"next_action": "action_give_guidance", "tracker": {"sender_id": "someone"}}
TIMEOUT = 0.5
Handler = Callable[[web.Request], Awaitable[web.Response]]


async def serve(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def call_through_gateway(action_server: Handler | None) -> tuple[int, Any, float]:
    """Posts one action call to the gateway, in front of `action_server` (None: nothing listening)."""

    async def scenario() -> tuple[int, Any, float]:
        upstream_port, gateway_port = free_port(), free_port()
        runners = [await serve(create_app(f"http://127.0.0.1:{upstream_port}/webhook", TIMEOUT, APOLOGY), gateway_port)]
        if action_server:
            upstream = web.Application()
            upstream.router.add_post("/webhook", action_server)
            runners.append(await serve(upstream, upstream_port))
        try:
            started = time.monotonic()
            async with (
                aiohttp.ClientSession() as session,
                session.post(f"http://127.0.0.1:{gateway_port}/webhook", json=ACTION_CALL) as response,
            ):
                return response.status, await response.json(), time.monotonic() - started
        finally:
            for runner in runners:
                await runner.cleanup()

    return asyncio.run(scenario())


def test_an_answer_of_the_action_server_passes_through_unchanged() -> None:
    answer = {"events": [{"event": "slot", "name": "topic", "value": "heat"}], "responses": [{"text": "Heat helps."}]}

    async def action_server(request: web.Request) -> web.Response:
        assert (await request.json())["next_action"] == "action_give_guidance"
        return web.json_response(answer)

    assert call_through_gateway(action_server)[:2] == (200, answer)


def test_a_rejected_action_reaches_rasa_as_a_rejection() -> None:
    rejection = {"action_name": "validate_booking_form", "error": "not now"}

    async def action_server(_: web.Request) -> web.Response:
        return web.json_response(rejection, status=400)

    assert call_through_gateway(action_server)[:2] == (400, rejection)


def test_an_action_server_that_is_down_gets_the_apology_with_phone_and_999() -> None:
    status, body, _ = call_through_gateway(None)
    assert status == 200 and body == {"events": [], "responses": [{"text": APOLOGY}]}
    assert load_profile().phone in APOLOGY and "999" in APOLOGY


def test_an_action_that_crashes_gets_the_apology() -> None:
    async def action_server(_: web.Request) -> web.Response:
        return web.json_response({"error": "boom"}, status=500)

    assert call_through_gateway(action_server)[1]["responses"] == [{"text": APOLOGY}]


def test_a_slow_action_server_gets_the_apology_once_the_timeout_is_up() -> None:
    async def action_server(_: web.Request) -> web.Response:
        await asyncio.sleep(TIMEOUT * 6)
        return web.json_response({"events": [], "responses": [{"text": "too late"}]})

    _, body, waited = call_through_gateway(action_server)
    assert body["responses"] == [{"text": APOLOGY}]
    assert TIMEOUT <= waited < TIMEOUT * 4


def test_the_apology_uses_the_clinics_own_details() -> None:
    text = lookup_unavailable_text(load_profile(environ={"CLINIC_PHONE": "0161 496 0000", "CLINIC_NAME": "North"}))
    assert "North on 0161 496 0000" in text and "999" in text
