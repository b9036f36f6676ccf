"""Experimental Team formation solved exactly: one optimisation over a whole edition.

The problem and its rules are in :mod:`matching.team_problem`; the plan maximises the
total predicted fit.

Solving: the constraints form two laminar families (participant rows on one side; each
team's seats containing its migrant seats on the other), so the constraint matrix is
totally unimodular and the linear relaxation already has an integral optimum — the
seat-type transportation view of the problem. We therefore solve the LP with HiGHS
(``scipy.optimize.linprog``) over a restricted set of (person, team) pairs, price every
left-out pair with the LP duals and add those that could improve the plan, until none
can (column generation: the result is optimal for the full problem). The final
restricted problem is solved as a MILP with ``scipy.optimize.milp`` (HiGHS), which
reports the optimality gap, and its objective is checked against the LP bound.
"""

from __future__ import annotations

import time

import highspy
import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from matching.team_problem import (
    NO_PLAN,
    PlanInfeasibleError,
    TeamProblem,
    TeamSolution,
    check_feasible,
    greedy,
)

START_CANDIDATES = 10
PRICED_PER_PERSON = 2
MILP_DIRECT_PAIRS = 50_000  # up to this many pairs, solve the whole MILP directly


class _Master:
    """The restricted problem over a subset of (person, team) pairs."""

    def __init__(self, p: TeamProblem, rows: np.ndarray, cols: np.ndarray) -> None:
        self.p, self.rows, self.cols = p, rows, cols
        n, m = p.fit.shape
        k = len(rows)
        ones = np.ones(k)
        self.people = sparse.csr_matrix((ones, (rows, np.arange(k))), shape=(n, k))
        self.teams = sparse.csr_matrix((ones, (cols, np.arange(k))), shape=(m, k))
        mig = p.migrant[rows].astype(float)
        self.migrants = sparse.csr_matrix((mig, (cols, np.arange(k))), shape=(m, k))
        self.cost = -p.fit[rows, cols]
        lower = np.zeros(k)
        locked = {(i, j) for i, j in p.must}
        if locked:
            lower[
                [idx for idx, (i, j) in enumerate(zip(rows, cols, strict=True)) if (i, j) in locked]
            ] = 1.0
        self.lower = lower

    def mip(self):
        p = self.p
        n = p.fit.shape[0]
        constraints = [
            LinearConstraint(self.people, -np.inf, np.ones(n)),
            LinearConstraint(self.teams, p.seats, p.seats),
            LinearConstraint(self.migrants, p.min_migrants, p.max_migrants),
        ]
        return milp(
            self.cost,
            constraints=constraints,
            integrality=np.ones(len(self.cost)),
            bounds=Bounds(self.lower, np.ones(len(self.cost))),
            options={"mip_rel_gap": 0.0, "presolve": False},
        )


class _ColumnMaster:
    """The restricted LP in HiGHS, kept alive between pricing rounds: adding columns
    keeps the current basis, so each re-solve is a short warm start.

    Rows: one per person (at most one team), one per team (exactly its seats), one per
    team for its migrants (between the minimum and the maximum). The seat and migrant
    rows have a penalised slack column each, so the restricted problem is always
    feasible and always has duals.
    """

    def __init__(self, p: TeamProblem, penalty: float) -> None:
        self.p = p
        n, m = p.fit.shape
        self.n, self.m = n, m
        h = highspy.Highs()
        h.silent()
        lower = np.concatenate([np.full(n, -highspy.kHighsInf), p.seats, p.min_migrants])
        upper = np.concatenate([np.ones(n), p.seats, p.max_migrants])
        h.addRows(
            n + 2 * m,
            lower.astype(float),
            upper.astype(float),
            0,
            np.zeros(n + 2 * m, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        slack_rows = np.arange(n, n + 2 * m, dtype=np.int32)
        h.addCols(
            2 * m,
            np.full(2 * m, penalty),
            np.zeros(2 * m),
            np.full(2 * m, highspy.kHighsInf),
            2 * m,
            np.arange(2 * m, dtype=np.int32),
            slack_rows,
            np.ones(2 * m),
        )
        self.h = h
        self.rows = np.zeros(0, dtype=np.int64)
        self.cols = np.zeros(0, dtype=np.int64)
        self.locked = {(i, j) for i, j in p.must}

    def add(self, rows: np.ndarray, cols: np.ndarray) -> None:
        p, n, m = self.p, self.n, self.m
        mig = p.migrant[rows]
        counts = 2 + mig.astype(np.int32)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int32)
        index = np.empty(int(counts.sum()), dtype=np.int32)
        index[starts] = rows
        index[starts + 1] = n + cols
        index[starts[mig] + 2] = n + m + cols[mig]
        lower = np.array(
            [
                1.0 if (i, j) in self.locked else 0.0
                for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
            ]
        )
        self.h.addCols(
            len(rows),
            -p.fit[rows, cols],
            lower,
            np.ones(len(rows)),
            len(index),
            starts,
            index,
            np.ones(len(index)),
        )
        self.rows = np.concatenate([self.rows, rows])
        self.cols = np.concatenate([self.cols, cols])

    def solve(self) -> tuple[float, np.ndarray, np.ndarray, float]:
        """(objective of the maximisation, pair values, row duals, slack in use)."""
        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the LP solver stopped: {self.h.modelStatusToString(status)}")
        solution = self.h.getSolution()
        values = np.asarray(solution.col_value)
        slack = float(values[: 2 * self.m].sum())
        return (
            -self.h.getInfo().objective_function_value,
            values[2 * self.m :],
            np.asarray(solution.row_dual),
            slack,
        )


def _initial_pairs(p: TeamProblem, per_person: int) -> np.ndarray:
    """Each person's best teams, each team's best candidates and migrants, the locks."""
    n, m = p.fit.shape
    allowed = np.ones((n, m), dtype=bool)
    for i, j in p.must_not:
        allowed[i, j] = False
    for i, j in p.must:
        allowed[i, :] = False
        allowed[i, j] = True
    masked = np.where(allowed, p.fit, -np.inf)
    chosen = np.zeros((n, m), dtype=bool)
    k = min(per_person, m)
    top = np.argpartition(-masked, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (n, 1))
    chosen[np.arange(n)[:, None], top] = True
    for j in range(m):
        column = masked[:, j]
        for group, size in (
            (np.arange(n), 2 * p.seats[j] + 5),
            (np.flatnonzero(p.migrant), 2 * p.min_migrants[j] + 5),
        ):
            if len(group) == 0:
                continue
            take = min(int(size), len(group))
            best = group[np.argpartition(-column[group], take - 1)[:take]]
            chosen[best, j] = True
    chosen &= allowed
    return chosen


def solve(
    p: TeamProblem,
    max_rounds: int = 50,
    candidates: int = START_CANDIDATES,
    direct_limit: int = MILP_DIRECT_PAIRS,
) -> TeamSolution:
    """Optimal plan for ``p`` (see the module docstring); raises PlanInfeasibleError.

    Up to ``direct_limit`` (person, team) pairs the whole MILP goes to HiGHS at once;
    above it, column generation over the LP.
    """
    start = time.perf_counter()
    check_feasible(p)
    n, m = p.fit.shape
    allowed = np.ones((n, m), dtype=bool)
    for i, j in p.must_not:
        allowed[i, j] = False
    for i, j in p.must:
        allowed[i, :] = False
        allowed[i, j] = True
    if n * m <= direct_limit:
        return _solve_milp(p, allowed, start)
    chosen = _initial_pairs(p, candidates)
    greedy_plan, _ = greedy(p)  # a feasible start when greedy fills every seat
    placed = np.flatnonzero(greedy_plan >= 0)
    chosen[placed, greedy_plan[placed]] = True
    chosen &= allowed
    master = _ColumnMaster(p, penalty=10.0 * (float(np.abs(p.fit).max()) + 1.0) * n)
    master.add(*np.nonzero(chosen))
    rounds = 0
    while True:
        rounds += 1
        value, x_lp, duals, slack = master.solve()
        y_person, z, y_mig = duals[:n], duals[n : n + m], duals[n + m :]
        reduced = -p.fit - y_person[:, None] - z[None, :] - p.migrant[:, None] * y_mig[None, :]
        improving = allowed & ~chosen & (reduced < -1e-7)
        if not improving.any() or rounds >= max_rounds:
            # each person joins at most one team, so no left-out pair can add more than
            # that person's best reduced cost: a valid bound even if pricing stopped early
            missed = float(np.where(improving, -reduced, 0.0).max(axis=1).sum())
            break
        # add each person's few most promising pairs: the LP stays small and the
        # pricing of the next round decides whether more are needed
        masked = np.where(improving, reduced, np.inf)
        k = min(PRICED_PER_PERSON, m)
        best = (
            np.argpartition(masked, k - 1, axis=1)[:, :k]
            if k < m
            else np.tile(np.arange(m), (n, 1))
        )
        take = np.zeros_like(chosen)
        take[np.arange(n)[:, None], best] = True
        take &= improving
        chosen |= take
        master.add(*np.nonzero(take))
    if slack > 1e-6:
        raise PlanInfeasibleError("no_plan", NO_PLAN)
    bound = value + missed
    if np.all(np.minimum(np.abs(x_lp), np.abs(1 - x_lp)) < 1e-6):
        x = x_lp > 0.5  # a vertex of a totally unimodular polytope: already integral
        solver = "HiGHS dual simplex (integral LP optimum), column generation"
    else:
        x = _integer_solution(_Master(p, master.rows, master.cols))[0]
        solver = "HiGHS MILP on the priced pairs"
    assignment, objective = _plan(p, master.rows, master.cols, x)
    gap = abs(bound - objective) / max(abs(bound), 1e-12)
    notes = [] if rounds < max_rounds else ["stopped pricing at the round limit"]
    return TeamSolution(
        assignment,
        objective,
        bound,
        gap,
        time.perf_counter() - start,
        solver,
        rounds,
        len(master.rows),
        notes,
    )


def _integer_solution(master: _Master):
    """Solve the MILP over ``master``'s pairs: (chosen pairs, solver result)."""
    final = master.mip()
    if final.status == 2:
        raise PlanInfeasibleError("no_plan", NO_PLAN)
    if final.status != 0:
        raise RuntimeError(f"the MILP solver failed: {final.message}")
    return np.round(final.x).astype(bool), final


def _plan(
    p: TeamProblem, rows: np.ndarray, cols: np.ndarray, chosen: np.ndarray
) -> tuple[np.ndarray, float]:
    """Team column per participant (-1 for none) and the plan's total fit."""
    assignment = np.full(p.fit.shape[0], -1, dtype=int)
    assignment[rows[chosen]] = cols[chosen]
    return assignment, float(p.fit[rows[chosen], cols[chosen]].sum())


def _solve_milp(p: TeamProblem, allowed: np.ndarray, start: float) -> TeamSolution:
    """Small editions: the whole problem as one MILP (HiGHS reports the gap)."""
    rows, cols = np.nonzero(allowed)
    x, final = _integer_solution(_Master(p, rows, cols))
    assignment, objective = _plan(p, rows, cols, x)
    bound = -float(final.mip_dual_bound) if final.mip_dual_bound is not None else objective
    return TeamSolution(
        assignment,
        objective,
        bound,
        float(final.mip_gap or 0.0),
        time.perf_counter() - start,
        "HiGHS MILP (all pairs)",
        1,
        len(rows),
    )
