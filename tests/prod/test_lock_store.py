"""The lock store against a real Redis: Rasa's own RedisLockStore hands out the same ticket twice when several
processes take tickets at once (RasaHQ/rasa#9213); stores.lock_store.OrderedRedisLockStore never does."""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Mapping
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

PROCESSES = 4
TICKETS_EACH = 50


def lock_store(lock_type: str, environment: Mapping[str, str]) -> LockStore:
    return LockStore.create(
        EndpointConfig(
            url=environment["REDIS_HOST"],
            type=lock_type,
            port=environment["REDIS_PORT"],
            password=environment["REDIS_PASSWORD"],
        )
    )


def take_tickets(store: LockStore, conversation: str, start: Barrier, results: Queue) -> None:
    start.wait()
    results.put([store.issue_ticket(conversation) for _ in range(TICKETS_EACH)])


def tickets_from_several_processes(lock_type: str, environment: Mapping[str, str]) -> list[int]:
    """Like several Rasa instances receiving messages of one conversation at the same moment."""
    conversation = f"tickets-{uuid.uuid4().hex}"
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(PROCESSES), context.Queue()
    workers = [
        context.Process(target=take_tickets, args=(lock_store(lock_type, environment), conversation, start, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    tickets = [ticket for _ in workers for ticket in results.get(timeout=60)]
    for worker in workers:
        worker.join()
    lock_store(lock_type, environment).delete_lock(conversation)
    return tickets


def test_rasas_redis_lock_store_gives_the_same_ticket_twice_under_concurrency(
    stores_environment: dict[str, str],
) -> None:
    tickets = tickets_from_several_processes("redis", stores_environment)
    assert len(set(tickets)) < len(tickets)


def test_the_ordered_lock_store_gives_every_ticket_once(stores_environment: dict[str, str]) -> None:
    tickets = tickets_from_several_processes(stores_environment["LOCK_STORE_TYPE"], stores_environment)
    assert sorted(tickets) == list(range(PROCESSES * TICKETS_EACH))
