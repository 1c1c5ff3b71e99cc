"""A short, redacted summary of a conversation for a call-back request, so the person who rings back knows
what it was about without reading the whole chat. Phone numbers, emails, postcodes and long numbers are
masked (`backcare.redaction`, the project's one masking module), and so are the name and contact details given in
the call-back slots; the person's own words are included only when they consented to their details being kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from backcare.redaction import mask_details

MAX_SUMMARY = 600
TOPIC_WORDS = {
    "ask_what_is_spasm": "what a back spasm is",
    "ask_symptoms": "symptoms",
    "ask_causes": "causes",
    "ask_diagnosis": "scans and diagnosis",
    "ask_treatment": "treatment",
    "ask_medication": "medicines",
    "ask_prevention": "prevention",
    "ask_recovery": "recovery time",
    "ask_when_to_seek_help": "when to get help",
    "ask_which_professional": "who to see",
    "report_red_flag": "a possible red-flag sign",
    "ask_nhs": "NHS options",
    "find_physio": "finding a physio",
    "book_appointment": "booking",
    "ask_insurance": "insurance",
    "ask_clinic_info": "clinic details",
}


def conversation_summary(
    intents: Sequence[str],
    messages: Sequence[str] = (),
    triage_level: Optional[str] = None,
    include_messages: bool = False,
    last: int = 3,
    personal: Sequence[str] = (),
) -> str:
    """'Asked about: causes, treatment. Triage: urgent. Last messages: "..." / "...".' `personal`: the name and
    contact details the person gave (`backcare.redaction.personal_values`), masked in their messages."""
    topics = list(dict.fromkeys(TOPIC_WORDS[i] for i in intents if i in TOPIC_WORDS))
    parts = [f"Asked about: {', '.join(topics)}." if topics else "No topic discussed yet."]
    if triage_level in ("emergency", "urgent"):
        parts.append(f"Red-flag triage: {triage_level} advice was given.")
    if include_messages:
        said = [mask_details(" ".join(m.split()), personal)[:160] for m in messages if m and not m.startswith("/")][
            -last:
        ]
        if said:
            parts.append("Last messages: " + " / ".join(f'"{m}"' for m in said) + ".")
    summary = " ".join(parts)
    return summary if len(summary) <= MAX_SUMMARY else summary[: MAX_SUMMARY - 1] + "\u2026"
