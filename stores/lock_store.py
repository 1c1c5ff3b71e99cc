"""A Redis lock store that keeps each conversation's messages in order across several Rasa processes.

Rasa 3.6's RedisLockStore keeps a conversation's ticket queue as one JSON value and changes it by read, modify,
write with no guard (RasaHQ/rasa#9213): two Rasa instances (or Sanic workers) taking a ticket at the same moment
can both read the same queue, both get ticket 0 and handle two messages of one patient at once, so replies
and form answers interleave. Here every change of the queue happens under a short Redis mutex of its own, so
the tickets stay unique and messages are served strictly one after another whichever instance gets them.

endpoints.yml:  lock_store: {type: stores.lock_store.OrderedRedisLockStore, url: HOST, port: PORT, ...}
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A queue change is a few Redis round trips; these bound how long a crashed holder can block the others.
MUTEX_LIFETIME_SECONDS = 5
MUTEX_WAIT_SECONDS = 10
MUTEX_POLL_SECONDS = 0.005


class OrderedRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig, **_: Any) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    @contextmanager
    def _queue_mutex(self, conversation_id: str) -> Iterator[None]:
        with self.red.lock(
            f"{self.key_prefix}mutex:{conversation_id}",
            timeout=MUTEX_LIFETIME_SECONDS,
            blocking_timeout=MUTEX_WAIT_SECONDS,
            sleep=MUTEX_POLL_SECONDS,
        ):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._queue_mutex(conversation_id):
            return int(super().issue_ticket(conversation_id, lock_lifetime))

    def update_lock(self, conversation_id: str) -> None:
        with self._queue_mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Removing our ticket and deleting the emptied queue must be one step, or a ticket issued in between
        # by another instance would be deleted with the queue.
        with self._queue_mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
