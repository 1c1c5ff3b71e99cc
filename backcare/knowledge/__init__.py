"""The curated knowledge base: one sourced, reviewed entry per topic, treatment or medicine group.

Entries live in the YAML files beside this module; `KnowledgeBase.load()` reads and validates them once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

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
from backcare.reply import Button

CONTENT_DIR = Path(__file__).parent
CONTENT_FILES = (CONTENT_DIR / "topics.yml", CONTENT_DIR / "treatments.yml")
ENTRY_KEYS = (
    "id", "intents", "treatments", "medications", "title", "answer", "detail", "buttons", "sources", "reviewed",
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
    )


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
    def load(cls, paths: Iterable[Path] = CONTENT_FILES) -> "KnowledgeBase":
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

    @property
    def intents(self) -> frozenset[str]:
        return frozenset(self._by_intent)

    @property
    def treatments(self) -> frozenset[str]:
        return frozenset(self._by_treatment)
