"""Features on hand-made profiles, and the guard that keeps sensitive attributes out."""

import numpy as np
import pandas as pd
import pytest

from matching.domain.catalogue import load_catalogue
from matching.domain.records import SENSITIVE_FIELDS
from matching.engine import Matcher
from matching.features import FEATURE_INPUTS, FEATURES
from matching.pool import PROFILE_COLUMNS

CAT = load_catalogue()
URI = {CAT.label(u): u for u in CAT.uris}
GARDEN = [
    "prune plants",
    "maintain irrigation systems",
    "use gardening equipment",
    "perform weed control operations",
]


def person(pid, text, skills=(), **extra):
    row = {
        "participant_id": pid,
        "edition_id": 1,
        "profile_text": text,
        "text_language": "en",
        "skills": [URI[s] for s in skills],
        "skills_text": [],
        "spanish_level": "B2",
        "education": "secondary",
        "experience_niches": [],
        "experience_years": [],
        "availability": "morning",
        "district": "Fuenlabrada Centro",
        "max_commute_minutes": 45,
        "niche_preferences": [],
        "months_unemployed": 6,
        "digital_access": True,
        "induction": None,
        "available": True,
        "consent_share": True,
    }
    row.update(extra)
    return row


@pytest.fixture(scope="module")
def small(embedder):
    people = pd.DataFrame(
        [
            person(
                1,
                "Gardener for six years in municipal parks.",
                GARDEN,
                experience_niches=["gardening"],
                experience_years=[6.0],
                niche_preferences=["gardening", "cleaning"],
            ),
            person(
                2,
                "I worked two years as a hotel receptionist at night.",
                ["greet guests"],
                availability="afternoon",
                spanish_level="A2",
                district="Móstoles",
                max_commute_minutes=20,
                digital_access=False,
            ),
            person(
                3,
                "Cleaner and some gardening for neighbours.",
                GARDEN[:1],
                niche_preferences=["cleaning", "retail", "gardening"],
            ),
        ]
    )[list(PROFILE_COLUMNS)]
    challenge = pd.DataFrame(
        [
            {
                "challenge_id": 10,
                "edition_id": 1,
                "company_id": 1,
                "niche": "gardening",
                "title": "Park upkeep crew",
                "description": "Municipal parks.",
                "essential_skills": [URI[s] for s in GARDEN],
                "optional_skills": [URI["plant species"]],
                "taught_skills": [
                    URI["maintain irrigation systems"],
                    URI["perform weed control operations"],
                ],
                "min_spanish": "B1",
                "seats": 5,
                "schedule": "morning",
                "location": "Loranca",
                "remote": True,
            }
        ]
    )
    engine = Matcher(embedder)
    engine.load_programme(people, challenge, persist=False)
    return engine


def test_hand_made_profiles(small):
    x = pd.DataFrame(small.features(10, [1, 2, 3]), columns=FEATURES, index=[1, 2, 3])
    assert x.loc[1, "essential_coverage"] == 1.0
    assert x.loc[1, "essential_gap_taught"] == 0 and x.loc[1, "essential_gap_untaught"] == 0
    # person 3 has 1 of 4: of the 3 missing, 2 are taught and 1 is not
    assert x.loc[3, "essential_coverage"] == 0.25
    assert x.loc[3, "essential_gap_taught"] == 0.5 and x.loc[3, "essential_gap_untaught"] == 0.25
    assert x.loc[1, "niche_preference"] == 1.0
    assert x.loc[3, "niche_preference"] == pytest.approx(0.4)
    assert x.loc[2, "niche_preference"] == 0.0
    assert x.loc[1, "niche_experience"] == pytest.approx(np.log1p(6.0))
    assert x.loc[2, "spanish_gap"] == 1 and x.loc[1, "spanish_gap"] == 0
    assert x.loc[1, "schedule_fit"] == 1 and x.loc[2, "schedule_fit"] == 0
    assert x.loc[2, "commute_over_limit"] > 0 and x.loc[1, "commute_over_limit"] == 0
    assert x.loc[2, "remote_without_device"] == 1 and x.loc[1, "remote_without_device"] == 0
    assert x.loc[1, "similarity"] > x.loc[2, "similarity"]


def test_trainable_gap_counts_less_than_an_open_gap(small):
    """Person 3 lacks skills the training teaches; the engine must not punish that as hard."""
    base = small.features(10, [3])
    open_gap = base.copy()
    i, j = FEATURES.index("essential_gap_taught"), FEATURES.index("essential_gap_untaught")
    open_gap[0, j] += open_gap[0, i]
    open_gap[0, i] = 0.0
    stages = small.scorer.stages(np.vstack([base, open_gap]))
    assert stages[0].sum() > stages[1].sum()


def test_no_sensitive_attribute_reaches_the_ranker(matcher, programme):
    assert not set(FEATURES) & SENSITIVE_FIELDS
    assert "migrant" not in FEATURE_INPUTS
    assert not set(PROFILE_COLUMNS) & (
        SENSITIVE_FIELDS | {"display_name", "email", "phone", "other_languages", "notes"}
    )
    cid = int(programme.challenges["challenge_id"].iloc[-1])
    edition = programme.challenges.set_index("challenge_id").loc[cid, "edition_id"]
    ids = programme.participants.loc[
        programme.participants["edition_id"] == edition, "participant_id"
    ].to_numpy()
    before = matcher.score(cid, ids)
    flags = matcher.pool.cols["migrant"].copy()
    try:
        matcher.pool.cols["migrant"][:] = ~flags[: len(matcher.pool.cols["migrant"])]
        after = matcher.score(cid, ids)
    finally:
        matcher.pool.cols["migrant"][:] = flags
    pd.testing.assert_frame_equal(before, after)
