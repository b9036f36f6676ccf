"""A person's standing on every challenge of an edition, read off the challenges' own
shortlists.

Every challenge of the edition is ranked as its shortlist ranks it, over all its
candidates (:func:`matching.shortlists.rank_challenges`), once per engine state and
kept (:attr:`~matching.state.EngineState.kept_editions`). A person's standing on a
challenge is their row of its list and their place on it; where the list does not hold
them (another edition's, or beyond the retrieval depth), their row is scored by the
same scorer and counted against the list's candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from matching.features import FEATURES
from matching.shortlists import RankedCandidates, rank_challenges
from matching.state import EngineState

SIMILARITY = FEATURES.index("similarity")


@dataclass(frozen=True)
class EditionStanding:
    """Every challenge of an edition ranked over all its candidates, by challenge id."""

    edition_id: int
    lists: tuple[RankedCandidates, ...]


@dataclass(frozen=True)
class Standing:
    """One person on one challenge: the challenge's ranked list (with the person's row
    added when the list does not hold them), the person's position in its arrays, and
    their place on it."""

    ranked: RankedCandidates
    c: int
    place: int | None
    stronger: int

    @property
    def challenge_id(self) -> int:
        return self.ranked.challenge.challenge_id

    @property
    def contested(self) -> bool:
        return self.stronger >= self.ranked.challenge.seats

    @property
    def key(self) -> float:
        return float(self.ranked.key[self.c])


def edition_standing(engine: EngineState, edition_id: int) -> EditionStanding:
    """Every challenge of the edition ranked as its shortlist ranks it, all candidates
    kept in order; made once per engine state."""

    def make() -> EditionStanding:
        challenges = sorted(c for c, v in engine.challenges.items() if v.edition_id == edition_id)
        # as deep as retrieval goes: the whole lists, not their first pages
        return EditionStanding(
            edition_id, tuple(rank_challenges(engine, challenges, engine.retrieve_k))
        )

    return engine.kept_editions.get(("standing", edition_id, *engine.state_key()), make)


def person_standings(
    engine: EngineState, standing: EditionStanding, participant_id: int, row: int
) -> list[Standing]:
    """The person on every challenge of the edition. Where a list does not hold them
    (another edition's, or beyond the retrieval depth), their row is scored by the same
    scorer in one call for all such challenges and added to the list's arrays."""
    found, missing = [], []
    for ranked in standing.lists:
        place = ranked.place_of(participant_id)
        if place is None:
            missing.append(ranked)
        else:
            found.append(Standing(ranked, int(ranked.order[place]), place, place))
    if missing:
        x = np.vstack(
            [engine.features(r.challenge.challenge_id, [participant_id]) for r in missing]
        )
        stages = engine.scorer.stages(x)
        keys = stages.sum(axis=1)
        for i, ranked in enumerate(missing):
            added = replace(
                ranked,
                ids=np.append(ranked.ids, participant_id),
                rows=np.append(ranked.rows, row),
                sims=np.append(ranked.sims, x[i, SIMILARITY]),
                x=np.vstack([ranked.x, x[i : i + 1]]),
                stages=np.vstack([ranked.stages, stages[i : i + 1]]),
                key=np.append(ranked.key, keys[i]),
            )
            stronger = int((ranked.key[ranked.order] > keys[i]).sum())
            found.append(Standing(added, len(ranked.ids), None, stronger))
    return found
