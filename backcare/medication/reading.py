"""Read the words of a medicine question that the NLU model may miss, deterministically:
- a medicine named with its form: "ibuprofen gel" is a gel on the skin (fewer side effects), not tablets;
- an allergy: "allergic to aspirin" rules out that medicine family, and is not a question about aspirin;
- an age given as a number: "I'm 72" means the over-65 cautions apply;
- pregnancy or breastfeeding in the person's own words ("20 weeks pregnant", "I'm breastfeeding"): the
  cautions that change most for them must not depend on the model tagging the word;
- a combination named by its brand ("Nurofen Plus" is ibuprofen with codeine, not ibuprofen alone).
The reading only adds cautions or corrects what was asked; it never removes a condition the person named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from backcare.content import plain_words
from backcare.medication.catalogue import Catalogue, Medicine, load_catalogue, normalise

OVER_65 = "over_65"
NSAID_ALLERGY = "nsaid_allergy"
TOPICAL_NSAID = "topical_nsaid"
OLDEST_AGE = 120  # a larger number after "I'm" is not an age
PREGNANCY = "pregnancy"
BREASTFEEDING = "breastfeeding"
_OWN_CONDITION_WORDS = {
    PREGNANCY: re.compile(r"\bpregnan(?:t|cy)\b|\bweeks?\s+gone\b|\bexpecting\s+a\s+baby\b"),
    BREASTFEEDING: re.compile(r"\bbreast[\s\-]?feed(?:ing|s)?\b|\bnursing\s+(?:my|a|the)\s+baby\b"),
}
_SKIN_FORMS = r"(?:gel|cream|spray|foam|rub|patch(?:es)?)"
_PERSON = r"(?:i'?m|i\s+am|aged?|my\s+(?:mum|mom|mother|dad|father|nan|gran|grandma|grandad|husband|wife|partner)\s+is)"
_AGE_PATTERNS = (
    re.compile(
        rf"\b{_PERSON}\s+(\d{{2,3}})\b(?!\s*(?:kg|kilos?|lbs?|stone|st|cm|mg|%|percent|hours?|hrs?|days?|weeks?|mins?))"
    ),
    re.compile(r"\b(\d{2,3})\s*(?:-\s*)?(?:years?|yrs?|y\.?o\.?)(?:\s+old)?\b"),
)
_ALLERGY_PATTERNS = (
    r"\ballerg(?:ic|y)\s+to\s+{name}\b",
    r"\b{name}\s+allerg(?:y|ies|ic)\b",
    r"\breact(?:ed|ion)?\s+(?:badly\s+)?to\s+{name}\b",
)


@dataclass(frozen=True)
class MedicineReading:
    conditions: tuple[str, ...] = ()  # condition ids the words add (over_65, nsaid_allergy)
    medicines: tuple[str, ...] = ()  # medicine ids the words name, which the model may not have tagged
    not_asked: tuple[str, ...] = ()  # medicine ids named only as an allergy or as the gel's active ingredient

    def applied_to(self, medications: Sequence[str]) -> list[str]:
        """The medicines really asked about: the model's values, corrected by the reading."""
        book = load_catalogue()

        def canonical(value: str) -> str:
            medicine = book.medicine(value)
            return medicine.id if medicine else normalise(value)

        kept = [value for value in medications if canonical(value) not in self.not_asked]
        return list(dict.fromkeys([*kept, *self.medicines]))


def _words(medicine: Medicine) -> list[str]:
    """Every way the catalogue names a medicine, as spaced words: 'co_codamol' -> 'co codamol'."""
    names = {medicine.id, medicine.name, *medicine.aliases}
    return sorted({name.replace("_", " ").lower() for name in names}, key=len, reverse=True)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(word).replace(r"\ ", r"[\s\-]+") for word in words)


def _names(medicine: Medicine) -> str:
    return f"(?:{_alternation(_words(medicine))})"


# Compiled once per catalogue: these are read on every guidance message.
@lru_cache(maxsize=1)
def _name_patterns() -> dict[str, re.Pattern[str]]:
    """One pattern per medicine id matching any of its names as whole words."""
    book = load_catalogue()
    return {m.id: re.compile(rf"\b{_names(m)}\b") for m in book.medicines.values()}


@lru_cache(maxsize=1)
def _allergy_patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    book = load_catalogue()
    return {
        m.id: tuple(re.compile(pattern.format(name=_names(m))) for pattern in _ALLERGY_PATTERNS)
        for m in book.medicines.values()
    }


@lru_cache(maxsize=1)
def _skin_form_patterns() -> dict[str, re.Pattern[str]]:
    """Per NSAID, its names followed by a skin form ("nurofen gel")."""
    return {m.id: re.compile(rf"\b{_names(m)}\s+{_SKIN_FORMS}\b") for m in _nsaids(load_catalogue())}


def _nsaids(book: Catalogue) -> list[Medicine]:
    return [medicine for medicine in book.medicines.values() if medicine.kind == "nsaid"]


def _own_conditions(text: str) -> list[str]:
    return [condition for condition, pattern in _OWN_CONDITION_WORDS.items() if pattern.search(text)]


def _age_conditions(text: str) -> list[str]:
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(text):
            if 65 <= int(match.group(1)) <= OLDEST_AGE:
                return [OVER_65]
    return []


def _allergens(text: str) -> list[str]:
    return [
        medicine_id
        for medicine_id, patterns in _allergy_patterns().items()
        if any(pattern.search(text) for pattern in patterns)
    ]


def _is_nsaid_family(medicine: Optional[Medicine]) -> bool:
    return medicine is not None and medicine.kind in ("nsaid", TOPICAL_NSAID)


def _skin_forms(text: str) -> tuple[list[str], str]:
    """NSAIDs named with a skin form ("nurofen gel"), and the text without those phrases."""
    named = []
    for medicine_id, pattern in _skin_form_patterns().items():
        if pattern.search(text):
            named.append(medicine_id)
            text = pattern.sub(" ", text)
    return named, text


def read_medicine_words(text: str) -> MedicineReading:
    book = load_catalogue()
    lowered = plain_words(text)
    allergens = _allergens(lowered)
    on_skin, rest = _skin_forms(lowered)
    # "ibuprofen gel or tablets?" still asks about ibuprofen when its name appears outside the gel phrase.
    only_on_skin = [m for m in on_skin if not _name_patterns()[m].search(rest)]
    conditions = _age_conditions(lowered) + _own_conditions(lowered)
    if any(_is_nsaid_family(book.medicine(m)) for m in allergens):
        conditions.append(NSAID_ALLERGY)
    # The model maps "Nurofen Plus" to ibuprofen; the reading knows it is the combination.
    not_asked = tuple(dict.fromkeys([*allergens, *only_on_skin, *_names_only_inside_longer(lowered)]))
    # Names the model did not tag ("voltarol" in a message it could not classify) are still asked about.
    named = [m for m in _named_in(lowered) if m not in not_asked]
    return MedicineReading(
        conditions=tuple(conditions),
        medicines=tuple(dict.fromkeys([*((TOPICAL_NSAID,) if on_skin else ()), *named])),
        not_asked=not_asked,
    )


def _names_only_inside_longer(lowered: str) -> list[str]:
    """Medicines whose every mention is part of a longer medicine name."""
    named = set(_named_in(lowered))
    return [m for m, pattern in _name_patterns().items() if pattern.search(lowered) and m not in named]


# Words any question about medicines uses: without one of them (and without a medicine's name), a message
# the model put in the medicine area ("what can I do for back pain while pregnant?") is about something else.
_MEDICINE_WORDS = re.compile(
    r"painkill|pain[\s-]?kill|pain\s+relie|medic|tablet|\bpills?\b|\bdrugs?\b|\btak(?:e|ing)\b|\bmeds?\b|"
    r"prescri|\bdos(?:e|es|age)\b|\bcreams?\b|\bgels?\b|\bsprays?\b|\bpatch(?:es)?\b|remed"
)


def mentions_medicine(text: str) -> bool:
    """True when the words ask about medicines at all: a medicine-family word or any medicine's name."""
    lowered = plain_words(text)
    return bool(_MEDICINE_WORDS.search(lowered) or _named_in(lowered))


def named_medicines(text: str) -> list[str]:
    """Medicine ids whose name (or brand, or alias) the text contains as whole words."""
    return _named_in(plain_words(text))


def _named_in(lowered: str) -> list[str]:
    """Medicine ids named in the text; a name found only inside a longer one ("nurofen" in "nurofen plus")
    names the longer medicine, not the shorter."""
    spans = {
        medicine_id: [match.span() for match in pattern.finditer(lowered)]
        for medicine_id, pattern in _name_patterns().items()
    }

    def inside_another(medicine_id: str, span: tuple[int, int]) -> bool:
        return any(
            other != medicine_id and start <= span[0] and span[1] <= end and (end - start) > (span[1] - span[0])
            for other, found in spans.items()
            for start, end in found
        )

    return [
        medicine_id
        for medicine_id, found in spans.items()
        if any(not inside_another(medicine_id, span) for span in found)
    ]
