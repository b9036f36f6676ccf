"""The programme's rules, each defined once and built from settings.

Some limits must hold the same way at every door: the largest shortlist a client may
ask for, and the composition of an Experimental Team (MILMA's at least 30 % migrants,
and a maximum if the programme sets one). The API, the web pages, the CLI, the team
planner and team confirmation all ask one :class:`ProgrammeRules`, so none keeps a
literal limit or a default share of its own that could drift from the setting. A share
is a fraction (0 to 1) at every interface.

A team's migrants are counted against its seats, the size it is planned and confirmed
for: at least ``ceil(min_share x seats)`` and at most ``floor(max_share x seats)``. So a
team confirmed before all its seats are filled already holds the rule for the team it
will be, whoever takes the open seats; the planner, which fills every seat, counts the
same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.settings import Settings

EPS = 1e-9  # slack when a share of seats is rounded to whole people


class RuleError(ValueError):
    """A value a programme rule refuses; ``field`` names where it came in, and
    ``code``, where given, the kind of refusal, for a page to word itself with the
    ``values`` its words need."""

    def __init__(
        self, field: str, message: str, code: str | None = None, values: dict | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code
        self.values = values or {}


@dataclass(frozen=True)
class TeamComposition:
    """Bounds on a team's migrants, as fractions of its seats."""

    min_share: float
    max_share: float = 1.0

    def min_migrants(self, seats: np.ndarray) -> np.ndarray:
        """The fewest migrants each team of ``seats`` may hold."""
        return np.ceil(self.min_share * np.asarray(seats) - EPS).astype(int)

    def max_migrants(self, seats: np.ndarray) -> np.ndarray:
        """The most migrants each team of ``seats`` may hold."""
        return np.floor(self.max_share * np.asarray(seats) + EPS).astype(int)

    def describe(self) -> str:
        if self.max_share >= 1.0:
            return f"at least {self.min_share:.0%} migrants"
        return f"between {self.min_share:.0%} and {self.max_share:.0%} migrants"

    def check_team(self, label: str, seats: int, members: int, migrants: int) -> None:
        """Refuse a team of ``members`` (``migrants`` of them) for ``seats`` seats that a
        plan could not hold: more members than seats, or migrants outside the bounds."""
        if members > seats:
            raise RuleError("teams", f"{label} has {members} members for {seats} seats")
        low = int(self.min_migrants(np.array([seats]))[0])
        high = int(self.max_migrants(np.array([seats]))[0])
        if not low <= migrants <= high:
            bound = f"at least {low}" if migrants < low else f"at most {high}"
            raise RuleError(
                "teams",
                f"{label} has {migrants} migrants of {members} members; its {seats} seats "
                f"need {bound} ({self.describe()} of the seats)",
            )


@dataclass(frozen=True)
class ProgrammeRules:
    """The programme's limits (see the module docstring)."""

    max_shortlist_k: int
    composition: TeamComposition

    @classmethod
    def from_settings(cls, settings: Settings) -> ProgrammeRules:
        return cls(
            settings.max_shortlist_k,
            TeamComposition(settings.min_migrant_share, settings.max_migrant_share),
        )

    @classmethod
    def default(cls) -> ProgrammeRules:
        """The rules at the settings' defaults, without reading the environment (for an
        engine built without settings, as evaluations build theirs)."""
        return cls.from_settings(Settings.model_construct())

    def shortlist_k(self, k: int) -> int:
        """``k`` if a client may ask for that many candidates."""
        if not 1 <= k <= self.max_shortlist_k:
            raise RuleError("k", f"k must be between 1 and {self.max_shortlist_k}")
        return k

    def team_composition(
        self, min_share: float | None = None, max_share: float | None = None
    ) -> TeamComposition:
        """The programme's composition rule, or a stricter one a caseworker asks a plan
        for (a higher minimum, a lower maximum); never a laxer one, which no team could
        then be confirmed under."""
        rule = self.composition
        low = rule.min_share if min_share is None else min_share
        high = rule.max_share if max_share is None else max_share
        if not rule.min_share - EPS <= low <= 1.0:
            raise RuleError(
                "min_migrant_share",
                f"the programme's rule is {rule.describe()} in every team; a plan may ask "
                f"for a minimum from {rule.min_share:.2f} to 1, not {low}",
            )
        if not 0.0 <= high <= rule.max_share + EPS:
            raise RuleError(
                "max_migrant_share",
                f"the programme's rule is {rule.describe()} in every team; a plan may ask "
                f"for a maximum from 0 to {rule.max_share:.2f}, not {high}",
            )
        if high < low:
            raise RuleError("max_migrant_share", "must not be below min_migrant_share")
        return TeamComposition(low, high)
