"""Business Challenges and the caseworker's audited shortlist for one."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from matching.domain.records import (
    STORED,
    BusinessChallenge,
    ChallengeIn,
)
from matching.domain.results import Shortlist
from service import audit
from service.change_feed import CHALLENGE, PARTICIPANT, FeedFollower
from service.controls import recommending
from service.db import challenge_frame
from service.errors import FieldError, NotFoundError
from service.kept_reads import KeptReads
from service.operations import overrides as override_ops
from service.operations.common import (
    as_request_error,
    require_edition,
)
from service.oversight_schemas import OverrideOut, ReviewedShortlist
from service.runtime import Runtime, ServedShortlist
from service.security import Principal
from service.tables import (
    ChallengeRow,
    CompanyRow,
    ParticipantRow,
    ShownTraineeRow,
)
from service.without_waiting import WouldWaitError, held_without_waiting


def get_challenge(session: Session, challenge_id: int, who: Principal) -> ChallengeRow:
    """A challenge the caller may see; a company's view of another's is "not found"."""
    row = session.get(ChallengeRow, challenge_id)
    _check_visible(challenge_id, row.company_id if row is not None else None, who)
    return row  # type: ignore[return-value]


def check_engine_challenge(runtime: Runtime, challenge_id: int, who: Principal) -> None:
    """:func:`get_challenge` asked of the engine, which has caught up with every
    committed challenge before it recommends: a shortlist then needs no query for it."""
    view = runtime.matcher.challenges.get(challenge_id)
    _check_visible(challenge_id, view.company_id if view is not None else None, who)


def _check_visible(challenge_id: int, company_id: int | None, who: Principal) -> None:
    if company_id is None or (who.role == "company" and company_id != who.company_id):
        raise NotFoundError(f"challenge {challenge_id} not found")


def challenge_fields(row: ChallengeRow) -> dict:
    """The ``ChallengeIn`` fields of a row."""
    return {f: getattr(row, f) for f in ChallengeIn.model_fields}


def challenge_out(row: ChallengeRow) -> BusinessChallenge:
    return BusinessChallenge.model_validate(
        {"challenge_id": row.id, **challenge_fields(row)}, context=STORED
    )


def save_challenge(
    runtime: Runtime, session: Session, data: ChallengeIn, row: ChallengeRow | None, who: Principal
) -> ChallengeRow:
    require_edition(session, data.edition_id)
    if session.get(CompanyRow, data.company_id) is None:
        raise FieldError("company_id", f"company {data.company_id} does not exist")
    if row is None:
        row = ChallengeRow(**data.model_dump())
        session.add(row)
    else:
        if data.company_id != row.company_id:
            # the trainees the former company was shown are not the new one's to judge
            session.execute(delete(ShownTraineeRow).where(ShownTraineeRow.challenge_id == row.id))
        for field, value in data.model_dump().items():
            setattr(row, field, value)
    session.flush()
    audit.record(session, who, "challenge.save", f"challenge:{row.id}", commit=False)
    with runtime.feed.local_change(session, CHALLENGE, [row.id]):
        session.commit()
        runtime.matcher.add_challenges(challenge_frame([row]))
    return row


def merge_challenge(row: ChallengeRow, patch: dict) -> ChallengeIn:
    try:
        return ChallengeIn.model_validate({**challenge_fields(row), **patch})
    except ValidationError as exc:
        raise as_request_error(exc) from None


# -------------------------------------------------------------------- shortlists
def shortlist(
    runtime: Runtime,
    session: Session,
    challenge_id: int,
    k: int,
    who: Principal,
    language: str = "en",
    consent_only: bool = False,
    fairness: bool | None = None,
) -> ReviewedShortlist:
    """The caseworker's shortlist with the caseworkers' corrections applied, audited
    with the pseudonyms it returned."""
    corrections = _corrections_in_force(runtime, session, challenge_id, who)
    asked = _engine_lists(runtime, challenge_id, k, corrections, language, consent_only, fairness)
    reviewed = override_ops.apply_overrides(*asked, corrections, k)
    options = {"k": k, "consent_only": consent_only, "fairness": fairness}
    ids = [c.participant_id for c in reviewed.candidates]
    _audit_shortlist(runtime, session, who, challenge_id, options, ids, reviewed)
    return reviewed


def shortlist_json(
    runtime: Runtime, session: Session, challenge_id: int, k: int, who: Principal, language: str
) -> bytes:
    """:func:`shortlist` as the API serves it, in JSON. A worker answers the same
    shortlist many times between changes: while the engine's state and the corrections
    in force are the very ones an answer was made from, its JSON is reused. The audit
    row is written for every request all the same."""
    corrections = _corrections_in_force(runtime, session, challenge_id, who)
    key = (challenge_id, k, language)
    inputs = (runtime.matcher.state_key(), corrections)
    served = runtime.served_json.get(key, inputs)
    if served is None:
        served = _served(runtime, challenge_id, k, corrections, language)
        runtime.served_json.put(key, inputs, served)
    options = {"k": k, "consent_only": False, "fairness": None}
    _audit_shortlist(runtime, session, who, challenge_id, options, served.participant_ids, served)
    return served.body


def _served(
    runtime: Runtime, challenge_id: int, k: int, corrections: list[OverrideOut], language: str
) -> ServedShortlist:
    """A shortlist made afresh for the API. The engine keeps no copy: the JSON kept by
    the caller stands for it."""
    if corrections:
        asked = _engine_lists(runtime, challenge_id, k, corrections, language)
        reviewed = override_ops.apply_overrides(*asked, corrections, k)
        ids = tuple(c.participant_id for c in reviewed.candidates)
        body = reviewed.model_dump_json().encode()
        return ServedShortlist(body, ids, reviewed.model_version, reviewed.index_version)
    fields = runtime.matcher.shortlist_fields(challenge_id, k, language)
    ids = tuple(c["participant_id"] for c in fields["candidates"])
    body = override_ops.uncorrected_json(fields)
    return ServedShortlist(body, ids, fields["model_version"], fields["index_version"])


def shortlist_json_without_waiting(
    runtime: Runtime, challenge_id: int, k: int, who: Principal, language: str
) -> bytes | None:
    """:func:`shortlist_json` made by the event loop itself, or None when that would
    mean waiting (see :mod:`service.without_waiting`); the caller then asks on the
    thread pool. The audit row is committed last, so nothing is written unless the
    answer is returned."""
    if runtime.loop_sessions is None:
        return None
    try:
        with (
            runtime.feed.without_applying(),
            held_without_waiting(runtime.matcher.lock, "engine"),
            runtime.loop_sessions() as session,
        ):
            return shortlist_json(runtime, session, challenge_id, k, who, language)
    except (WouldWaitError, OperationalError):  # OperationalError: another writer holds the file
        return None


def _corrections_in_force(
    runtime: Runtime, session: Session, challenge_id: int, who: Principal
) -> list[OverrideOut]:
    """The corrections in force on a challenge the caller may see, once the worker has
    caught up with every committed change and recommendations are on."""
    recommending(session, runtime)
    check_engine_challenge(runtime, challenge_id, who)
    return override_ops.kept_corrections(runtime.feed, session, challenge_id)


def _engine_lists(
    runtime: Runtime,
    challenge_id: int,
    k: int,
    corrections: list[OverrideOut],
    language: str,
    consent_only: bool = False,
    fairness: bool | None = None,
) -> tuple[Shortlist, Shortlist | None]:
    """The engine's shortlist, and the longer shortlist that people pinned or moved
    from beyond the first must be taken from (or None)."""
    matcher = runtime.matcher

    def engine_list(size: int) -> Shortlist:
        return matcher.shortlist(
            challenge_id,
            k=size,
            consent_only=consent_only,
            fairness=fairness,
            language=language,
        )

    # enough candidates that exclusions still leave k
    result = engine_list(min(matcher.max_k, k + len(corrections)))
    deeper = engine_list(matcher.max_k) if override_ops.needs_deeper(result, corrections) else None
    return result, deeper


def _audit_shortlist(
    runtime: Runtime,
    session: Session,
    who: Principal,
    challenge_id: int,
    options: dict,
    ids: Sequence[int],
    versions: ReviewedShortlist | ServedShortlist,
) -> None:
    names = kept_pseudonyms(runtime.feed).get_many(session, ids)
    audit.record(
        session,
        who,
        "shortlist",
        f"challenge:{challenge_id}",
        options,
        [names[i] for i in ids],
        versions.model_version,
        versions.index_version,
    )


def kept_pseudonyms(feed: FeedFollower) -> KeptReads[int, str]:
    """Participants' pseudonyms as this worker has read them; a participant's change in
    the feed (an erasure above all) drops theirs."""
    return feed.kept("pseudonyms", PARTICIPANT, pseudonyms)


def pseudonyms(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(ParticipantRow.id, ParticipantRow.pseudonym).where(ParticipantRow.id.in_(ids))
    ).all()
    return dict(rows)
