"""The evaluation protocol: temporal splits, candidate pools, two kinds of relevance.

Train on earlier editions' observed outcomes, test on a later one: for every edition
t >= 3, train on editions < t and test on t (the way the service is used: trained on
the past, applied to the next cohort). Each test challenge's candidate pool is its
edition's participants who are available (the only ones a shortlist can hold). The
companies' history the ranker reads is cut at the test edition too. Relevance is
judged two ways:

(a) observed: only the pairs that happened (a participant was offered or joined that
    challenge) have labels; each system ranks those candidates, as a real programme
    could evaluate itself.
(b) counterfactual: the generator's sampled outcome for every pair of the edition; the
    oracle ranks by the hidden expected outcome and gives the ceiling.

Fairness is audited against *merit*: each pair's expected outcome had no company
discriminated (the counterfactual truth with the hiring bias removed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fairlearn.metrics import demographic_parity_ratio, equal_opportunity_ratio

from evaluation.metrics import exposure_ratio, exposure_weights, gini, ranking_metrics
from evaluation.systems import EngineSystem, EvalData, System
from matching.domain.vocabulary import relevance_from_events
from matching.training import expected_calibration_error

KS = (5, 10, 20)
FAIRNESS_K = 10
FIRST_TEST_EDITION = 3


@dataclass
class SplitResult:
    """Per-challenge metrics of every system on one test edition, plus audits."""

    test_edition: int
    counterfactual: pd.DataFrame
    observed: pd.DataFrame
    fairness: pd.DataFrame
    exposure: pd.DataFrame = field(default_factory=pd.DataFrame)
    calibration: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)


def _train_outcomes(data: EvalData, test_edition: int, since: int | None) -> pd.DataFrame:
    edition = data.outcomes["challenge_id"].map(data.edition_of())
    keep = (edition < test_edition) & (edition >= (since or -np.inf))
    return data.outcomes[keep.to_numpy()]


def test_editions(data: EvalData) -> list[int]:
    """Editions the temporal protocol tests on: every one with two before it (or the
    latest, for a programme too short for that)."""
    editions = sorted(int(e) for e in data.challenges["edition_id"].unique())
    tested = [e for e in editions if e >= FIRST_TEST_EDITION]
    return tested or editions[-1:]


def run_split(
    data: EvalData,
    systems: list[System],
    test_edition: int,
    audits: bool = True,
    window: int | None = None,
) -> SplitResult:
    """Fit every system on the outcomes of the editions before ``test_edition`` (only
    the last ``window`` of them, if given; the companies' history too) and score it."""
    since = None if window is None else test_edition - window
    data.matcher.history.count_since(since)
    try:
        train = _train_outcomes(data, test_edition, since)
        for system in systems:
            system.fit(data, train)
        return _score(data, systems, test_edition, audits)
    finally:
        data.matcher.history.count_since(None)


def _score(data: EvalData, systems: list[System], test_edition: int, audits: bool) -> SplitResult:
    challenges = data.challenges.loc[data.challenges["edition_id"] == test_edition]
    ids = challenges["challenge_id"].to_numpy()
    people = data.participants.loc[
        (data.participants["edition_id"] == test_edition) & data.participants["available"],
        "participant_id",
    ].to_numpy()
    truth = data.truth[data.truth["edition_id"] == test_edition]
    sampled = _pivot(truth, "sampled_relevance", people, ids)
    merit = _pivot(truth, "merit" if "merit" in truth else "expected_relevance", people, ids)
    observed = relevance_from_events(data.outcomes[data.outcomes["challenge_id"].isin(ids)])
    position = {p: i for i, p in enumerate(people)}
    migrant = data.sensitive.set_index("participant_id").loc[people, "migrant"].to_numpy(bool)
    niche_of = dict(zip(challenges["challenge_id"], challenges["niche"], strict=True))
    company_of = dict(zip(challenges["challenge_id"], challenges["company_id"], strict=True))

    cf_rows, obs_rows, fair_rows, exposure_rows = [], [], [], []
    calibration: dict = {}
    for system in systems:
        exposure = np.zeros(len(people))
        selected = np.zeros((len(ids), len(people)), dtype=bool)
        for j, cid in enumerate(ids):
            scores = system.scores(int(cid), people)
            order = np.lexsort((people, -scores))
            cf_rows.append(
                {
                    "system": system.name,
                    "challenge_id": int(cid),
                    "test_edition": test_edition,
                    "company_id": int(company_of[cid]),
                    **ranking_metrics(sampled[order, j], KS),
                }
            )
            weights = exposure_weights(len(order), FAIRNESS_K)
            exposure[order] += weights
            selected[j, order[:FAIRNESS_K]] = True
            given = np.zeros(len(people))
            given[order] = weights
            exposure_rows.append(
                {
                    "system": system.name,
                    "challenge_id": int(cid),
                    "niche": niche_of[cid],
                    "exposure_migrant": given[migrant].sum(),
                    "exposure_local": given[~migrant].sum(),
                    "merit_migrant": merit[migrant, j].sum(),
                    "merit_local": merit[~migrant, j].sum(),
                }
            )
            labelled = observed[observed["challenge_id"] == cid]
            if len(labelled) > 1:
                labelled = labelled[labelled["participant_id"].isin(position)]
                pos = labelled["participant_id"].map(position).to_numpy()
                sub = np.lexsort((labelled["participant_id"].to_numpy(), -scores[pos]))
                obs_rows.append(
                    {
                        "system": system.name,
                        "challenge_id": int(cid),
                        **ranking_metrics(labelled["relevance"].to_numpy()[sub], KS),
                    }
                )
        if audits:
            fair_rows.append(_fairness_row(system.name, selected, exposure, migrant, sampled))
            if isinstance(system, EngineSystem) and system.learned and not system.fairness:
                calibration = _calibration(system, ids, people, sampled)
    training = {}
    for system in systems:
        if isinstance(system, EngineSystem) and system.training is not None:
            training = system.training.metrics
    return SplitResult(
        test_edition,
        pd.DataFrame(cf_rows),
        pd.DataFrame(obs_rows),
        pd.DataFrame(fair_rows),
        pd.DataFrame(exposure_rows),
        calibration,
        training,
    )


def _pivot(truth: pd.DataFrame, column: str, people: np.ndarray, ids: np.ndarray) -> np.ndarray:
    wide = truth.pivot(index="participant_id", columns="challenge_id", values=column)
    return wide.loc[people, ids].to_numpy(dtype=np.float64)


def _fairness_row(
    name: str, selected: np.ndarray, exposure: np.ndarray, migrant: np.ndarray, sampled: np.ndarray
) -> dict:
    """Fairness and concentration of one system's top-k lists over a test edition."""
    groups = np.tile(migrant, selected.shape[0])
    y_pred = selected.ravel()
    y_true = (sampled.T >= 2).ravel()
    return {
        "system": name,
        "pool_share_migrants": float(migrant.mean()),
        f"top{FAIRNESS_K}_share_migrants": float(selected[:, migrant].sum() / selected.sum()),
        f"exposure_ratio@{FAIRNESS_K}": exposure_ratio(exposure, migrant),
        f"demographic_parity_ratio@{FAIRNESS_K}": float(
            demographic_parity_ratio(y_true, y_pred, sensitive_features=groups)
        ),
        f"equal_opportunity_ratio@{FAIRNESS_K}": float(
            equal_opportunity_ratio(y_true, y_pred, sensitive_features=groups)
        ),
        f"coverage@{FAIRNESS_K}": float((exposure > 0).mean()),
        f"exposure_gini@{FAIRNESS_K}": gini(exposure),
    }


def _calibration(system: EngineSystem, challenges, people, sampled) -> dict:
    """Reliability of the learned ranker's stage probabilities on every test pair."""
    probs, outcomes = [], []
    for j, cid in enumerate(challenges):
        scored = system.stages(int(cid), people)
        keep = scored["expected"].notna().to_numpy()
        probs.append(scored.loc[keep, ["p_join", "p_complete", "p_hire"]].to_numpy())
        outcomes.append(sampled[keep, j])
    p = np.vstack(probs)
    rel = np.concatenate(outcomes)
    out = {}
    for col, (stage, threshold) in enumerate((("join", 1), ("complete", 2), ("hire", 3))):
        hit = rel >= threshold
        edges = np.linspace(0, 1, 11)
        which = np.clip(np.digitize(p[:, col], edges[1:-1]), 0, 9)
        bins = [
            (
                float(p[which == b, col].mean()),
                float(hit[which == b].mean()),
                int((which == b).sum()),
            )
            for b in range(10)
            if (which == b).any()
        ]
        out[stage] = {
            "ece": expected_calibration_error(p[:, col], hit),
            "mean_predicted": float(p[:, col].mean()),
            "observed_rate": float(hit.mean()),
            "bins": bins,
        }
    return out


def latest_edition(data: EvalData) -> int:
    return int(data.challenges["edition_id"].max())
