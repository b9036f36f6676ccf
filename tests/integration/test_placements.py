"""A person's placements on the real engine (embedding model, FAISS, the scorer, the
planner), with the fallback rules and with a ranker trained on the programme: the
challenges that suit them first, each read off its own shortlist, how contested its
seats are, where the team plan puts them, and every empty state with its reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.real_text import text_only_records
from matching.engine import Matcher, UnknownIdError
from matching.rules import RuleError
from matching.scoring import FallbackScorer
from matching.training import train_ranker
from tests.conftest import loaded_engine

PERSON = 95_001
WAITRESS = {
    "en": "I worked five years as a waitress in restaurants and bars in Fuenlabrada: serving "
    "tables, taking orders, setting up the dining room and helping at the bar.",
    "es": "Camarera con cinco años de experiencia en restaurantes y bares de Fuenlabrada: "
    "servicio de mesas, toma de comandas, montaje de sala y ayuda en la barra.",
}


@pytest.fixture(scope="module")
def engine(programme, embedder) -> Matcher:
    """An engine of its own over the session programme: these tests add people and
    challenges to it."""
    return loaded_engine(programme, embedder)


@pytest.fixture(scope="module")
def trained(engine, programme):
    editions = dict(
        zip(programme.challenges["challenge_id"], programme.challenges["edition_id"], strict=True)
    )
    return train_ranker(engine, programme.outcomes, editions).ranker


@pytest.fixture(params=["fallback", "learned"])
def scoring(request, engine, trained) -> str:
    if request.param == "learned":
        engine.use_ranker(trained, "test")
    else:
        engine.scorer = FallbackScorer()
    yield request.param
    engine.scorer = FallbackScorer()


def consenting(programme, edition: int) -> np.ndarray:
    people = programme.participants
    chosen = people[
        (people["edition_id"] == edition) & people["consent_share"] & people["available"]
    ]
    return chosen["participant_id"].to_numpy()


def person(text: str, edition: int, pid: int = PERSON, **fields) -> pd.DataFrame:
    """A record holding only a profile text, as a caseworker's form leaves it."""
    record = text_only_records([text]).assign(participant_id=pid, edition_id=edition)
    return record.assign(**{"consent_share": True, **fields})


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("edition", [1, 4])
def test_a_waitress_gets_the_hospitality_challenges_first(engine, scoring, language, edition):
    engine.upsert_participants(person(WAITRESS[language], edition), persist=False)
    try:
        result = engine.placements(PERSON, k=7, language=language)
    finally:
        engine.remove_participant(PERSON, persist=False)
    assert result.state == "ranked" and result.edition_id == edition and result.own_edition
    assert result.placements[0].niche == "hospitality", [p.niche for p in result.placements]
    assert [p.rank for p in result.placements] == list(range(1, 8))
    scores = [p.score for p in result.placements]
    assert scores == sorted(scores, reverse=True)


def test_the_answer_is_each_shortlists_own_standing(engine, scoring, programme):
    """Rank, chances, skills and reasons equal the person's entry on every challenge's
    shortlist, the fair-exposure re-rank applied as shortlists apply it: whole lists
    here (an edition holds fewer than the limit), and the first page of 10 agrees."""
    checked = 0
    for edition in (2, 4):
        for pid in consenting(programme, edition)[::9]:
            result = engine.placements(int(pid), k=engine.max_k)
            assert result.open_challenges == len(result.placements) == 7
            for placement in result.placements:
                whole = engine.shortlist(placement.challenge_id, k=engine.max_k)
                assert whole.fairness["applied"]
                ranked = [c.participant_id for c in whole.candidates]
                entry = whole.candidates[ranked.index(pid)]
                assert placement.shortlist_rank == entry.rank
                assert placement.stronger_candidates == entry.rank - 1
                assert placement.candidates == len(whole.candidates)
                for field in (
                    "score",
                    "p_join",
                    "p_complete",
                    "p_hire",
                    "similarity",
                    "matched_skills",
                    "missing_taught",
                    "missing_untaught",
                    "reasons",
                    "commute_minutes",
                    "schedule_fit",
                    "spanish_level",
                ):
                    assert getattr(placement, field) == getattr(entry, field), field
                if entry.rank <= 10:
                    page = engine.shortlist(placement.challenge_id, k=10)
                    assert page.candidates[entry.rank - 1].participant_id == pid
                checked += 1
    assert checked > 150


def test_one_seat_and_ten_stronger_candidates_is_contested(engine, programme):
    """A challenge with one seat: the person eleventh on its shortlist is marked
    contested, with the count in words; the first is not. With ten seats the ten above
    still take them all; with eleven, one is left. (Both are given consent, which the
    caseworker's list does not read.)"""
    engine.scorer = FallbackScorer()
    base = programme.challenges[programme.challenges["challenge_id"] == 23].iloc[0].to_dict()
    consent = programme.participants.set_index("participant_id")["consent_share"]
    added, touched = 900, []
    try:
        for seats in (1, 10, 11):
            engine.add_challenges(pd.DataFrame([{**base, "challenge_id": added, "seats": seats}]))
            listed = engine.shortlist(added, k=engine.max_k).candidates
            for c in (listed[0], listed[10]):
                touched.append(c.participant_id)
                engine.set_participant_flags(c.participant_id, consent=True, persist=False)
            at = {}
            for c in (listed[0], listed[10]):
                for language in ("en", "es"):
                    found = engine.placements(c.participant_id, k=20, language=language)
                    (at[c.rank, language],) = [
                        p for p in found.placements if p.challenge_id == added
                    ]
            eleventh, first = at[11, "en"], at[1, "en"]
            assert eleventh.shortlist_rank == 11 and eleventh.stronger_candidates == 10
            assert eleventh.seats == seats and eleventh.contested is (seats <= 10)
            assert first.shortlist_rank == 1 and first.stronger_candidates == 0
            assert not first.contested
            if seats == 1:
                assert eleventh.contest == (
                    f"Place 11 of {len(listed)} candidates on its shortlist: "
                    "10 candidates rank above, for 1 seat"
                )
                assert "10 candidaturas por delante, para 1 plaza" in at[11, "es"].contest
            else:
                assert eleventh.contest.endswith(f"for {seats} seats")
    finally:
        for pid in touched:
            engine.set_participant_flags(pid, consent=bool(consent[pid]), persist=False)
        engine.challenges.pop(added, None)
        engine.moved_on()


def test_the_proposed_plan_is_the_planners_and_says_why(engine, scoring, programme):
    """Where the answer says the plan puts a person is where the planner's proposal
    (no locks, the programme's share) puts them; a seat away from the first placement
    names that first placement and counts who holds its seats."""
    problem = engine.team_problem(4)
    plan = engine.team_plan(problem, 4)
    team_of = {m.participant_id: t.challenge_id for t in plan.teams for m in t.members}
    away = 0
    for pid in consenting(programme, 4)[::3]:
        result = engine.placements(int(pid), k=7)
        assert result.plan.source == "proposed"
        assert result.plan.challenge_id == team_of.get(int(pid))
        planned = [p.challenge_id for p in result.placements if p.planned]
        assert planned == ([team_of[int(pid)]] if int(pid) in team_of else [])
        if result.plan.challenge_id is None:
            assert "no seat" in result.plan.why
            continue
        rank = result.plan.placement_rank
        assert result.placements[rank - 1].challenge_id == result.plan.challenge_id
        if rank == 1:
            assert result.plan.why.endswith("their first placement.")
        else:
            away += 1
            assert f"placement #{rank}" in result.plan.why
            assert result.placements[0].title in result.plan.why
    assert away > 0


def test_confirmed_teams_come_before_the_proposal(engine, programme):
    engine.scorer = FallbackScorer()
    pid, other = (int(p) for p in consenting(programme, 4)[:2])
    first = engine.placements(pid, k=7).placements
    chosen = first[2].challenge_id  # not their first placement: the why says so

    def confirmed(edition: int) -> dict[int, list[int]]:
        return {chosen: [pid]} if edition == 4 else {}

    placed = engine.placements(pid, k=7, confirmed_teams=confirmed)
    assert placed.plan.source == "confirmed" and placed.plan.challenge_id == chosen
    assert placed.plan.placement_rank == 3
    assert "seats free" in placed.plan.why  # the confirmed team of their first is empty
    assert [p.planned for p in placed.placements] == [False, False, True] + [False] * 4
    left_out = engine.placements(other, k=7, confirmed_teams=confirmed)
    assert left_out.plan.source == "confirmed" and left_out.plan.challenge_id is None
    assert left_out.plan.why == "The confirmed teams do not include them."


def test_every_empty_state_says_why(engine):
    engine.scorer = FallbackScorer()
    text = WAITRESS["en"]
    cases = {
        "no_consent": person(text, 4, consent_share=False),
        "unavailable": person(text, 4, available=False),
        "not_enough_information": person("", 4),
        "no_open_challenge": person(text, 7),
    }
    for state, record in cases.items():
        engine.upsert_participants(record, persist=False)
        try:
            for language in ("en", "es"):
                result = engine.placements(PERSON, language=language)
                assert result.state == state
                assert result.placements == [] and result.plan is None
                assert result.note and result.open_challenges == 0
        finally:
            engine.remove_participant(PERSON, persist=False)
    engine.upsert_participants(person("", 4), persist=False)
    try:
        thin = engine.placements(PERSON)
    finally:
        engine.remove_participant(PERSON, persist=False)
    assert thin.missing == ["profile_text", "skills", "experience"]


def test_a_person_whose_edition_has_no_challenges_gets_the_next_one(engine, programme):
    """Edition 5 has no challenges yet; edition 6 has one: it is ranked, the person is
    on no list of it, and the plan, being another edition's, leaves them out."""
    engine.scorer = FallbackScorer()
    base = programme.challenges[programme.challenges["challenge_id"] == 23].iloc[0]
    later = 901
    engine.add_challenges(
        pd.DataFrame([{**base.to_dict(), "challenge_id": later, "edition_id": 6}])
    )
    engine.upsert_participants(person(WAITRESS["en"], 5), persist=False)
    try:
        result = engine.placements(PERSON, language="es")
    finally:
        engine.remove_participant(PERSON, persist=False)
        engine.challenges.pop(later, None)
        engine.moved_on()
    assert result.state == "ranked" and result.edition_id == 6 and not result.own_edition
    (only,) = result.placements
    assert only.challenge_id == later and only.shortlist_rank is None
    assert only.candidates == 0 and only.stronger_candidates == 0 and not only.contested
    assert result.plan.challenge_id is None and "no es la suya" in result.plan.why


def test_bad_requests_are_refused(engine, programme):
    pid = int(consenting(programme, 4)[0])
    for k in (0, engine.max_k + 1):
        with pytest.raises(RuleError, match="k must be between 1 and"):
            engine.placements(pid, k=k)
    with pytest.raises(UnknownIdError, match="participant 123456"):
        engine.placements(123_456)
