"""The promotion gate on a real engine and real rankers: a ranker that learned nothing
real is refused, one that learned what the held-out edition's outcomes show is promoted,
and a serving ranker is only replaced by one that beats it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.domain.vocabulary import relevance_from_events
from matching.features import FEATURES
from matching.scoring import FallbackScorer, expected_stages
from matching.training import (
    Incumbent,
    feature_matrix,
    fit_pair_ranker,
    labelled_pairs,
    train_ranker,
)


@pytest.fixture(scope="module")
def world(programme, matcher) -> pd.DataFrame:
    """The programme's observed pairs, relabelled by a rule the fallback rules do not
    know all of: in every challenge, the rules' own chances and the candidates'
    education decide together how far they get (the best quarter is hired, the next
    completes, the next joins, the rest decline). So the rules rank better than chance,
    and a ranker can learn the rest from the earlier editions."""
    pairs = labelled_pairs(programme.outcomes, matcher)
    x = feature_matrix(matcher, pairs)
    by_challenge = pairs.assign(
        rules=expected_stages(FallbackScorer().stages(x)),
        education=x[:, FEATURES.index("education_level")],
    ).groupby("challenge_id")
    merit = by_challenge["rules"].rank(pct=True) + by_challenge["education"].rank(pct=True)
    share = merit.groupby(pairs["challenge_id"]).rank(pct=True, method="first")
    grade = np.minimum((share.to_numpy() * 4).astype(int), 3)
    events = np.array(["declined", "joined", "completed", "hired"])[grade]
    return pairs.assign(event=events)[["participant_id", "challenge_id", "event"]]


def _shuffled_before_latest(events: pd.DataFrame, editions: dict[int, int]) -> pd.DataFrame:
    """The same events, with who had which outcome permuted inside every challenge of
    the editions before the latest (the held-out edition keeps its true outcomes)."""
    rng = np.random.default_rng(5)
    edition = events["challenge_id"].map(editions)
    shuffled = events.copy()
    for _, rows in events[edition < edition.max()].groupby("challenge_id"):
        shuffled.loc[rows.index, "event"] = rng.permutation(rows["event"].to_numpy())
    return shuffled


def test_a_ranker_that_learned_the_outcomes_is_promoted_over_the_rules(world, data_editions):
    matcher, editions = data_editions
    result = train_ranker(matcher, world, editions)
    promotion = result.metrics["promotion"]
    assert promotion["decision"] == "learned" and result.promoted, promotion
    assert promotion["held_out_edition"] == max(editions.values())
    assert promotion["difference"]["low"] > 0
    assert promotion["versus"]["rules"]["companies"] >= 5


def test_a_ranker_trained_on_shuffled_labels_is_refused(world, data_editions):
    matcher, editions = data_editions
    result = train_ranker(matcher, _shuffled_before_latest(world, editions), editions)
    promotion = result.metrics["promotion"]
    assert promotion["decision"] == "rules" and not result.promoted, promotion
    assert promotion["code"] == "not_better"
    assert promotion["difference"]["low"] <= 0
    assert "does not beat the rules" in promotion["reason"]


def test_a_serving_ranker_is_kept_against_a_worse_new_one(world, data_editions):
    """The incumbent learned the world on editions before the latest; the new ranker,
    trained on shuffled labels, beats neither it nor the rules: the incumbent stays."""
    matcher, editions = data_editions
    latest = max(editions.values())
    pairs = relevance_from_events(world)
    earlier = pairs[pairs["challenge_id"].map(editions) < latest].reset_index(drop=True)
    good = fit_pair_ranker(feature_matrix(matcher, earlier), earlier["relevance"].to_numpy())
    incumbent = Incumbent(good, "v-good", trained_through=latest - 1)
    result = train_ranker(
        matcher, _shuffled_before_latest(world, editions), editions, incumbent=incumbent
    )
    promotion = result.metrics["promotion"]
    assert promotion["decision"] == "incumbent", promotion
    assert promotion["incumbent"] == "v-good"
    assert promotion["versus"]["incumbent"]["high"] < 0  # clearly worse than it


def test_an_incumbent_trained_on_the_held_out_edition_is_refitted_without_it(world, data_editions):
    """Judged as it stands, a ranker that has seen the held-out outcomes would win by
    memory; its recipe refitted on the earlier editions is what the new one must beat.
    The same recipe on the same data ties, and a tie keeps the incumbent."""
    matcher, editions = data_editions
    first = train_ranker(matcher, world, editions)
    incumbent = Incumbent(first.ranker, "v-all", trained_through=max(editions.values()))
    again = train_ranker(matcher, world, editions, incumbent=incumbent)
    promotion = again.metrics["promotion"]
    assert promotion["incumbent"].startswith("v-all (refitted on the editions before")
    assert promotion["versus"]["incumbent"]["mean"] == 0.0
    assert promotion["decision"] == "incumbent"


@pytest.fixture(scope="module")
def data_editions(programme, matcher):
    editions = dict(
        zip(programme.challenges["challenge_id"], programme.challenges["edition_id"], strict=True)
    )
    return matcher, editions
