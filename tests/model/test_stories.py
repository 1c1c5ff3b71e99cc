"""The staff-readable end-to-end test stories in tests/test_stories.yml, through NLU and dialogue policies."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.model.assistant import RASA_WITH_FIXES, ROOT


def test_all_test_stories_pass(model_path: Path) -> None:
    out = ROOT / "results" / "stories"
    result = subprocess.run(
        [
            *RASA_WITH_FIXES,
            "test",
            "core",
            "--model",
            str(model_path),
            "--stories",
            "tests/test_stories.yml",
            "--out",
            str(out),
            "--no-plot",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    failed = (out / "failed_test_stories.yml").read_text()
    assert "None of the test stories failed" in failed, f"failing stories:\n{failed}"
