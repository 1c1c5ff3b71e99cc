"""Reading the intent ranking Rasa gives a message (`intent_ranking`: `{"name", "confidence"}` items, best first),
in plain Python so that both the NLU components and the actions use the same reading.

Each caller keeps its own policy (which intents do not count as a reading, how sure the classifier must be, which
places of the ranking it looks at): this module only walks the ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from typing import Any, Optional

# Intents that are not the classifier's reading of the message but something set over it: the FallbackClassifier's
# "unsure", the out-of-scope gate's decline and the red-flag safety net's escalation.
NLU_FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
RED_FLAG = "report_red_flag"


@dataclass(frozen=True)
class Reading:
    intent: str
    confidence: float


def first_reading(
    ranking: Iterable[Mapping[str, Any]], skip: Set[str] = frozenset(), min_confidence: float = 0.0
) -> Optional[Reading]:
    """The first intent of the ranking that is not in `skip`, or None when there is none or the classifier gave it
    less than `min_confidence` (a weaker one further down never stands in for it)."""
    for item in ranking:
        name = item.get("name")
        if not name or name in skip:
            continue
        confidence = float(item.get("confidence") or 0.0)
        return Reading(str(name), confidence) if confidence >= min_confidence else None
    return None
