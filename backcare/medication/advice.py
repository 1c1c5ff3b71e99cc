"""Answer a medicine question for this person: their cautions first, then what the medicine is, what NICE
says and who to ask. Two medicines get an answer about the pair. Facts and wording live in `medicines.yml`;
this module only chooses and orders them, and never gives a dose beyond "never more than the label says".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from backcare.content import LIST_ITEM
from backcare.medication.catalogue import Catalogue, Condition, Medicine, load_catalogue, normalise
from backcare.reply import Button


@dataclass(frozen=True)
class MedicationAdvice:
    text: str
    cautions: list[str]  # ids of the person's conditions that produced a caution
    sources: list[str]
    buttons: tuple[Button, ...]
    known: bool  # False when any medicine asked about is not in medicines.yml


@dataclass(frozen=True)
class _Person:
    conditions: tuple[Condition, ...]
    unrecognised: tuple[str, ...]  # condition words we have no entry for, named back honestly

    @property
    def told_us(self) -> bool:
        return bool(self.conditions or self.unrecognised)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _or_words(items: Sequence[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return " or ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])} or {items[-1]}"


def _bullets(heading: str, items: Sequence[str]) -> str:
    """A heading and one item a line: cautions read as a short list, not one long line of semicolons."""
    return "\n".join([heading, *(f"{LIST_ITEM}{item}" for item in items)]) if items else ""


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _person(book: Catalogue, values: Sequence[str]) -> _Person:
    found = [(value, book.condition(value)) for value in _unique(normalise(v) for v in values if v)]
    conditions = tuple({c.id: c for _, c in found if c}.values())
    unrecognised = tuple(value.replace("_", " ") for value, c in found if c is None)
    return _Person(conditions, unrecognised)


def _cautions_for(medicine: Medicine, person: _Person) -> list[tuple[str, str]]:
    return [
        (c.id, _capitalise(medicine.condition_cautions[c.id].format(name=medicine.name)))
        for c in person.conditions
        if c.id in medicine.condition_cautions
    ]


def _personal_block(book: Catalogue, medicine: Medicine, person: _Person) -> str:
    """The person's own cautions under a bold heading; then, honestly, the conditions we have no checked
    advice on (never "no specific warning", which reads as reassurance)."""
    block = _bullets(
        book.messages.for_you.format(name=medicine.name), [text for _, text in _cautions_for(medicine, person)]
    )
    uncovered = [c.label for c in person.conditions if c.id not in medicine.condition_cautions]
    uncovered += person.unrecognised
    if not uncovered:
        return block
    unchecked = book.messages.no_checked_advice.format(name=medicine.name, conditions=_or_words(uncovered))
    return "\n\n".join(part for part in (block, unchecked) if part)


def _who_must_check(book: Catalogue, medicines: Sequence[Medicine]) -> str:
    """For someone who named no conditions: who must not use these medicines, and who should ask first."""
    never = [
        _bullets(
            book.messages.do_not_use.format(name=medicine.name),
            [c.who for c in book.conditions.values() if c.id in medicine.rules_out],
        )
        for medicine in medicines
    ]
    # A condition that rules out one of the medicines still needs a check for the others.
    cautioned = {key for medicine in medicines for key in set(medicine.condition_cautions) - medicine.rules_out}
    check = _bullets(book.messages.check_first, [c.who for c in book.conditions.values() if c.id in cautioned])
    return "\n\n".join(block for block in (*never, check) if block)


def _next_step(book: Catalogue, medicines: Sequence[Medicine]) -> str:
    steps = {medicine.next_step for medicine in medicines}
    return book.messages.next_steps["gp" if "gp" in steps else "pharmacist"]


def _about(book: Catalogue, medicine: Medicine) -> list[str]:
    general = list(medicine.cautions) + ([book.messages.dose] if medicine.dose else [])
    listed = "\n".join(f"{LIST_ITEM}{item}" for item in general)
    return [f"{medicine.what_it_is} {medicine.how_it_may_help} {medicine.nice_position}", listed]


def _one(book: Catalogue, medicine: Medicine, person: _Person) -> list[str]:
    if person.told_us:
        return [_personal_block(book, medicine, person), *_about(book, medicine), _next_step(book, [medicine])]
    who = _who_must_check(book, [medicine])
    return [*_about(book, medicine), who, _next_step(book, [medicine])]


def _pair_text(book: Catalogue, first: Medicine, second: Medicine) -> str:
    rule = book.pair_rule(first, second)
    template = rule.text if rule else book.messages.pair_fallback
    return _capitalise(template.format(a=first.name, b=second.name))


def _several(book: Catalogue, medicines: Sequence[Medicine], person: _Person) -> list[str]:
    personal = [_personal_block(book, m, person) for m in medicines] if person.told_us else []
    together = [_pair_text(book, a, b) for a, b in combinations(medicines, 2)]
    who = "" if person.told_us else _who_must_check(book, medicines)
    return [*personal, " ".join(_unique(together)), who, _next_step(book, medicines)]


def _pair_sources(book: Catalogue, medicines: Sequence[Medicine]) -> list[str]:
    rules = (book.pair_rule(a, b) for a, b in combinations(medicines, 2))
    return [source for rule in rules if rule for source in rule.sources]


def _unknown_text(book: Catalogue, names: Sequence[str]) -> str:
    return " ".join(book.messages.unknown.format(name=name.replace("_", " ")) for name in names)


def has_general_answer_for(conditions: Sequence[str]) -> bool:
    """True when "what painkiller can I take?" needs an answer of its own for one of these conditions
    (pregnancy, breastfeeding): the usual answer leads with anti-inflammatories."""
    book = load_catalogue()
    return any(c.id in book.messages.general_for for c in _person(book, conditions).conditions)


def _general(book: Catalogue, person: _Person) -> tuple[str, list[str]]:
    """No medicine named: the answer for the person's conditions where one exists, else NICE's first choice
    and, when they named conditions, a reminder to tell the pharmacist about them."""
    specific = [book.messages.general_for[c.id] for c in person.conditions if c.id in book.messages.general_for]
    if specific:
        return "\n\n".join(a.text for a in specific), [s for a in specific for s in a.sources]
    who = [c.who for c in person.conditions]
    reminder = book.messages.tell_pharmacist.format(who=" and ".join(who)) if who else ""
    return " ".join(part for part in (book.messages.general, reminder) if part), list(book.messages.sources)


def medication_advice(medications: list[str], conditions: list[str]) -> MedicationAdvice:
    """Advice on one medicine, or on taking several together, for a person with these conditions.

    `medications` and `conditions` are the canonical entity values (synonyms such as "Nurofen" or
    "warfarin" are also understood). Unknown medicines get an honest "ask a pharmacist".
    """
    book = load_catalogue()
    asked = _unique(normalise(m) for m in medications if m and str(m).strip())
    found = {name: book.medicine(name) for name in asked}
    medicines = list({m.id: m for m in found.values() if m}.values())
    unknown = [name for name, medicine in found.items() if medicine is None]
    person = _person(book, conditions)
    if not medicines:
        text, sources = (_unknown_text(book, unknown), []) if unknown else _general(book, person)
        return MedicationAdvice(text, [], _unique(sources), book.buttons, known=not unknown)
    parts = _one(book, medicines[0], person) if len(medicines) == 1 else _several(book, medicines, person)
    if unknown:
        parts.insert(0, _unknown_text(book, unknown))
    cautioned = {key for medicine in medicines for key, _ in _cautions_for(medicine, person)}
    sources = [s for m in medicines for s in m.sources] + _pair_sources(book, medicines)
    return MedicationAdvice(
        text="\n\n".join(part for part in parts if part),
        cautions=[c.id for c in person.conditions if c.id in cautioned],
        sources=_unique(sources),
        buttons=book.buttons,
        known=not unknown,
    )
