"""Team formation: constraints always hold, optimum equals brute force / full MILP,
infeasibility is explained, locks are respected."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matching.teams as teams
from matching.rules import TeamComposition
from matching.team_problem import PlanInfeasibleError, TeamProblem, greedy, violations
from matching.teams import solve


def problem(fit, migrant, seats, share=0.3, max_share=None, must=(), must_not=()):
    fit = np.asarray(fit, dtype=float)
    return TeamProblem(
        fit,
        np.asarray(migrant, bool),
        np.asarray(seats),
        np.arange(1, fit.shape[0] + 1),
        np.arange(1, fit.shape[1] + 1),
        TeamComposition(share, 1.0 if max_share is None else max_share),
        tuple(must),
        tuple(must_not),
    )


def brute_force(p: TeamProblem) -> float | None:
    n, m = p.fit.shape
    best = None
    for plan in itertools.product(range(-1, m), repeat=n):
        plan = np.array(plan)
        if violations(p, plan):
            continue
        value = sum(p.fit[i, j] for i, j in enumerate(plan) if j >= 0)
        best = value if best is None else max(best, value)
    return best


def full_milp(p: TeamProblem):
    rows, cols = np.nonzero(np.ones(p.fit.shape, bool))
    keep = np.array([(i, j) not in set(p.must_not) for i, j in zip(rows, cols, strict=True)])
    must_rows = {i for i, _ in p.must}
    keep &= np.array(
        [i not in must_rows or (i, j) in set(p.must) for i, j in zip(rows, cols, strict=True)]
    )
    return teams._Master(p, rows[keep], cols[keep]).mip()


def test_hand_made_cases_equal_brute_force():
    cases = [
        problem([[3, 1], [2, 2], [1, 3], [2, 0], [0, 2], [1, 1]], [1, 0, 1, 0, 0, 0], [2, 2]),
        problem([[5, 1], [4, 1], [1, 5], [1, 4], [3, 3]], [0, 0, 0, 1, 1], [2, 2], share=0.5),
        problem([[2, 1], [2, 1], [2, 1], [1, 2], [0, 0]], [1, 1, 0, 0, 0], [2, 2], must=[(4, 0)]),
    ]
    for case in cases:
        expected = brute_force(case)
        got = solve(case)
        assert got.objective == pytest.approx(expected)
        assert not violations(case, got.assignment)
        assert greedy(case)[1] <= got.objective + 1e-9


@st.composite
def editions(draw):
    m = draw(st.integers(2, 5))
    seats = np.array(draw(st.lists(st.integers(2, 8), min_size=m, max_size=m)))
    n = int(seats.sum()) + draw(st.integers(0, 12))
    migrant = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    seed = draw(st.integers(0, 2**31))
    fit = np.round(np.random.default_rng(seed).random((n, m)) * 3, 3)
    share = draw(st.sampled_from([0.0, 0.3, 0.5]))
    max_share = draw(st.sampled_from([None, 0.7, 1.0]))
    locks = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, m - 1), st.booleans()),
            max_size=4,
            unique_by=lambda t: t[0],
        )
    )
    must = [(i, j) for i, j, join in locks if join]
    must_not = [(i, j) for i, j, join in locks if not join]
    return problem(fit, migrant, seats, share, max_share, must, must_not)


@pytest.mark.parametrize("direct", [True, False])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=editions())
def test_every_plan_respects_every_constraint_and_is_optimal(p, direct):
    reference = full_milp(p)
    try:
        got = solve(p, direct_limit=10**9 if direct else 0)
    except PlanInfeasibleError as exc:
        assert str(exc)
        assert reference.status == 2, "declared infeasible but a plan exists"
        return
    assert reference.status == 0
    assert not violations(p, got.assignment)
    assert got.objective == pytest.approx(-reference.fun, abs=1e-6)
    assert got.gap < 1e-9


@pytest.mark.parametrize(
    ("p", "message"),
    [
        (problem(np.ones((5, 2)), [1] * 5, [3, 3]), "6 seats but the edition has only 5"),
        (problem(np.ones((10, 2)), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [5, 5]), "need 4 migrants"),
        (
            problem(np.ones((6, 2)), [1, 1, 0, 0, 0, 0], [3, 3], must=[(2, 0), (3, 0), (4, 0)]),
            "BC-1 has 3 locals locked in",
        ),
        (
            problem(np.ones((6, 2)), [1, 1, 0, 0, 0, 0], [3, 3], must=[(0, 0), (0, 1)]),
            "locked into two teams",
        ),
        (
            problem(np.ones((6, 2)), [1, 1, 1, 0, 0, 0], [3, 3], share=0.5, max_share=0.2),
            "maximum migrant share is below",
        ),
        (
            problem(np.ones((8, 2)), [1, 1, 0, 0, 0, 0, 0, 0], [3, 3], must_not=[(0, 0), (0, 1)]),
            "the edition has 1 available",
        ),
    ],
)
def test_infeasible_inputs_are_explained(p, message):
    with pytest.raises(PlanInfeasibleError, match=message):
        solve(p)


def test_locks_are_respected():
    rng = np.random.default_rng(3)
    migrant = rng.random(40) < 0.45
    migrant[2] = False
    p = problem(
        rng.random((40, 4)),
        migrant,
        [8, 8, 8, 8],
        must=[(0, 3), (1, 3)],
        must_not=[(2, 0), (2, 1), (2, 2), (2, 3)],
    )
    got = solve(p)
    assert got.assignment[0] == 3 and got.assignment[1] == 3 and got.assignment[2] == -1
    assert not violations(p, got.assignment)
