"""Is a word the entity extractor took for a medicine really a medicine's name? "I can't advise on mum" came from
an extractor that tagged "mum"; only real names (the medicines we know, and the UK medicine names of the NLU's
lookup table, data/nlu/lookups/medication.yml, with its sources) may be named back to the person."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from backcare.medication.catalogue import load_catalogue, normalise

MEDICINE_NAMES_FILE = Path(__file__).resolve().parents[2] / "data" / "nlu" / "lookups" / "medication.yml"


@lru_cache(maxsize=1)
def medicine_names(path: Path = MEDICINE_NAMES_FILE) -> frozenset[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = set()
    for item in document.get("nlu") or ():
        if item.get("lookup") == "medication" or "synonym" in item:
            names.update(normalise(line.strip()[2:]) for line in item["examples"].splitlines()
                         if line.strip().startswith("- "))
    return frozenset(names)


def is_medicine_name(value: str) -> bool:
    name = normalise(value)
    return bool(name.strip("_")) and (name in medicine_names() or load_catalogue().medicine(name) is not None)


def real_medicines(values: Iterable[str]) -> list[str]:
    """The values that name a medicine, in order."""
    return [value for value in values if is_medicine_name(value)]
