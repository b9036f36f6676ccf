"""The ablations keep the part of the learned ranker they say they keep, on the real
engine: without the company history, what is known of a company changes no score (it
does change the full ranker's); the rules with refitted weights rank as the rules do
when the outcomes follow the rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from evaluation.ablations import NoCompanyHistorySystem, RulesRefittedSystem
from evaluation.systems import EngineSystem, EvalData
from matching.scoring import FallbackScorer
from matching.training import feature_matrix, labelled_pairs


@pytest.fixture(scope="module")
def data(programme, matcher) -> EvalData:
    return EvalData(
        programme.participants,
        programme.challenges,
        programme.sensitive,
        programme.outcomes,
        programme.truth,
        matcher,
    )


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


def test_without_company_history_the_company_record_changes_no_score(data):
    ablated = NoCompanyHistorySystem()
    ablated.fit(data, data.outcomes)
    before, after = _scores_with_and_without_history(data, ablated)
    np.testing.assert_array_equal(before, after)
    full = EngineSystem(learned=True)
    full.fit(data, data.outcomes)
    before, after = _scores_with_and_without_history(data, full)
    assert not np.array_equal(before, after)  # the full ranker reads the record


def test_refitted_rules_rank_as_the_rules_when_outcomes_follow_the_rules(data):
    pairs = labelled_pairs(data.outcomes, data.matcher)
    chances = FallbackScorer().stages(feature_matrix(data.matcher, pairs))
    rng = np.random.default_rng(11)
    grade = (rng.random(len(pairs))[:, None] < chances).sum(axis=1)  # stages reached
    events = np.array(["declined", "joined", "completed", "hired"])[grade]
    outcomes = pd.DataFrame(
        {"participant_id": pairs["participant_id"], "challenge_id": pairs["challenge_id"]}
    ).assign(event=events)
    refitted = RulesRefittedSystem()
    refitted.fit(data, outcomes)
    rules = EngineSystem(learned=False)
    rules.fit(data, outcomes)
    cid, ids = _latest_challenge(data)
    keep = np.isfinite(rules.scores(cid, ids))
    agreement = spearmanr(refitted.scores(cid, ids)[keep], rules.scores(cid, ids)[keep])
    assert agreement.statistic > 0.9
