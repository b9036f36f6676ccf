"""Placements: the challenges that suit one person, best first, with how contested each is.

A caseworker sitting with a jobseeker asks which of the edition's challenges the person
should go for and with what chances. The answer is read off the challenges' own
shortlists, so it cannot disagree with them: every challenge of the edition is ranked
as a shortlist ranks it (:mod:`matching.standings`: retrieval, the one scorer, the
fair-exposure re-rank as shortlists apply it) over all its candidates;
the person's chances in a challenge are their row of it, their place is their place in
it, and their reasons are :func:`~matching.explanations.explain` of that row. The
challenges are ordered by the person's expected progress (the ranking key of
shortlists), ties by challenge id.

A challenge is *contested* for the person when at least as many candidates stand above
them on its shortlist as it has seats: going by the list, no seat is left. Since one
person can join one team only, whoever is first on five lists takes one seat; the
edition's team plan settles who goes where, and the answer says where it puts the
person and why (:mod:`matching.placement_plan`). The sentences are in
:mod:`matching.placement_texts`.

Each edition's ranked lists and proposed plan are made once per engine state and kept
(:attr:`~matching.state.EngineState.kept_editions`), so the person after the first
costs only their own rows and reasons.

Which challenges: those of the person's edition; when it has none, those of the next
edition that has some (the person is not in that edition's lists, so their standing is
counted against its candidates' scores). Nobody is placed without consent to share
with companies (a placement puts a person in front of a company), while unavailable,
or on a profile too thin to score: each gives an empty answer saying why.
"""

from __future__ import annotations

import numpy as np

from matching.domain.catalogue import NICHE_CODES
from matching.domain.results import Placement, Placements, PlacementState
from matching.explanations import explain, factor_effects
from matching.placement_plan import ConfirmedTeams, edition_plan, plan_place
from matching.placement_texts import counted, placement_text
from matching.shortlists import pair_details
from matching.standings import Standing, edition_standing, person_standings
from matching.state import EngineState


def person_placements(
    engine: EngineState,
    participant_id: int,
    k: int,
    language: str,
    confirmed_teams: ConfirmedTeams | None,
) -> Placements:
    """The person's placements (see the module docstring); ``confirmed_teams`` reads an
    edition's confirmed teams (challenge id -> member ids) where they are kept."""
    engine.rules.shortlist_k(k)  # the shortlists' limit, a RuleError naming k
    row = int(engine.rows_of([participant_id])[0])
    pool = engine.pool
    own = int(pool["edition"][row])
    if not pool["consent"][row]:
        return _empty(engine, participant_id, "no_consent", language, own)
    if not pool["available"][row]:
        return _empty(engine, participant_id, "unavailable", language, own)
    if pool.insufficient(np.array([row]))[0]:
        return _empty(
            engine,
            participant_id,
            "not_enough_information",
            language,
            own,
            pool.missing_information(row),
        )
    edition = open_edition(engine, own)
    if edition is None:
        return _empty(engine, participant_id, "no_open_challenge", language, own)
    standing = edition_standing(engine, edition)
    mine = person_standings(engine, standing, participant_id, row)
    keys = np.array([s.key for s in mine])
    cids = np.array([s.challenge_id for s in mine])
    mine = [mine[i] for i in np.lexsort((cids, -keys))]
    plan = edition_plan(engine, edition, confirmed_teams) if edition == own else None
    planned = plan.team_of(participant_id) if plan is not None else None
    top = mine[:k]
    details = _explained(engine, top, language)
    placements = [
        Placement(
            rank=i + 1,
            **_challenge_fields(engine, s, language),
            **_contest_fields(s, language),
            planned=s.challenge_id == planned,
            **detail,
        )
        for i, (s, detail) in enumerate(zip(top, details, strict=True))
    ]
    # a list cut short says so: "3 of the 7 challenges", not "7 challenges" over three
    cut = "_top" if len(top) < len(mine) else ""
    note = placement_text(
        ("note_ranked" if edition == own else "note_next_edition") + cut,
        language,
        own=own,
        shown=len(top),
        count=counted(len(mine), "challenge", language),
        edition=edition,
    )
    return Placements(
        participant_id=participant_id,
        state="ranked",
        note=note,
        edition_id=edition,
        own_edition=edition == own,
        open_challenges=len(mine),
        placements=placements,
        plan=plan_place(plan, participant_id, mine, edition, language),
        **_versions(engine),
    )


def open_edition(engine: EngineState, own: int) -> int | None:
    """The person's edition when it has challenges, else the next edition that has."""
    editions = {view.edition_id for view in engine.challenges.values()}
    if own in editions:
        return own
    later = [e for e in editions if e > own]
    return min(later) if later else None


def _explained(engine: EngineState, top: list[Standing], language: str) -> list[dict]:
    """The pair fields of the person on each challenge of ``top``: their row of its
    list, explained against the list's candidates as its shortlist explains it, every
    factor of every challenge in one scorer call."""
    blocks = [(s.ranked.x, np.array([s.c]), s.ranked.challenge) for s in top]
    effects = factor_effects(engine.scorer, blocks)
    out = []
    for s, (x, chosen, challenge), effect in zip(top, blocks, effects, strict=True):
        (explanation,) = explain(
            engine.scorer,
            x,
            chosen,
            s.ranked.rows,
            engine.pool,
            challenge,
            engine.catalogue,
            language,
            effect,
        )
        out.extend(pair_details(s.ranked, chosen, [explanation]))
    return out


def _challenge_fields(engine: EngineState, s: Standing, language: str) -> dict:
    ch = s.ranked.challenge
    return {
        "challenge_id": ch.challenge_id,
        "edition_id": ch.edition_id,
        "title": ch.title,
        "company_id": ch.company_id,
        "niche": NICHE_CODES[ch.niche],
        "niche_name": engine.catalogue.niches[ch.niche].name[language],
        "seats": ch.seats,
    }


def _contest_fields(s: Standing, language: str) -> dict:
    candidates = len(s.ranked.order)
    values = {
        "candidates": counted(candidates, "candidate", language),
        "seats": counted(s.ranked.challenge.seats, "seat", language),
    }
    if s.place is None:
        key = "contest_outside_full" if s.contested else "contest_outside_within"
        contest = placement_text(key, language, stronger=s.stronger, **values)
    else:
        key = "contest_full" if s.contested else "contest_within"
        stronger = counted(s.stronger, "candidate", language)
        contest = placement_text(key, language, rank=s.place + 1, stronger=stronger, **values)
    return {
        "shortlist_rank": None if s.place is None else s.place + 1,
        "candidates": candidates,
        "stronger_candidates": s.stronger,
        "contested": s.contested,
        "contest": contest,
    }


def _versions(engine: EngineState) -> dict:
    return {
        "scoring": engine.scorer.description,
        "model_version": engine.scorer.version,
        "index_version": engine.index.version,
    }


def _empty(
    engine: EngineState,
    participant_id: int,
    state: PlacementState,
    language: str,
    edition: int,
    missing: list[str] | None = None,
) -> Placements:
    """An answer with no placement and the sentence saying why."""
    return Placements(
        participant_id=participant_id,
        state=state,
        note=placement_text(f"note_{state}", language, edition=edition),
        missing=missing or [],
        edition_id=edition,
        own_edition=True,
        open_challenges=0,
        placements=[],
        plan=None,
        **_versions(engine),
    )
