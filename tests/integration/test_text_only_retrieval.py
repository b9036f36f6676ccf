"""A participant described only in Spanish text is found and ranked for work in their
trade, against a 500-person edition of generated people with full records."""

import pandas as pd
import pytest

from evaluation.real_text import text_only_records
from evaluation.systems import engine_over
from matching.scoring import FallbackScorer
from matching.training import train_ranker
from training_data.config import GeneratorConfig
from training_data.generator import generate

CAMARERO = (
    "Camarero con cinco años de experiencia en bares y restaurantes, servicio de mesas y barra."
)
PERSON = 10_000


@pytest.fixture(scope="module")
def edition_of_500(embedder):
    programme = generate(GeneratorConfig(seed=21, participants=500, editions=1, challenges=14))
    engine = engine_over(programme, embedder)
    # willing to travel across the region (the form's default is 45 minutes): what is
    # tested is the reading of the text, not the distance to where the challenge is
    record = text_only_records([CAMARERO]).assign(
        participant_id=PERSON, spanish_level="C2", max_commute_minutes=90
    )
    engine.upsert_participants(record, persist=False)
    challenges = programme.challenges
    editions = dict(zip(challenges["challenge_id"], challenges["edition_id"], strict=True))
    return engine, programme, train_ranker(engine, programme.outcomes, editions)


@pytest.mark.parametrize(("scorer", "top"), [("learned", 20), ("fallback", 25)])
def test_the_spanish_waiter_reaches_the_top_of_a_hospitality_challenge(edition_of_500, scorer, top):
    """With a ranker trained on the programme's outcomes (what `milma serve` runs) the
    waiter is in the top 20 of 500; the untrained fallback has them in the top 5 %
    (they have no induction record, which counts for those who came)."""
    engine, programme, trained = edition_of_500
    if scorer == "learned":
        engine.use_ranker(trained.ranker, "test")
    else:
        engine.scorer = FallbackScorer()
    hospitality = programme.challenges.loc[programme.challenges["niche"] == "hospitality"]
    assert (programme.participants["edition_id"] == 1).sum() == 500
    for cid in hospitality["challenge_id"]:
        shortlist = engine.shortlist(int(cid), k=top, fairness=False, language="es")
        ranked = [c.participant_id for c in shortlist.candidates]
        assert PERSON in ranked, f"challenge {cid}: not in the top {top}"
        found = shortlist.candidates[ranked.index(PERSON)]
        experience = next(r for r in found.reasons if r.factor == "experience")
        assert "leídos en el texto" in experience.text
        assert any(s.implied for s in found.matched_skills)


def test_the_waiter_is_far_from_an_unrelated_challenge(edition_of_500):
    engine, programme, _ = edition_of_500
    unrelated = programme.challenges.loc[programme.challenges["niche"] == "ict_support"]
    cid = int(unrelated["challenge_id"].iloc[0])
    ranked = [c.participant_id for c in engine.shortlist(cid, k=20, fairness=False).candidates]
    assert PERSON not in ranked


def test_text_only_records_keep_the_form_defaults():
    records = text_only_records(["Limpiadora de oficinas", "Electricista"])
    assert list(records["profile_text"]) == ["Limpiadora de oficinas", "Electricista"]
    assert records["skills"].map(len).sum() == 0 and not records["niche_preferences"].map(len).any()
    assert isinstance(records, pd.DataFrame) and records["participant_id"].tolist() == [1, 2]
