"""Reads a worker keeps between requests until the change feed says they changed.

A shortlist request would otherwise query the database for the caller's key, the stop
switch, the challenge's corrections and the returned people's pseudonyms: four round
trips around a shortlist the engine answers from memory. Each of those records is
changed only by a write that also adds to the change feed, so a worker can keep what
it read and drop it when the feed names it. A recommending request catches up with the
feed before it reads the switch, the corrections and the pseudonyms, so it never uses
one that a committed change has replaced. The caller's key is checked before that, so a
key revoked by another worker keeps working here until the next poll of the feed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

KEPT_LIMIT = 200_000  # entries; past it the map starts again (it refills as it is read)


class KeptReads(Generic[K, V]):
    """A read-through map for records of one feed ``kind``.

    ``read`` fetches the records for some keys in one query (absent keys are simply
    left out, and not kept). A change of ``kind`` drops the entries named by its ids,
    or every entry when ``by_id`` is false (keys that are not entity ids, like a key
    prefix). A read that overlapped a change is returned but not kept, so a change can
    never be undone by a slow reader.
    """

    def __init__(
        self, kind: str, read: Callable[[Session, list[K]], Mapping[K, V]], by_id: bool = True
    ) -> None:
        self.kind = kind
        self._read = read
        self._by_id = by_id
        self._values: dict[K, V] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def get_many(self, session: Session, keys: Iterable[K]) -> dict[K, V]:
        values = self._values
        wanted = list(keys)
        found = {k: values[k] for k in wanted if k in values}
        missing = [k for k in wanted if k not in found]
        if missing:
            generation = self._generation
            read = dict(self._read(session, missing))
            with self._lock:
                if generation == self._generation:
                    if len(values) + len(read) > KEPT_LIMIT:
                        values.clear()
                    values.update(read)
            found.update(read)
        return found

    def peek(self, key: K) -> V | None:
        """The kept value, without reading the database (None when not kept)."""
        return self._values.get(key)

    def get(self, session: Session, key: K) -> V | None:
        return self.get_many(session, [key]).get(key)

    def forget(self, ids: Iterable[int | None]) -> None:
        """The feed reported changes of this kind to ``ids``."""
        with self._lock:
            self._generation += 1
            if not self._by_id:
                self._values.clear()
                return
            for entity in ids:
                self._values.pop(entity, None)  # type: ignore[call-overload]


class KeptByInputs(Generic[K, V]):
    """Values made from some inputs, reused while a key's inputs are equal to the ones
    a value was made from (the engine's state key, the kept corrections: each change
    makes a new one, so equal inputs mean nothing has changed since)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[K, tuple[tuple, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, inputs: tuple) -> V | None:
        entry = self._entries.get(key)
        # a tuple compares its items by identity first: a kept list of corrections that
        # is the very same object is not compared item by item
        if entry is None or entry[0] != inputs:
            return None
        return entry[1]

    def put(self, key: K, inputs: tuple, value: V) -> None:
        with self._lock:
            self._entries[key] = (inputs, value)
            self._entries.move_to_end(key)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
