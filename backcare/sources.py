"""Sources as a person reads them: a titled link per page ("NHS: Back pain" and its address) under "Read more",
one a line, instead of a bare list of addresses. Titles live in `sources.yml`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from backcare.content import LIST_ITEM, ContentError, load_yaml

SOURCES_FILE = Path(__file__).with_name("sources.yml")
HEADING = "Read more:"
# Shown for an address without a title (a test keeps this from happening), so a chat never breaks on it.
ORGANISATIONS = {"www.nhs.uk": "NHS", "www.nice.org.uk": "NICE", "www.gov.uk": "GOV.UK"}


@lru_cache(maxsize=1)
def source_titles(path: Path = SOURCES_FILE) -> Mapping[str, str]:
    titles = (load_yaml(path) or {}).get("titles")
    if not isinstance(titles, Mapping) or not all(isinstance(t, str) and t.strip() for t in titles.values()):
        raise ContentError(f"{path.name}: 'titles' must map each address to a non-empty title")
    return dict(titles)


def source_title(url: str) -> str:
    host = urlparse(url).netloc
    return source_titles().get(url) or f"{ORGANISATIONS.get(host, host)} page"


def sources_block(sources: Sequence[str]) -> str:
    """'Read more:' and one titled link a line. The address stays in the text: the widget, WhatsApp and
    Telegram all make a bare address clickable, and none of them renders Markdown links the same way."""
    lines = [f"{LIST_ITEM}{source_title(url)} \u2013 {url}" for url in dict.fromkeys(sources)]
    return "\n".join([HEADING, *lines]) if lines else ""
