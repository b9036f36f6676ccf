"""The ablations keep the part of the learned ranker they say they keep, on the real
engine: without the company history, what is known of a company changes no score (it
does change the full ranker's); the rules with refitted weights rank as the rules do
when the outcomes follow the rules, and the learned ranker, which starts from them,
ranks as they do then, and learns what they cannot read when the outcomes depend on
it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit
from scipy.stats import spearmanr

from evaluation.ablations import NoCompanyHistorySystem, RulesRefittedSystem
from evaluation.systems import EngineSystem, EvalData
from matching.features import FEATURES
from matching.scoring import FallbackScorer, stage_chances
from matching.training import feature_matrix, labelled_pairs


@pytest.fixture(scope="module")
def data(programme, embedder) -> EvalData:
    """An engine of this module's own: the systems set rankers on it, which the
    session's shared engine must never keep."""
    return EvalData.from_programme(programme, embedder)


def _latest_challenge(data: EvalData) -> tuple[int, np.ndarray]:
    latest = data.challenges["edition_id"].max()
    cid = int(data.challenges.loc[data.challenges["edition_id"] == latest, "challenge_id"].iat[0])
    people = data.participants.loc[data.participants["edition_id"] == latest, "participant_id"]
    return cid, people.to_numpy()


def _scores_with_and_without_history(data: EvalData, system) -> tuple[np.ndarray, np.ndarray]:
    cid, ids = _latest_challenge(data)
    with_history = system.scores(cid, ids)
    latest = int(data.challenges["edition_id"].max())
    data.matcher.history.count_since(latest)  # forget every earlier edition's record
    try:
        return with_history, system.scores(cid, ids)
    finally:
        data.matcher.history.count_since(None)


# trees alone: the served ranker's base reads no company feature, so a ranker whose trees
# earned no weight would pass the test below whether the history were held neutral or not
TREES = {"tree_weight": 1.0}


class _TreesOnFullHistory(NoCompanyHistorySystem):
    """The control: the same ranker, its company history left as it is."""

    @staticmethod
    def _neutral(x: np.ndarray) -> np.ndarray:
        return x


def test_without_company_history_the_company_record_changes_no_score(data):
    ablated = NoCompanyHistorySystem(TREES)
    ablated.fit(data, data.outcomes)
    before, after = _scores_with_and_without_history(data, ablated)
    np.testing.assert_array_equal(before, after)
    full = _TreesOnFullHistory(TREES)
    full.fit(data, data.outcomes)
    before, after = _scores_with_and_without_history(data, full)
    assert not np.array_equal(before, after)  # the same ranker reads the record


def _drawn_outcomes(data: EvalData, reach) -> pd.DataFrame:
    """Every observed pair's outcome drawn afresh from ``reach(features)``, its chances
    of reaching each stage (joined, completed, hired)."""
    pairs = labelled_pairs(data.outcomes, data.matcher)
    chances = reach(feature_matrix(data.matcher, pairs))
    rng = np.random.default_rng(11)
    grade = (rng.random(len(pairs))[:, None] < chances).sum(axis=1)  # stages reached
    events = np.array(["declined", "joined", "completed", "hired"])[grade]
    return pd.DataFrame(
        {"participant_id": pairs["participant_id"], "challenge_id": pairs["challenge_id"]}
    ).assign(event=events)


def _latest_agreement(data: EvalData, system, reference) -> float:
    """Mean rank correlation over the latest edition's challenges of ``system``'s
    scores with ``reference(challenge_id, participant_ids)``."""
    latest = data.challenges["edition_id"].max()
    people = data.participants.loc[data.participants["edition_id"] == latest, "participant_id"]
    ids = people.to_numpy()
    values = []
    for cid in data.challenges.loc[data.challenges["edition_id"] == latest, "challenge_id"]:
        scores = system.scores(int(cid), ids)
        keep = np.isfinite(scores)
        values.append(spearmanr(scores[keep], reference(int(cid), ids)[keep]).statistic)
    return float(np.mean(values))


def test_refitted_rules_rank_as_the_rules_when_outcomes_follow_the_rules(data):
    outcomes = _drawn_outcomes(data, FallbackScorer().stages)
    refitted = RulesRefittedSystem()
    refitted.fit(data, outcomes)
    rules = EngineSystem(learned=False)
    rules.fit(data, outcomes)
    cid, ids = _latest_challenge(data)
    keep = np.isfinite(rules.scores(cid, ids))
    agreement = spearmanr(refitted.scores(cid, ids)[keep], rules.scores(cid, ids)[keep])
    assert agreement.statistic > 0.9


def test_the_learned_ranker_ranks_as_the_rules_when_outcomes_follow_the_rules(data):
    """With a MILMA-sized history whose outcomes follow the rules, the trees earn little
    weight and the base stays near the rules' weights, so the served ranker ranks as the
    rules and as the rules refitted."""
    outcomes = _drawn_outcomes(data, FallbackScorer().stages)
    learned = EngineSystem(learned=True)
    learned.fit(data, outcomes)
    rules = EngineSystem(learned=False)
    rules.fit(data, outcomes)
    refitted = RulesRefittedSystem()
    refitted.fit(data, outcomes)
    assert max(learned.training.ranker.tree_weights_) <= 0.3
    assert _latest_agreement(data, learned, rules.scores) > 0.95
    assert _latest_agreement(data, learned, refitted.scores) > 0.9


UNEMPLOYED = FEATURES.index("months_unemployed")


def _long_unemployment_cuts_the_odds(x: np.ndarray) -> np.ndarray:
    """The rules' chances, except that past the median time out of work (a feature the
    rules do not read: more than 8 months) the odds of joining and of completing fall twentyfold."""
    step = logit(np.clip(stage_chances(FallbackScorer().stages(x)), 1e-6, 1 - 1e-6))
    step[:, :2] -= 3.0 * (x[:, [UNEMPLOYED]] > np.log1p(8))
    return np.cumprod(expit(step), axis=1)


def test_the_learned_ranker_learns_what_the_rules_do_not_read(data):
    """Outcomes driven by time out of work, which no rule reads: the trees earn weight
    in the stages it drives, and the served ranker ranks the true chances far better
    than the refitted rules can."""
    outcomes = _drawn_outcomes(data, _long_unemployment_cuts_the_odds)
    learned = EngineSystem(learned=True)
    learned.fit(data, outcomes)
    refitted = RulesRefittedSystem()
    refitted.fit(data, outcomes)
    assert min(learned.training.ranker.tree_weights_[:2]) >= 0.3

    def truth(cid: int, ids: np.ndarray) -> np.ndarray:
        x = data.matcher.features(cid, ids)
        return _long_unemployment_cuts_the_odds(x).sum(axis=1)

    learned_agreement = _latest_agreement(data, learned, truth)
    assert learned_agreement > _latest_agreement(data, refitted, truth) + 0.2
    assert learned_agreement > 0.85
