"""endpoints-env.yml and scripts/run.sh together: the one-machine defaults need nothing set, the production stores
are chosen by the environment, the API cannot be opened without a token and no model comes from a URL; and
endpoints.yml, what plain `rasa shell` / `rasa run` / `rasa test` read: no variables, the same one-machine set-up."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import read_endpoint_config

from scripts.wait_for_stores import checks, wait_for_stores
from stores.lock_store import OrderedRedisLockStore
from stores.tracker_store import ReconnectingSQLTrackerStore
from tests.model.assistant import free_port

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = ROOT / "endpoints-env.yml"
PLAIN_ENDPOINTS = ROOT / "endpoints.yml"
RUN = ROOT / "scripts" / "run.sh"
ENDPOINTS_ENV = ROOT / "scripts" / "endpoints-env.sh"
PRODUCTION = {
    "TRACKER_STORE_URL": "postgresql://backspasm:secret@db.internal:5432/backspasm",
    "LOCK_STORE_TYPE": "stores.lock_store.OrderedRedisLockStore",
    "REDIS_HOST": "redis.internal",
    "REDIS_PORT": "6380",
    "REDIS_PASSWORD": "also-secret",
}


def run_script_defaults() -> dict[str, str]:
    """The environment scripts/run.sh (and the staff commands) give the Rasa server when nothing is set."""
    script = f"source {ENDPOINTS_ENV}; env"
    output = subprocess.run(
        ["bash", "-c", script], env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def read_endpoints(environment: Mapping[str, str], section: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return read_endpoint_config(str(ENDPOINTS), section)


def test_every_variable_of_endpoints_yml_has_a_default() -> None:
    variables = set(re.findall(r"\$\{(\w+)\}", ENDPOINTS.read_text()))
    assert variables and variables <= set(run_script_defaults())


def test_the_defaults_keep_conversations_in_a_sqlite_file_and_locks_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = run_script_defaults()
    assert read_endpoints(defaults, "tracker_store", monkeypatch).url == "sqlite:///tracker.db"
    assert isinstance(LockStore.create(read_endpoints(defaults, "lock_store", monkeypatch)), InMemoryLockStore)
    assert read_endpoints(defaults, "action_endpoint", monkeypatch).url == "http://127.0.0.1:5056/webhook"


def test_plain_rasa_reads_endpoints_yml_with_nothing_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert "$" not in PLAIN_ENDPOINTS.read_text()
    for name in run_script_defaults():
        monkeypatch.delenv(name, raising=False)
    endpoints = AvailableEndpoints.read_endpoints(str(PLAIN_ENDPOINTS))  # what `rasa shell` does first
    assert endpoints.action and endpoints.action.url == "http://127.0.0.1:5055/webhook"  # `rasa run actions`
    assert isinstance(LockStore.create(endpoints.lock_store), InMemoryLockStore)
    monkeypatch.chdir(tmp_path)  # Rasa runs in the project folder; here a folder of its own for the file
    store = TrackerStore.create(endpoints.tracker_store)
    assert isinstance(store, ReconnectingSQLTrackerStore) and (tmp_path / "tracker.db").is_file()


def test_plain_endpoints_are_the_scripts_defaults_but_for_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same stores, same settings; only scripts/run.sh puts the action gateway in front of the action server."""
    defaults = run_script_defaults()
    for section in ("tracker_store", "lock_store"):
        plain, scripted = (
            read_endpoint_config(str(PLAIN_ENDPOINTS), section),
            read_endpoints(defaults, section, monkeypatch),
        )
        assert plain and scripted and plain.type == scripted.type and plain.url in (scripted.url, None), section
    assert read_endpoint_config(str(PLAIN_ENDPOINTS), "action_endpoint").url == defaults["ACTION_SERVER_URL"]
    assert not re.search(r"^models:", PLAIN_ENDPOINTS.read_text(), re.MULTILINE)


def test_the_tracker_store_checks_its_connections_before_use(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    environment = {**run_script_defaults(), "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}"}
    store = TrackerStore.create(read_endpoints(environment, "tracker_store", monkeypatch))
    assert isinstance(store, ReconnectingSQLTrackerStore) and store.engine.pool._pre_ping
    assert (tmp_path / "tracker.db").is_file()


def test_production_variables_choose_postgresql_and_the_ordered_redis_lock_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    environment = {**run_script_defaults(), **PRODUCTION}
    assert read_endpoints(environment, "tracker_store", monkeypatch).url == PRODUCTION["TRACKER_STORE_URL"]
    lock_store = LockStore.create(read_endpoints(environment, "lock_store", monkeypatch))
    assert isinstance(lock_store, OrderedRedisLockStore)
    assert lock_store.red.connection_pool.connection_kwargs["port"] == 6380


def test_no_model_is_ever_fetched_from_a_url() -> None:
    assert not re.search(r"^models:", ENDPOINTS.read_text(), re.MULTILINE)
    assert "--remote-storage" not in RUN.read_text()
    refused = subprocess.run([str(RUN), "rasa", "https://example.org/model.tar.gz"], capture_output=True, text=True)
    assert refused.returncode == 2 and "must be a local file" in refused.stderr


@pytest.mark.parametrize("setting", [{"RASA_API": "on"}, {"RASA_API": "yes", "RASA_API_TOKEN": "t"}])
def test_the_api_is_never_opened_without_a_token_or_jwt(setting: dict[str, str]) -> None:
    refused = subprocess.run(
        [str(RUN), "rasa", str(ENDPOINTS)], env={"PATH": os.environ["PATH"], **setting}, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "RASA_API" in refused.stderr


def test_only_stores_that_are_servers_are_waited_for() -> None:
    assert checks(run_script_defaults()) == {}
    assert set(checks({**run_script_defaults(), **PRODUCTION})) == {"tracker database", "Redis lock store"}


def test_stores_that_do_not_answer_are_named_after_the_timeout() -> None:
    port = str(free_port())
    missing = wait_for_stores(
        {
            "TRACKER_STORE_URL": f"postgresql://u:p@127.0.0.1:{port}/db",
            "LOCK_STORE_TYPE": "stores.lock_store.OrderedRedisLockStore",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": port,
        },
        timeout=1,
    )
    assert missing == ["Redis lock store", "tracker database"]
