"""Placements judged from the person's side, on the generator's truth.

For every person of a tested edition the engine answers (``Matcher.placements``: those
who agreed to share, are available and have a profile to score), the edition's
challenges as the engine ranks them for that person are compared with the generator's
sampled outcome of each of that person's pairs (hired 3, completed 2, joined 1, else 0):
NDCG@5, for the learned ranker, the fallback rules, and the oracle (the hidden
expected outcome). People with no relevant pair at all have no NDCG and are counted
apart. The same answer says where the edition's proposed team plan seats the person;
the share of people whose seat is among their first three placements says how far
the advice given person by person agrees with the plan made for the whole edition (the
oracle's plan is the planner's optimisation run on the hidden expected outcomes).
Intervals: 95 % bootstrap over people, pooled over the tested editions.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from evaluation.metrics import bootstrap_interval, ndcg_at_k
from evaluation.systems import EngineSystem, EvalData, OracleSystem, System
from matching.team_problem import PlanInfeasibleError
from matching.teams import solve

K = 5
TOP = 3
LEARNED, RULES, ORACLE = "learned ranker", "fallback rules", "oracle"


def placement_split(data: EvalData, systems: list[System], test_edition: int) -> pd.DataFrame:
    """One row per (system, person) of ``test_edition``: NDCG@5 of the person's ranked
    challenges, and the rank of the plan's seat among them. ``systems`` must have been
    fitted on the editions before (as :func:`evaluation.protocol.run_split` leaves them)."""
    engines = {s.name: s for s in systems if isinstance(s, EngineSystem) and not s.fairness}
    oracle = next(s for s in systems if isinstance(s, OracleSystem))
    people = data.participants.loc[
        (data.participants["edition_id"] == test_edition) & data.participants["available"],
        "participant_id",
    ].to_numpy()
    truth = data.truth[data.truth["edition_id"] == test_edition]
    sampled = truth.pivot(
        index="participant_id", columns="challenge_id", values="sampled_relevance"
    )
    rows, answered = [], None
    for name in (LEARNED, RULES):
        matcher = engines[name].engine()
        ranked = {}
        for pid in people:
            result = matcher.placements(int(pid), k=K)
            if result.state != "ranked":
                continue
            top = [p.challenge_id for p in result.placements]
            ranked[int(pid)] = top
            rows.append(
                _row(name, test_edition, int(pid), top, sampled, result.plan.placement_rank)
                | {"first_contested": result.placements[0].contested}
            )
        answered = sorted(ranked)
    rows += _oracle_rows(data, oracle, test_edition, answered or [], sampled)
    return pd.DataFrame(rows)


def _row(
    system: str,
    edition: int,
    pid: int,
    top: list[int],
    sampled: pd.DataFrame,
    planned_rank: int | None,
) -> dict:
    """The person's NDCG@5 (NaN when none of their pairs is relevant) and plan seat."""
    grades = sampled.loc[pid]
    rest = grades.drop(index=top).to_numpy()
    ranked = np.concatenate([grades.loc[top].to_numpy(), rest])
    return {
        "system": system,
        "test_edition": edition,
        "participant_id": pid,
        f"ndcg@{K}": ndcg_at_k(ranked, K) if ranked.max() > 0 else np.nan,
        "planned_rank": np.nan if planned_rank is None else planned_rank,
    }


def _oracle_rows(
    data: EvalData, oracle: OracleSystem, edition: int, people: list[int], sampled: pd.DataFrame
) -> list[dict]:
    """The oracle's ranking (hidden expected outcome) and its plan: the planner's
    optimisation, under the same seats and composition rule, on those outcomes."""
    matcher = data.matcher
    problem = matcher.team_problem(edition)  # the programme's composition rule
    fit = np.column_stack(
        [oracle.scores(int(c), problem.participant_ids) for c in problem.challenge_ids]
    )
    try:
        assignment = solve(replace(problem, fit=fit)).assignment
    except PlanInfeasibleError:
        assignment = np.full(len(problem.participant_ids), -1)
    seat = dict(zip(problem.participant_ids.tolist(), assignment.tolist(), strict=True))
    position = {int(p): i for i, p in enumerate(problem.participant_ids)}
    cids = problem.challenge_ids
    rows = []
    for pid in people:
        values = fit[position[pid]]
        order = cids[np.lexsort((cids, -values))]
        planned = seat[pid]
        rank = None if planned < 0 else int(np.flatnonzero(order == cids[planned])[0]) + 1
        rows.append(_row(ORACLE, edition, pid, order[:K].tolist(), sampled, rank))
    return rows


def summarise_placements(frames: list[pd.DataFrame]) -> dict:
    """Per system: NDCG@5 and the share whose plan seat is in their top 3, with 95 %
    bootstrap intervals over people; learned minus rules, paired by person."""
    pooled = pd.concat(frames, ignore_index=True)
    out: dict = {
        "k": K,
        "top": TOP,
        "editions": sorted(int(e) for e in pooled["test_edition"].unique()),
    }
    systems = {}
    for name, group in pooled.groupby("system", sort=False):
        ndcg = group[f"ndcg@{K}"].dropna().to_numpy()
        seated = group["planned_rank"].dropna().to_numpy()
        in_top = (seated <= TOP).astype(float)
        cell = {
            "people": len(group),
            "no_relevant_pair": int(group[f"ndcg@{K}"].isna().sum()),
            f"ndcg@{K}": _interval(ndcg),
            "plan_seat_in_top3": _interval(in_top),
            "no_plan_seat": float(group["planned_rank"].isna().mean()),
        }
        if "first_contested" in group and group["first_contested"].notna().any():
            cell["first_contested"] = float(group["first_contested"].astype(float).mean())
        systems[name] = cell
    out["systems"] = systems
    wide = pooled.pivot_table(
        index=["test_edition", "participant_id"], columns="system", values=f"ndcg@{K}"
    ).dropna()
    diff = (wide[LEARNED] - wide[RULES]).to_numpy()
    low, high = bootstrap_interval(diff)
    out["learned_vs_rules"] = {"mean": float(diff.mean()), "low": low, "high": high}
    oracle = systems[ORACLE][f"ndcg@{K}"]["mean"]
    out["fraction_of_oracle"] = {
        s: v[f"ndcg@{K}"]["mean"] / oracle if oracle else float("nan") for s, v in systems.items()
    }
    return out


def _interval(values: np.ndarray) -> dict:
    low, high = bootstrap_interval(values)
    return {"mean": float(values.mean()) if len(values) else float("nan"), "low": low, "high": high}


def placement_section(result: dict) -> list[str]:
    """The report's part on placements."""
    k, top = result["k"], result["top"]
    diff = result["learned_vs_rules"]
    lines = [
        f"For every person of the tested editions ({', '.join(map(str, result['editions']))}) "
        "the engine answers (agreed to share, available, a profile to score), the edition's "
        "challenges as ranked for that person against the generator's sampled outcome of "
        f"each of their pairs; the oracle ranks by the hidden expected outcome. NDCG@{k} "
        "leaves out people with no relevant pair. The plan seat is where the edition's "
        "proposed team plan (the planner's optimisation over the whole edition, at least "
        "30 % migrants per team) puts the person; the oracle's plan is the same "
        "optimisation on the hidden expected outcomes. 95 % bootstrap intervals over people.",
        "",
        f"| system | people | NDCG@{k} [95 % CI] | / oracle | plan seat in top {top} [95 % CI] "
        "| no seat | first placement contested |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, cell in result["systems"].items():
        ndcg, seat = cell[f"ndcg@{k}"], cell["plan_seat_in_top3"]
        contested = cell.get("first_contested")
        lines.append(
            f"| {name} | {cell['people']} | {_ci(ndcg)} | "
            f"{result['fraction_of_oracle'][name]:.2f} | {_ci(seat)} | "
            f"{cell['no_plan_seat']:.3f} | "
            + ("–" if contested is None else f"{contested:.3f}")
            + " |"
        )
    lines += [
        "",
        f"Learned minus rules, NDCG@{k} paired by person: {diff['mean']:+.4f} "
        f"[{diff['low']:+.4f}, {diff['high']:+.4f}]"
        + (" — the interval is above 0." if diff["low"] > 0 else " — the interval includes 0."),
    ]
    return lines


def _ci(cell: dict) -> str:
    return f"{cell['mean']:.3f} [{cell['low']:.3f}, {cell['high']:.3f}]"
