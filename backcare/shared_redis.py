"""Which Redis the instances share beyond the lock store (the channels' memory; the erasure job cleans it): from
`REDIS_URL`, or from the production lock store's settings (`LOCK_STORE_TYPE` naming a Redis lock store, with
`REDIS_HOST`, `REDIS_PORT`, `REDIS_PASSWORD`; database 1, as endpoints.yml gives the lock store). None on one
machine (`make run`: the lock store is in memory)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Optional
from urllib.parse import quote

REDIS_DB = 1


def redis_url(environ: Mapping[str, str]) -> Optional[str]:
    if environ.get("REDIS_URL"):
        return environ["REDIS_URL"]
    if "redis" not in (environ.get("LOCK_STORE_TYPE") or "").lower() or not environ.get("REDIS_HOST"):
        return None
    password = environ.get("REDIS_PASSWORD") or ""
    auth = f":{quote(password, safe='')}@" if password else ""
    return f"redis://{auth}{environ['REDIS_HOST']}:{environ.get('REDIS_PORT') or 6379}/{REDIS_DB}"
