"""Start the staff console: python -m console [--host H] [--port P] (defaults from console/settings.py)."""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Optional

import sanic  # noqa: F401  (first: importing Sanic turns deprecation warnings back on)

# Matplotlib (the report's charts) and Rasa's dependencies warn their developers about deprecations on import.
warnings.filterwarnings("ignore", category=DeprecationWarning)

from console.app import create_app  # noqa: E402
from console.settings import console_settings  # noqa: E402

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def quiet_libraries() -> None:
    """Sanic's own access log would name every URL with its query; ours names routes only (console/app.py).
    Matplotlib's and Rasa's notes are for their developers."""
    logging.getLogger("sanic.access").disabled = True
    for name in ("sanic.root", "matplotlib", "rasa"):
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    settings = console_settings()
    settings = replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    quiet_libraries()
    app = create_app(settings)
    if not app.ctx.accounts.staff_names():
        print("No staff account yet: create one with  make staff-user ARGS=\"add 'Your Name'\"", file=sys.stderr)
    print(f"Staff console at http://{settings.host}:{settings.port}/", file=sys.stderr, flush=True)
    app.run(host=settings.host, port=settings.port, access_log=False, workers=1, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
