"""Team planning on the engine: an edition's people x challenges with predicted fit,
solved as one optimisation (:mod:`matching.teams`) and explained member by member."""

from __future__ import annotations

import numpy as np

from matching.domain.results import Team, TeamMember, TeamPlan
from matching.explanations import ReasonFields, explain, factor_effects
from matching.rules import TeamComposition
from matching.shortlists import score_matrix
from matching.state import EngineState, UnknownIdError
from matching.team_problem import LockError, TeamProblem, greedy, independent_shortlists
from matching.teams import solve

REASONS_PER_MEMBER = 3


def team_problem(
    engine: EngineState,
    edition_id: int,
    composition: TeamComposition,
    locks: list[tuple[int, int, bool]],
    seats: dict[int, int] | None,
) -> TeamProblem:
    """The edition's available participants x its challenges, with predicted fit.

    ``locks`` are (participant id, challenge id, must_join); ``seats`` overrides team
    sizes per challenge id. Thin profiles get fit 0 (they still need a team).
    """
    challenges = sorted(c for c, v in engine.challenges.items() if v.edition_id == edition_id)
    if not challenges:
        raise UnknownIdError(f"edition {edition_id} has no challenges")
    pool = engine.pool
    rows = np.flatnonzero(pool["alive"] & pool["available"] & (pool["edition"] == edition_id))
    ids = pool["ids"][rows]
    fit = np.nan_to_num(score_matrix(engine, challenges, ids), nan=0.0)
    position = {int(p): i for i, p in enumerate(ids)}
    column = {c: j for j, c in enumerate(challenges)}
    must, must_not = [], []
    for pid, cid, join in locks:
        if pid not in position:
            raise LockError(f"participant {pid} is not an available member of edition {edition_id}")
        if cid not in column:
            raise LockError(f"challenge {cid} is not in edition {edition_id}")
        (must if join else must_not).append((position[pid], column[cid]))
    sizes = np.array(
        [(seats or {}).get(c, engine.challenges[c].seats) for c in challenges], dtype=int
    )
    return TeamProblem(
        fit,
        pool.cols["migrant"][rows].copy(),
        sizes,
        ids,
        np.array(challenges),
        composition,
        tuple(must),
        tuple(must_not),
    )


def team_plan(
    engine: EngineState, problem: TeamProblem, edition_id: int, language: str
) -> TeamPlan:
    """Solve ``problem`` and explain every member's place."""
    solution = solve(problem)
    _, greedy_objective = greedy(problem)
    independent, contested = independent_shortlists(problem)
    locked = set(problem.must)
    members_of = [
        np.flatnonzero(solution.assignment == j) for j in range(len(problem.challenge_ids))
    ]
    with engine.lock:
        reasons = member_reasons(
            engine,
            [
                (int(cid), problem.participant_ids[members])
                for cid, members in zip(problem.challenge_ids, members_of, strict=True)
            ],
            language,
        )
    teams = []
    for j, cid in enumerate(problem.challenge_ids):
        members = members_of[j]
        migrants = int(problem.migrant[members].sum())
        teams.append(
            Team(
                challenge_id=int(cid),
                seats=int(problem.seats[j]),
                members=[
                    TeamMember(
                        participant_id=int(problem.participant_ids[i]),
                        fit=round(float(problem.fit[i, j]), 4),
                        migrant=bool(problem.migrant[i]),
                        locked=(i, j) in locked,
                        reasons=reasons[j][k],
                    )
                    for k, i in enumerate(members)
                ],
                migrants=migrants,
                migrant_share=round(migrants / max(1, len(members)), 4),
                required_migrants=int(problem.min_migrants[j]),
                total_fit=round(float(problem.fit[members, j].sum()), 4),
            )
        )
    unassigned = problem.participant_ids[solution.assignment < 0]
    return TeamPlan(
        edition_id=edition_id,
        teams=teams,
        unassigned=[int(p) for p in unassigned],
        objective=round(solution.objective, 4),
        greedy_objective=round(greedy_objective, 4),
        independent_objective=round(independent, 4),
        fit_given_up=round(independent - solution.objective, 4),
        contested_participants=contested,
        optimality_gap=solution.gap,
        solver=solution.solver,
        seconds=round(solution.seconds, 3),
        min_migrant_share=problem.composition.min_share,
        max_migrant_share=problem.composition.max_share,
    )


def member_reasons(
    engine: EngineState, teams: list[tuple[int, np.ndarray]], language: str
) -> list[list[list[ReasonFields]]]:
    """Top reasons, with their measured effects, for each member of each (challenge id,
    member ids) team, with one scorer call for all teams."""
    blocks = [
        (engine.features(cid, ids), np.arange(len(ids)), engine.challenge(cid))
        for cid, ids in teams
    ]
    effects = factor_effects(engine.scorer, [b for b in blocks if len(b[1])])
    out = []
    for (cid, ids), (x, chosen, _) in zip(teams, blocks, strict=True):
        if not len(ids):
            out.append([])
            continue
        explanations = explain(
            engine.scorer,
            x,
            chosen,
            engine.rows_of(ids),
            engine.pool,
            engine.challenge(cid),
            engine.catalogue,
            language,
            effects.pop(0),
        )
        out.append([e.reasons[:REASONS_PER_MEMBER] for e in explanations])
    return out
