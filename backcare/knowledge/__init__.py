"""The curated knowledge base: one sourced, reviewed entry per topic, treatment or medicine group.

Entries live in the YAML files beside this module; `KnowledgeBase.load()` reads and validates them once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from backcare.content import (
    ContentError,
    check_keys,
    load_yaml,
    parse_buttons,
    require_reviewed,
    require_sources,
    require_text,
    tidy_text,
)
from backcare.knowledge.subjects import names_subject
from backcare.reply import Button

CONTENT_DIR = Path(__file__).parent
CONTENT_FILES = (CONTENT_DIR / "topics.yml", CONTENT_DIR / "treatments.yml", CONTENT_DIR / "everyday.yml")
ENTRY_KEYS = (
    "id",
    "intents",
    "treatments",
    "medications",
    "title",
    "answer",
    "detail",
    "buttons",
    "sources",
    "reviewed",
    "subject_words",
    "ages_under",
    "clinic_guidance",
    "over_help_list",
)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    answer: str
    detail: Optional[str]
    buttons: tuple[Button, ...]
    sources: tuple[str, ...]
    reviewed: dt.date
    intents: tuple[str, ...] = ()
    treatments: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    # Everyday questions: words that name the entry's subject ("fit note", "mattress"), read in the message
    # whatever the intent's broad area; `ages_under` also picks it for a young person's age ("my son, 14").
    subject_words: tuple[str, ...] = ()
    ages_under: Optional[int] = None
    # True when no NHS, NICE or GOV.UK page says this: the clinic's own advice, for the physio lead to sign off.
    clinic_guidance: bool = False
    # True when the entry is the right answer even if the model read the question as "when should I get help?"
    # (the model takes "do I need a fit note?" for that): a practical subject, or one with its own warning signs.
    over_help_list: bool = False


def parse_entry(raw: Mapping[str, Any], where: str) -> Entry:
    check_keys(raw, ENTRY_KEYS, where)
    entry_id = require_text(raw, "id", where)
    where = f"{where} entry '{entry_id}'"
    detail = raw.get("detail")
    return Entry(
        id=entry_id,
        title=require_text(raw, "title", where),
        answer=require_text(raw, "answer", where),
        detail=tidy_text(detail) if detail else None,
        buttons=parse_buttons(raw.get("buttons"), where),
        sources=require_sources(raw, where),
        reviewed=require_reviewed(raw, where),
        intents=tuple(raw.get("intents") or ()),
        treatments=tuple(raw.get("treatments") or ()),
        medications=tuple(raw.get("medications") or ()),
        subject_words=_subject_words(raw.get("subject_words"), where),
        ages_under=_age(raw.get("ages_under"), where),
        clinic_guidance=bool(raw.get("clinic_guidance")),
        over_help_list=bool(raw.get("over_help_list")),
    )


def _subject_words(raw: Any, where: str) -> tuple[str, ...]:
    """Regular expressions, checked here so that a typo fails at start-up, not in a chat."""
    words = tuple(str(word) for word in raw or ())
    for word in words:
        try:
            re.compile(word)
        except re.error as error:
            raise ContentError(f"{where}: subject word {word!r} is not a valid pattern: {error}") from error
    return words


def _age(raw: Any, where: str) -> Optional[int]:
    if raw is None:
        return None
    if not isinstance(raw, int) or not 1 < raw < 120:
        raise ContentError(f"{where}: 'ages_under' must be an age in years")
    return raw


def _index(entries: Iterable[Entry], field: str) -> dict[str, Entry]:
    """Map each intent (or treatment, or medicine) to the one entry that answers it."""
    index: dict[str, Entry] = {}
    for entry in entries:
        for key in getattr(entry, field):
            if key in index:
                raise ContentError(f"'{key}' is answered by both '{index[key].id}' and '{entry.id}'")
            index[key] = entry
    return index


class KnowledgeBase:
    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = tuple(entries)
        ids = [entry.id for entry in self.entries]
        duplicates = {entry_id for entry_id in ids if ids.count(entry_id) > 1}
        if duplicates:
            raise ContentError(f"duplicate entry ids: {sorted(duplicates)}")
        self._by_id = {entry.id: entry for entry in self.entries}
        self._by_intent = _index(self.entries, "intents")
        self._by_treatment = _index(self.entries, "treatments")
        self._by_medication = _index(self.entries, "medications")

    @classmethod
    def load(cls, paths: Iterable[Path] = CONTENT_FILES) -> KnowledgeBase:
        entries = []
        for path in paths:
            document = load_yaml(path) or {}
            for raw in document.get("entries") or ():
                entries.append(parse_entry(raw, path.name))
        return cls(entries)

    def get(self, entry_id: str) -> Optional[Entry]:
        return self._by_id.get(entry_id)

    def for_intent(self, intent: str) -> Optional[Entry]:
        return self._by_intent.get(intent)

    def for_treatment(self, treatment: str) -> Optional[Entry]:
        return self._by_treatment.get(treatment)

    def for_medication(self, medication: str) -> Optional[Entry]:
        return self._by_medication.get(medication)

    def for_subject(self, text: str) -> Optional[Entry]:
        """The first entry (in file order) whose subject the message names, if any."""
        return next((entry for entry in self.entries if names_subject(entry, text)), None)

    @property
    def intents(self) -> frozenset[str]:
        return frozenset(self._by_intent)

    @property
    def treatments(self) -> frozenset[str]:
        return frozenset(self._by_treatment)
