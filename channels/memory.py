"""What the public channels remember between messages: each sender's rate (channels/limits.py), the message ids
already answered (Twilio's MessageSid, Telegram's update_id) and the buttons last offered to each sender (so "2"
picks the second). Two implementations of one interface:

- `LocalMemory` (one machine, the default): in this process, bounded and expiring (RecentCache, SenderRateLimiter).
- `RedisMemory` (several instances or Sanic workers): in Redis, shared by every instance, each key with an
  expiry, so a platform's retry that reaches the other instance is still answered once, a "2" typed there still
  picks the button and one sender's limit holds across all instances. Deliveries are one `SET NX EX`; the rate
  is a token bucket changed in one Lua script (atomic, on Redis's clock, so instances' clocks do not matter).

`channel_memory()` picks Redis when it is configured: `REDIS_URL`, or the production lock store's settings
(`LOCK_STORE_TYPE` naming a Redis lock store, with `REDIS_HOST`, `REDIS_PORT`, `REDIS_PASSWORD`; database 1, as
the lock store, under the key prefix `backspasm:channel:`). When Redis does not answer, a message is let through
(answered, maybe twice; never silently dropped) and the failure is logged.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Optional, Protocol

from backcare.shared_redis import redis_url
from channels.common import RecentCache
from channels.limits import SenderRateLimiter, Verdict

logger = logging.getLogger(__name__)

KEY_PREFIX = "backspasm:channel:"
DAY = 24 * 3600
REDIS_TIMEOUT_SECONDS = 2.0


class ChannelMemory(Protocol):
    async def take(self, sender_key: str, per_minute: int, burst: int) -> Verdict:
        """One message from the sender: ANSWER (a token spent), SLOW_DOWN (first time over) or IGNORE."""
        ...

    async def first_delivery(self, message_key: str, ttl_seconds: int = DAY) -> bool:
        """True the first time a delivery is seen within `ttl_seconds` (and remembers it); False for a repeat."""
        ...

    async def offered(self, sender_key: str) -> Optional[list[dict[str, Any]]]:
        """The buttons last offered to the sender, or None."""
        ...

    async def offer(self, sender_key: str, buttons: list[dict[str, Any]], ttl_seconds: int = DAY) -> None: ...

    async def forget_offer(self, sender_key: str) -> None: ...


class LocalMemory:
    """In this process only: right for one Rasa server with one worker."""

    def __init__(self, max_items: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._max_items = max_items
        self._limiters: dict[tuple[int, int], SenderRateLimiter] = {}
        self._deliveries: RecentCache[str, bool] = RecentCache(max_items=max_items, ttl_seconds=DAY, clock=clock)
        self._offered: RecentCache[str, list[dict[str, Any]]] = RecentCache(
            max_items=max_items, ttl_seconds=DAY, clock=clock
        )

    async def take(self, sender_key: str, per_minute: int, burst: int) -> Verdict:
        limiter = self._limiters.get((per_minute, burst))
        if limiter is None:
            limiter = self._limiters[(per_minute, burst)] = SenderRateLimiter(per_minute, burst, clock=self._clock)
        return limiter.take(sender_key)

    async def first_delivery(self, message_key: str, ttl_seconds: int = DAY) -> bool:
        # The cache's own time to live (a day) is what every channel uses.
        return self._deliveries.first_time(message_key)

    async def offered(self, sender_key: str) -> Optional[list[dict[str, Any]]]:
        return self._offered.get(sender_key)

    async def offer(self, sender_key: str, buttons: list[dict[str, Any]], ttl_seconds: int = DAY) -> None:
        self._offered.put(sender_key, buttons)

    async def forget_offer(self, sender_key: str) -> None:
        self._offered.discard(sender_key)


# KEYS[1]: the sender's bucket. ARGV: burst, tokens per second, seconds to keep the bucket.
# The bucket holds the tokens left, when they were counted (Redis's clock) and whether the sender was told.
TOKEN_BUCKET = """
redis.replicate_commands()
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'told')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
local told = bucket[3] == '1'
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local verdict
if tokens >= 1 then
  tokens = tokens - 1
  told = false
  verdict = 'answer'
elseif told then
  verdict = 'ignore'
else
  told = true
  verdict = 'slow_down'
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now), 'told', told and '1' or '0')
redis.call('EXPIRE', KEYS[1], ARGV[3])
return verdict
"""


class RedisMemory:
    """In Redis, shared by every instance; every key expires. `client` is a redis.asyncio.Redis."""

    def __init__(self, client: Any, prefix: str = KEY_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self._bucket = client.register_script(TOKEN_BUCKET)

    def _key(self, kind: str, key: str) -> str:
        return f"{self.prefix}{kind}:{key}"

    async def take(self, sender_key: str, per_minute: int, burst: int) -> Verdict:
        refill = per_minute / 60.0
        # After this long without a message the bucket is full again: nothing worth keeping.
        keep = math.ceil(burst / refill) + 60
        try:
            verdict = await self._bucket(keys=[self._key("rate", sender_key)], args=[burst, refill, keep])
        except Exception as error:  # redis.RedisError, a timeout: let the message through
            logger.warning("Channel memory (Redis) unavailable for the rate limit: %s", type(error).__name__)
            return Verdict.ANSWER
        return Verdict(verdict.decode() if isinstance(verdict, bytes) else verdict)

    async def first_delivery(self, message_key: str, ttl_seconds: int = DAY) -> bool:
        try:
            return bool(await self.client.set(self._key("delivery", message_key), "1", nx=True, ex=ttl_seconds))
        except Exception as error:
            logger.warning("Channel memory (Redis) unavailable for deliveries: %s", type(error).__name__)
            return True

    async def offered(self, sender_key: str) -> Optional[list[dict[str, Any]]]:
        try:
            raw = await self.client.get(self._key("offered", sender_key))
        except Exception as error:
            logger.warning("Channel memory (Redis) unavailable for offered buttons: %s", type(error).__name__)
            return None
        return json.loads(raw) if raw else None

    async def offer(self, sender_key: str, buttons: list[dict[str, Any]], ttl_seconds: int = DAY) -> None:
        try:
            await self.client.set(self._key("offered", sender_key), json.dumps(buttons), ex=ttl_seconds)
        except Exception as error:
            logger.warning("Channel memory (Redis) unavailable for offered buttons: %s", type(error).__name__)

    async def forget_offer(self, sender_key: str) -> None:
        try:
            await self.client.delete(self._key("offered", sender_key))
        except Exception as error:
            logger.warning("Channel memory (Redis) unavailable for offered buttons: %s", type(error).__name__)


def channel_memory(environ: Optional[Mapping[str, str]] = None) -> ChannelMemory:
    """RedisMemory when Redis is configured (see the module docstring), otherwise a new LocalMemory."""
    url = redis_url(os.environ if environ is None else environ)
    if url is None:
        return LocalMemory()
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    logger.info("Channel memory (rates, deliveries, offered buttons) is shared in Redis.")
    return RedisMemory(client)
