"""Sources reach the person as titled links ("NHS: Back pain" and the address), one a line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backcare.clinic import load_profile
from backcare.guidance import GuidanceRequest, choose_guidance, profile_fields
from backcare.knowledge import KnowledgeBase
from backcare.sources import source_title, source_titles, sources_block

CONTENT = Path(__file__).resolve().parents[2] / "backcare"
CONTENT_FILES = [
    *sorted((CONTENT / "knowledge").glob("*.yml")),
    CONTENT / "medication" / "medicines.yml",
    *sorted((CONTENT / "triage").glob("*.yml")),
]
ADDRESSES = sorted({url for path in CONTENT_FILES for url in re.findall(r"https://[^\s'\"]+", path.read_text())})


@pytest.mark.parametrize("url", ADDRESSES)
def test_every_source_address_has_a_title(url: str) -> None:
    assert url in source_titles(), f"add a title for {url} to backcare/sources.yml"


def test_an_answer_shows_titled_links_not_a_bare_source_line() -> None:
    reply = choose_guidance(
        KnowledgeBase.load(), GuidanceRequest("ask_causes", profile_fields=profile_fields(load_profile()))
    )
    assert "Source:" not in reply.text
    assert reply.text.endswith("Read more:\n- NHS: Back pain \u2013 https://www.nhs.uk/conditions/back-pain/")


def test_each_source_has_a_line_of_its_own_and_repeats_are_dropped() -> None:
    nice = "https://www.nice.org.uk/guidance/ng59/chapter/Recommendations"
    block = sources_block(["https://www.nhs.uk/medicines/codeine/", nice, nice])
    assert block.splitlines() == [
        "Read more:",
        "- NHS: Codeine \u2013 https://www.nhs.uk/medicines/codeine/",
        f"- NICE: Low back pain and sciatica in over 16s \u2013 {nice}",
    ]


def test_an_address_without_a_title_still_names_its_organisation() -> None:
    assert source_title("https://www.nhs.uk/some/new/page/") == "NHS page"
