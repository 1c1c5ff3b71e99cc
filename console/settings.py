"""The staff console's settings, all from the environment, with the one-machine defaults (docs/deployment.md).

CONSOLE_HOST            where it listens (default 127.0.0.1: loopback only; a proxy in front publishes it)
CONSOLE_PORT            default 5060
CONSOLE_DB              staff accounts, sessions and sign-in failures (default console.db at the project root)
CONSOLE_INSECURE_COOKIE set to 1 only to use the console over plain http from another machine on a trusted
                        network: browsers keep a Secure cookie only over https (or on localhost)
CONSOLE_PROXIES         how many proxies in front add X-Forwarded-For (default 0: the peer's address is used
                        for the sign-in rate limit; 1 behind nginx, so a client cannot forge it)
ENDPOINTS, BOOKING_DB, REVIEW_FILE, REVIEW_AUDIT_LOG: as for the staff commands
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from backcare.insight.review_file import DEFAULT_REVIEW_FILE

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ConsoleSettings:
    host: str = "127.0.0.1"
    port: int = 5060
    db_path: Path = ROOT / "console.db"
    secure_cookie: bool = True
    proxies: int = 0
    endpoints: Path = ROOT / "endpoints-env.yml"
    review_file: Path = DEFAULT_REVIEW_FILE

    @property
    def cookie_name(self) -> str:
        # The __Host- prefix makes the browser refuse the cookie unless it is Secure, for this host only, path /.
        return "__Host-staff" if self.secure_cookie else "staff"


def console_settings(environ: Mapping[str, str] = os.environ) -> ConsoleSettings:
    return ConsoleSettings(
        host=environ.get("CONSOLE_HOST") or "127.0.0.1",
        port=int(environ.get("CONSOLE_PORT") or 5060),
        db_path=Path(environ.get("CONSOLE_DB") or ROOT / "console.db"),
        secure_cookie=environ.get("CONSOLE_INSECURE_COOKIE", "") != "1",
        proxies=int(environ.get("CONSOLE_PROXIES") or 0),
        endpoints=Path(environ.get("ENDPOINTS") or ROOT / "endpoints-env.yml"),
        review_file=Path(environ.get("REVIEW_FILE") or DEFAULT_REVIEW_FILE),
    )
