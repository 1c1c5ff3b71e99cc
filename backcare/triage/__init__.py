"""Red-flag triage: spot warning signs in a message and say what to do at each level.

Plain Python (no Rasa), so both the NLU safety net and the actions can use it. Rules and wording are data:
`red_flags.yml` (signs and patterns) and `advice.yml` (replies and screening questions).
"""

from backcare.triage.advice import (
    Disposition,
    ScreeningQuestion,
    disposition,
    load_advice,
    screening_disposition,
    screening_level,
    screening_none_found,
    screening_questions,
    triage_message,
)
from backcare.triage.detector import (
    Level,
    RedFlag,
    RedFlagMatch,
    detect_red_flags,
    highest_level,
    load_red_flags,
    names_a_red_flag,
)

__all__ = [
    "Disposition",
    "Level",
    "RedFlag",
    "RedFlagMatch",
    "ScreeningQuestion",
    "detect_red_flags",
    "disposition",
    "highest_level",
    "load_advice",
    "load_red_flags",
    "names_a_red_flag",
    "screening_disposition",
    "screening_level",
    "screening_none_found",
    "screening_questions",
    "triage_message",
]
