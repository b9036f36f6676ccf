"""How the generated outcomes split: what a record explains, what history can learn,
what shows early, and what is noise. Written to the truth manifest, so an evaluation
can tell a good model from a lucky one.

On every pair of the programme, the expected outcome is recomputed with only some of
the hidden model's component groups (the others at zero, their average): *profile*
alone, then with the *company* ways that past outcomes reveal, then with the person's
*engagement* (which the induction shows), then with *hidden* traits. The share of the
sampled outcome's variance each explains (squared correlation) is reported
cumulatively; what none explains is the *noise* (each pair's own noise and the luck of
every stage). The logit variance of each group per stage is reported too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from training_data.observed_history import Intercepts, expected_relevance
from training_data.outcome_model import GROUPS, STAGES, OutcomeModel

CUMULATIVE = (
    ("profile", ("profile",)),
    ("company history", ("profile", "company")),
    ("engagement", ("profile", "company", "engagement")),
    ("hidden traits", ("profile", "company", "engagement", "hidden", "bias")),
)
SAMPLE_PAIRS = 200_000


def decompose(model: OutcomeModel, truth: pd.DataFrame, intercepts: Intercepts, seed: int) -> dict:
    """Variance shares of the sampled outcome, and logit variances per group and stage."""
    rng = np.random.default_rng(seed)
    rows = truth if len(truth) <= SAMPLE_PAIRS else truth.sample(SAMPLE_PAIRS, random_state=rng)
    i = rows["participant_id"].to_numpy() - 1
    j = rows["challenge_id"].to_numpy() - 1
    sampled = rows["sampled_relevance"].to_numpy(dtype=np.float64)
    parts = model.components(i, j)
    explained, previous = {}, 0.0
    for name, groups in CUMULATIVE:
        z = {s: sum(parts[g][s] for g in groups) for s in STAGES}
        expected = expected_relevance(
            expit(intercepts.accept + z["accept"]),
            expit(intercepts.complete + z["complete"]),
            expit(intercepts.hire + z["hire"]),
        )
        share = float(np.corrcoef(sampled, expected)[0, 1] ** 2)
        explained[name] = round(share - previous, 4)
        previous = share
    explained["noise"] = round(1.0 - previous, 4)
    logits = {
        stage: {g: round(float(np.var(parts[g][stage])), 4) for g in GROUPS} for stage in STAGES
    }
    return {
        "pairs": len(rows),
        "explained_variance_of_sampled_outcome": explained,
        "logit_variance_by_stage": logits,
        "note": "shares are cumulative: each is what its group adds to the ones before it",
    }
