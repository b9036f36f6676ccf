"""Caseworkers' corrections of shortlists: pin, move or exclude, always with a reason.

A correction is stored, audited, and applied every time the challenge's shortlist is
shown, to whoever opens it next: pinned people first (oldest pin first), then the
engine's order without the excluded, then each move to the rank asked for. The engine's
own rank stays visible beside the corrected one. Corrections also teach: an exclusion
because the person says no, or because the caseworker judges the match wrong, is a
negative label for that pair when the ranker is next trained (a real outcome for the
pair always wins).
"""

from __future__ import annotations

import orjson
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.domain.results import Shortlist
from service import audit
from service.change_feed import OVERRIDE, FeedFollower, record_change
from service.errors import NotFoundError
from service.operations.common import now, require_same_edition
from service.operations.participants import get_participant
from service.oversight_schemas import (
    OverrideIn,
    OverrideOut,
    ReviewedCandidate,
    ReviewedShortlist,
)
from service.security import Principal
from service.tables import ChallengeRow, OverrideRow


def override_out(row: OverrideRow, applied: bool = True) -> OverrideOut:
    return OverrideOut(
        override_id=row.id,
        challenge_id=row.challenge_id,
        participant_id=row.participant_id,
        action=row.action,  # type: ignore[arg-type]
        position=row.position,
        reason=row.reason,  # type: ignore[arg-type]
        note=row.note,
        by_key=row.created_by,
        at=row.created_at,
        applied=applied,
    )


def kept_corrections(feed: FeedFollower, session: Session, challenge_id: int) -> list[OverrideOut]:
    """The corrections in force on a challenge, oldest first, as this worker keeps them
    between shortlists (a correction added or withdrawn anywhere drops them)."""
    reads = feed.kept("corrections", OVERRIDE, _read_corrections)
    found = reads.get(session, challenge_id)  # the kept list itself, even when empty
    return found if found is not None else []


def _read_corrections(session: Session, challenge_ids: list[int]) -> dict[int, list[OverrideOut]]:
    found: dict[int, list[OverrideOut]] = {c: [] for c in challenge_ids}  # none is kept too
    for row in _in_force(session, challenge_ids):
        found[row.challenge_id].append(override_out(row))
    return found


def active_overrides(session: Session, challenge_id: int) -> list[OverrideRow]:
    return _in_force(session, [challenge_id])


def _in_force(session: Session, challenge_ids: list[int]) -> list[OverrideRow]:
    """The corrections not withdrawn on these challenges, oldest first."""
    return list(
        session.scalars(
            select(OverrideRow)
            .where(OverrideRow.challenge_id.in_(challenge_ids), OverrideRow.withdrawn_at.is_(None))
            .order_by(OverrideRow.id)
        )
    )


def add_override(
    session: Session, challenge_id: int, body: OverrideIn, who: Principal
) -> OverrideRow:
    """Store a correction (it replaces the participant's earlier one on this challenge).
    Only for a person of the challenge's edition: an exclusion teaches the ranker about
    the pair, and a pair that could never be shortlisted would teach it noise. The
    audit row says whether a note was given, not the note: the note may name the person
    and goes with the correction when the person is erased."""
    person = get_participant(session, body.participant_id)
    require_same_edition(person, session.get(ChallengeRow, challenge_id), "participant_id")
    for earlier in active_overrides(session, challenge_id):
        if earlier.participant_id == body.participant_id:
            earlier.withdrawn_at = now()
    row = OverrideRow(
        challenge_id=challenge_id,
        participant_id=body.participant_id,
        action=body.action,
        position=body.position,
        reason=body.reason,
        note=body.note,
        created_by=who.key_id,
    )
    session.add(row)
    session.flush()
    record_change(session, OVERRIDE, challenge_id)
    audit.record(
        session,
        who,
        f"shortlist.{body.action}",
        f"challenge:{challenge_id}",
        {"reason": body.reason, "with_note": bool(body.note), "position": body.position},
        [person.pseudonym],
        commit=False,
    )
    session.commit()
    return row


def withdraw_override(
    session: Session, challenge_id: int, override_id: int, who: Principal
) -> None:
    row = session.get(OverrideRow, override_id)
    if row is None or row.challenge_id != challenge_id or row.withdrawn_at is not None:
        raise NotFoundError(f"override {override_id} is not in force on this challenge")
    row.withdrawn_at = now()
    record_change(session, OVERRIDE, challenge_id)
    audit.record(session, who, "shortlist.withdraw", f"challenge:{challenge_id}", {"id": row.id})


def apply_overrides(
    shortlist: Shortlist, deeper: Shortlist | None, rows: list[OverrideOut], k: int
) -> ReviewedShortlist:
    """``shortlist`` with the corrections ``rows`` applied; people pinned or moved from
    beyond it are taken from ``deeper`` (a longer shortlist of the same request)."""
    listed = {c.participant_id: c for c in (deeper or shortlist).candidates}
    listed |= {c.participant_id: c for c in shortlist.candidates}
    outs = {}
    for row in rows:
        placed = row.action == "exclude" or row.participant_id in listed
        outs[row.participant_id] = row if placed else row.model_copy(update={"applied": False})
    pins = [p for p, o in outs.items() if o.action == "pin" and o.applied]
    moves = sorted((o.position, p) for p, o in outs.items() if o.action == "move" and o.applied)
    taken = set(outs)  # excluded, pinned or moved: not in the engine's order
    order = pins + [c.participant_id for c in shortlist.candidates if c.participant_id not in taken]
    for position, pid in moves:
        order.insert(min(position, len(order) + 1) - 1, pid)
    # a model's __dict__ holds its fields; reading it is a fraction of iterating the
    # model, and checking fields already checked costs less than model_construct here
    reviewed = [
        ReviewedCandidate(
            **{**listed[pid].__dict__, "rank": rank},
            model_rank=listed[pid].rank,
            override=outs.get(pid),
        )
        for rank, pid in enumerate(order[:k], start=1)
    ]
    return ReviewedShortlist.model_construct(
        **{**shortlist.__dict__, "candidates": reviewed}, overrides=list(outs.values())
    )


def _model_fields(value: object) -> dict:
    """A model's fields for :mod:`orjson`, which leaves models to this hook (the shared
    skill references, the thin profiles); anything else is a mistake to surface."""
    if isinstance(value, BaseModel):
        return value.__dict__
    raise TypeError(f"{type(value).__name__} is not JSON")


def uncorrected_json(fields: dict) -> bytes:
    """The JSON of a :class:`~service.oversight_schemas.ReviewedShortlist` with no
    correction in force, made straight from the engine's unchecked ``fields`` (see
    :meth:`~matching.engine.Matcher.shortlist_fields`): each candidate keeps the
    engine's rank. The API's answer when nobody has corrected a list, most of the time:
    checking fields the engine made and writing them through models cost a sixth of
    the request. Tests hold it equal to the checked answer's JSON."""
    candidates = [{**c, "model_rank": c["rank"], "override": None} for c in fields["candidates"]]
    reviewed = {**fields, "candidates": candidates, "overrides": []}
    return orjson.dumps(reviewed, default=_model_fields)


def needs_deeper(shortlist: Shortlist, rows: list[OverrideOut]) -> bool:
    """Whether someone pinned or moved is not in the shortlist as asked for."""
    listed = {c.participant_id for c in shortlist.candidates}
    return any(r.action != "exclude" and r.participant_id not in listed for r in rows)
