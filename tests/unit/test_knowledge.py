"""The knowledge base: every entry sourced, reviewed, readable, and every guidance intent answered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat
import yaml

from backcare.content import ContentError, prose, reading_text
from backcare.knowledge import CONTENT_FILES, KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
KB = KnowledgeBase.load()
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
GUIDANCE_INTENTS = [
    "ask_what_is_spasm",
    "ask_symptoms",
    "ask_causes",
    "ask_diagnosis",
    "ask_treatment",
    "ask_medication",
    "ask_prevention",
    "ask_recovery",
    "ask_when_to_seek_help",
    "ask_which_professional",
    "ask_nhs",
    "find_physio",
]
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


@pytest.mark.parametrize("intent", GUIDANCE_INTENTS)
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
