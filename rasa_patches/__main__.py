"""`python -m rasa_patches <rasa arguments>`: Rasa's own command line (`rasa shell`, `rasa run`, `rasa train`, ...)
with the project's fixes applied first. The Makefile and scripts/run.sh start Rasa this way."""

from __future__ import annotations

import sys

import rasa_patches


def main() -> None:
    # skops (the intent and scope models' file format) lists the types it trusts when first imported, by searching
    # every loaded module: 3 s once Rasa has loaded TensorFlow's thousands, under 1 s before (same lists).
    import skops.io  # noqa: F401

    rasa_patches.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"  # Rasa's help and error messages name the command as the user knows it
    rasa_main()


if __name__ == "__main__":
    main()
