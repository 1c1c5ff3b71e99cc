"""Fixtures that need the trained model: the assistant running for real (action server plus
Rasa server with the REST channel) on free local ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import rasa_patches
from nlu_eval.evaluate import Evaluation, evaluate
from nlu_eval.parsing import ModelParser
from tests.model.assistant import RunningAssistant, start_assistant

# These tests also run Rasa inside pytest (the model loaded in-process): with the project's fixes, as the server.
rasa_patches.apply()


@pytest.fixture(scope="session")
def assistant(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    work_dir = tmp_path_factory.mktemp("assistant")
    # Booking and call-back requests made by the tests go to a temporary file, never the clinic's bookings.db.
    with start_assistant(model_path, work_dir, env={"BOOKING_DB": str(work_dir / "bookings.db")}) as running:
        yield running


@pytest.fixture(scope="session")
def nlu_evaluation(model_path: Path) -> Evaluation:
    """Every NLU evaluation set with a threshold, parsed once by the model in this process (no server); the consumer
    health questions (about 500 long messages) included."""
    return evaluate(ModelParser(model_path).parse)
