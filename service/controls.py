"""The stop switch: an admin can switch the learned ranker off or pause recommendations.

Human oversight of a high-risk system needs a way to stop it. The switch lives in one
database row, so every worker obeys it: each request that recommends reads it first
(a primary-key lookup) and sets its engine accordingly; a paused service answers such
requests with 503 and the admin's reason. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audit
from service.change_feed import CONTROLS
from service.kept_reads import KeptReads
from service.runtime import Runtime
from service.security import Principal
from service.tables import ControlRow, utcnow

Mode = Literal["learned", "rules", "paused"]
SWITCH_ROW = 1


class RecommendationsPausedError(Exception):
    """An admin paused recommendations (503 with the reason)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"recommendations are paused by an admin: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class Controls:
    mode: Mode
    reason: str
    changed_at: datetime | None


def read_controls(session: Session) -> Controls:
    """The switch as it stands (learned ranker on, when never touched)."""
    row = session.execute(
        select(ControlRow.mode, ControlRow.reason, ControlRow.changed_at).where(
            ControlRow.id == SWITCH_ROW
        )
    ).first()
    if row is None:
        return Controls("learned", "", None)
    return Controls(*row)


def _read_switch(session: Session, _rows: list[int]) -> dict[int, Controls]:
    return {SWITCH_ROW: read_controls(session)}


def kept_controls(runtime: Runtime) -> KeptReads[int, Controls]:
    """The switch as this worker last read it; a change in the feed drops it."""
    return runtime.feed.kept("stop switch", CONTROLS, _read_switch, by_id=False)


def set_controls(
    session: Session, runtime: Runtime, who: Principal, mode: Mode, reason: str
) -> Controls:
    """Turn the switch, audited, and apply it to this worker at once (the others read
    the change in the feed before their next recommendation)."""
    row = session.get(ControlRow, SWITCH_ROW) or ControlRow(id=SWITCH_ROW)
    row.mode, row.reason, row.changed_by, row.changed_at = mode, reason, who.key_id, utcnow()
    session.add(row)
    with runtime.feed.local_change(session, CONTROLS, [None]):
        audit.record(session, who, "admin.controls", request={"mode": mode, "reason": reason})
    controls = read_controls(session)
    apply_controls(runtime, controls)
    return controls


def apply_controls(runtime: Runtime, controls: Controls) -> None:
    runtime.matcher.use_learned(controls.mode == "learned", controls.reason)


def recommending(session: Session, runtime: Runtime) -> Controls:
    """Before any recommendation: obey the switch, or refuse when paused; and apply
    whatever other workers have committed, so that no acknowledged change (an erasure
    above all) is missing from the answer."""
    runtime.feed.catch_up(session)
    controls = kept_controls(runtime).get_many(session, [SWITCH_ROW])[SWITCH_ROW]
    if controls.mode == "paused":
        raise RecommendationsPausedError(controls.reason)
    apply_controls(runtime, controls)
    return controls
