"""What human oversight sends and gets: the stop switch and caseworkers' corrections of
shortlists (pin, move, exclude with a reason), shown beside the engine's own order."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from matching.domain.records import RecordInput
from matching.domain.results import Candidate, Shortlist
from service.schemas import Id


class ControlsIn(RecordInput):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["learned", "rules", "paused"] = Field(
        description="'learned': the trained ranker scores; 'rules': the fallback rules score "
        "(the learned ranker and niche model are off); 'paused': no recommendations (503)"
    )
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)
    ] = Field(description="Why; shown to every user")


class ControlsOut(BaseModel):
    mode: Literal["learned", "rules", "paused"]
    reason: str
    changed_at: datetime | None


OverrideAction = Literal["pin", "move", "exclude"]
# exclusions that say something about the pair: "declined" labels when training
NEGATIVE_OVERRIDE_REASONS = frozenset({"not_interested", "not_a_fit"})
OverrideReason = Literal[
    "knows_the_person",
    "circumstances_changed",
    "not_interested",
    "not_a_fit",
    "already_placed",
    "other",
]


class OverrideIn(RecordInput):
    """A caseworker's correction of a shortlist (human oversight: pin, move, exclude)."""

    model_config = ConfigDict(extra="forbid")
    participant_id: Id
    action: OverrideAction
    position: StrictInt | None = Field(
        None, ge=1, le=200, description="For 'move': the rank the participant should take"
    )
    reason: OverrideReason = Field(
        description="knows_the_person, circumstances_changed, not_interested (says no), "
        "not_a_fit (the caseworker judges the match wrong), already_placed, other"
    )
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""

    @model_validator(mode="after")
    def _position_for_moves(self) -> OverrideIn:
        if (self.action == "move") != (self.position is not None):
            raise PydanticCustomError(
                "position_for_move", "position: give it for 'move' and only for 'move'"
            )
        if self.reason == "other" and not self.note:
            raise PydanticCustomError("note_for_other", "note: say why when the reason is 'other'")
        return self


class OverrideOut(BaseModel):
    override_id: int
    challenge_id: int
    participant_id: int
    action: OverrideAction
    position: int | None
    reason: OverrideReason
    note: str
    by_key: int | None
    at: datetime
    applied: bool = Field(
        True, description="False when the participant is not among this challenge's candidates"
    )


class ReviewedCandidate(Candidate):
    model_rank: int | None = Field(description="The rank the engine gave, before corrections")
    override: OverrideOut | None = None


class ReviewedShortlist(Shortlist):
    """The engine's shortlist with the caseworkers' corrections applied and shown."""

    candidates: list[ReviewedCandidate]
    overrides: list[OverrideOut] = Field(
        default_factory=list, description="Every correction in force, including exclusions"
    )
