"""What a text reading is made of: the skills and job titles found, and the jobs dated."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Concept:
    """A skill or job title found in a text.

    ``row`` is its row in the catalogue's skill or occupation table (for a word that
    only heads a niche's job titles, the first such occupation); ``quote`` the words it
    came from, at characters ``start``..``end``; ``niches`` its evidence per niche
    (+ outside the 13), summing to 1.
    """

    kind: str
    row: int
    quote: str
    start: int
    end: int
    niches: np.ndarray
    heading: bool = False
    generic: bool = False  # a title ESCO lacks, of a generic head ("sales clerk")
    weight: float = 1.0
    words: tuple[int, int] = (0, 0)  # its first and last kept word

    @property
    def niche(self) -> int:
        """The niche it points to most (:data:`OUTSIDE` for work outside the 13)."""
        return int(self.niches.argmax())


@dataclass(frozen=True)
class Job:
    """A job title the text dates: ``title`` held from month ``first`` to month
    ``last`` (months counted from year 0), ``when`` the text's own words for it;
    ``recency`` how much its time still counts (1 for a job held up to the text's latest
    date, less the longer ago it ended), ``weight`` how much it counts as evidence."""

    title: Concept
    when: str
    first: int
    last: int
    years: float
    recency: float
    weight: float
    entry: tuple[int, int] = (0, 0)  # characters of its lines, up to the next job's
    niches: np.ndarray | None = None  # the title's niches, as the entry's words check them
