"""Follow-up check-ins (issue 22) on real PostgreSQL, the production database: the claim gives each due check-in to
one run only, across processes, and `make check-ins` run twice at once sends a check-in once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import subprocess
import sys
import uuid
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from backcare.checkins import CheckinStore
from channels.local_platform import FakePlatform
from tests.model.assistant import ROOT
from tests.prod.cluster import channel_environment

UTC = dt.timezone.utc
PROCESSES = 4
PEOPLE = 25


def claim(url: str, now: dt.datetime, channel: str, start: Barrier, results: Queue) -> None:
    store = CheckinStore(url)  # its own connections, as another instance would have
    start.wait()
    results.put([checkin.id for checkin in store.claim_due(now, channels=[channel])])


def test_processes_claiming_at_once_get_each_check_in_once(stores_environment: dict[str, str]) -> None:
    url = stores_environment["TRACKER_STORE_URL"]
    assert url.startswith("postgresql")
    channel = f"test-{uuid.uuid4().hex[:8]}"  # these rows only, whatever else the database holds
    consent = dt.datetime(2031, 3, 3, 10, tzinfo=UTC)
    store = CheckinStore(url)
    for number in range(PEOPLE):
        store.start(f"{channel}:{number}", channel, consent)
    due = consent + dt.timedelta(days=2)
    assert store.claim_due(due - dt.timedelta(minutes=1), channels=[channel]) == []
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(PROCESSES), context.Queue()
    workers = [context.Process(target=claim, args=(url, due, channel, start, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    claimed = [checkin_id for _ in workers for checkin_id in results.get(timeout=60)]
    for worker in workers:
        worker.join()
    assert len(claimed) == PEOPLE and len(set(claimed)) == PEOPLE
    assert store.claim_due(due + dt.timedelta(minutes=5), channels=[channel]) == []
    # A run that died mid-send: its claims may be taken again once stale, by one run only.
    again = store.claim_due(due + dt.timedelta(minutes=16), channels=[channel])
    assert sorted(c.id for c in again) == sorted(claimed)
    for checkin in again:
        assert store.mark_sent(checkin, channel, due + dt.timedelta(minutes=16))


def test_make_check_ins_twice_at_once_sends_once(stores_environment: dict[str, str], platform: FakePlatform) -> None:
    url = stores_environment["TRACKER_STORE_URL"]
    chat_id = 70_000_000 + uuid.uuid4().int % 1_000_000
    consent = dt.datetime(2026, 1, 5, 10, tzinfo=UTC)  # before the other test's check-ins are due
    [first, _] = CheckinStore(url).start(f"telegram:{chat_id}", "telegram", consent)
    env = {**os.environ, **stores_environment, **channel_environment(platform.url), "PYTHONPATH": str(ROOT)}
    env.pop("CHECKINS_DB_URL", None)  # the conversations' database, as in production
    command = [sys.executable, str(ROOT / "scripts" / "checkins.py"), "--now", first.due_at.isoformat()]
    command += ["--credentials", os.devnull]
    mark = platform.mark()
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    sent = [
        call
        for call in platform.telegram_calls("sendMessage", mark)
        if str(call["payload"].get("chat_id")) == str(chat_id)
    ]
    assert len(sent) == 1
    [stored] = [c for c in CheckinStore(url).all() if c.id == first.id]
    assert stored.status == "sent" and stored.delivery == "telegram"
