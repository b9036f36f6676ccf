"""Niche ranking on hand-made profiles, thin profiles and work outside the catalogue."""

import numpy as np
import pandas as pd
import pytest

from matching.engine import Matcher
from matching.niches import NICHE_DIRECTIONS, NICHE_FEATURES
from matching.pool import PROFILE_COLUMNS
from matching.training import publish_niche_model, train_niche_model

CASES = {
    1: (
        "gardening",
        "I worked five years as a gardener for the council: pruning trees and "
        "hedges, mowing, planting flowers and repairing the irrigation of the parks.",
        ["gardening"],
        [5.0],
        [],
    ),
    2: (
        "hotel_reception",
        "Receptionist in a hotel in Madrid for four years: check-in and "
        "check-out of guests, bookings, payments at the front desk and handling complaints.",
        ["hotel_reception"],
        [4.0],
        [],
    ),
    3: (
        "hospital_orderly",
        "Celador en el hospital de Fuenlabrada durante tres años: traslado "
        "de pacientes, apoyo al personal de enfermería y primeros auxilios.",
        ["hospital_orderly"],
        [3.0],
        [],
    ),
}


def row(pid, text, niches=(), years=(), prefs=(), skills_text=(), language="en"):
    return {
        "participant_id": pid,
        "edition_id": 1,
        "profile_text": text,
        "text_language": language,
        "skills": [],
        "skills_text": list(skills_text),
        "spanish_level": "B2",
        "education": "secondary",
        "experience_niches": list(niches),
        "experience_years": list(years),
        "availability": "flexible",
        "district": "Fuenlabrada Centro",
        "max_commute_minutes": 45,
        "niche_preferences": list(prefs),
        "months_unemployed": 4,
        "digital_access": True,
        "induction": None,
        "available": True,
        "consent_share": True,
    }


@pytest.fixture(scope="module")
def engine(embedder, programme):
    people = [row(pid, text, n, y, p) for pid, (_, text, n, y, p) in CASES.items()]
    people += [
        row(10, "jardinero"),  # a couple of words only
        row(
            11,
            "",
            skills_text=["operate forklift", "pick orders for dispatching", "lift heavy weights"],
        ),  # skills only
        row(
            12,
            "I drove a taxi in Madrid for twelve years, night shifts, and before that I "
            "was a fisherman.",
            ["other"],
            [12.0],
        ),
    ]
    frame = pd.DataFrame(people)[list(PROFILE_COLUMNS)]
    m = Matcher(embedder)
    m.load_programme(frame, programme.challenges.iloc[:0], persist=False)
    return m


@pytest.mark.parametrize("pid", list(CASES))
def test_hand_made_profiles_get_their_niche_first(engine, pid):
    result = engine.niches(pid)
    assert result.method == "catalogue" and not result.outside_catalogue
    assert result.suggestions[0].niche == CASES[pid][0]
    assert len(result.suggestions) == 13
    assert [s.rank for s in result.suggestions] == list(range(1, 14))
    assert any("experience" in r for r in result.suggestions[0].reasons)


def test_thin_profiles_still_get_a_sensible_ranking(engine):
    words = engine.niches(10)
    assert words.suggestions[0].niche == "gardening"
    assert "very little" in words.note
    skills = engine.niches(11)
    assert skills.suggestions[0].niche == "logistics"
    assert skills.suggestions[0].matched_skills


def test_work_outside_the_catalogue_is_said_plainly(engine):
    result = engine.niches(12)
    assert result.outside_catalogue
    assert "outside the 13 market niches" in result.note
    assert not engine.niches(1).outside_catalogue


def test_learned_niche_model_is_used_and_named(tmp_path, embedder, programme, matcher):
    result = train_niche_model(
        matcher,
        programme.outcomes,
        dict(
            zip(
                programme.challenges["challenge_id"],
                programme.challenges["edition_id"],
                strict=True,
            )
        ),
    )
    owner = Matcher(embedder, data_dir=tmp_path)
    owner.load_programme(programme.participants.head(20), programme.challenges, persist=False)
    artefact = publish_niche_model(owner, result)
    fresh = Matcher(embedder, data_dir=tmp_path)
    fresh.load_programme(programme.participants.head(20), programme.challenges, persist=False)
    fresh.load_models()
    ranking = fresh.niches(int(programme.participants["participant_id"].iloc[0]), "es")
    assert ranking.method == "learned" and ranking.model_version == artefact.version
    assert "modelo" in ranking.note
    assert all(0 <= s.score <= 1 for s in ranking.suggestions)


def test_more_evidence_for_a_niche_never_lowers_its_learned_chance(programme, matcher):
    """The niche model is held to its known directions, so a reason such as "shows 3
    of 5 core skills" never stands against a falling score."""
    editions = dict(
        zip(programme.challenges["challenge_id"], programme.challenges["edition_id"], strict=True)
    )
    model = train_niche_model(matcher, programme.outcomes, editions).ranker
    ids = programme.participants["participant_id"].head(200).to_numpy()
    rows = pd.DataFrame(matcher.niche_features(ids), columns=list(NICHE_FEATURES))
    for name in NICHE_DIRECTIONS:
        steps = np.quantile(rows[name], np.linspace(0, 1, 12))
        chances = np.stack(
            [model.predict_proba(rows.assign(**{name: v}))[:, 1] for v in steps], axis=1
        )
        assert (np.diff(chances, axis=1) >= -1e-12).all(), name
