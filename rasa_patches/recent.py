"""What the Rasa server keeps about the conversations it is answering: only recent ones, for a short while.

The conversations kept by the tracker store (stores/tracker_store.py) and the work kept by rasa_patches.past_states
and rasa_patches.applied_events hold the words people wrote. They are let go once unused for KEEP_SECONDS (so that
the messages of someone erased with `make erase` do not stay in the server's memory for long) and beyond the
KEEP_CONVERSATIONS most recently used (a clinic has far fewer conversations going at once; one let go costs one full
pass, what Rasa does every time).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, Optional, TypeVar

KEEP_CONVERSATIONS = 256
KEEP_SECONDS = 600.0

Key = TypeVar("Key")
Value = TypeVar("Value")


class Recent(Generic[Key, Value]):
    """Values by key, the least recently used let go first."""

    def __init__(self) -> None:
        self._items: OrderedDict[Key, tuple[float, Value]] = OrderedDict()

    def take(self, key: Key) -> Optional[Value]:
        """The value, no longer kept (`keep` it again when still good)."""
        item = self._items.pop(key, None)
        return None if item is None else item[1]

    def peek(self, key: Key) -> Optional[Value]:
        item = self._items.get(key)
        return None if item is None else item[1]

    def keep(self, key: Key, value: Value) -> None:
        now = time.monotonic()
        self._items.pop(key, None)
        self._items[key] = (now, value)
        self.let_go_of_unused(now)

    def let_go_of_unused(self, now: Optional[float] = None) -> None:
        now = time.monotonic() if now is None else now
        while self._items and (
            len(self._items) > KEEP_CONVERSATIONS or now - next(iter(self._items.values()))[0] > KEEP_SECONDS
        ):
            self._items.popitem(last=False)

    def keys(self) -> list[Key]:
        return list(self._items)

    def clear(self) -> None:
        self._items.clear()
