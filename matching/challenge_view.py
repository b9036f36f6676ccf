"""A challenge as the features read it: skill indices, levels and places instead of
strings, and the text its vector is embedded from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.domain import geography
from matching.domain.catalogue import NICHE_CODES, Catalogue
from matching.domain.vocabulary import CEFR_LEVELS, SCHEDULES


@dataclass(frozen=True)
class ChallengeView:
    """A challenge prepared for feature computation (indices instead of strings)."""

    challenge_id: int
    edition_id: int
    company_id: int
    title: str
    niche: int
    essential: np.ndarray
    optional: np.ndarray
    taught: np.ndarray
    min_spanish: int
    seats: int
    schedule: int
    place: int
    remote: bool
    text: str

    @classmethod
    def from_record(cls, record: dict, catalogue: Catalogue) -> ChallengeView:
        index = catalogue.skill_index

        def skills(key: str) -> np.ndarray:
            unknown = [u for u in record[key] if u not in index]
            if unknown:
                raise ValueError(f"{key}: unknown ESCO skill {unknown[0]!r}")
            return np.array(sorted({index[u] for u in record[key]}), dtype=np.int32)

        essential = skills("essential_skills")
        text = challenge_text(record["title"], record.get("description", ""), essential, catalogue)
        return cls(
            challenge_id=int(record["challenge_id"]),
            edition_id=int(record["edition_id"]),
            company_id=int(record["company_id"]),
            title=str(record["title"]),
            niche=NICHE_CODES.index(record["niche"]),
            essential=essential,
            optional=np.setdiff1d(skills("optional_skills"), essential),
            taught=skills("taught_skills"),
            min_spanish=CEFR_LEVELS.index(record["min_spanish"]),
            seats=int(record["seats"]),
            schedule=SCHEDULES.index(record["schedule"]),
            place=int(geography.place_index([record["location"]])[0]),
            remote=bool(record["remote"]),
            text=text,
        )


def challenge_text(title: str, description: str, essential, catalogue: Catalogue) -> str:
    """The text a challenge is embedded from: its words and its essential skills'
    English labels (rows of the catalogue's skills)."""
    labels = ", ".join(catalogue.labels_en[np.asarray(essential, dtype=np.int64)])
    return f"{title}. {description} Needs: {labels}."
