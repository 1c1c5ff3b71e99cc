"""The retention job on the production tracker store, the real PostgreSQL server of this folder."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_retention import check_retention


def test_old_conversations_are_deleted_whole_on_postgresql(stores_environment: dict[str, str], tmp_path: Path) -> None:
    check_retention(stores_environment["TRACKER_STORE_URL"], tmp_path)
