"""Participant records: create, update, consent, sensitive attributes, erasure.

A participant created, edited, erased or re-consented anywhere (API or page) reaches
the index the same way: the database change is flushed (constraints checked), the engine
is updated in memory, the transaction is committed, and only then is the index file
written. If the commit fails the engine is put back; if the process dies between commit
and index write, the start-up repair brings the index back in line with the database.
"""

from __future__ import annotations

from typing import BinaryIO

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.domain.records import (
    PROFILE_TEXT_MAX,
    STORED,
    ParticipantProfile,
    SensitiveAttributes,
)
from service import audit
from service.change_feed import OVERRIDE, PARTICIPANT, record_changes
from service.cv_files import CvFileError, CvText, cv_text
from service.db import migrant_frame, new_pseudonym, participant_frame
from service.erasure import checkpoint_log, scrub_programme
from service.errors import FieldError, NotFoundError
from service.operations.common import (
    as_request_error,
    now,
    require_edition,
)
from service.runtime import Runtime
from service.saved_tables import discard_saved_tables
from service.schemas import (
    ParticipantCreate,
    ParticipantOut,
)
from service.security import Principal
from service.tables import (
    ConsentRow,
    OverrideRow,
    ParticipantRow,
    SensitiveRow,
)

PROFILE_FIELDS = tuple(ParticipantProfile.model_fields)


def get_participant(session: Session, participant_id: int) -> ParticipantRow:
    row = session.get(ParticipantRow, participant_id)
    if row is None:
        raise NotFoundError(f"participant {participant_id} not found")
    return row


def participant_out(row: ParticipantRow) -> ParticipantOut:
    data = {f: getattr(row, f) for f in PROFILE_FIELDS}
    return ParticipantOut.model_validate(
        {
            **data,
            "participant_id": row.id,
            "pseudonym": row.pseudonym,
            "consent_at": row.consent_at,
            "version": row.version,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        },
        context=STORED,
    )


def _sync_and_commit(
    runtime: Runtime, session: Session, row: ParticipantRow, previous: pd.DataFrame | None
) -> None:
    """Engine update in memory, database commit (with its change-feed row), then the
    index file."""
    matcher = runtime.matcher
    with runtime.feed.local_change(session, PARTICIPANT, [row.id]):
        matcher.upsert_participants(participant_frame([row]), migrant_frame([row]), persist=False)
        try:
            session.commit()
        except Exception:
            session.rollback()
            if previous is None:
                matcher.remove_participant(row.id, persist=False)
            else:
                matcher.upsert_participants(previous, persist=False)
            raise
    matcher.save_later()


def create_participant(
    runtime: Runtime, session: Session, body: ParticipantCreate, who: Principal
) -> ParticipantRow:
    require_edition(session, body.edition_id)
    data = body.model_dump(exclude={"sensitive"})
    data["experience"] = [e.model_dump() for e in body.experience]
    if data["text_language"] is None:
        data["text_language"] = detected_language(runtime, body.profile_text)
    row = ParticipantRow(
        **data, pseudonym=new_pseudonym(), consent_at=now() if body.consent_share else None
    )
    session.add(row)
    session.flush()
    sensitive = body.sensitive or SensitiveAttributes()
    row.sensitive = SensitiveRow(participant_id=row.id, **sensitive.model_dump())
    if body.consent_share:
        record_consent(session, row, True, body.consent_version, who)
    audit.record(
        session,
        who,
        "participant.create",
        f"participant:{row.pseudonym}",
        participants=[row.pseudonym],
        commit=False,
    )
    _sync_and_commit(runtime, session, row, None)
    return row


def detected_language(runtime: Runtime, text: str) -> str | None:
    """The profile text's language, as the engine's reader detects it."""
    return runtime.matcher.read_text(text).language if text else None


def record_consent(
    session: Session, row: ParticipantRow, granted: bool, text_version: str, who: Principal
) -> None:
    """Keep the consent history: when, which text, who recorded it."""
    row.consent_at = now()
    session.add(
        ConsentRow(
            participant_id=row.id,
            granted=granted,
            text_version=text_version or "unspecified",
            recorded_by=who.key_id,
        )
    )


def update_participant(
    runtime: Runtime, session: Session, participant_id: int, patch: dict, who: Principal
) -> ParticipantRow:
    """Merge ``patch`` into the record and validate the result as a whole."""
    row = get_participant(session, participant_id)
    current = {f: getattr(row, f) for f in PROFILE_FIELDS}
    if "profile_text" in patch and patch.get("text_language") is None:
        patch = {**patch, "text_language": None}  # a new text: its language is detected anew
    try:
        merged = ParticipantProfile.model_validate({**current, **patch})
    except ValidationError as exc:
        raise as_request_error(exc) from None
    if merged.text_language is None:
        merged.text_language = detected_language(runtime, merged.profile_text)
    if merged.edition_id != row.edition_id:
        require_edition(session, merged.edition_id)
    previous = participant_frame([row])
    consent_changed = merged.consent_share != row.consent_share
    for field in PROFILE_FIELDS:
        value = getattr(merged, field)
        if field == "experience":
            value = [e.model_dump() for e in value]
        setattr(row, field, value)
    row.version += 1
    if consent_changed:
        record_consent(session, row, merged.consent_share, merged.consent_version, who)
    audit.record(
        session,
        who,
        "participant.update",
        f"participant:{row.pseudonym}",
        {"fields": sorted(patch)},
        [row.pseudonym],
        commit=False,
    )
    _sync_and_commit(runtime, session, row, previous)
    return row


def set_consent(
    runtime: Runtime,
    session: Session,
    participant_id: int,
    granted: bool,
    text_version: str,
    who: Principal,
) -> ParticipantRow:
    """Record a consent decision; it applies to the very next request."""
    row = get_participant(session, participant_id)
    row.consent_share = granted
    row.consent_version = text_version
    record_consent(session, row, granted, text_version, who)
    audit.record(
        session,
        who,
        "participant.consent",
        f"participant:{row.pseudonym}",
        {"granted": granted, "text_version": text_version},
        [row.pseudonym],
        commit=False,
    )
    with runtime.feed.local_change(session, PARTICIPANT, [row.id]):
        session.commit()
        runtime.matcher.set_participant_flags(row.id, consent=granted)
    return row


def set_sensitive(
    runtime: Runtime,
    session: Session,
    participant_id: int,
    body: SensitiveAttributes,
    who: Principal,
) -> SensitiveRow:
    row = get_participant(session, participant_id)
    if row.sensitive is None:
        row.sensitive = SensitiveRow(participant_id=row.id)
    for field, value in body.model_dump().items():
        setattr(row.sensitive, field, value)
    audit.record(
        session,
        who,
        "participant.sensitive.update",
        f"participant:{row.pseudonym}",
        participants=[row.pseudonym],
        commit=False,
    )
    with runtime.feed.local_change(session, PARTICIPANT, [row.id]):
        session.commit()
        runtime.matcher.set_participant_flags(row.id, migrant=body.migrant, persist=False)
    return row.sensitive


def erase_participant(
    runtime: Runtime, session: Session, participant_id: int, who: Principal
) -> str:
    """Delete a participant everywhere, leaving nothing readable under the data dir
    (:mod:`service.erasure`); the audit log keeps only the pseudonym."""
    row = get_participant(session, participant_id)
    pseudonym = row.pseudonym
    # the database drops their corrections with them: the challenges those were on are
    # named in the feed, so that no worker goes on showing them
    corrected = session.scalars(
        select(OverrideRow.challenge_id).where(OverrideRow.participant_id == participant_id)
    ).all()
    record_changes(session, OVERRIDE, sorted(set(corrected)))
    session.delete(row)
    audit.record(
        session,
        who,
        "participant.erase",
        f"participant:{pseudonym}",
        participants=[pseudonym],
        commit=False,
    )
    discard_saved_tables(runtime.settings.data_dir)  # they hold the profile
    with runtime.feed.local_change(session, PARTICIPANT, [participant_id]):
        session.commit()
        runtime.matcher.remove_participant(participant_id)
    checkpoint_log(runtime.engine)
    scrub_programme(runtime.settings, participant_id)
    return pseudonym


def add_cv_file(
    runtime: Runtime,
    session: Session,
    participant_id: int,
    upload: BinaryIO | None,
    replace: bool,
    who: Principal,
) -> tuple[ParticipantRow, CvText, bool]:
    """A CV file's text into the profile text, for the API and the pages alike. The
    record is checked before a byte of the file is read (an unknown participant costs
    no reading); the file is then read within its budgets (:mod:`service.cv_files`)
    and never kept. Returns the row, what was read, and whether the profile text had
    to be cut to its limit."""
    get_participant(session, participant_id)
    limit = runtime.settings.max_cv_bytes
    try:
        cv = cv_text(upload.read(limit + 1) if upload is not None else b"", limit)
    except CvFileError as exc:
        raise FieldError("file", str(exc), exc.reason) from None
    row, truncated = add_cv_text(runtime, session, participant_id, cv, replace, who)
    return row, cv, truncated


def add_cv_text(
    runtime: Runtime,
    session: Session,
    participant_id: int,
    cv: CvText,
    replace: bool,
    who: Principal,
) -> tuple[ParticipantRow, bool]:
    """Feed a CV's text into the profile text (after what is there, or instead of it),
    cut at a word to the profile's limit. Returns the row and whether the text had to
    be cut."""
    row = get_participant(session, participant_id)
    kept = "" if replace else row.profile_text.strip()
    combined = f"{kept}\n\n{cv.text}".strip() if kept else cv.text
    truncated = len(combined) > PROFILE_TEXT_MAX
    if truncated:
        combined = combined[: PROFILE_TEXT_MAX + 1].rsplit(maxsplit=1)[0]
    audit.record(
        session,
        who,
        "participant.cv",
        f"participant:{row.pseudonym}",
        {
            "characters": len(cv.text),
            "replace": replace,
            "truncated": truncated,
            "stopped_early": cv.stopped_early,
        },
        [row.pseudonym],
        commit=False,
    )
    return update_participant(
        runtime, session, participant_id, {"profile_text": combined}, who
    ), truncated
