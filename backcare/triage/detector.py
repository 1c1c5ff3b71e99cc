"""Spot red-flag signs in a free-text message, so that a possible emergency is never answered with self-care.

The patterns live in `red_flags.yml`. A mention only counts when it is not negated in its own clause
("no numbness down there" is not a match), but an unsure mention still counts ("not sure if my groin is
numb"), because missing a real emergency costs far more than a cautious reply.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, Optional

from backcare.back_words import ANIMAL_OWNER
from backcare.content import (
    ContentError,
    check_keys,
    load_yaml,
    require_reviewed,
    require_sources,
    require_text,
)

RED_FLAGS_FILE = Path(__file__).with_name("red_flags.yml")
FILE_KEYS = ("vocabulary", "flags")
FLAG_KEYS = (
    "id",
    "level",
    "label",
    "concern",
    "patterns",
    "unless",
    "unless_own",
    "note",
    "check",
    "history",
    "sources",
    "reviewed",
)
# The vocabulary word that says a message is about someone else's back (red_flags.yml).
THEIR_BACK = "THEIR_BACK"


class Level(str, Enum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    ROUTINE = "routine"

    @property
    def rank(self) -> int:
        """Higher is more urgent."""
        return {"routine": 0, "urgent": 1, "emergency": 2}[self.value]


def highest(levels: Iterable[Level]) -> Level:
    return max(levels, key=lambda level: level.rank, default=Level.ROUTINE)


@dataclass(frozen=True)
class RedFlag:
    id: str
    level: Level
    label: str
    patterns: tuple[re.Pattern[str], ...]
    sources: tuple[str, ...]
    reviewed: dt.date
    # Why this sign is an emergency, keyed into advice.yml (cauda_equina, heart, injury, ...).
    concern: Optional[str] = None
    # Clause-level vetoes, e.g. "could this be cancer?" is a worry, not a history of cancer.
    unless: tuple[re.Pattern[str], ...] = ()
    # The question (sign_checks.yml) asked first when the sign may be long-standing or pain-limited walking.
    check: Optional[str] = None
    # A history (cancer, steroids) is the sign itself: "years ago" or "all clear" does not set it aside.
    history: bool = False
    # Vetoes for a message about the person's own back ("my mum had cancer" is not their history); they do not
    # apply when the message is about someone else's back, whose history it then is (`their_back`).
    unless_own: tuple[re.Pattern[str], ...] = ()
    their_back: Optional[re.Pattern[str]] = None


@dataclass(frozen=True)
class RedFlagMatch:
    flag_id: str
    level: Level
    label: str
    text: str  # the words of the message that matched
    concern: Optional[str] = None
    # Set when the sign may not be new (or walking may be hard only from pain): ask this check before escalating.
    check: Optional[str] = None


# --- loading ---------------------------------------------------------------------------------------------

_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


def _expand(pattern: str, vocabulary: Mapping[str, str], where: str) -> str:
    """Swap {NAME} for its vocabulary entry, and make every apostrophe optional ("cant" = "can't")."""

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in vocabulary:
            raise ContentError(
                f"{where}: unknown vocabulary word {{{name}}} (define it under 'vocabulary', above any word using it)"
            )
        return f"(?:{vocabulary[name]})"

    return re.sub(r"'(?!\?)", "'?", _MACRO.sub(lookup, pattern))


def _compile(raw: Any, vocabulary: Mapping[str, str], where: str) -> tuple[re.Pattern[str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, str) and p.strip() for p in raw):
        raise ContentError(f"{where}: patterns must be a list of non-empty strings")
    compiled = []
    for pattern in raw:
        try:
            compiled.append(re.compile(_expand(pattern, vocabulary, where), re.IGNORECASE))
        except re.error as error:
            raise ContentError(f"{where}: bad pattern {pattern!r}: {error}") from error
    return tuple(compiled)


def _level(raw: Mapping[str, Any], where: str) -> Level:
    try:
        return Level(raw.get("level"))
    except ValueError as error:
        raise ContentError(f"{where}: 'level' must be one of {[level.value for level in Level]}") from error


def parse_flag(raw: Mapping[str, Any], vocabulary: Mapping[str, str], where: str) -> RedFlag:
    check_keys(raw, FLAG_KEYS, where)
    flag_id = require_text(raw, "id", where)
    where = f"{where} flag '{flag_id}'"
    patterns = _compile(raw.get("patterns"), vocabulary, where)
    if not patterns:
        raise ContentError(f"{where}: needs at least one pattern")
    return RedFlag(
        id=flag_id,
        level=_level(raw, where),
        label=require_text(raw, "label", where),
        patterns=patterns,
        sources=require_sources(raw, where),
        reviewed=require_reviewed(raw, where),
        concern=require_text(raw, "concern", where) if "concern" in raw else None,
        unless=_compile(raw.get("unless"), vocabulary, where),
        check=require_text(raw, "check", where) if "check" in raw else None,
        history=bool(raw.get("history", False)),
        unless_own=_compile(raw.get("unless_own"), vocabulary, where),
        their_back=_compile([f"{{{THEIR_BACK}}}"], vocabulary, where)[0] if "unless_own" in raw else None,
    )


def _vocabulary(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) and v.strip() for v in raw.values()):
        raise ContentError(f"{where}: 'vocabulary' must map NAMES to non-empty patterns")
    vocabulary: dict[str, str] = {}
    for name, pattern in raw.items():  # a word may use the words defined above it
        vocabulary[name] = _expand(pattern, vocabulary, f"{where} vocabulary {name}")
    return vocabulary


@cache
def _red_flag_file(path: Path) -> tuple[Mapping[str, Any], dict[str, str]]:
    """The file's document and its expanded vocabulary, read once for the flags and the detector's own rules."""
    document = load_yaml(path)
    if not isinstance(document, Mapping):
        raise ContentError(f"{path.name}: expected a mapping with 'vocabulary' and 'flags'")
    check_keys(document, FILE_KEYS, path.name)
    return document, _vocabulary(document.get("vocabulary") or {}, path.name)


@cache
def load_red_flags(path: Path = RED_FLAGS_FILE) -> tuple[RedFlag, ...]:
    """Read and check the red-flag file once; a broken file raises ContentError (a ValueError)."""
    document, vocabulary = _red_flag_file(path)
    flags = tuple(parse_flag(raw, vocabulary, path.name) for raw in document.get("flags") or ())
    if not flags:
        raise ContentError(f"{path.name}: no flags")
    ids = [flag.id for flag in flags]
    if len(set(ids)) != len(ids):
        raise ContentError(f"{path.name}: duplicate flag ids")
    return flags


# --- detection -------------------------------------------------------------------------------------------

# A negation only reaches as far as its own clause: "no fever, but I can't pee" still flags the peeing.
BOUNDARY = re.compile(
    r"[.;:!?\n,()]|\s[-\u2013\u2014]+\s|\b(?:but|and|although|though|however|whereas|except|also|plus|yet)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:no(?!\s+longer)|not|never|none|nor|neither|without|cannot|free\s+of|den(?:y|ies|ied)"
    r"|(?:do|does|did|have|has|had|is|are|was|were|wo|ca|could|would|should)n'?t)\b",
    re.IGNORECASE,
)
# Doubt is not denial: "I'm not sure if..." or "I don't think..." still counts as a mention, to be safe.
UNCERTAIN = re.compile(
    r"\b(?:not\s+(?:sure|certain|100)|unsure|dunno|no\s+idea|(?:don'?t|do\s+not)\s+(?:know|think)"
    r"|can'?t\s+(?:tell|say)|cannot\s+(?:tell|say)|maybe|perhaps|possibly|might|wonder\w*|whether)\b",
    re.IGNORECASE,
)
# "No, I have chest pain": a new subject after the cue means the cue answered something else.
_NEW_SUBJECT = re.compile(r"\b(?:i|i'?ve|i'?m|im|ive|yes|yeah|now|it'?s|it\s+is)\b", re.IGNORECASE)
# "My bladder control is fine": the all-clear comes after the sign.
_AFTER_NEGATION = re.compile(
    r"^\s*(?:(?:is|are|has\s+been|have\s+been|seems?|feels?)\s+(?:fine|ok|okay|normal|all\s*right|good|not\s+there|absent)"
    r"|(?:is|are)n'?t\s+there)\b",
    re.IGNORECASE,
)
# "Call 999 if you can't pee" or "what does saddle anaesthesia mean?" names a sign without having it.
_HYPOTHETICAL = re.compile(
    r"\bif\s+(?:you|someone|somebody|a\s+person|people)\b"
    # "what if it goes numb down below?": a sign that might come, asked about; not "what if I have numbness now".
    r"|\bwhat\s+(?:if|happens\s+if)\s+(?:it|i|my\s+\w+|the\s+\w+|this|that|they|you)\s+(?:\w+\s+){0,2}?(?:goes|go|gets|get|start|starts|become|becomes|turns?|ends?\s+up)\b"
    r"|\bif\s+(?:it|this|that)(?:'s|\s+(?:was|were|is|got))\s+(?:\w+\s+)?(?:serious|dangerous|bad|worse)\b|\bwhat\s+(?:does|is|are|do\s+you\s+mean\s+by)\s+(?:the\s+|a\s+)?$",
    re.IGNORECASE,
)
# "chest pain? no. legs? fine.": the person asks themselves and answers no.
_ASKED_AND_DENIED = re.compile(
    r"\s*\?\s*(?:no|nope|nah|none|fine|ok|okay|normal|all\s+good|all\s+fine|never)(?![\w-])", re.IGNORECASE
)
# "I'm used to helping people who've lost control of their bladder": other people in general, not anyone now.
_PEOPLE_IN_GENERAL = re.compile(
    r"\b(?:people|patients|clients|residents|folk|those|others)\s+(?:who|that|with)\b|\b(?:anyone|anybody|everyone|everybody)(?:'s|s)?\b",
    re.IGNORECASE,
)
_MAX_NEGATION_REACH = 6  # words between "no" and the sign; further away it is usually about something else
# "my own legs" is "my legs": blanked to the same length, so that the matched words still point into the message.
_OWN = re.compile(r"\b(my|his|her|their|your)\s+own\b", re.IGNORECASE)
_QUOTES = str.maketrans("\u2019\u2018\u00b4`", "''''")


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((b.end() for b in BOUNDARY.finditer(text, 0, start)), default=0)
    after = BOUNDARY.search(text, end)
    return left, after.start() if after else len(text)


def is_negated(before: str, after: str) -> bool:
    if UNCERTAIN.search(before):
        return False
    cues = list(_NEGATION.finditer(before))
    if cues:
        between = before[cues[-1].end() :]
        if not _NEW_SUBJECT.search(between) and len(between.split()) <= _MAX_NEGATION_REACH:
            return True
    return bool(_AFTER_NEGATION.match(after))


def _mentions(flag: RedFlag, text: str) -> Iterator[re.Match[str]]:
    """Every match of the flag's patterns, in order of position."""
    matches = (m for pattern in flag.patterns for m in pattern.finditer(text))
    yield from sorted(matches, key=lambda m: m.start())


# Whose sign and since when (issue 16): an animal's is never the person's; one said to be resolved is set aside;
# one said to be long-standing, or walking made hard by the pain, gets one question before escalating.
# (backcare.back_words.ANIMAL_OWNER: the animal owns the sign, not "I tripped over the dog".)
_RESOLVED = re.compile(
    r"\b(?:fine\s+(?:since|ever\s+since|now)|(?:they're|theyre|it's|its)\s+(?:fine|ok|okay|normal)\s+now|all\s+clear|(?:fully\s+)?recovered|better\s+now|no\s+(?:problems?|issues?)"
    r"\s+since|sorted\s+(?:now|since|with|by|out|it|that|them)|(?:it's|its|it\s+is|that's|thats|all)\s+(?:all\s+)?sorted|(?:it's|its|it\s+is|all|everything's|everything\s+is)\s+(?:all\s+)?(?:fine|ok|okay|normal)\s+now"
    r"|(?:he's|she's|hes|shes|he\s+is|she\s+is)\s+(?:fine|ok|okay|alright|all\s+right|well)(?:\s+now)?|(?:temp|temperature)(?:'s|\s+has|\s+is)?\s+(?:been\s+)?(?:back\s+to\s+)?normal|cleared|went\s+away|gone\s+now|(?:that's|thats|all|totally|completely)\s+gone(?=\s*(?:[.,;!?\n]|$|now\b))|back\s+to\s+normal|stopped\s+(?:after|when|once|years|ages|long)|(?:legs|they|it)\s+(?:are|is)"
    r"\s+fine)\b",
    re.IGNORECASE,
)
_LONG_STANDING = re.compile(
    r"\bfor\s+(?:(?:like|about|over|nearly|almost|around)\s+)?(?:years|yrs|decades|(?:\d+|a\s+few|few|several|many|two|three|four|five|six|seven"
    r"|eight|nine|ten|twenty)\s+(?:years?|yrs?|decades?))\b|\b(?:\d+|a\s+few|few|several|many|two|three|four|five|ten)"
    r"\s+(?:years?|yrs?)\s+ago\b|\b(?:since|after)\s+(?:his|her|my|their|the|a|an)\s+(?:\w+\s+)?(?:stroke|operation"
    r"|surgery|op|childbirth|birth|baby|pregnancy|labour|delivery|diagnosis|prostate\w*|hysterectomy|ms|diabetes|accident|injury)\b"
    r"|\b(?:all|most\s+of)\s+(?:my|his|her|their)\s+life\b|\balways\s+(?:had|been|has)\b|\blong[-\s]?(?:standing|term)\b"
    r"|\bsince\s+(?:i\s+was|he\s+was|she\s+was|childhood|birth|(?:19|20)\d\d)\b|\b(?:in|back\s+in)\s+(?:19|20)\d\d\b"
    r"|\bused\s+to\s+(?:get|have|suffer)\b|\blast\s+(?:year|yr|month)\b|\bthat\s+was\s+(?:in\s+)?(?:19|20)\d\d\b|\bchronic\b|\bon\s+and\s+off\s+for\b|\b(?:take|takes|taking|on|prescribed)\s+(?:\w+\s+)?"
    r"(?:sildenafil|viagra|tadalafil|cialis)\b|\bdiabet\w*",
    re.IGNORECASE,
)
# Gone within minutes of getting up or off the bike ("numb bum on the flight, fine once I got up"): asked about
# first, never set aside, since a sign that comes and goes can still be new.
_TRANSIENT = re.compile(
    r"\b(?:fine|ok|okay|normal|went|goes|gone|passed|wore\s+off|wears\s+off|came\s+back|comes\s+back|wakes\s+up)"
    r"\s+(?:again\s+|away\s+|off\s+)?(?:as\s+soon\s+as|once|the\s+(?:second|minute|moment)|straight\s+away|after\s+(?:an?|a\s+few|\d+)"
    r"\s+(?:hours?|minutes?|mins?))|\bnothing\s+new\b|\bnot\s+(?:new|changed)\b|\byears\s+(?:of|ago)\b|\bsince\s+(?:childbirth|birth)\b"
    r"|\b(?:that's|thats|it's|its|just)\s+(?:my\s+)?nerves\b"
    # Tired legs after exercise ("legs like jelly after parkrun"): asked about first.
    r"|\bafter\s+(?:a\s+|my\s+|the\s+|that\s+|this\s+|today's\s+)?(?:long\s+|big\s+|hard\s+)?(?:parkrun|run|running|gym|leg\s+day|workout|training"
    r"|session|marathon|half\s+marathon|10k|5k|squats?|spin|class|hike|bike\s+ride)\b",
    re.IGNORECASE,
)
_NO_PAIN_NOW = re.compile(
    r"\b(?:no\s+|not\s+in\s+(?:any\s+)?|without\s+(?:any\s+)?)pain\s+(?:at\s+the\s+moment|right\s+now|now|currently|at\s+present)"
    r"\b(?!\s+(?:in|down|from)\b)|\bpain[\s-]free\s+(?:at\s+the\s+moment|right\s+now|now|at\s+present)\b",
    re.IGNORECASE,
)
# Said to have had another cause ("chest pain in the spring, turned out to be reflux"): asked about first.
# Pain from the gullet when swallowing ("oesophageal spasm, my chest hurts when I swallow") likewise.
_EXPLAINED = re.compile(
    r"\bturned\s+out\s+to\s+be\b|\bo?esophag\w*|\bgullet\b|\bwhen\s+(?:i\s+)?swallow\w*|\bon\s+swallowing\b",
    re.IGNORECASE,
)
_PAIN_LIMITED = re.compile(
    r"\b(?:because\s+of|due\s+to|with|from|for)\s+(?:the\s+|my\s+|this\s+)?(?:pain|spasms?|agony)\b"
    r"|\b(?:pain|spasms?|it)\s+(?:is\s+|'s\s+)?(?:so\s+bad|too\s+(?:bad|painful|sore|much))|\btoo\s+(?:painful|sore)\b"
    r"|\bhurts?\s+(?:too\s+much|to)\b|\bso\s+(?:painful|sore|bad)\b|\bpain(?:'s|\s+is)?\s+(?:stopping|stops)\b"
    r"|\bit'?s\s+(?:just\s+|only\s+)?(?:the|my)\s+(?:pain|back)\b",
    re.IGNORECASE,
)
# Cold weather explains shivering or numbness ("-2 on the scaffold and shivering all shift"): asked about first.
_COLD_WEATHER = re.compile(
    r"\bfreezing\s+(?:on|at|in|out)\b|(?:^|\s)(?:-|minus\s*)\d+\s*(?:degrees|c\b)?|\bfrost\w*|\bsnow\w*|\bbitter(?:ly)?\s+cold\b"
    r"|\b(?:from|in|with)\s+the\s+cold\b",
    re.IGNORECASE,
)
# A joke or a figure of speech ("wetting myself laughing", "chest pains lol jk"): asked about, never ignored. Not
# "lol" alone: people in text-speak add it to real, frightening signs ("my bum cheeks are numb lol").
_FIGURATIVE = re.compile(
    r"\b(?:jk|joke|joking|kidding|not\s+literally|laugh\w*)\b|\bwhen\s+i\s+(?:saw|heard|read|got)\b"
    r"|\bwhen\s+(?:the|my|our|he|she|they|\w+)\s+(?:\w+\s+){0,2}(?:said|told\s+me|says|mentioned|walked\s+in|came\s+in|called\s+(?:my\s+name|me\s+in)"
    r"|shouted|looked\s+at\s+me)\b"
    r"|[\U0001F602\U0001F923]",
    re.IGNORECASE,
)
# Someone else's sign, said in a sentence that also says it is long-standing or settled ("my wife has had MS for
# 20 years and can't feel her legs"; "my cousin had a fever and it turned out to be an infection"): asked about
# first, like the person's own long-standing sign, unless the sentence says it is happening now. A sign of
# someone who has died is not anyone's current sign.
# The people of red_flags.yml's vocabulary (RELATIVE), so that one list says who "someone else" is.
_RELATIVE = _red_flag_file(RED_FLAGS_FILE)[1]["RELATIVE"]
_SOMEONE_ELSE = re.compile(
    rf"\b(?:my|our|his|her)\s+(?:\w+\s+)?(?:{_RELATIVE})\b|\b(?:lad|guy|bloke|woman|man|girl|someone|somebody)\s+at\s+work\b"
    r"|\bmy\s+old\s+(?:man|lady|dear|fella)\b|\b(?:one\s+of\s+)?(?:my|our)\s+(?:residents?|patients?|clients?|service\s+users?)\b",
    re.IGNORECASE,
)
_DECEASED = re.compile(
    rf"\b(?:my|our)\s+late\s+(?:{_RELATIVE})\b|\b(?:{_RELATIVE})\s+(?:who\s+)?(?:has\s+)?(?:passed\s+away|passed|died)\b",
    re.IGNORECASE,
)
# Someone's history in any words: a person, a time, having had or been told. Without any of these, a history sign
# ("cancer", "osteoporosis") with no word of the back is the subject of a general question, not anyone's history.
_WHOSE_HISTORY = re.compile(
    rf"\b(?:i|i'm|im|i've|ive|i'd|me|my|mine|we|our|us|he|she|him|his|her|they|them|their|{_RELATIVE}|had|have|has|"
    r"having|got|diagnosed|ago|since|years?|remission|history|survivor|back|spine|spinal|spasms?|sciatica|lumbar|\d{4}|treated\s+for|on\s+(?:\w+\s+)?(?:chemo\w*"
    r"|radiotherapy|treatment|steroids?|prednisolone))\b",
    re.IGNORECASE,
)
_SETTLED_FOR_THEM = re.compile(
    r"\bdoubly\s+incontinent\b|\bwhen(?:ever)?\s+(?:his|her|their)\s+(?:back|sciatica|disc)\s+(?:flares|plays\s+up|goes)\b"
    r"|\bthat\s+was\s+(?:down\s+to\s+|from\s+|because\s+of\s+)?(?:his|her|their)\s+\w+|\bwhen\s+(?:he|she|they)\s+(?:was|were)\s+"
    r"(?:old|older|younger|little|small|a\s+(?:kid|child|baby|teenager))\b|\b(?:he|she)(?:'s|s|\s+is)\s+always\b|"
    r"\bturned\s+out\s+to\s+be\b|\b(?:needed|had)\s+(?:surgery|an\s+op(?:eration)?)\b|\bnothing\s+to\s+do\s+with\s+me\b|\bat\s+(?:the|a|our|his|her)\s+(?:\w+\s+)?(?:do|party|wedding|match|gig)\b",
    re.IGNORECASE,
)
_HAPPENING_NOW = re.compile(
    r"\b(?:now|today|tonight|this\s+(?:morning|afternoon|evening)|since\s+(?:this|last|yesterday)|suddenly|just)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[.!?\n]")
_PAIN_LIMITED_CHECK = "legs"


def _sentence(text: str, start: int, end: int) -> str:
    left = max((b.end() for b in _SENTENCE.finditer(text, 0, start)), default=0)
    after = _SENTENCE.search(text, end)
    return text[left : after.start() if after else len(text)]


def _next_clause_end(text: str, end: int) -> int:
    """Where the clause after the one holding `end` ends: "numb legs years ago, fine since" resolves in it."""
    first = BOUNDARY.search(text, end)
    if not first:
        return len(text)
    second = BOUNDARY.search(text, first.end())
    return second.start() if second else len(text)


def _setting(flag: RedFlag, text: str, match: re.Match[str], left: int, right: int) -> str:
    """'definite', 'check' (ask first) or 'aside' (not the person's current sign) for an affirmed mention."""
    clause = text[left:right]
    sentence = _sentence(text, match.start(), match.end())
    if ANIMAL_OWNER.search(text, left, match.end()) or _DECEASED.search(sentence):
        return "aside"
    if not flag.history and _someone_elses_settled_sign(sentence):
        return "check" if flag.check else "aside"  # no question fits a sign that was never the person's
    if flag.history and (not _WHOSE_HISTORY.search(text) or _NO_PAIN_NOW.search(text)):
        # A question about the illness itself ("how is leukaemia treated"), or planning ahead with no pain now: a
        # history sign matters with back pain.
        return "aside"
    if flag.history or not flag.check:
        return "definite"
    if _RESOLVED.search(text, match.end(), _next_clause_end(text, match.end())):
        # Over already, but earlier today ("went numb this morning, fine now"): asked about, since it can come back.
        return "check" if _HAPPENING_NOW.search(clause) else "aside"
    if _LONG_STANDING.search(clause) or any(
        rule.search(sentence) for rule in (_FIGURATIVE, _TRANSIENT, _COLD_WEATHER, _EXPLAINED)
    ):
        return "check"
    if flag.check == _PAIN_LIMITED_CHECK and _PAIN_LIMITED.search(sentence):
        return "check"
    return "definite"


def _someone_elses_settled_sign(sentence: str) -> bool:
    if not _SOMEONE_ELSE.search(sentence):
        return False
    # "He's ok now" says the sign is over; its "now" is not the sign happening now.
    resolved = _RESOLVED.search(sentence)
    if resolved:
        sentence = sentence[: resolved.start()] + sentence[resolved.end() :]
    if _HAPPENING_NOW.search(sentence):
        return False
    return bool(resolved or _LONG_STANDING.search(sentence) or _SETTLED_FOR_THEM.search(sentence))


def _own_veto(flag: RedFlag, text: str, start: int, end: int) -> bool:
    """Read in the whole sentence: "my daughter has a cough and fever" names whose fever in another clause."""
    sentence = _sentence(text, start, end)
    if not any(veto.search(sentence) for veto in flag.unless_own):
        return False
    return not (flag.their_back and flag.their_back.search(text))


def _affirmed(flag: RedFlag, text: str) -> Optional[tuple[re.Match[str], bool]]:
    """The first mention that counts, and whether it needs a check first; a definite mention wins over one to
    check."""
    to_check: Optional[re.Match[str]] = None
    for match in _mentions(flag, text):
        left, right = _clause(text, match.start(), match.end())
        if any(veto.search(text, left, right) for veto in flag.unless):
            continue
        if _own_veto(flag, text, match.start(), match.end()):
            continue
        before = text[left : match.start()]
        if _HYPOTHETICAL.search(before) or is_negated(before, text[match.end() : right]):
            continue
        if _PEOPLE_IN_GENERAL.search(before) or (
            len(before.split()) <= 1 and _ASKED_AND_DENIED.match(text, match.end())
        ):
            continue
        setting = _setting(flag, text, match, left, right)
        if setting == "definite":
            return match, False
        if setting == "check" and to_check is None:
            to_check = match
    return (to_check, True) if to_check else None


def _outranked(span: tuple[int, int], level: Level, found: list[tuple[tuple[int, int], RedFlag]]) -> bool:
    """'Fell off a ladder' is a serious accident; the same words must not also be read back as a minor fall."""
    start, end = span
    return any(s < end and start < e and f.level.rank > level.rank for (s, e), f in found)


def detect_red_flags(text: str, flags: Optional[Iterable[RedFlag]] = None) -> list[RedFlagMatch]:
    """The red flags a message mentions (each at most once), in the order they appear in the message."""
    clean = _OWN.sub(lambda m: m.group(1).ljust(len(m.group(0))), (text or "").translate(_QUOTES))
    found: list[tuple[tuple[int, int], RedFlag]] = []
    to_check: set[str] = set()
    for flag in flags if flags is not None else load_red_flags():
        affirmed = _affirmed(flag, clean)
        if affirmed:
            found.append((affirmed[0].span(), flag))
            if affirmed[1]:
                to_check.add(flag.id)
    kept = sorted(
        ((span, flag) for span, flag in found if not _outranked(span, flag.level, found)), key=lambda item: item[0]
    )
    return [
        RedFlagMatch(
            flag.id, flag.level, flag.label, text[start:end], flag.concern, flag.check if flag.id in to_check else None
        )
        for (start, end), flag in kept
    ]


def highest_level(matches: Iterable[RedFlagMatch]) -> Level:
    """The most urgent level among the matches; ROUTINE when there are none."""
    return highest(match.level for match in matches)


def names_a_red_flag(text: str) -> bool:
    """True when the patterns find an emergency or urgent sign: what the safety net escalates."""
    return highest_level(detect_red_flags(text)) in (Level.EMERGENCY, Level.URGENT)
