"""The synthetic programme: deterministic, realistic rates, truth consistent with history."""

import re

import numpy as np
import pandas as pd
import pytest

from matching.domain.catalogue import NICHE_CODES, load_catalogue
from matching.domain.vocabulary import relevance_from_events
from training_data.config import GeneratorConfig
from training_data.dataset import read_truth_manifest, write_programme
from training_data.generator import generate
from training_data.schema import TABLES


def test_same_seed_same_programme_other_seed_differs():
    a, b, c = (
        generate(GeneratorConfig(seed=s, participants=200, challenges=8, editions=2))
        for s in (3, 3, 4)
    )
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert not a.participants["profile_text"].equals(c.participants["profile_text"])


def test_defaults_mirror_the_programme(programme):
    p = programme
    assert len(p.participants) == 508
    assert p.challenges["edition_id"].nunique() == 4
    assert len(p.challenges) == 28
    assert set(p.challenges["niche"]) == set(NICHE_CODES)
    assert p.sensitive["migrant"].mean() == pytest.approx(0.34, abs=0.01)
    rel = relevance_from_events(p.outcomes)
    best = (
        rel.groupby("participant_id")["relevance"]
        .max()
        .reindex(p.participants["participant_id"], fill_value=0)
    )
    assert (best >= 2).mean() == pytest.approx(389 / 508, abs=0.05)  # completed training
    assert (best == 3).mean() == pytest.approx(182 / 508, abs=0.05)  # placed in a job
    assert (best >= 1).mean() > 0.95  # almost everyone joined a team
    team_sizes = rel[rel.relevance >= 1].groupby("challenge_id").size()
    assert team_sizes.mean() == pytest.approx(18, abs=1.5)


def test_profiles_look_written_by_people(programme):
    parts = programme.participants
    cat = load_catalogue()
    assert parts["profile_text"].str.len().median() > 80
    assert parts["profile_text"].nunique() > 0.98 * len(parts)
    shares = parts["text_language"].value_counts(normalize=True)
    assert shares["es"] == pytest.approx(0.8, abs=0.01)
    assert shares["fr"] == pytest.approx(0.06, abs=0.01)
    assert set(shares.index) == {"es", "en", "fr"}
    french = parts.loc[parts["text_language"] == "fr", "profile_text"]
    assert french.str.contains(r"\b(?:je|j'|et|pour|en)\b").mean() > 0.9
    coded = parts["skills"].explode().dropna()
    assert coded.isin(cat.skills["uri"]).all()
    assert (parts["skills_text"].str.len() > 0).mean() > 0.4
    spanish = parts.loc[parts["text_language"] == "es", "profile_text"]
    assert spanish.str.contains(r"\b(?:de|en|y|trabajar|experiencia)\b").mean() > 0.9


def test_the_people_who_write_another_language_are_the_ones_whose_spanish_is_weakest(
    programme,
):
    people = programme.participants.merge(programme.sensitive, on="participant_id")
    natives = people["origin_group"].isin(["spain", "latin_america"])
    assert (people.loc[natives, "text_language"] == "es").all()
    french = people.loc[people["text_language"] == "fr", "origin_group"]
    assert french.isin(["maghreb", "sub_saharan_africa"]).all()


def test_challenges_are_written_in_spanish_with_spanish_skill_labels(programme):
    cat = load_catalogue()
    for challenge in programme.challenges.itertuples():
        assert "Imprescindible:" in challenge.description
        first_skill = cat.label(challenge.essential_skills[0], "es")
        assert first_skill in challenge.description
        assert not re.search(r"\b(?:the|you|will|need|looking)\b", challenge.description)
        assert not re.search(r"\b(?:team|staff|crew|and)\b", challenge.title)


def test_truth_covers_every_pair_and_agrees_with_history(programme):
    truth = programme.truth
    sizes = (
        programme.participants.groupby("edition_id").size()
        * programme.challenges.groupby("edition_id").size()
    )
    assert len(truth) == sizes.sum()
    assert truth["expected_relevance"].between(0, 3).all()
    observed = relevance_from_events(programme.outcomes)
    both = observed.merge(truth, on=["participant_id", "challenge_id"])
    assert len(both) == len(observed)
    assert (both["relevance"] == both["sampled_relevance"]).all()


def test_hiring_bias_knob_lowers_migrant_placements():
    rates = []
    for bias in (0.0, 2.0):
        p = generate(GeneratorConfig(seed=5, participants=2000, challenges=40, hiring_bias=bias))
        truth = p.truth.merge(p.sensitive, on="participant_id")
        rates.append(truth.groupby("migrant")["p_hire"].mean())
    unbiased, biased = rates
    # the placement rate stays calibrated, so the bias moves jobs from migrants to locals
    assert biased[True] < unbiased[True] - 0.1
    assert (biased[False] - biased[True]) > (unbiased[False] - unbiased[True]) + 0.2


def test_seats_leave_room_for_the_migrant_quota(programme):
    p = programme
    for edition, chs in p.challenges.groupby("edition_id"):
        people = p.participants[(p.participants.edition_id == edition) & p.participants.available]
        migrants = people.merge(p.sensitive)["migrant"].sum()
        assert chs["seats"].sum() <= len(people)
        assert np.ceil(0.3 * chs["seats"]).sum() <= migrants


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match="placement_rate"):
        GeneratorConfig(placement_rate=0.9, completion_rate=0.5)
    with pytest.raises(ValueError, match="participants"):
        GeneratorConfig(participants=10, challenges=28)
    with pytest.raises(ValueError, match="french_share"):
        GeneratorConfig(spanish_share=0.9, french_share=0.2)


def test_outcomes_hold_structure_a_record_cannot_show(programme, tmp_path):
    """Learning has something to find: the induction signals engagement, companies keep
    their ways across editions, and the truth manifest says how much each part explains."""
    p = programme
    best = relevance_from_events(p.outcomes).groupby("participant_id")["relevance"].max()
    came = p.participants.set_index("participant_id")["induction"] == "attended"
    placed = best.reindex(came.index, fill_value=0) == 3
    assert placed[came].mean() > placed[~came].mean() + 0.1

    folder = write_programme(p, tmp_path / "programme")
    variance = read_truth_manifest(folder)["variance"]["explained_variance_of_sampled_outcome"]
    assert set(variance) == {"profile", "company history", "engagement", "hidden traits", "noise"}
    assert sum(variance.values()) == pytest.approx(1.0, abs=1e-3)
    # history and engagement add real signal beyond the record, and noise stays large
    assert variance["company history"] > 0.02
    assert variance["engagement"] > 0.02
    assert 0.3 < variance["noise"] < 0.9
    # the truth's company parts: a taste that sets one challenge's candidates apart, and
    # mentors whose effect is the company's own in every edition
    truth = p.truth.merge(p.challenges[["challenge_id", "company_id"]])
    assert truth.groupby("challenge_id")["company_hire"].std().min() > 0.3
    mentoring = truth.groupby(["company_id", "challenge_id"])["company_complete"].mean()
    assert mentoring.std() > 2 * mentoring.groupby("company_id").std().mean()


def test_companies_co_manage_one_challenge_in_each_edition():
    """As under standing co-management agreements: a company's past grows every edition."""
    p = generate(GeneratorConfig(seed=5, editions=3, participants=600, challenges=45, truth=False))
    assert len(p.companies) == 15
    per_edition = p.challenges.groupby(["company_id", "edition_id"]).size()
    assert len(per_edition) == 45 and (per_edition == 1).all()
    sector = p.challenges["company_id"].map(p.companies.set_index("company_id")["sector"])
    assert (p.challenges["niche"] == sector).all()
