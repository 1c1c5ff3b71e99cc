"""The channels' memory (rates, delivered message ids, offered buttons) in both implementations: in this process
(one machine) and in Redis (several instances). The Redis tests use a real redis-server; two clients stand for
two instances of the Rasa server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import redis
import redis.asyncio

from channels.limits import Verdict
from channels.memory import KEY_PREFIX, LocalMemory, RedisMemory, channel_memory, redis_url
from tests.redis_server import NOT_INSTALLED, redis_server, redis_server_binary

BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not redis_server_binary():
        pytest.skip(NOT_INSTALLED)
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def run(scenario: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    return asyncio.run(scenario(*args))


def redis_memory(url: str) -> RedisMemory:
    return RedisMemory(redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))


@pytest.fixture(params=["local", "redis"])
def memories(request: pytest.FixtureRequest) -> Callable[[], tuple[Any, Any]]:
    """Makes (memory of instance 1, memory of the same machine or of instance 2) inside the running loop."""
    if request.param == "local":

        def local() -> tuple[Any, Any]:
            memory = LocalMemory()
            return memory, memory

        return local
    url = request.getfixturevalue("server")
    return lambda: (redis_memory(url), redis_memory(url))


def test_a_sender_gets_the_burst_then_one_refusal_then_silence_and_the_bucket_refills(memories: Any) -> None:
    async def scenario() -> list[Verdict]:
        first, second = memories()
        sender = f"rest:{time.time_ns()}"
        verdicts = [await (first if n % 2 else second).take(sender, 600, 3) for n in range(5)]
        verdicts.append(await first.take(f"{sender}-other", 600, 3))
        await asyncio.sleep(0.25)  # 600 a minute: a token every 0.1 s
        verdicts.append(await second.take(sender, 600, 3))
        return verdicts

    assert run(scenario) == [Verdict.ANSWER] * 3 + [Verdict.SLOW_DOWN, Verdict.IGNORE, Verdict.ANSWER, Verdict.ANSWER]


def test_a_delivery_is_new_once_whichever_instance_sees_it(memories: Any) -> None:
    async def scenario() -> list[bool]:
        first, second = memories()
        key = f"whatsapp:SM{time.time_ns()}"
        return [
            await first.first_delivery(key),
            await second.first_delivery(key),
            await first.first_delivery(key),
            await second.first_delivery(key + "x"),
        ]

    assert run(scenario) == [True, False, False, True]


def test_offered_buttons_are_read_replaced_and_forgotten_on_either_instance(memories: Any) -> None:
    async def scenario() -> list[Any]:
        first, second = memories()
        sender = f"whatsapp:+447700900{time.time_ns() % 1000:03d}"
        seen = [await second.offered(sender)]
        await first.offer(sender, BUTTONS)
        seen.append(await second.offered(sender))
        await second.offer(sender, BUTTONS[:1])
        seen.append(await first.offered(sender))
        await first.forget_offer(sender)
        seen.append(await second.offered(sender))
        return seen

    assert run(scenario) == [None, BUTTONS, BUTTONS[:1], None]


def test_every_redis_key_expires(server: str) -> None:
    async def scenario() -> None:
        memory = redis_memory(server)
        await memory.take("telegram:telegram:42", 20, 10)
        await memory.first_delivery("telegram:4242", ttl_seconds=1)
        await memory.offer("telegram:42", BUTTONS)

    run(scenario)
    client = redis.Redis.from_url(server)
    keys = [key.decode() for key in client.scan_iter(match=f"{KEY_PREFIX}*")]
    assert {
        f"{KEY_PREFIX}rate:telegram:telegram:42",
        f"{KEY_PREFIX}delivery:telegram:4242",
        f"{KEY_PREFIX}offered:telegram:42",
    } <= set(keys)
    assert all(0 < client.ttl(key) <= 24 * 3600 for key in keys)
    assert client.ttl(f"{KEY_PREFIX}rate:telegram:telegram:42") <= 30 + 60  # full again after burst / rate
    time.sleep(1.2)
    assert run(redis_memory(server).first_delivery, "telegram:4242") is True


def test_without_redis_messages_are_let_through_not_dropped() -> None:
    async def scenario() -> list[Any]:
        memory = redis_memory("redis://127.0.0.1:1/1")  # nothing listens there
        return [
            await memory.take("rest:a", 1, 1),
            await memory.take("rest:a", 1, 1),
            await memory.first_delivery("whatsapp:SM1"),
            await memory.first_delivery("whatsapp:SM1"),
            await memory.offered("whatsapp:+447700900001"),
        ]

    assert run(scenario) == [Verdict.ANSWER, Verdict.ANSWER, True, True, None]


def test_redis_is_used_when_the_production_settings_name_it() -> None:
    assert redis_url({}) is None
    assert redis_url({"LOCK_STORE_TYPE": "in_memory", "REDIS_HOST": "127.0.0.1"}) is None
    assert (
        redis_url(
            {
                "LOCK_STORE_TYPE": "stores.lock_store.OrderedRedisLockStore",
                "REDIS_HOST": "redis",
                "REDIS_PORT": "6380",
                "REDIS_PASSWORD": "p@ss/word",
            }
        )
        == "redis://:p%40ss%2Fword@redis:6380/1"
    )
    assert redis_url({"REDIS_URL": "redis://cache:6379/3"}) == "redis://cache:6379/3"
    assert isinstance(channel_memory({}), LocalMemory)
    assert isinstance(channel_memory({"REDIS_URL": "redis://127.0.0.1:1/1"}), RedisMemory)
