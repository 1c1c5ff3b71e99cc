"""Load and check `medicines.yml` once: medicines, their cautions, the conditions they apply to, and the
advice for pairs. A missing source, an unknown key or condition, or empty text raises ContentError (a
ValueError) at start-up, not in a patient's chat."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Optional, TypeVar

from backcare.content import (
    ContentError,
    check_keys,
    load_yaml,
    parse_buttons,
    require_reviewed,
    require_sources,
    require_text,
)
from backcare.reply import Button

MEDICINES_FILE = Path(__file__).with_name("medicines.yml")
FILE_KEYS = ("conditions", "messages", "buttons", "kinds", "medicines", "pairs")
CONDITION_KEYS = ("label", "who", "aliases")
MESSAGE_KEYS = (
    "for_you",
    "no_checked_advice",
    "check_first",
    "do_not_use",
    "tell_pharmacist",
    "dose",
    "next_steps",
    "unknown",
    "pair_fallback",
    "general",
    "general_for",
    "sources",
    "reviewed",
)
GENERAL_FOR_KEYS = ("text", "sources", "reviewed")
KIND_KEYS = ("dose", "condition_cautions", "rules_out", "sources", "reviewed")
MEDICINE_KEYS = (
    "id",
    "name",
    "kind",
    "aliases",
    "contains",
    "what_it_is",
    "how_it_may_help",
    "nice_position",
    "cautions",
    "condition_cautions",
    "rules_out",
    "next_step",
    "sources",
    "reviewed",
)
PAIR_KEYS = ("id", "a", "b", "text", "sources", "reviewed")


def normalise(value: str) -> str:
    """'Co-codamol ' -> 'co_codamol': the form of entity values and YAML ids."""
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower())


@dataclass(frozen=True)
class Condition:
    id: str
    label: str  # "kidney problems"
    who: str  # "have kidney problems", after "Check first if you:"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Medicine:
    id: str
    name: str
    kind: str
    contains: tuple[str, ...]
    aliases: tuple[str, ...]
    what_it_is: str
    how_it_may_help: str
    nice_position: str
    cautions: tuple[str, ...]
    condition_cautions: Mapping[str, str]  # condition id -> caution, with {name} filled in
    dose: bool  # add the "lowest dose, never more than the label" line
    next_step: str
    sources: tuple[str, ...]
    reviewed: dt.date
    rules_out: frozenset[str] = frozenset()  # condition ids for which it must not be used at all

    @property
    def tags(self) -> frozenset[str]:
        """What pair selectors can name: the id, kind:<kind>, contains:<ingredient>."""
        return frozenset({self.id, f"kind:{self.kind}", *(f"contains:{part}" for part in self.contains)})


@dataclass(frozen=True)
class PairRule:
    id: str
    a: frozenset[str]
    b: frozenset[str]
    text: str
    sources: tuple[str, ...]
    reviewed: dt.date

    def applies(self, first: Medicine, second: Medicine) -> bool:
        def fits(x: Medicine, y: Medicine) -> bool:
            return bool(self.a & x.tags) and bool(self.b & y.tags)

        return fits(first, second) or fits(second, first)


@dataclass(frozen=True)
class GeneralAnswer:
    """What to say to "what painkiller can I take?" when no medicine is named."""

    text: str
    sources: tuple[str, ...]
    reviewed: dt.date


@dataclass(frozen=True)
class Messages:
    for_you: str
    no_checked_advice: str
    check_first: str
    do_not_use: str
    tell_pharmacist: str
    dose: str
    next_steps: Mapping[str, str]
    unknown: str
    pair_fallback: str
    general: str
    sources: tuple[str, ...]
    # condition id -> the answer for someone with that condition (pregnancy: paracetamol first, not NSAIDs)
    general_for: Mapping[str, GeneralAnswer] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    conditions: Mapping[str, Condition]
    medicines: Mapping[str, Medicine]
    pairs: tuple[PairRule, ...]
    messages: Messages
    buttons: tuple[Button, ...]

    def medicine(self, value: str) -> Optional[Medicine]:
        return _lookup(self.medicines, value)

    def condition(self, value: str) -> Optional[Condition]:
        return _lookup(self.conditions, value)

    def pair_rule(self, first: Medicine, second: Medicine) -> Optional[PairRule]:
        return next((rule for rule in self.pairs if rule.applies(first, second)), None)


_Named = TypeVar("_Named", Medicine, Condition)


def _lookup(items: Mapping[str, _Named], value: str) -> Optional[_Named]:
    """By id, or by an alias such as a brand name."""
    key = normalise(value)
    return items.get(key) or next((item for item in items.values() if key in item.aliases), None)


# --- parsing ---------------------------------------------------------------------------------------------


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _text(raw: Mapping[str, Any], key: str, where: str, allowed: Iterable[str] = ()) -> str:
    """Non-empty text whose {placeholders} are all allowed (a typo would otherwise fail mid-chat)."""
    text = require_text(raw, key, where)
    unknown = _fields(text) - set(allowed)
    if unknown:
        raise ContentError(f"{where}: '{key}' uses unknown placeholder(s) {sorted(unknown)}")
    return text


def _text_list(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ContentError(f"{where}: expected a list")
    return tuple(_text({"item": item}, "item", where) for item in raw)


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ContentError(f"{where}: expected a mapping")
    return raw


def _parse_conditions(raw: Any, where: str) -> dict[str, Condition]:
    conditions = {}
    for condition_id, entry in _mapping(raw, where).items():
        here = f"{where} condition '{condition_id}'"
        entry = _mapping(entry, here)
        check_keys(entry, CONDITION_KEYS, here)
        aliases = tuple(normalise(alias) for alias in entry.get("aliases") or ())
        conditions[condition_id] = Condition(
            condition_id, _text(entry, "label", here), _text(entry, "who", here), aliases
        )
    if not conditions:
        raise ContentError(f"{where}: no conditions")
    return conditions


def _parse_cautions(raw: Any, conditions: Mapping[str, Condition], where: str) -> dict[str, str]:
    cautions = _mapping(raw, where)
    unknown = set(cautions) - set(conditions)
    if unknown:
        raise ContentError(f"{where}: caution for unknown condition(s) {sorted(unknown)}")
    return {key: _text(cautions, key, where, allowed=("name",)) for key in cautions}


def _parse_general_for(raw: Any, conditions: Mapping[str, Condition], where: str) -> dict[str, GeneralAnswer]:
    answers = {}
    for condition_id, entry in _mapping(raw, where).items():
        here = f"{where} general_for '{condition_id}'"
        if condition_id not in conditions:
            raise ContentError(f"{here}: unknown condition")
        entry = _mapping(entry, here)
        check_keys(entry, GENERAL_FOR_KEYS, here)
        answers[condition_id] = GeneralAnswer(
            _text(entry, "text", here), require_sources(entry, here), require_reviewed(entry, here)
        )
    return answers


def _parse_messages(raw: Any, conditions: Mapping[str, Condition], where: str) -> Messages:
    raw = _mapping(raw, where)
    check_keys(raw, MESSAGE_KEYS, where)
    next_steps = _mapping(raw.get("next_steps"), f"{where} next_steps")
    require_reviewed(raw, where)
    return Messages(
        for_you=_text(raw, "for_you", where, ("name",)),
        no_checked_advice=_text(raw, "no_checked_advice", where, ("name", "conditions")),
        check_first=_text(raw, "check_first", where),
        do_not_use=_text(raw, "do_not_use", where, ("name",)),
        tell_pharmacist=_text(raw, "tell_pharmacist", where, ("who",)),
        dose=_text(raw, "dose", where),
        next_steps={key: _text(next_steps, key, f"{where} next_steps") for key in next_steps},
        unknown=_text(raw, "unknown", where, ("name",)),
        pair_fallback=_text(raw, "pair_fallback", where, ("a", "b")),
        general=_text(raw, "general", where),
        sources=require_sources(raw, where),
        general_for=_parse_general_for(raw.get("general_for"), conditions, where),
    )


@dataclass(frozen=True)
class _Kind:
    dose: bool
    condition_cautions: Mapping[str, str]
    sources: tuple[str, ...]
    rules_out: frozenset[str]


def _rules_out(raw: Any, cautions: Mapping[str, str], where: str) -> frozenset[str]:
    """Conditions that rule a medicine out: each needs its own "do not use" caution to say so."""
    ruled_out = frozenset(raw or ())
    if ruled_out - set(cautions):
        raise ContentError(
            f"{where}: 'rules_out' names condition(s) without a caution {sorted(ruled_out - set(cautions))}"
        )
    return ruled_out


def _parse_kinds(raw: Any, conditions: Mapping[str, Condition], where: str) -> dict[str, _Kind]:
    kinds = {}
    for kind_id, entry in _mapping(raw, where).items():
        here = f"{where} kind '{kind_id}'"
        entry = _mapping(entry, here)
        check_keys(entry, KIND_KEYS, here)
        require_reviewed(entry, here)
        cautions = _parse_cautions(entry.get("condition_cautions"), conditions, here)
        rules_out = _rules_out(entry.get("rules_out"), cautions, here)
        kinds[kind_id] = _Kind(bool(entry.get("dose")), cautions, require_sources(entry, here), rules_out)
    return kinds


def _parse_medicine(
    raw: Mapping[str, Any],
    kinds: Mapping[str, _Kind],
    conditions: Mapping[str, Condition],
    next_steps: Iterable[str],
    where: str,
) -> Medicine:
    check_keys(raw, MEDICINE_KEYS, where)
    medicine_id = require_text(raw, "id", where)
    where = f"{where} medicine '{medicine_id}'"
    kind = _kinds_entry(kinds, raw.get("kind"), where)
    next_step = require_text(raw, "next_step", where)
    if next_step not in next_steps:
        raise ContentError(f"{where}: 'next_step' must be one of {sorted(next_steps)}")
    own_cautions = _parse_cautions(raw.get("condition_cautions"), conditions, where)
    cautions = {**kind.condition_cautions, **own_cautions}
    return Medicine(
        id=medicine_id,
        name=require_text(raw, "name", where),
        kind=str(raw["kind"]),
        contains=tuple(raw.get("contains") or (medicine_id,)),
        aliases=tuple(normalise(alias) for alias in raw.get("aliases") or ()),
        what_it_is=_text(raw, "what_it_is", where),
        how_it_may_help=_text(raw, "how_it_may_help", where),
        nice_position=_text(raw, "nice_position", where),
        cautions=_text_list(raw.get("cautions"), f"{where} cautions"),
        condition_cautions=cautions,
        dose=kind.dose,
        next_step=next_step,
        sources=tuple(dict.fromkeys(require_sources(raw, where) + kind.sources)),
        reviewed=require_reviewed(raw, where),
        rules_out=kind.rules_out | _rules_out(raw.get("rules_out"), cautions, where),
    )


def _kinds_entry(kinds: Mapping[str, _Kind], kind: Any, where: str) -> _Kind:
    if kind not in kinds:
        raise ContentError(f"{where}: 'kind' must be one of {sorted(kinds)}")
    return kinds[kind]


def _parse_pair(raw: Mapping[str, Any], known_tags: frozenset[str], where: str) -> PairRule:
    check_keys(raw, PAIR_KEYS, where)
    rule_id = require_text(raw, "id", where)
    where = f"{where} pair '{rule_id}'"
    sides = []
    for side in ("a", "b"):
        selectors = frozenset(raw.get(side) or ())
        if not selectors or selectors - known_tags:
            raise ContentError(f"{where}: '{side}' must name known medicines, kinds or ingredients")
        sides.append(selectors)
    reviewed = require_reviewed(raw, where)
    text = _text(raw, "text", where, ("a", "b"))
    return PairRule(rule_id, sides[0], sides[1], text, require_sources(raw, where), reviewed)


@cache
def load_catalogue(path: Path = MEDICINES_FILE) -> Catalogue:
    document = load_yaml(path)
    where = path.name
    if not isinstance(document, Mapping):
        raise ContentError(f"{where}: expected a mapping with {list(FILE_KEYS)}")
    check_keys(document, FILE_KEYS, where)
    conditions = _parse_conditions(document.get("conditions"), where)
    messages = _parse_messages(document.get("messages"), conditions, f"{where} messages")
    kinds = _parse_kinds(document.get("kinds"), conditions, where)
    medicines = {}
    for raw in document.get("medicines") or ():
        medicine = _parse_medicine(_mapping(raw, where), kinds, conditions, messages.next_steps, where)
        if medicine.id in medicines:
            raise ContentError(f"{where}: duplicate medicine '{medicine.id}'")
        medicines[medicine.id] = medicine
    if not medicines:
        raise ContentError(f"{where}: no medicines")
    known_tags = frozenset().union(*(medicine.tags for medicine in medicines.values()))
    pairs = tuple(_parse_pair(_mapping(raw, where), known_tags, where) for raw in document.get("pairs") or ())
    buttons = parse_buttons(document.get("buttons"), where)
    return Catalogue(conditions, medicines, pairs, messages, buttons)
