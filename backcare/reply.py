"""What the assistant says: text plus follow-up buttons, independent of any channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    # The knowledge-base entry or flow this reply belongs to, remembered for follow-up questions.
    topic: Optional[str] = None
