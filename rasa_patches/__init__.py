"""Fixes to Rasa 3.6 itself. Nothing happens on import: `apply()` applies them, and every Rasa process of the
project calls it before Rasa does any work:

- the Rasa server (`rasa run`, scripts/run.sh, tests): credentials.yml names the project's channel connectors, and
  the `channels` package calls `apply()` when the server loads them, before it serves anything;
- every Rasa command the Makefile and scripts start (`rasa shell`, `rasa run`, `rasa train`, `rasa test`,
  `rasa data validate`): `python -m rasa_patches <rasa arguments>` (rasa_patches/__main__.py) applies them, then
  runs Rasa's own command line. A plain `rasa shell` in a terminal runs without them and works the same, only
  slower under load (see action_results).

Each fix keeps Rasa's behaviour and says in its module which measurement or failure it answers. Fixes that Rasa
lets us plug in by configuration live elsewhere (stores/ for the tracker and lock stores).
"""

from __future__ import annotations

from types import ModuleType

_applied = False


def _fixes() -> tuple[ModuleType, ...]:
    """Every fix, in the order they are applied."""
    from rasa_patches import (
        action_results,
        applied_events,
        event_types,
        model_loading,
        past_states,
        spacy_pipeline,
        tf_prediction,
    )

    return (action_results, spacy_pipeline, model_loading, event_types, past_states, applied_events, tf_prediction)


def apply() -> None:
    """Apply every fix (calling it again changes nothing)."""
    global _applied
    if _applied:
        return
    for fix in _fixes():
        fix.apply()
    _applied = True


def applied() -> bool:
    """True once `apply()` has run in this process and each fix is in place."""
    return _applied and all(fix.is_applied() for fix in _fixes())
