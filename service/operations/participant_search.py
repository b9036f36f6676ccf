"""Finding participants: by words of their name or profile text, edition, niche, consent
and status; the same search for the API's list and the caseworker's pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.sql import Select

from service.tables import ParticipantRow, TeamMemberRow, name_key

Status = Literal["available", "unavailable", "in_team"]
STATUSES: tuple[str, ...] = ("available", "unavailable", "in_team")


@dataclass(frozen=True)
class ParticipantQuery:
    """What a caseworker looks for; every part is optional."""

    words: str = ""
    edition_id: int | None = None
    niche: str | None = None
    consent: bool | None = None
    status: Status | None = None


def participant_query(find: ParticipantQuery) -> Select:
    """The rows matching ``find`` (unordered). Words match the name, with or without
    accents and in any case, or the profile text, case-insensitively; a niche matches a
    stated preference or experience in it."""
    query = select(ParticipantRow)
    for word in find.words.split()[:8]:
        query = query.where(
            or_(
                ParticipantRow.search_name.like(f"%{_escaped(name_key(word))}%", escape="\\"),
                ParticipantRow.profile_text.ilike(f"%{_escaped(word)}%", escape="\\"),
            )
        )
    if find.edition_id is not None:
        query = query.where(ParticipantRow.edition_id == find.edition_id)
    if find.niche:
        # the JSON lists hold the code in quotes: '"gardening"' matches the code only
        quoted = f'%"{_escaped(find.niche)}"%'
        query = query.where(
            or_(
                cast(ParticipantRow.niche_preferences, Text).like(quoted, escape="\\"),
                cast(ParticipantRow.experience, Text).like(quoted, escape="\\"),
            )
        )
    if find.consent is not None:
        query = query.where(ParticipantRow.consent_share.is_(find.consent))
    if find.status == "available":
        query = query.where(ParticipantRow.available.is_(True))
    elif find.status == "unavailable":
        query = query.where(ParticipantRow.available.is_(False))
    elif find.status == "in_team":
        query = query.where(ParticipantRow.id.in_(select(TeamMemberRow.participant_id)))
    return query


def _escaped(word: str) -> str:
    """``word`` with LIKE's wildcards taken literally."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
