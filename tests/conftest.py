"""Fixtures shared by every test folder that needs the trained model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def model_path() -> Path:
    model = os.environ.get("BACKSPASM_MODEL")
    if not model or not Path(model).is_file():
        pytest.fail("Set BACKSPASM_MODEL to a trained model (run these tests through `make test`).")
    return Path(model)


@pytest.fixture(scope="session", autouse=True)
def checkins_database(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Check-ins made by tests (actions in-process, or servers the tests start) go to a temporary database, never
    the project's tracker.db; a test that needs a particular one sets CHECKINS_DB_URL for its servers."""
    if "CHECKINS_DB_URL" not in os.environ:
        os.environ["CHECKINS_DB_URL"] = f"sqlite:///{tmp_path_factory.mktemp('checkins') / 'checkins.db'}"
