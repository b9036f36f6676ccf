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

    skill_rows: np.ndarray  # int32: each record's skills in turn: recorded (coded or in
    # the person's own words), then read from the text only, then implied
    skill_counts: np.ndarray  # int32 (n,)
    implied: np.ndarray  # int32 (n,): how many of a record's skills its stated jobs imply
    occupation_rows: np.ndarray  # int32: the occupation rows each text names, in turn
    occupation_counts: np.ndarray  # int32 (n,)
    evidence: np.ndarray  # float32 (n, 13): niche evidence from the text, 0..2
    outside: np.ndarray  # float32 (n,): share of job-title evidence outside the 13 niches
    years: np.ndarray  # float32 (n, 14): years of experience read, per niche + outside
    recent: np.ndarray  # float32 (n, 14): the same, recent work counting more
    read: np.ndarray  # int32 (n,): how many of a record's skills only its text names

    def __len__(self) -> int:
        return len(self.skill_counts)

    def skills(self) -> list[np.ndarray]:
        return ragged.split(self.skill_rows, self.skill_counts)

    def occupations(self) -> list[np.ndarray]:
        return ragged.split(self.occupation_rows, self.occupation_counts)

    def implied_mask(self) -> np.ndarray:
        """Aligned with ``skill_rows``: whether each skill is one its row's stated jobs
        imply (the last ``implied`` of the row)."""
        return self._from_end() <= np.repeat(self.implied, self.skill_counts)

    def read_mask(self) -> np.ndarray:
        """Aligned with ``skill_rows``: whether each skill was read from its row's text
        only (the ``read`` before the implied ones)."""
        from_end = self._from_end() - np.repeat(self.implied, self.skill_counts)
        return (from_end > 0) & (from_end <= np.repeat(self.read, self.skill_counts))

    def _from_end(self) -> np.ndarray:
        """Aligned with ``skill_rows``: 1 for a row's last skill, 2 for the one before..."""
        ends = np.repeat(np.cumsum(self.skill_counts), self.skill_counts)
        return ends - np.arange(len(self.skill_rows))

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
            self.recent[rows],
            self.read[rows],
        )

    @classmethod
    def joined(cls, parts: Sequence[ProfileConcepts]) -> ProfileConcepts:
        """The readings of several record sets, one after the other."""
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))

    def with_skills(self, added: dict[int, set[int]]) -> ProfileConcepts:
        """A copy where each row in ``added`` also records those skills (no longer only
        read from the text or implied, if they were)."""
        if not added:
            return self
        rows = self.skills()
        implied, read = self.implied.copy(), self.read.copy()
        for row, extra in added.items():
            skills = rows[row].tolist()
            recorded_end = len(skills) - implied[row] - read[row]
            recorded = set(skills[:recorded_end]) | extra
            from_text = set(skills[recorded_end : len(skills) - implied[row]]) - recorded
            still = set(skills[len(skills) - implied[row] :]) - recorded - from_text
            ordered = sorted(recorded) + sorted(from_text) + sorted(still)
            rows[row] = np.array(ordered, dtype=np.int32)
            implied[row], read[row] = len(still), len(from_text)
        flat, counts = ragged.from_rows(rows)
        return replace(self, skill_rows=flat, skill_counts=counts, implied=implied, read=read)
