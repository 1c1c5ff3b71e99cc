"""The knowledge base: every entry sourced, reviewed, readable, and every guidance intent answered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat
import yaml

from backcare.content import ContentError, prose, reading_text
from backcare.guidance import GUIDANCE_INTENTS, SUBJECT_FOLLOW_UP
from backcare.knowledge import CONTENT_FILES, KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
KB = KnowledgeBase.load()
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


def rule_answered_intents(action: str) -> set[str]:
    """The intents a rule of data/rules.yml answers with `action` straight away (its first two steps)."""
    rules = yaml.safe_load((ROOT / "data/rules.yml").read_text())["rules"]
    return {
        rule["steps"][0]["intent"]
        for rule in rules
        if len(rule["steps"]) >= 2 and "intent" in rule["steps"][0] and rule["steps"][1].get("action") == action
    }


# Read from the rules, not from backcare.guidance: the test below checks the two agree.
RULE_GUIDANCE_INTENTS = sorted(rule_answered_intents("action_give_guidance"))
BLOG_TOPIC_TREATMENTS = [
    "physiotherapy",
    "chiropractic",
    "yoga",
    "massage",
    "posture",
    "diet",
    "acupuncture",
    "natural_remedies",
    "stretches",
    "heat",
    "ice",
    "rest",
    "staying_active",
    "surgery",
]
# NHS, NICE and GOV.UK pages (GOV.UK since issue 17: fit notes, drug driving, the MHRA safety updates).
SOURCE_PAGES = re.compile(r"^https://www\.(nhs\.uk|nice\.org\.uk|gov\.uk)/")


def test_the_guidance_intents_are_those_the_rules_answer_with_guidance() -> None:
    # One list (backcare.guidance.GUIDANCE_INTENTS) for the actions: the intents the knowledge base answers and the
    # follow-up. A rule for guidance with no entry behind it, or an entry no rule reaches, shows here.
    assert set(RULE_GUIDANCE_INTENTS) == GUIDANCE_INTENTS
    assert SUBJECT_FOLLOW_UP in RULE_GUIDANCE_INTENTS


@pytest.mark.parametrize("intent", [intent for intent in RULE_GUIDANCE_INTENTS if intent != SUBJECT_FOLLOW_UP])
def test_every_guidance_intent_has_an_entry(intent: str) -> None:
    assert KB.for_intent(intent) is not None, f"no knowledge-base entry answers {intent}"


@pytest.mark.parametrize("treatment", BLOG_TOPIC_TREATMENTS)
def test_every_blog_treatment_topic_has_an_entry(treatment: str) -> None:
    assert KB.for_treatment(treatment) is not None


@pytest.mark.parametrize("entry", KB.entries, ids=lambda entry: entry.id)
def test_entry_is_sourced_from_nhs_or_nice_and_reviewed(entry) -> None:
    assert entry.sources and all(SOURCE_PAGES.match(source) for source in entry.sources)
    assert entry.reviewed.year >= 2026


@pytest.mark.parametrize("entry", KB.entries, ids=lambda entry: entry.id)
def test_short_answer_is_plain_english(entry) -> None:
    # Lists (issue 17: the 999 and same-day signs) are read item by item: the prose around them stays short,
    # and each item counts as a sentence of its own for the reading score.
    sentences = textstat.sentence_count(prose(entry.answer))
    assert 2 <= sentences <= 5, f"{entry.id}: {sentences} sentences"
    assert textstat.flesch_reading_ease(reading_text(entry.answer)) >= 60


@pytest.mark.parametrize("entry", KB.entries, ids=lambda entry: entry.id)
def test_buttons_lead_to_intents_the_bot_knows(entry) -> None:
    for button in entry.buttons:
        intent = button.payload.lstrip("/").split("{")[0]
        assert intent in DOMAIN["intents"], f"{entry.id}: button {button.title!r} -> unknown intent {intent}"


def test_medical_facts_follow_nhs_and_nice_not_the_blog() -> None:
    text = " ".join(f"{entry.answer} {entry.detail or ''}" for entry in KB.entries).lower()
    assert "muscle relaxant" not in text.replace("not muscle relaxants", "").replace("not a muscle relaxant", "")


def test_entry_without_source_is_refused(tmp_path: Path) -> None:
    broken = yaml.safe_load(CONTENT_FILES[0].read_text())
    del broken["entries"][0]["sources"]
    path = tmp_path / "topics.yml"
    path.write_text(yaml.safe_dump(broken))
    with pytest.raises(ContentError, match="sources"):
        KnowledgeBase.load([path])


def test_entry_without_review_date_is_refused(tmp_path: Path) -> None:
    broken = yaml.safe_load(CONTENT_FILES[0].read_text())
    del broken["entries"][0]["reviewed"]
    path = tmp_path / "topics.yml"
    path.write_text(yaml.safe_dump(broken))
    with pytest.raises(ContentError, match="reviewed"):
        KnowledgeBase.load([path])


def test_two_entries_answering_one_intent_are_refused(tmp_path: Path) -> None:
    document = yaml.safe_load(CONTENT_FILES[0].read_text())
    copy = dict(document["entries"][0], id="copy")
    document["entries"].append(copy)
    path = tmp_path / "topics.yml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(ContentError, match="answered by both"):
        KnowledgeBase.load([path])
