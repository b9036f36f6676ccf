"""What a synthetic programme is made from: its settings, and what comes out."""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from matching.domain.catalogue import Catalogue
from training_data.outcome_model import HiddenModel
from training_data.skill_pools import SkillPools


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. Defaults mirror MILMA: 4 editions, 28 challenges, 508 people."""

    seed: int = 7
    editions: int = 4
    participants: int = 508
    challenges: int = 28
    companies: int | None = None
    migrant_share: float = 0.34
    completion_rate: float = 389 / 508
    placement_rate: float = 182 / 508
    hiring_bias: float = 0.0
    spanish_share: float = 0.8
    french_share: float = 0.06
    truth: bool = True
    start: date = date(2018, 9, 3)
    hidden: HiddenModel = field(default_factory=HiddenModel)

    def __post_init__(self) -> None:
        problems = []
        if self.editions < 1:
            problems.append("editions must be at least 1")
        if self.challenges < self.editions:
            problems.append("challenges must be at least one per edition")
        if self.participants < 2 * self.challenges:
            problems.append("participants must be at least twice the challenges")
        for name in (
            "migrant_share",
            "completion_rate",
            "placement_rate",
            "spanish_share",
            "french_share",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name} must lie between 0 and 1")
        if self.spanish_share + self.french_share > 1.0:
            problems.append("spanish_share and french_share together cannot exceed 1")
        if self.placement_rate > self.completion_rate:
            problems.append("placement_rate cannot exceed completion_rate")
        if self.companies is not None and self.companies < 1:
            problems.append("companies must be at least 1")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def company_count(self) -> int:
        """Companies in the programme: as configured, or as many as an edition has
        challenges (at least one per niche).

        A company stays for the whole programme and co-manages about one challenge per
        edition: MILMA negotiated seven co-management agreements and ran 28 challenges
        over four editions. So a company's past grows with every edition, as it would
        under standing agreements.
        """
        if self.companies is not None:
            return self.companies
        return max(13, math.ceil(self.challenges / self.editions))

    def as_dict(self) -> dict:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        return data


@dataclass
class Programme:
    """The generated tables. ``truth`` (every pair's expected and sampled outcome) and
    ``truth_report`` (how the expected outcome's variance splits) are None when not
    requested."""

    editions: pd.DataFrame
    companies: pd.DataFrame
    challenges: pd.DataFrame
    participants: pd.DataFrame
    sensitive: pd.DataFrame
    outcomes: pd.DataFrame
    truth: pd.DataFrame | None
    config: GeneratorConfig
    truth_report: dict | None = None


@dataclass
class Draws:
    """Everything the generator's steps share: settings, catalogue, random sources."""

    config: GeneratorConfig
    catalogue: Catalogue
    skills: SkillPools
    rng: np.random.Generator
    rnd: random.Random  # many small draws (texts) are much faster here than in numpy


def split_evenly(total: int, parts: int) -> np.ndarray:
    """``total`` items over ``parts`` groups, sizes differing by at most one."""
    base = np.full(parts, total // parts)
    base[: total % parts] += 1
    return base
