"""Where an edition's team plan puts a person among their placements, and why.

One person joins one team, so whoever is first on five shortlists takes one seat: the
edition's team plan settles who goes where. The plan is the confirmed teams when the
edition has any, else what the planner proposes now (:mod:`matching.team_planning`:
the programme's composition rule, no locks), kept per engine state. Why the plan puts
the person where it does is measured against their first placement's team in the same
plan: whether its seats went to people ranked above them, to others, or stay free.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import numpy as np

from matching.domain.results import PlanPlace
from matching.placement_texts import PLAN_NAMES, counted, placement_text
from matching.standings import Standing
from matching.state import EngineState
from matching.team_planning import team_problem
from matching.team_problem import PlanInfeasibleError
from matching.teams import solve

ConfirmedTeams = Callable[[int], Mapping[int, Collection[int]]]


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


def edition_plan(
    engine: EngineState,
    edition_id: int,
    confirmed_teams: ConfirmedTeams | None,
) -> Plan:
    """The edition's confirmed teams, or (none confirmed) the planner's proposal now
    under the programme's composition rule, kept per engine state."""
    confirmed = confirmed_teams(edition_id) if confirmed_teams is not None else {}
    if confirmed:
        return Plan("confirmed", {int(c): np.asarray(list(m)) for c, m in confirmed.items()})

    def propose() -> Plan:
        try:
            problem = team_problem(engine, edition_id, engine.rules.composition, [], None)
            solution = solve(problem)
        except PlanInfeasibleError:
            return Plan("proposed", None)
        members = {
            int(c): problem.participant_ids[solution.assignment == j]
            for j, c in enumerate(problem.challenge_ids)
        }
        return Plan("proposed", members, len(problem.participant_ids), int(problem.seats.sum()))

    key = ("plan", edition_id, engine.rules.composition, *engine.state_key())
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
