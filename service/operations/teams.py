"""Team plans through the service: propose (stores nothing) and confirm (stored, audited).

Both ask the programme's rules (:class:`~matching.rules.ProgrammeRules`) for the
composition a team must hold, and count it the same way (migrants against seats), so a
confirmation refuses what the planner would refuse."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matching.domain.results import TeamPlan
from matching.team_problem import LockError, PlanInfeasibleError
from service import audit
from service.controls import recommending
from service.errors import FieldError
from service.operations.challenges import pseudonyms
from service.operations.common import now
from service.runtime import Runtime
from service.schemas import ConfirmedTeam, TeamPlanRequest, TeamsConfirm
from service.security import Principal
from service.tables import ChallengeRow, ParticipantRow, SensitiveRow, TeamMemberRow, TeamRow


def propose(
    runtime: Runtime,
    session: Session,
    edition_id: int,
    body: TeamPlanRequest,
    who: Principal,
    language: str = "en",
) -> TeamPlan:
    recommending(session, runtime)
    matcher = runtime.matcher
    composition = matcher.rules.team_composition(body.min_migrant_share, body.max_migrant_share)
    try:
        problem = matcher.team_problem(
            edition_id,
            composition,
            [(lock.participant_id, lock.challenge_id, lock.join) for lock in body.locks],
            {s.challenge_id: s.seats for s in body.seats},
        )
    except LockError as exc:
        raise FieldError("locks", str(exc)) from None
    try:
        plan = matcher.team_plan(problem, edition_id, language)
    except PlanInfeasibleError as exc:
        raise FieldError("team_plan", f"infeasible: {exc}", exc.code, exc.values) from None
    members = [m.participant_id for t in plan.teams for m in t.members]
    names = pseudonyms(session, members)
    audit.record(
        session,
        who,
        "team.plan",
        f"edition:{edition_id}",
        body.model_dump(mode="json"),
        [names[p] for p in members if p in names],
        matcher.scorer.version,
        matcher.index.version,
    )
    return plan


def confirm(
    runtime: Runtime, session: Session, edition_id: int, body: TeamsConfirm, who: Principal
) -> list[ConfirmedTeam]:
    """Validate a (possibly edited) plan and store it as the edition's teams."""
    composition = runtime.matcher.rules.team_composition(
        body.min_migrant_share, body.max_migrant_share
    )
    challenges = {
        c.id: c
        for c in session.scalars(select(ChallengeRow).where(ChallengeRow.edition_id == edition_id))
    }
    seen: dict[int, int] = {}
    named = [t.challenge_id for t in body.teams]
    if len(set(named)) != len(named):
        raise FieldError("teams", "each challenge may appear only once")
    for team in body.teams:
        if team.challenge_id not in challenges:
            raise FieldError(
                "teams", f"challenge {team.challenge_id} is not in edition {edition_id}"
            )
        for pid in team.members:
            if pid in seen:
                raise FieldError(
                    "teams",
                    f"participant {pid} is in two teams "
                    f"(BC-{seen[pid]} and BC-{team.challenge_id})",
                )
            seen[pid] = team.challenge_id
        if not set(team.locked) <= set(team.members):
            raise FieldError("teams", f"BC-{team.challenge_id}: locked people must be members")
    people = {
        p.id: p
        for p in session.scalars(select(ParticipantRow).where(ParticipantRow.id.in_(list(seen))))
    }
    outsiders = [pid for pid in seen if pid not in people or people[pid].edition_id != edition_id]
    if outsiders:
        raise FieldError("teams", f"participant {outsiders[0]} is not in edition {edition_id}")
    migrant = dict(
        session.execute(
            select(SensitiveRow.participant_id, SensitiveRow.migrant).where(
                SensitiveRow.participant_id.in_(list(seen))
            )
        ).all()
    )
    for team in body.teams:
        composition.check_team(
            f"BC-{team.challenge_id}",
            team.seats or challenges[team.challenge_id].seats,
            len(team.members),
            sum(bool(migrant.get(p, False)) for p in team.members),
        )
    session.execute(
        delete(TeamRow).where(TeamRow.challenge_id.in_([t.challenge_id for t in body.teams]))
    )
    stored = []
    for team in body.teams:
        row = TeamRow(
            edition_id=edition_id, challenge_id=team.challenge_id, confirmed_by=who.key_id
        )
        session.add(row)
        session.flush()
        locked = set(team.locked)
        session.add_all(
            [
                TeamMemberRow(team_id=row.id, participant_id=p, locked=p in locked)
                for p in team.members
            ]
        )
        stored.append(row)
    names = {p: people[p].pseudonym for p in seen}
    audit.record(
        session,
        who,
        "team.confirm",
        f"edition:{edition_id}",
        {
            "teams": len(body.teams),
            "min_migrant_share": composition.min_share,
            "max_migrant_share": composition.max_share,
        },
        [names[p] for p in seen],
        commit=False,
    )
    session.commit()
    return confirmed_teams(session, edition_id)


def confirmed_teams(session: Session, edition_id: int) -> list[ConfirmedTeam]:
    teams = list(
        session.scalars(
            select(TeamRow).where(TeamRow.edition_id == edition_id).order_by(TeamRow.challenge_id)
        )
    )
    out = []
    for team in teams:
        members = list(
            session.execute(
                select(TeamMemberRow.participant_id, TeamMemberRow.locked)
                .where(TeamMemberRow.team_id == team.id)
                .order_by(TeamMemberRow.participant_id)
            ).all()
        )
        ids = [m for m, _ in members]
        migrants = sum(
            session.scalars(
                select(SensitiveRow.migrant).where(SensitiveRow.participant_id.in_(ids))
            )
        )
        out.append(
            ConfirmedTeam(
                challenge_id=team.challenge_id,
                members=ids,
                locked=[m for m, lk in members if lk],
                migrants=int(migrants),
                migrant_share=round(migrants / max(1, len(ids)), 4),
                confirmed_at=team.confirmed_at or now(),
            )
        )
    return out
