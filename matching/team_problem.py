"""The team formation problem: who may join which team, and what a valid plan is.

Each participant joins at most one team, each team fills exactly its seats, and each
team holds the migrants the programme's composition rule asks of its seats
(:class:`~matching.rules.TeamComposition`); caseworkers may lock a person into or out
of a team. :func:`check_feasible` names the first rule that cannot be met;
:func:`greedy` and :func:`independent_shortlists` are the comparisons a plan is
reported against; :func:`violations` checks any plan. The exact solver is
:mod:`matching.teams`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matching.rules import TeamComposition

NO_PLAN = "no plan satisfies seats, composition and locks together; relax a lock or the share"


class PlanInfeasibleError(ValueError):
    """No plan can satisfy the constraints; the message names the one that fails, and
    ``code`` with ``values`` say it again for a page to word in its own language."""

    def __init__(self, code: str, message: str, **values: int | str) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


class LockError(ValueError):
    """A lock names a person or a challenge that the edition's plan cannot hold: a
    mistake in the request, not a missing record."""


@dataclass(frozen=True)
class TeamProblem:
    """An edition's assignment problem in array form.

    ``fit[i, j]`` is participant i's predicted fit for team j (higher is better).
    Locks are (participant row, team column) pairs.
    """

    fit: np.ndarray
    migrant: np.ndarray
    seats: np.ndarray
    participant_ids: np.ndarray
    challenge_ids: np.ndarray
    composition: TeamComposition
    must: tuple[tuple[int, int], ...] = ()
    must_not: tuple[tuple[int, int], ...] = ()

    @property
    def min_migrants(self) -> np.ndarray:
        return self.composition.min_migrants(self.seats)

    @property
    def max_migrants(self) -> np.ndarray:
        return self.composition.max_migrants(self.seats)


@dataclass
class TeamSolution:
    assignment: np.ndarray  # team column per participant row, -1 when unassigned
    objective: float
    bound: float
    gap: float
    seconds: float
    solver: str
    rounds: int = 0
    pairs: int = 0
    notes: list[str] = field(default_factory=list)


def check_feasible(p: TeamProblem) -> None:
    """Raise PlanInfeasibleError naming the first constraint that cannot be met."""
    n, m = p.fit.shape
    label = [f"BC-{c}" for c in p.challenge_ids]
    if p.composition.max_share < p.composition.min_share:
        raise PlanInfeasibleError("max_below_min", "the maximum migrant share is below the minimum")
    must_by_person: dict[int, int] = {}
    for i, j in p.must:
        if i in must_by_person and must_by_person[i] != j:
            raise PlanInfeasibleError(
                "locked_twice",
                f"participant {p.participant_ids[i]} is locked into two teams "
                f"({label[must_by_person[i]]} and {label[j]})",
                person=int(p.participant_ids[i]),
            )
        must_by_person[i] = j
    if set(p.must) & set(p.must_not):
        i, j = sorted(set(p.must) & set(p.must_not))[0]
        raise PlanInfeasibleError(
            "locked_in_and_out",
            f"participant {p.participant_ids[i]} is both locked into and out of {label[j]}",
            person=int(p.participant_ids[i]),
            team=label[j],
        )
    blocked_everywhere = {i for i in range(n) if sum(1 for ii, _ in p.must_not if ii == i) >= m}
    eligible = np.ones(n, dtype=bool)
    eligible[list(blocked_everywhere)] = False
    n = int(eligible.sum())
    total = int(p.seats.sum())
    if total > n:
        raise PlanInfeasibleError(
            "too_many_seats",
            f"the teams have {total} seats but the edition has only {n} "
            f"available participants; reduce seats by {total - n}",
            seats=total,
            people=n,
            excess=total - n,
        )
    need, cap = p.min_migrants, p.max_migrants
    migrants = int(p.migrant[eligible].sum())
    if need.sum() > migrants:
        worst = int(np.argmax(need))
        raise PlanInfeasibleError(
            "too_few_migrants",
            f"the teams need {int(need.sum())} migrants ({p.composition.min_share:.0%} of each "
            f"team's seats, "
            f"e.g. {label[worst]} needs {int(need[worst])} of {int(p.seats[worst])}), the edition "
            f"has {migrants} available",
            needed=int(need.sum()),
            available=migrants,
        )
    locals_needed = int((p.seats - cap).sum())
    if locals_needed > n - migrants:
        raise PlanInfeasibleError(
            "too_few_locals",
            f"with at most {p.composition.max_share:.0%} migrants per team the teams "
            f"need {locals_needed} locals, the edition has {n - migrants}",
            needed=locals_needed,
            available=n - migrants,
        )
    for j in range(m):
        locked = [i for i, jj in p.must if jj == j]
        locked_migrants = int(p.migrant[locked].sum()) if locked else 0
        locked_locals = len(locked) - locked_migrants
        if len(locked) > p.seats[j]:
            raise PlanInfeasibleError(
                "locked_over_seats",
                f"challenge {label[j]} has {len(locked)} people locked in "
                f"but only {int(p.seats[j])} seats",
                team=label[j],
                locked=len(locked),
                seats=int(p.seats[j]),
            )
        if locked_locals > p.seats[j] - need[j]:
            raise PlanInfeasibleError(
                "locked_locals",
                f"challenge {label[j]} has {locked_locals} locals locked in, but {int(need[j])} of "
                f"its {int(p.seats[j])} seats must go to migrants",
                team=label[j],
                locked=locked_locals,
                needed=int(need[j]),
                seats=int(p.seats[j]),
            )
        if locked_migrants > cap[j]:
            raise PlanInfeasibleError(
                "locked_migrants",
                f"challenge {label[j]} has {locked_migrants} migrants locked "
                f"in, above its maximum of {int(cap[j])}",
                team=label[j],
                locked=locked_migrants,
                most=int(cap[j]),
            )
        blocked = {i for i, jj in p.must_not if jj == j}
        open_migrants = int(
            sum(
                1
                for i in np.flatnonzero(p.migrant)
                if i not in blocked and must_by_person.get(i, j) == j
            )
        )
        if open_migrants < need[j]:
            raise PlanInfeasibleError(
                "team_short_of_migrants",
                f"challenge {label[j]} needs {int(need[j])} migrants, only "
                f"{open_migrants} can join it",
                team=label[j],
                needed=int(need[j]),
                available=open_migrants,
            )


def greedy(p: TeamProblem) -> tuple[np.ndarray, float]:
    """Best pair first, keeping enough seats free for each team's migrant quota."""
    n, m = p.fit.shape
    assignment = np.full(n, -1, dtype=int)
    taken = np.zeros(m, dtype=int)
    migrants = np.zeros(m, dtype=int)
    need, cap = p.min_migrants, p.max_migrants
    for i, j in p.must:
        assignment[i] = j
        taken[j] += 1
        migrants[j] += p.migrant[i]
    blocked = set(p.must_not)
    order = np.argsort(-p.fit, axis=None, kind="stable")
    for flat in order:
        i, j = divmod(int(flat), m)
        if assignment[i] >= 0 or taken[j] >= p.seats[j] or (i, j) in blocked:
            continue
        if p.migrant[i]:
            if migrants[j] >= cap[j]:
                continue
        elif p.seats[j] - taken[j] <= need[j] - migrants[j]:
            continue  # the remaining seats are reserved for migrants
        assignment[i] = j
        taken[j] += 1
        migrants[j] += p.migrant[i]
        if (taken >= p.seats).all():
            break
    chosen = assignment >= 0
    return assignment, float(p.fit[np.flatnonzero(chosen), assignment[chosen]].sum())


def independent_shortlists(p: TeamProblem) -> tuple[float, int]:
    """Each team's own best picks, ignoring that a person joins one team: (total fit,
    people who would sit in more than one shortlist)."""
    n, m = p.fit.shape
    counts = np.zeros(n, dtype=int)
    total = 0.0
    for j in range(m):
        s = int(p.seats[j])
        best = np.argpartition(-p.fit[:, j], s - 1)[:s] if s < n else np.arange(n)
        counts[best] += 1
        total += float(p.fit[best, j].sum())
    return total, int((counts > 1).sum())


def violations(p: TeamProblem, assignment: np.ndarray) -> list[str]:
    """Every rule a plan breaks (empty for a valid plan)."""
    problems = []
    for j in range(len(p.seats)):
        members = np.flatnonzero(assignment == j)
        migrants = int(p.migrant[members].sum())
        if len(members) != p.seats[j]:
            problems.append(f"team {j} has {len(members)} members for {p.seats[j]} seats")
        if migrants < p.min_migrants[j] or migrants > p.max_migrants[j]:
            problems.append(f"team {j} has {migrants} migrants")
    for i, j in p.must:
        if assignment[i] != j:
            problems.append(f"lock ({i}, {j}) broken")
    for i, j in p.must_not:
        if assignment[i] == j:
            problems.append(f"exclusion ({i}, {j}) broken")
    return problems
