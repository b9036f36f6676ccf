"""What caseworkers' exclusions teach the ranker: a simulation on the generated programme.

The service turns an exclusion "not interested" or "not a fit" into a 'declined' label
for that pair at the next training. To see what that is worth, caseworkers are
simulated on the training editions: each reviews the top of every challenge's shortlist
(the ranker as it was, the fallback rules) and, for the people they know (a share
``knows`` of them), excludes those who would not have joined (the generator's sampled
outcome for the pair is 0). Pairs that already have a recorded outcome are left alone,
as in the service. The ranker is trained with and without these labels and both are
tested on the latest edition. The knowledge is simulated from the generator's truth;
the figure says what such labels can add, not what a given team of caseworkers knows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.protocol import latest_edition, run_split
from evaluation.summary import paired_difference, table
from evaluation.systems import EngineSystem, EvalData
from matching.domain.vocabulary import relevance_from_events
from matching.scoring import FallbackScorer
from matching.training import train_ranker

REVIEWED = 20  # how far down a shortlist a caseworker reads
KNOWS = 0.5  # share of the reviewed people a caseworker knows well enough
WITH_LABELS = "learned ranker + exclusion labels"


def simulated_exclusions(
    data: EvalData, train: pd.DataFrame, knows: float = KNOWS, seed: int = 0
) -> pd.DataFrame:
    """'declined' events for the known non-joiners in the top of each training shortlist."""
    rng = np.random.default_rng(seed)
    edition_of = data.edition_of()
    observed = relevance_from_events(train)
    seen = set(zip(observed["participant_id"], observed["challenge_id"], strict=True))
    truth = data.truth.set_index(["participant_id", "challenge_id"])["sampled_relevance"]
    trained = set(train["challenge_id"])
    available = data.participants[data.participants["available"]]
    previous, data.matcher.scorer = data.matcher.scorer, FallbackScorer()
    rows = []
    try:
        for cid in sorted(trained):
            people = available.loc[
                available["edition_id"] == edition_of[cid], "participant_id"
            ].to_numpy()
            score = data.matcher.score(int(cid), people)["expected"].fillna(-np.inf).to_numpy()
            for pid in people[np.argsort(-score, kind="stable")[:REVIEWED]]:
                pair = (int(pid), int(cid))
                if pair in seen or truth.get(pair, 1) != 0 or rng.random() >= knows:
                    continue
                rows.append({"participant_id": pair[0], "challenge_id": pair[1]})
    finally:
        data.matcher.scorer = previous
    frame = pd.DataFrame(rows, columns=["participant_id", "challenge_id"])
    return frame.assign(event="declined", at=pd.NaT, rating=np.nan)


class LabelledSystem(EngineSystem):
    """The learned ranker trained on the outcomes plus simulated exclusion labels."""

    def __init__(self) -> None:
        super().__init__(learned=True)
        self.name = WITH_LABELS
        self.labels = 0

    def fit(self, data: EvalData, train_outcomes: pd.DataFrame) -> None:
        self.matcher = data.matcher
        extra = simulated_exclusions(data, train_outcomes)
        self.labels = len(extra)
        both = pd.concat([train_outcomes, extra], ignore_index=True)
        self.training = train_ranker(data.matcher, both, data.edition_of())


def override_label_check(data: EvalData) -> dict:
    """NDCG@10 on the latest edition with and without the exclusion labels."""
    labelled = LabelledSystem()
    split = run_split(data, [EngineSystem(learned=True), labelled], latest_edition(data), False)
    cf = table(split.counterfactual)
    return {
        "test_edition": split.test_edition,
        "labels": labelled.labels,
        "ndcg@10": {name: cf[name]["ndcg@10"] for name in cf},
        "difference": paired_difference(split.counterfactual, WITH_LABELS, "learned ranker"),
    }


def override_label_section(result: dict) -> list[str]:
    with_labels, without = result["ndcg@10"][WITH_LABELS], result["ndcg@10"]["learned ranker"]
    d = result["difference"]
    return [
        f"Simulated caseworkers reviewed the top {REVIEWED} of every training shortlist and "
        f"excluded, as 'not interested', the people they knew ({KNOWS:.0%}) who would not "
        f"have joined: {result['labels']} exclusion labels. Tested on edition "
        f"{result['test_edition']}:",
        "",
        "| ranker | NDCG@10 [95 % CI] |",
        "|---|---|",
        f"| trained on outcomes | {without['mean']:.3f} [{without['low']:.3f}, "
        f"{without['high']:.3f}] |",
        f"| trained on outcomes and exclusions | {with_labels['mean']:.3f} "
        f"[{with_labels['low']:.3f}, {with_labels['high']:.3f}] |",
        "",
        f"Difference: {d['mean']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}]. The knowledge is "
        "simulated from the generator's truth: this is what such labels can add, not a "
        "measurement of real caseworkers.",
    ]
