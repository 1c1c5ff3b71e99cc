"""The question a message asks, read from its wording when the classifier only caught the broad area: "why would
his back just go like that?" and "is it from all the carrying?" ask what caused it, "how do I stop it coming back?"
how to prevent it, "when can he play again?" how long it lasts, though each also says the back has gone into spasm,
which the classifier reads as a request for treatment. Only applied to the broad readings (GENERAL_INTENTS)."""

from __future__ import annotations

import re
from typing import Optional

GENERAL_INTENTS = frozenset({"ask_treatment", "ask_what_is_spasm", "ask_symptoms", "inform"})
CUES = (
    (
        "ask_causes",
        re.compile(
            r"\bwhy\s+(?:would|does|did|do|has|is|does\s+it|did\s+it|would\s+it)\s+(?:my|his|her|their|the|it|a|this)\b"
            r"|\bwhy\s+from\b|\bwhat\s+(?:causes?|caused|made|makes|brings?\s+on|triggers?|set\s+(?:it|this)\s+off)\b"
            r"|\b(?:is|was|could|can)\s+(?:it|this|that)\s+(?:\w+\s+)?(?:be\s+)?(?:from|because|due\s+to|caused)\b"
            r"|\b(?:is|was)\s+(?:it|this)\s+(?:the\s+)?cause\b|\bthis\s+is\s+the\s+cause\b|\b(?:runs?|run)\s+in\s+(?:the\s+)?famil"
            r"|\bgenetic\b|\bhereditary\b|\bcan\s+(?:\w+\s+){1,3}(?:cause|give|trigger|bring\s+on)\s+(?:\w+\s+)?(?:a\s+)?"
            r"(?:back\s+)?spasms?\b|\b(?:the\s+)?(?:lifting|twisting|bending)\s+or\s+the\s+(?:lifting|twisting|bending)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "ask_prevention",
        re.compile(
            r"\b(?:stop|prevent|avoid)\w*\s+(?:it|this|them|spasms?|my\s+back|(?:it|this)\s+from)?\s*(?:happening|coming"
            r"\s+back|going\s+again|again|recurring|returning)\b|\bhow\s+(?:to|do\s+i|can\s+i)\s+(?:avoid|prevent)\b"
            r"|\bso\s+(?:it|my\s+back)\s+(?:doesn'?t|dont|won'?t)\s+(?:go|happen)\s+again\b"
            r"|\bwithout\s+hurting\s+my\s+(?:own\s+)?back\b",
            re.IGNORECASE,
        ),
    ),
    (
        "ask_recovery",
        re.compile(
            r"\bhow\s+long\s+(?:will|does|do|did|would|should)\s+(?:it|this|the\s+spasm|a\s+spasm|spasms|(?:my|his|her)"
            r"\s+back|the\s+pain|back\s+spasms?)\s+(?:\w+\s+)?(?:last|take|go\s+on|heal|be\s+(?:like|bad|sore))\b"
            r"|\bhow\s+long\s+(?:until|till|before)\s+(?:i|he|she|it|they|my|his|her)\b|\bhow\s+many\s+(?:days|weeks)\s+(?:until"
            r"|till|before|will)\b|\bwhen\s+(?:can|will|could|should)\s+(?:i|he|she|they|we)\s+(?:\w+\s+)?(?:go\s+back|return"
            r"|get\s+back|start|play|train|run|lift)\b|\bwill\s+(?:he|she|i|they)\s+be\s+(?:ok|okay|fine|alright)\s+to\b",
            re.IGNORECASE,
        ),
    ),
)


def question_asked(intent: str, text: str) -> Optional[str]:
    """The intent the wording asks for, when the classifier gave only a broad reading; else None."""
    if intent not in GENERAL_INTENTS:
        return None
    return next((cue_intent for cue_intent, pattern in CUES if pattern.search(text or "")), None)
