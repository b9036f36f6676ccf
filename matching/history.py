"""What past editions' outcomes say about each company, for the ranker to learn from.

A company co-manages challenges edition after edition and keeps its ways: whom it
actually hires, how often its trainees finish. No rule knows that; its past outcomes
do. For a challenge of edition *e*, only outcomes of editions before *e* count (the
scored moment is the start of the edition), so training on past editions never sees
the outcome it is asked to predict.

Per company: how many of its past candidates joined a team (a confidence), how often
they joined, completed and were hired (each shrunk towards the programme's rate by
:data:`PRIOR_WEIGHT` pseudo-candidates), and two directions in background space (each
shrunk by the number of people behind it): its *taste*, which backgrounds it hired more
often than the fallback rules expected of its completed trainees, and its *mentors'
fit*, which backgrounds completed its training more often than the rules expected of
those who joined. Measured against the rules, what they already count (skills,
experience, Spanish) is not mistaken for a taste, and the people the rules explain
well add little noise. A candidate's match on either is their background, relative to
the company's past trainees, along that direction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from matching.domain.vocabulary import STAGE_RELEVANCE, relevance_from_events
from matching.pool import N_NICHES, ParticipantPool

PRIOR_WEIGHT = 10.0  # pseudo-candidates at the programme's rates
# Before any history: the rates MILMA reports (most offered a place took it; 389 of 508
# completed; 182 of the 389 were placed).
HEADLINE_RATES = (0.78, 389 / 508, 182 / 389)
TASTE_SHRINK = 20.0  # decisions at which a direction counts half
# the rules' chances of completing (given joined) and of being hired (given completed)
EXPECTED = ("expected_complete", "expected_hire")
PAIR = ["participant_id", "challenge_id"]
BACKGROUND: tuple[str, ...] = (
    "education",
    "experience",
    "spanish",
    "time out of work",
    "digital access",
)


def backgrounds(pool: ParticipantPool, rows: np.ndarray) -> np.ndarray:
    """(len(rows), 5) background of each candidate on 0..1 scales: education, years of
    experience, Spanish, time out of work, digital access."""
    cols = pool.cols
    years = pool.years[rows, : N_NICHES + 1].sum(axis=1)
    return np.column_stack(
        [
            cols["education"][rows] / 4.0,
            np.log1p(years) / np.log(26.0),
            cols["spanish"][rows] / 5.0,
            np.log1p(cols["months_unemployed"][rows].astype(np.float64)) / np.log(121.0),
            cols["digital_access"][rows].astype(np.float64),
        ]
    )


@dataclass(frozen=True)
class CompanyRecord:
    """One company's past, as of one edition (see the module docstring); before the
    programme has any, the headline rates."""

    joined: float = 0.0
    join_rate: float = HEADLINE_RATES[0]
    complete_rate: float = HEADLINE_RATES[1]
    hire_rate: float = HEADLINE_RATES[2]
    centre: np.ndarray = field(default_factory=lambda: np.zeros(len(BACKGROUND)))
    taste: np.ndarray = field(default_factory=lambda: np.zeros(len(BACKGROUND)))
    mentor_fit: np.ndarray = field(default_factory=lambda: np.zeros(len(BACKGROUND)))

    def taste_match(self, background: np.ndarray) -> np.ndarray:
        return (background - self.centre) @ self.taste

    def mentor_match(self, background: np.ndarray) -> np.ndarray:
        return (background - self.centre) @ self.mentor_fit


# (challenge id, participant ids) -> the fallback rules' (n, 2) chances of completing
# (given joined) and of being hired (given completed), from the profile alone
RuleChances = Callable[[int, np.ndarray], np.ndarray]


class OutcomeHistory:
    """Recorded outcomes, and each company's record as of any edition.

    Parameters
    ----------
    rules:
        The fallback rules' chances for pairs: what a company's outcomes are measured
        against.
    since:
        The first edition whose outcomes count (None: all); the evaluation's learning
        curve narrows it.
    """

    def __init__(self, rules: RuleChances, since: int | None = None) -> None:
        self.rules = rules
        self.since = since
        self._pairs = _pairs(pd.DataFrame())
        self._cache: dict[tuple[int, int | None], dict[int, CompanyRecord]] = {}
        self._sums: pd.DataFrame | None = None
        self._stale: set[int] = set()  # challenges whose pairs changed since the sums

    def _changed(self, challenge_ids) -> None:
        self._cache.clear()
        self._stale.update(int(c) for c in challenge_ids)

    def load(self, outcomes: pd.DataFrame) -> None:
        """Replace the history with these outcome events."""
        self._pairs = _pairs(outcomes)
        self._cache.clear()
        self._sums = None

    def add(self, outcomes: pd.DataFrame) -> None:
        """Add outcome events (a pair seen again keeps its furthest stage). Only the
        pairs the events name are merged: one outcome recorded at city scale (some
        100,000 pairs) costs milliseconds, not a pass over every pair."""
        fresh = _pairs(outcomes)
        again = np.isin(_pair_keys(self._pairs), _pair_keys(fresh))
        merged = (
            pd.concat([self._pairs[again], fresh])
            .groupby(PAIR, as_index=False)
            .agg(
                relevance=("relevance", "max"),
                offered=("offered", "max"),
                **{c: (c, "max") for c in EXPECTED},  # a pair's chances, once measured, stay
            )
        )
        both = pd.concat([self._pairs[~again], merged], ignore_index=True)
        self._pairs = both.sort_values(PAIR, ignore_index=True)  # as a load orders them
        self._changed(fresh["challenge_id"].unique())

    def forget(self, participant_id: int) -> None:
        """Drop an erased participant's outcomes."""
        theirs = self._pairs["participant_id"] == participant_id
        self._changed(self._pairs.loc[theirs, "challenge_id"].unique())
        self._pairs = self._pairs[~theirs]

    def count_since(self, edition_id: int | None) -> None:
        """Use only outcomes from ``edition_id`` on (None: all)."""
        self.since = edition_id
        self._cache.clear()

    def record(
        self,
        company_id: int,
        edition_id: int,
        pool: ParticipantPool,
        challenges: dict,
    ) -> CompanyRecord:
        """The company's record from the editions before ``edition_id``."""
        key = (edition_id, self.since)
        if key not in self._cache:
            self._cache[key] = self._records(edition_id, pool, challenges)
        return self._cache[key].get(company_id, self._cache[key].get(-1, CompanyRecord()))

    def measure(self, pool: ParticipantPool, challenges: dict) -> None:
        """The rules' chances for every pair not yet measured whose participant and
        challenge the engine knows, one challenge at a time, written in one go. The
        engine measures a loaded history at once (at a million participants, about a
        million pairs take seconds, which the first shortlist would otherwise wait for);
        a record measures what arrived since."""
        pairs = self._pairs
        todo = pairs[
            pairs[EXPECTED[0]].isna()
            & pairs["participant_id"].isin(pool.row_of)
            & pairs["challenge_id"].isin(challenges)
        ]
        if todo.empty:
            return
        groups = todo.groupby("challenge_id").groups
        chances = [
            self.rules(int(cid), todo.loc[index, "participant_id"].to_numpy())
            for cid, index in groups.items()
        ]
        measured = np.concatenate([np.asarray(index) for index in groups.values()])
        pairs.loc[measured, list(EXPECTED)] = np.vstack(chances)

    def _records(self, edition_id: int, pool: ParticipantPool, challenges: dict) -> dict:
        sums = self._company_sums(pool, challenges)
        edition = sums.index.get_level_values("edition")
        earliest = -np.inf if self.since is None else self.since
        past = sums[(edition < edition_id) & (edition >= earliest)]
        if past.empty:
            return {}
        per_company = past.groupby(level="company").sum()
        values = per_company.to_numpy()
        total = values.sum(axis=0)
        rates = (
            total[_AT["joined"]] / max(1, total[_AT["offered"]]),
            total[_AT["completed"]] / max(1, total[_AT["joined"]]),
            total[_AT["hired"]] / max(1, total[_AT["completed"]]),
        )
        # a company without a record looks the same in every edition: the headline rates
        records = {-1: CompanyRecord()}
        for company, row in zip(per_company.index, values, strict=True):
            records[int(company)] = _record(row, rates)
        return records

    def _company_sums(self, pool: ParticipantPool, challenges: dict) -> pd.DataFrame:
        """Per company and edition, the sums its records are made of; computed once per
        change of the history, so that a record of any edition (each a sum over earlier
        editions) costs no pass over every past outcome: at a million participants that
        pass took about 120 ms, once per edition after every recorded outcome. After new
        outcomes (or an erasure) only the sums of the companies' editions they touch are
        made again."""
        if self._sums is None or self._stale:
            self.measure(pool, challenges)
        if self._sums is None:
            self._sums = _sums_by_company_edition(self._pairs, pool, challenges)
        elif self._stale:
            touched = {
                (v.company_id, v.edition_id) for c, v in challenges.items() if c in self._stale
            }
            again = [c for c, v in challenges.items() if (v.company_id, v.edition_id) in touched]
            fresh = _sums_by_company_edition(
                self._pairs[self._pairs["challenge_id"].isin(again)], pool, challenges
            )
            kept = self._sums[~self._sums.index.isin(list(touched))]
            self._sums = pd.concat([kept, fresh]).sort_index()
        self._stale.clear()
        return self._sums


# what is summed per company and edition: counts, and background sums (5 columns each)
_COUNTS = ("rows", "offered", "joined", "completed", "hired", "complete_surprise", "hire_surprise")
_VECTORS = ("all", "joined", "completed", "complete_surprise", "hire_surprise")
SUM_COLUMNS = (*_COUNTS, *(f"{v}{d}" for v in _VECTORS for d in range(len(BACKGROUND))))
_AT = {name: i for i, name in enumerate(SUM_COLUMNS)}
_VECTOR_AT = {v: np.array([_AT[f"{v}{d}"] for d in range(len(BACKGROUND))]) for v in _VECTORS}


def _sums_by_company_edition(
    pairs: pd.DataFrame, pool: ParticipantPool, challenges: dict
) -> pd.DataFrame:
    """Counts of each stage, and the background sums (of every candidate, of those who
    joined and of those who completed, and of each against the surprise at the next
    stage) of the known pairs, per (company, edition)."""
    edition_of = pd.Series({c: v.edition_id for c, v in challenges.items()}, dtype="float")
    company_of = pd.Series({c: v.company_id for c, v in challenges.items()}, dtype="float")
    known = (
        pairs["participant_id"].isin(pool.row_of) & pairs["challenge_id"].isin(challenges)
    ).to_numpy()
    past = pairs[known]
    rel = past["relevance"].to_numpy()
    joined, completed, hired = rel >= 1, rel >= 2, rel >= 3
    expected = past[list(EXPECTED)].to_numpy(dtype=np.float64)
    # the surprise at each stage, among those who reached the stage before it
    complete_surprise = np.where(joined, completed - expected[:, 0], 0.0)
    hire_surprise = np.where(completed, hired - expected[:, 1], 0.0)
    background = backgrounds(pool, pool.rows(past["participant_id"].to_numpy()))
    columns = {
        "rows": np.ones(len(past)),
        "offered": past["offered"].to_numpy(dtype=bool) | joined,
        "joined": joined,
        "completed": completed,
        "hired": hired,
        "complete_surprise": complete_surprise,
        "hire_surprise": hire_surprise,
    }
    for d in range(len(BACKGROUND)):
        b = background[:, d]
        columns |= {
            f"all{d}": b,
            f"joined{d}": b * joined,
            f"completed{d}": b * completed,
            f"complete_surprise{d}": b * complete_surprise,
            f"hire_surprise{d}": b * hire_surprise,
        }
    frame = pd.DataFrame({k: np.asarray(columns[k], dtype=np.float64) for k in SUM_COLUMNS})
    keys = {
        "company": past["challenge_id"].map(company_of).to_numpy(dtype=np.int64),
        "edition": past["challenge_id"].map(edition_of).to_numpy(dtype=np.int64),
    }
    return frame.groupby([keys["company"], keys["edition"]]).sum().rename_axis(list(keys))


def _shrunk(hits: float, trials: float, prior: float) -> float:
    return (hits + PRIOR_WEIGHT * prior) / (trials + PRIOR_WEIGHT)


def _direction(row: np.ndarray, among: str, success: str, surprise: str) -> np.ndarray:
    """How the surprise (success minus the rules' chance of it) goes with the background
    among those who reached the stage before: their covariance over those decisions,
    shrunk by the number of them."""
    n, hits = row[_AT[among]], row[_AT[success]]
    if hits == 0 or hits == n:
        return np.zeros(len(BACKGROUND))
    covariance = row[_VECTOR_AT[surprise]] - row[_VECTOR_AT[among]] * row[_AT[surprise]] / n
    return covariance / (n + TASTE_SHRINK)


def _record(row: np.ndarray, rates: tuple[float, float, float]) -> CompanyRecord:
    """One company's record from its sums (in :data:`SUM_COLUMNS` order) over the
    editions that count."""
    joined, completed = row[_AT["joined"]], row[_AT["completed"]]
    centre = (
        row[_VECTOR_AT["joined"]] / joined if joined else row[_VECTOR_AT["all"]] / row[_AT["rows"]]
    )
    return CompanyRecord(
        joined=float(joined),
        join_rate=_shrunk(joined, row[_AT["offered"]], rates[0]),
        complete_rate=_shrunk(completed, joined, rates[1]),
        hire_rate=_shrunk(row[_AT["hired"]], completed, rates[2]),
        centre=centre,
        taste=_direction(row, "completed", "hired", "hire_surprise"),
        mentor_fit=_direction(row, "joined", "completed", "complete_surprise"),
    )


def _pairs(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per pair: the furthest stage reached, whether it was offered at all, and the
    rules' chances (measured when a record is first asked for)."""
    if outcomes.empty:
        columns = {"participant_id": np.int64, "challenge_id": np.int64, "relevance": np.int8}
        empty = {c: np.zeros(0, dtype) for c, dtype in columns.items()}
        return pd.DataFrame({**empty, "offered": np.zeros(0, bool)}).assign(
            **dict.fromkeys(EXPECTED, np.nan)
        )
    pairs = relevance_from_events(outcomes)
    staged = outcomes["event"].isin([*STAGE_RELEVANCE, "shortlisted", "declined"])
    offered = outcomes[staged][PAIR].drop_duplicates()
    pairs = pairs.merge(offered.assign(offered=True), how="left")
    pairs["offered"] = pairs["offered"].notna()  # bool: an object column sums in Python
    return pairs.assign(**dict.fromkeys(EXPECTED, np.nan))


def _pair_keys(pairs: pd.DataFrame) -> np.ndarray:
    """One int64 per (participant, challenge) pair, for set lookups."""
    participant = pairs["participant_id"].to_numpy(np.int64)
    return (participant << 32) | pairs["challenge_id"].to_numpy(np.int64)
