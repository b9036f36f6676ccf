"""Placements: the challenges that suit one person, best first, with how contested each is.

A caseworker sitting with a jobseeker asks which of the edition's challenges the person
should go for and with what chances. The answer is read off the challenges' own
shortlists, so it cannot disagree with them: every challenge of the edition is ranked
as a shortlist ranks it (:func:`matching.shortlists.rank_challenges`: retrieval, the
one scorer, the fair-exposure re-rank as shortlists apply it) over all its candidates;
the person's chances in a challenge are their row of it, their place is their place in
it, and their reasons are :func:`~matching.explanations.explain` of that row. The
challenges are ordered by the person's expected progress (the ranking key of
shortlists), ties by challenge id.

A challenge is *contested* for the person when at least as many candidates stand above
them on its shortlist as it has seats: going by the list, no seat is left. Since one
person can join one team only, whoever is first on five lists takes one seat; the
edition's team plan settles who goes where, and the answer says where it puts the
person and why: the confirmed teams when the edition has any, else what the planner
proposes now (the programme's composition rule, no locks).

Each edition's ranked lists and proposed plan are made once per engine state and kept
(:attr:`~matching.state.EngineState.kept_editions`), so the person after the first
costs only their own rows and reasons.

Which challenges: those of the person's edition; when it has none, those of the next
edition that has some (the person is not in that edition's lists, so their standing is
counted against its candidates' scores). Nobody is placed without consent to share
with companies (a placement puts a person in front of a company), while unavailable,
or on a profile too thin to score: each gives an empty answer saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace

import numpy as np

from matching.domain.catalogue import NICHE_CODES
from matching.domain.results import Placement, Placements, PlacementState, PlanPlace
from matching.explanations import explain, factor_effects
from matching.features import FEATURES
from matching.reason_texts import PLAN_NAMES, counted, placement_text
from matching.shortlists import RankedCandidates, pair_detail, rank_challenges
from matching.state import EngineState
from matching.team_planning import team_problem
from matching.team_problem import PlanInfeasibleError
from matching.teams import solve

ConfirmedTeams = Callable[[int], Mapping[int, Collection[int]]]
SIMILARITY = FEATURES.index("similarity")


class PlacementSizeError(ValueError):
    """``k`` is outside what a placements request may ask for (the shortlists' limit)."""

    field = "k"


def check_k(k: int, max_k: int) -> None:
    """The one check of a placements request's size, against the shortlists' limit
    (the engine's ``max_k``; a door may check before it has an engine)."""
    if not 1 <= k <= max_k:
        raise PlacementSizeError(f"k must be between 1 and {max_k}")


@dataclass(frozen=True)
class EditionStanding:
    """Every challenge of an edition ranked over all its candidates, by challenge id."""

    edition_id: int
    lists: tuple[RankedCandidates, ...]


@dataclass(frozen=True)
class Plan:
    """Who a team plan puts in each challenge (``None``: no plan is possible)."""

    source: str  # "confirmed" or "proposed"
    members: dict[int, np.ndarray] | None
    people: int = 0
    seats: int = 0

    def team_of(self, participant_id: int) -> int | None:
        for cid, members in (self.members or {}).items():
            if participant_id in members:
                return cid
        return None


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


def person_placements(
    engine: EngineState,
    participant_id: int,
    k: int,
    language: str,
    confirmed_teams: ConfirmedTeams | None,
    min_migrant_share: float,
) -> Placements:
    """The person's placements (see the module docstring); ``confirmed_teams`` reads an
    edition's confirmed teams (challenge id -> member ids) where they are kept."""
    check_k(k, engine.max_k)
    row = int(engine.rows_of([participant_id])[0])
    pool = engine.pool
    own = int(pool["edition"][row])
    if not pool["consent"][row]:
        return _empty(engine, participant_id, "no_consent", language, own)
    if not pool["available"][row]:
        return _empty(engine, participant_id, "unavailable", language, own)
    if pool.insufficient(np.array([row]))[0]:
        return _empty(
            engine,
            participant_id,
            "not_enough_information",
            language,
            own,
            pool.missing_information(row),
        )
    edition = open_edition(engine, own)
    if edition is None:
        return _empty(engine, participant_id, "no_open_challenge", language, own)
    standing = edition_standing(engine, edition)
    mine = person_standings(engine, standing, participant_id, row)
    keys = np.array([s.key for s in mine])
    cids = np.array([s.challenge_id for s in mine])
    mine = [mine[i] for i in np.lexsort((cids, -keys))]
    plan = (
        edition_plan(engine, edition, confirmed_teams, min_migrant_share)
        if edition == own
        else None
    )
    planned = plan.team_of(participant_id) if plan is not None else None
    top = mine[:k]
    details = _explained(engine, top, language)
    placements = [
        Placement(
            rank=i + 1,
            **_challenge_fields(engine, s, language),
            **_contest_fields(s, language),
            planned=s.challenge_id == planned,
            **detail,
        )
        for i, (s, detail) in enumerate(zip(top, details, strict=True))
    ]
    note = placement_text(
        "note_ranked" if edition == own else "note_next_edition",
        language,
        own=own,
        count=counted(len(mine), "challenge", language),
        edition=edition,
    )
    return Placements(
        participant_id=participant_id,
        state="ranked",
        note=note,
        edition_id=edition,
        own_edition=edition == own,
        open_challenges=len(mine),
        placements=placements,
        plan=plan_place(plan, participant_id, mine, edition, language),
        **_versions(engine),
    )


def open_edition(engine: EngineState, own: int) -> int | None:
    """The person's edition when it has challenges, else the next edition that has."""
    editions = {view.edition_id for view in engine.challenges.values()}
    if own in editions:
        return own
    later = [e for e in editions if e > own]
    return min(later) if later else None


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


def edition_plan(
    engine: EngineState,
    edition_id: int,
    confirmed_teams: ConfirmedTeams | None,
    min_migrant_share: float,
) -> Plan:
    """The edition's confirmed teams, or (none confirmed) the planner's proposal now,
    kept per engine state."""
    confirmed = confirmed_teams(edition_id) if confirmed_teams is not None else {}
    if confirmed:
        return Plan("confirmed", {int(c): np.asarray(list(m)) for c, m in confirmed.items()})

    def propose() -> Plan:
        try:
            problem = team_problem(engine, edition_id, min_migrant_share, None, [], None)
            solution = solve(problem)
        except PlanInfeasibleError:
            return Plan("proposed", None)
        members = {
            int(c): problem.participant_ids[solution.assignment == j]
            for j, c in enumerate(problem.challenge_ids)
        }
        return Plan("proposed", members, len(problem.participant_ids), int(problem.seats.sum()))

    key = ("plan", edition_id, min_migrant_share, *engine.state_key())
    return engine.kept_editions.get(key, propose)


def plan_place(
    plan: Plan | None,
    participant_id: int,
    mine: list[Standing],
    edition_id: int,
    language: str,
) -> PlanPlace:
    """Where ``plan`` puts the person among their placements ``mine`` (best first), and
    why, measured against their first placement's team in the same plan."""

    def place(source: str, why: str, at: Standing | None = None, rank: int | None = None):
        return PlanPlace(
            source=source,
            challenge_id=None if at is None else at.challenge_id,
            title=None if at is None else at.ranked.challenge.title,
            placement_rank=rank,
            why=f"{why}.",
        )

    if plan is None:
        return place("proposed", placement_text("plan_other_edition", language, edition=edition_id))
    if plan.members is None:
        return place(plan.source, placement_text("plan_impossible", language))
    where = plan.team_of(participant_id)
    if where is None:
        if plan.source == "confirmed":
            return place(plan.source, placement_text("plan_none_confirmed", language))
        why = placement_text(
            "plan_none_proposed",
            language,
            people=counted(plan.people, "person", language),
            seats=counted(plan.seats, "seat", language),
        )
        return place(plan.source, why)
    rank = next(i for i, s in enumerate(mine) if s.challenge_id == where) + 1
    at, first = mine[rank - 1], mine[0]
    values = {"plan": PLAN_NAMES[plan.source][language], "title": at.ranked.challenge.title}
    if rank == 1:
        return place(plan.source, placement_text("plan_first", language, **values), at, rank)
    ranked, seats = first.ranked, first.ranked.challenge.seats
    taken = plan.members.get(first.challenge_id, np.zeros(0, dtype=np.int64))
    ahead = ranked.ids[ranked.order if first.place is None else ranked.order[: first.place]]
    above = int(np.isin(taken, ahead).sum())
    values.update(rank=rank, first=ranked.challenge.title, seats=counted(seats, "seat", language))
    if len(taken) < seats:
        why = placement_text("plan_open", language, **values)
    elif above >= seats:
        why = placement_text("plan_stronger", language, **values)
    else:
        why = placement_text("plan_full", language, above=above, **values)
        if plan.source == "proposed":
            why += placement_text("plan_full_proposed", language)
    return place(plan.source, why, at, rank)


def _explained(engine: EngineState, top: list[Standing], language: str) -> list[dict]:
    """The pair fields of the person on each challenge of ``top``: their row of its
    list, explained against the list's candidates as its shortlist explains it, every
    factor of every challenge in one scorer call."""
    blocks = [(s.ranked.x, np.array([s.c]), s.ranked.challenge) for s in top]
    effects = factor_effects(engine.scorer, blocks)
    out = []
    for s, (x, chosen, challenge), effect in zip(top, blocks, effects, strict=True):
        (explanation,) = explain(
            engine.scorer,
            x,
            chosen,
            s.ranked.rows,
            engine.pool,
            challenge,
            engine.catalogue,
            language,
            effect,
        )
        out.append(pair_detail(s.ranked, s.c, explanation))
    return out


def _challenge_fields(engine: EngineState, s: Standing, language: str) -> dict:
    ch = s.ranked.challenge
    return {
        "challenge_id": ch.challenge_id,
        "edition_id": ch.edition_id,
        "title": ch.title,
        "company_id": ch.company_id,
        "niche": NICHE_CODES[ch.niche],
        "niche_name": engine.catalogue.niches[ch.niche].name[language],
        "seats": ch.seats,
    }


def _contest_fields(s: Standing, language: str) -> dict:
    candidates = len(s.ranked.order)
    values = {
        "candidates": counted(candidates, "candidate", language),
        "seats": counted(s.ranked.challenge.seats, "seat", language),
    }
    if s.place is None:
        key = "contest_outside_full" if s.contested else "contest_outside_within"
        contest = placement_text(key, language, stronger=s.stronger, **values)
    else:
        key = "contest_full" if s.contested else "contest_within"
        stronger = counted(s.stronger, "candidate", language)
        contest = placement_text(key, language, rank=s.place + 1, stronger=stronger, **values)
    return {
        "shortlist_rank": None if s.place is None else s.place + 1,
        "candidates": candidates,
        "stronger_candidates": s.stronger,
        "contested": s.contested,
        "contest": contest,
    }


def _versions(engine: EngineState) -> dict:
    return {
        "scoring": engine.scorer.description,
        "model_version": engine.scorer.version,
        "index_version": engine.index.version,
    }


def _empty(
    engine: EngineState,
    participant_id: int,
    state: PlacementState,
    language: str,
    edition: int,
    missing: list[str] | None = None,
) -> Placements:
    """An answer with no placement and the sentence saying why."""
    return Placements(
        participant_id=participant_id,
        state=state,
        note=placement_text(f"note_{state}", language, edition=edition),
        missing=missing or [],
        edition_id=edition,
        own_edition=True,
        open_challenges=0,
        placements=[],
        plan=None,
        **_versions(engine),
    )
