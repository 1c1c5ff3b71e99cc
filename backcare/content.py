"""Shared checks for the YAML content files: every entry must say where its facts come from and when a
person last reviewed it, so a broken file fails at start-up rather than in a patient's chat."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from backcare.reply import Button


class ContentError(ValueError):
    """A content file is missing something a patient-facing answer needs."""


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


LIST_ITEM = "- "


def tidy_text(value: str) -> str:
    """Single spaces inside a line; but a line starting "- " (a list item) keeps a line of its own and a blank
    line keeps its paragraph break, so a list written in YAML (`|-` block) reaches the person as a list."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", value.strip()):
        lines: list[str] = []
        for raw in block.splitlines():
            words = " ".join(raw.split())
            if words.startswith(LIST_ITEM) or (words and not lines):
                lines.append(words)
            elif words:
                lines[-1] = f"{lines[-1]} {words}"
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def reading_text(text: str) -> str:
    """The text as a reader meets it, for readability scores: each list item is a short sentence of its own
    (without this, a list with no full stops would be scored as one very long sentence)."""
    units = []
    for line in text.replace("**", "").splitlines():
        line = line.strip().removeprefix(LIST_ITEM)
        if line:
            units.append(line if line[-1] in ".!?:" else f"{line}.")
    return " ".join(units)


def prose(text: str) -> str:
    """The text without its list items: the sentences a reader goes through one after another."""
    return " ".join(line for line in text.splitlines() if line.strip() and not line.startswith(LIST_ITEM))


def plain_words(text: str) -> str:
    """Lower case, straight apostrophes, single spaces: the form the deterministic readings (medicine words,
    everyday subjects) write their patterns for."""
    return " ".join(str(text).lower().replace("\u2019", "'").split())


def require_text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: '{key}' must be non-empty text")
    return tidy_text(value)


def check_keys(entry: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = set(entry) - set(allowed)
    if unknown:
        raise ContentError(f"{where}: unknown key(s) {sorted(unknown)}")


def require_sources(entry: Mapping[str, Any], where: str) -> tuple[str, ...]:
    sources = entry.get("sources")
    if not sources or not all(isinstance(s, str) and s.startswith("https://") for s in sources):
        raise ContentError(f"{where}: 'sources' must list at least one https URL")
    return tuple(sources)


def require_reviewed(entry: Mapping[str, Any], where: str) -> dt.date:
    reviewed = entry.get("reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError as error:
            raise ContentError(f"{where}: 'reviewed' is not a date: {reviewed!r}") from error
    if not isinstance(reviewed, dt.date):
        raise ContentError(f"{where}: 'reviewed' must be a date (YYYY-MM-DD)")
    return reviewed


def parse_buttons(raw: Any, where: str) -> tuple[Button, ...]:
    buttons = []
    for item in raw or ():
        if not isinstance(item, Mapping) or not item.get("title") or not item.get("payload"):
            raise ContentError(f"{where}: every button needs a title and a payload")
        buttons.append(Button(title=str(item["title"]), payload=str(item["payload"])))
    return tuple(buttons)
