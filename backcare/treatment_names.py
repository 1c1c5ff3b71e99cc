"""Is a word the entity extractor took for a treatment really one? Only names from the lookup table
(data/nlu/lookups/treatment.yml, with its sources) or the knowledge base's own treatments may be named back in
"I don't have checked guidance on ..."; anything else ("stay", "knees") is left out and the question answered."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from backcare.knowledge import KnowledgeBase

TREATMENT_NAMES_FILE = Path(__file__).resolve().parents[1] / "data" / "nlu" / "lookups" / "treatment.yml"


def _canonical(value: str) -> str:
    return " ".join(str(value).lower().replace("_", " ").replace("-", " ").split())


@lru_cache(maxsize=1)
def treatment_names(path: Path = TREATMENT_NAMES_FILE) -> frozenset[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return frozenset(
        _canonical(line.strip()[2:])
        for item in document.get("nlu") or ()
        if item.get("lookup") == "treatment"
        for line in item["examples"].splitlines()
        if line.strip().startswith("- ")
    )


def is_treatment_name(value: str, kb: KnowledgeBase) -> bool:
    return kb.for_treatment(value) is not None or _canonical(value) in treatment_names()
