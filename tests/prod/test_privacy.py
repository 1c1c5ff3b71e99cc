"""Subject access and erasure on the production stores: the real PostgreSQL tracker store and the real Redis of
this folder (the channels' memory and the locks live there)."""

from __future__ import annotations

from pathlib import Path

from backcare.shared_redis import redis_url
from tests.unit.test_privacy import check_privacy


def test_a_persons_data_is_exported_then_erased_everywhere_on_postgresql_and_redis(
    stores_environment: dict[str, str], tmp_path: Path
) -> None:
    url = redis_url(stores_environment)
    assert url, "the production stores name Redis"
    check_privacy(stores_environment["TRACKER_STORE_URL"], tmp_path, url)
