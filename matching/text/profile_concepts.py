"""What many participants' records were read as, in flat arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from matching import ragged


@dataclass
class ProfileConcepts:
    """What the engine keeps of many profiles' text, aligned with the records. Rows of
    several values are flat arrays with a count per row (:mod:`matching.ragged`): a
    million profiles' skill lists are the largest thing a load holds otherwise."""

    skill_rows: np.ndarray  # int32: each record's skills in turn, stated first, then implied
    skill_counts: np.ndarray  # int32 (n,)
    implied: np.ndarray  # int32 (n,): how many of a record's skills its stated jobs imply
    occupation_rows: np.ndarray  # int32: the occupation rows each text names, in turn
    occupation_counts: np.ndarray  # int32 (n,)
    evidence: np.ndarray  # float32 (n, 13): niche evidence from the text, 0..2
    outside: np.ndarray  # float32 (n,): share of job-title evidence outside the 13 niches
    years: np.ndarray  # float32 (n, 14): years of experience read, per niche + outside

    def __len__(self) -> int:
        return len(self.skill_counts)

    def skills(self) -> list[np.ndarray]:
        return ragged.split(self.skill_rows, self.skill_counts)

    def occupations(self) -> list[np.ndarray]:
        return ragged.split(self.occupation_rows, self.occupation_counts)

    def implied_mask(self) -> np.ndarray:
        """Aligned with ``skill_rows``: whether each skill is one its row's stated jobs
        imply (the last ``implied`` of the row)."""
        ends = np.repeat(np.cumsum(self.skill_counts), self.skill_counts)
        from_end = ends - np.arange(len(self.skill_rows))
        return from_end <= np.repeat(self.implied, self.skill_counts)

    def take(self, rows: np.ndarray) -> ProfileConcepts:
        """These records' readings, in the order of ``rows``."""
        return ProfileConcepts(
            ragged.take(self.skill_rows, self.skill_counts, rows),
            self.skill_counts[rows],
            self.implied[rows],
            ragged.take(self.occupation_rows, self.occupation_counts, rows),
            self.occupation_counts[rows],
            self.evidence[rows],
            self.outside[rows],
            self.years[rows],
        )

    @classmethod
    def joined(cls, parts: Sequence[ProfileConcepts]) -> ProfileConcepts:
        """The readings of several record sets, one after the other."""
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))

    def with_skills(self, added: dict[int, set[int]]) -> ProfileConcepts:
        """A copy where each row in ``added`` also states those skills (no longer
        implied, if they were)."""
        if not added:
            return self
        rows = self.skills()
        implied = self.implied.copy()
        for row, extra in added.items():
            stated = set(rows[row][: len(rows[row]) - implied[row]].tolist()) | extra
            still = set(rows[row][len(rows[row]) - implied[row] :].tolist()) - stated
            rows[row] = np.array(sorted(stated) + sorted(still), dtype=np.int32)
            implied[row] = len(still)
        flat, counts = ragged.from_rows(rows)
        return replace(self, skill_rows=flat, skill_counts=counts, implied=implied)
