"""Shortlists from the real engine: edition pool, explanations, thin profiles, consent."""

import numpy as np
import pandas as pd
import pytest

from matching.engine import UnknownIdError
from matching.fairness import TOLERANCE, position_exposure
from matching.pool import PROFILE_COLUMNS


def test_shortlist_ranks_explained_candidates_from_the_edition(matcher, programme):
    cid = int(programme.challenges["challenge_id"].iloc[-1])
    result = matcher.shortlist(cid, k=12, fairness=False)
    edition = programme.challenges.set_index("challenge_id").loc[cid, "edition_id"]
    people = programme.participants
    members = set(people.loc[people["edition_id"] == edition, "participant_id"])
    assert len(result.candidates) == 12
    assert {c.participant_id for c in result.candidates} <= members
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert result.scoring.startswith("fallback")
    view = matcher.challenge(cid)
    for c in result.candidates:
        assert {r.factor for r in c.reasons} >= {
            "skills",
            "language",
            "commute",
            "schedule",
            "preference",
            "experience",
            "training",
        }
        essential = {matcher.catalogue.uris[s] for s in view.essential}
        matched = {s.uri for s in c.matched_skills}
        missing = {s.uri for s in c.missing_taught + c.missing_untaught}
        assert (matched & essential) | missing == essential and not matched & missing
        assert 0 <= c.p_hire <= c.p_complete <= c.p_join <= 1


def test_fairness_rerank_gives_exposure_by_merit(matcher, programme):
    cid = int(programme.challenges["challenge_id"].iloc[0])
    result = matcher.shortlist(cid, k=20, fairness=True)
    report = result.fairness
    assert report["applied"]
    weights = position_exposure(20)
    allowed = TOLERANCE + weights[-1] / weights.sum() + 0.001  # the report rounds
    assert abs(report["exposure_share_after"] - report["target_exposure_share"]) <= allowed


def _profile(pid: int, edition: int, text: str, skills=(), consent=True) -> pd.DataFrame:
    row = {
        "participant_id": pid,
        "edition_id": edition,
        "profile_text": text,
        "text_language": "en",
        "skills": list(skills),
        "skills_text": [],
        "spanish_level": "C2",
        "education": "secondary",
        "experience_niches": [],
        "experience_years": [],
        "availability": "flexible",
        "district": "Fuenlabrada Centro",
        "max_commute_minutes": 60,
        "niche_preferences": [],
        "months_unemployed": 3,
        "digital_access": True,
        "induction": None,
        "available": True,
        "consent_share": consent,
    }
    return pd.DataFrame([row])[list(PROFILE_COLUMNS)]


def test_thin_profile_is_listed_apart_and_consent_filters(matcher, programme):
    cid = int(programme.challenges["challenge_id"].iloc[0])
    edition = int(matcher.challenge(cid).edition_id)
    matcher.upsert_participants(_profile(90_001, edition, ""), persist=False)
    matcher.upsert_participants(
        _profile(
            90_002,
            edition,
            "I worked three years as a gardener pruning trees and planting flowers",
            consent=False,
        ),
        persist=False,
    )
    try:
        result = matcher.shortlist(cid, k=200)
        thin = {p.participant_id: p.missing for p in result.not_enough_information}
        assert 90_001 in thin and "profile_text" in thin[90_001]
        assert 90_001 not in {c.participant_id for c in result.candidates}
        company_view = matcher.shortlist(cid, k=200, consent_only=True)
        consented = set(programme.participants.query("consent_share")["participant_id"])
        assert {c.participant_id for c in company_view.candidates} <= consented
        scored = matcher.score(cid, [90_001, 90_002])
        assert np.isnan(scored["expected"].iloc[0]) and not np.isnan(scored["expected"].iloc[1])
    finally:
        matcher.remove_participant(90_001, persist=False)
        matcher.remove_participant(90_002, persist=False)
    result = matcher.shortlist(cid, k=200)
    assert 90_001 not in {p.participant_id for p in result.not_enough_information}


def test_unknown_ids_and_bad_k(matcher):
    with pytest.raises(UnknownIdError, match="challenge 9999"):
        matcher.shortlist(9999)
    with pytest.raises(ValueError, match="k must be"):
        matcher.shortlist(1, k=0)
    with pytest.raises(UnknownIdError, match="participant"):
        matcher.score(1, [123456])


def test_a_kept_shortlist_is_never_served_after_a_change(matcher, programme):
    cid = int(programme.challenges["challenge_id"].iloc[-1])
    first = matcher.shortlist(cid, k=5, consent_only=True)
    assert matcher.shortlist(cid, k=5, consent_only=True) is first  # reused as it stands
    top = first.candidates[0].participant_id
    matcher.set_participant_flags(top, consent=False, persist=False)
    try:
        after = matcher.shortlist(cid, k=5, consent_only=True)
        assert top not in [c.participant_id for c in after.candidates]
    finally:
        matcher.set_participant_flags(top, consent=True, persist=False)
    again = matcher.shortlist(cid, k=5, consent_only=True)
    assert again is not first and again.candidates[0].participant_id == top
    assert matcher.shortlist(cid, k=5, consent_only=True, language="es") is not again


def test_bulk_vectors_are_imported_as_given(programme, embedder):
    """A bulk import hands the vectors over: the index holds exactly them, nothing is
    embedded, and vectors of the wrong shape are refused before anything changes."""
    from matching.engine import Matcher

    people = programme.participants.iloc[:60]
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((60, embedder.dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    engine = Matcher(embedder)
    engine.load_programme(people, programme.challenges, persist=False, vectors=vectors)
    np.testing.assert_allclose(engine.index.vectors(people["participant_id"]), vectors)
    with pytest.raises(ValueError, match="vectors must have shape"):
        engine.load_programme(people, programme.challenges, persist=False, vectors=vectors[:5])
    assert len(engine.index) == 60 and len(engine.pool.row_of) == 60


def test_an_hnsw_index_is_probed_after_loading_and_after_growing(programme, embedder):
    from matching.engine import Matcher

    people = programme.participants
    engine = Matcher(embedder, exact_limit=100)
    engine.load_programme(people.iloc[:80], programme.challenges, persist=False)
    assert engine.status()["recall_probe"] == {"exact": True, "recall": 1.0}
    engine.upsert_participants(people.iloc[80:200], persist=False)  # past the limit: HNSW
    probe = engine.status()["recall_probe"]
    assert engine.index.approximate and probe["exact"] is False
    assert probe["count"] == 200 and probe["recall"] >= 0.98
