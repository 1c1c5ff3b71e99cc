"""Is a word the entity extractor took for a medicine really a medicine's name? "I can't advise on mum" came from
an extractor that tagged "mum"; only real names (the medicines we know, and the UK medicine names of the NLU's
lookup table, data/nlu/lookups/medication.yml, with its sources) may be named back to the person."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from backcare.medication.catalogue import load_catalogue, normalise

MEDICINE_NAMES_FILE = Path(__file__).resolve().parents[2] / "data" / "nlu" / "lookups" / "medication.yml"


@lru_cache(maxsize=1)
def medicine_names(path: Path = MEDICINE_NAMES_FILE) -> frozenset[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for item in document.get("nlu") or ():
        if item.get("lookup") == "medication" or "synonym" in item:
            names.update(
                normalise(line.strip()[2:]) for line in item["examples"].splitlines() if line.strip().startswith("- ")
            )
    return frozenset(names)


def is_medicine_name(value: str) -> bool:
    name = normalise(value)
    return bool(name.strip("_")) and (name in medicine_names() or load_catalogue().medicine(name) is not None)


def real_medicines(values: Iterable[str]) -> list[str]:
    """The values that name a medicine, in order."""
    return [value for value in values if is_medicine_name(value)]


SYNONYMS_FILE = MEDICINE_NAMES_FILE.with_name("synonyms.yml")


@lru_cache(maxsize=1)
def _condition_patterns(path: Path = SYNONYMS_FILE) -> dict[str, re.Pattern[str]]:
    """Condition id -> the words people use for it (the NLU's synonyms), for the conditions medicines care about."""
    book = load_catalogue()
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    patterns = {}
    for item in document.get("nlu") or ():
        condition = str(item.get("synonym") or "")
        if condition not in book.conditions:
            continue
        words = [line.strip()[2:].strip() for line in item["examples"].splitlines() if line.strip().startswith("- ")]
        words.append(condition.replace("_", " "))
        patterns[condition] = re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in words if w) + r")\b")
    return patterns


def named_conditions(text: str) -> list[str]:
    """Conditions a message names in words ("I have liver problems"): a caution must not depend on the entity
    extractor noticing them."""
    lowered = " ".join(str(text).lower().replace("\u2019", "'").split())
    return [condition for condition, pattern in _condition_patterns().items() if pattern.search(lowered)]
