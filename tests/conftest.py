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
