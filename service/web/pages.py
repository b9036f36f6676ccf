"""Server-rendered pages for caseworkers, companies, analysts and admins.

Every page calls the same operations as the API (``service.programme``,
``service.teams``), so rules, audit rows and company isolation are identical. Pages
need a signed session (see ``service.web.session``); forms carry a CSRF token. A
company reaching another company's challenge gets the same 404 page as for one that
does not exist.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import programme as ops
from service import teams as team_ops
from service.deps import get_runtime, get_session
from service.errors import FieldError, NotFoundError
from service.runtime import Runtime
from service.schemas import OutcomeIn, TeamPlanRequest, TeamsConfirm
from service.security import Principal, authenticate
from service.tables import (
    ApiKeyRow,
    ChallengeRow,
    CompanyRow,
    EditionRow,
    OutcomeRow,
    ParticipantRow,
    SensitiveRow,
    TeamMemberRow,
    TeamRow,
)
from service.web import session as web_session
from service.web.i18n import LANGUAGES, pick_language, translator
from training_data.schema import EVENTS

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
HOME = {
    "caseworker": "/app/editions",
    "company": "/app/company",
    "analyst": "/app/reports",
    "admin": "/app/admin",
}
COMPANY_EVENTS = ("interviewed", "hired", "rejected")
router = APIRouter(include_in_schema=False)
Db = Annotated[Session, Depends(get_session)]
Rt = Annotated[Runtime, Depends(get_runtime)]


class LoginRequiredError(Exception):
    """No valid session: the page redirects to the sign-in form."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageForbiddenError(Exception):
    """Signed in, but this role may not open the page (or the form token is wrong)."""


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    csrf: str


def page_role(*roles: str):
    """Dependency for a page: a signed-in user with one of ``roles``."""

    def dependency(request: Request, session: Db) -> Viewer:
        found = web_session.read(request, session)
        if found is None:
            raise LoginRequiredError(request.url.path)
        principal, csrf = found
        if principal.role not in roles:
            raise PageForbiddenError
        return Viewer(principal, csrf)

    dependency.roles = roles  # type: ignore[attr-defined]
    return dependency


def public_page(request: Request) -> None:
    """Marker for pages anyone may open (sign-in, language switch)."""


public_page.roles = ("public",)  # type: ignore[attr-defined]

CaseworkerPage = Annotated[Viewer, Depends(page_role("caseworker"))]
CompanyPage = Annotated[Viewer, Depends(page_role("company"))]
AnyPage = Annotated[Viewer, Depends(page_role("caseworker", "company", "analyst", "admin"))]
ReportPage = Annotated[Viewer, Depends(page_role("analyst", "admin"))]
AdminPage = Annotated[Viewer, Depends(page_role("admin"))]
Public = Depends(public_page)


def render(
    request: Request, template: str, viewer: Viewer | None = None, status: int = 200, **context
) -> Response:
    lang = pick_language(request)
    context.update(
        request=request,
        lang=lang,
        _=translator(lang),
        user=viewer.principal if viewer else None,
        csrf=viewer.csrf if viewer else "",
    )
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


def error_page(
    request: Request, status: int, title_key: str, text_key: str, viewer: Viewer | None = None
) -> Response:
    t = translator(pick_language(request))
    return render(request, "error.html", viewer, status, title=t(title_key), text=t(text_key))


def check_csrf(viewer: Viewer, token: str) -> None:
    if not hmac.compare_digest(viewer.csrf, token or ""):
        raise PageForbiddenError


def safe_next(path: str | None) -> str:
    """Only same-site paths are followed after sign-in or a language switch."""
    if path and path.startswith("/") and not path.startswith("//"):
        return path
    return "/app"


# --------------------------------------------------------------- sign-in, language
@router.get("/", dependencies=[Public])
def root() -> RedirectResponse:
    return RedirectResponse("/app", status_code=303)


@router.get("/app/login", dependencies=[Public])
def login_form(request: Request, next: str = "/app") -> Response:
    return render(request, "login.html", next=safe_next(next), error=None)


@router.post("/app/login", dependencies=[Public])
def login(
    request: Request,
    session: Db,
    api_key: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/app",
) -> Response:
    principal = authenticate(session, api_key.strip()) if api_key else None
    if principal is None:
        t = translator(pick_language(request))
        return render(request, "login.html", status=401, next=safe_next(next), error=t("bad_key"))
    target = safe_next(next)
    response = RedirectResponse(
        target if target != "/app" else HOME[principal.role], status_code=303
    )
    web_session.start(response, request, principal.key_id)
    return response


@router.post("/app/logout")
def logout(viewer: AnyPage, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(viewer, csrf)
    response = RedirectResponse("/app/login", status_code=303)
    web_session.end(response)
    return response


@router.get("/app/lang/{code}", dependencies=[Public])
def switch_language(code: str, next: str = "/app") -> RedirectResponse:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


@router.get("/app")
def home(viewer: AnyPage) -> RedirectResponse:
    return RedirectResponse(HOME[viewer.principal.role], status_code=303)


# ------------------------------------------------------------------ caseworkers
@router.get("/app/editions")
def editions(request: Request, viewer: CaseworkerPage, session: Db) -> Response:
    challenge_counts = dict(
        session.execute(
            select(ChallengeRow.edition_id, func.count()).group_by(ChallengeRow.edition_id)
        ).all()
    )
    people_counts = dict(
        session.execute(
            select(ParticipantRow.edition_id, func.count()).group_by(ParticipantRow.edition_id)
        ).all()
    )
    rows = [
        {
            "id": e.id,
            "name": e.name,
            "start_date": e.start_date,
            "end_date": e.end_date,
            "remote": e.remote,
            "challenges": challenge_counts.get(e.id, 0),
            "participants": people_counts.get(e.id, 0),
        }
        for e in session.scalars(select(EditionRow).order_by(EditionRow.id))
    ]
    return render(request, "editions.html", viewer, editions=rows)


def _edition(session: Session, edition_id: int) -> EditionRow:
    row = session.get(EditionRow, edition_id)
    if row is None:
        raise NotFoundError(f"edition {edition_id} not found")
    return row


@router.get("/app/editions/{edition_id}")
def edition(
    request: Request, edition_id: int, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    row = _edition(session, edition_id)
    companies = dict(session.execute(select(CompanyRow.id, CompanyRow.name)).all())
    team_sizes = dict(
        session.execute(
            select(TeamRow.challenge_id, func.count(TeamMemberRow.participant_id))
            .join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
            .group_by(TeamRow.challenge_id)
        ).all()
    )
    catalogue = runtime.matcher.catalogue
    lang = pick_language(request)
    challenges = [
        {
            "id": c.id,
            "title": c.title,
            "company": companies.get(c.company_id, ""),
            "niche": catalogue.niche(c.niche).name[lang],
            "seats": c.seats,
            "team": team_sizes.get(c.id),
        }
        for c in session.scalars(
            select(ChallengeRow)
            .where(ChallengeRow.edition_id == edition_id)
            .order_by(ChallengeRow.id)
        )
    ]
    participants = session.scalar(
        select(func.count())
        .select_from(ParticipantRow)
        .where(ParticipantRow.edition_id == edition_id)
    )
    migrants = session.scalar(
        select(func.count())
        .select_from(SensitiveRow)
        .join(ParticipantRow, ParticipantRow.id == SensitiveRow.participant_id)
        .where(ParticipantRow.edition_id == edition_id, SensitiveRow.migrant.is_(True))
    )
    return render(
        request,
        "edition.html",
        viewer,
        edition=row,
        challenges=challenges,
        participants=participants,
        migrants=migrants,
    )


def _history(session: Session, **where) -> list[dict]:
    query = select(OutcomeRow, ParticipantRow.id).join(
        ParticipantRow, ParticipantRow.id == OutcomeRow.participant_id
    )
    if "challenge_id" in where:
        query = query.where(OutcomeRow.challenge_id == where["challenge_id"])
    if "participant_id" in where:
        query = query.where(OutcomeRow.participant_id == where["participant_id"])
    rows = session.execute(query.order_by(OutcomeRow.at.desc(), OutcomeRow.id.desc()).limit(50))
    return [
        {
            "at": o.at,
            "who": pid,
            "challenge_id": o.challenge_id,
            "event": o.event,
            "reason": o.reason,
        }
        for o, pid in rows.all()
    ]


def _challenge_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    challenge_id: int,
    k_text: str | None,
    consent: bool,
    fairness: bool,
    errors: dict,
    notice: str | None,
    status: int = 200,
) -> Response:
    challenge = ops.get_challenge(session, challenge_id, viewer.principal)
    lang = pick_language(request)
    max_k = runtime.matcher.max_k
    k = 10
    if k_text not in (None, ""):
        try:
            k = int(k_text)
            if not 1 <= k <= max_k:
                raise ValueError
        except ValueError:
            errors["k"] = f"1–{max_k}"
            k = 10
    result = ops.shortlist(
        runtime,
        session,
        challenge_id,
        k,
        viewer.principal,
        lang,
        consent_only=consent,
        fairness=fairness,
    )
    company = session.get(CompanyRow, challenge.company_id)
    return render(
        request,
        "challenge.html",
        viewer,
        status,
        challenge=ops.challenge_out(challenge),
        company=company.name if company else "",
        shortlist=result,
        k=k,
        max_k=max_k,
        niche=runtime.matcher.catalogue.niche(challenge.niche).name[lang],
        consent=consent,
        fairness=fairness,
        errors=errors,
        notice=notice,
        events=EVENTS,
        history=_history(session, challenge_id=challenge_id),
    )


@router.get("/app/challenges/{challenge_id}")
def challenge(
    request: Request,
    challenge_id: int,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    k: Annotated[str | None, Query(max_length=12)] = None,
    consent: str | None = None,
    fairness: str | None = None,
    filtered: str | None = None,
    saved: str | None = None,
) -> Response:
    use_fairness = bool(fairness) if filtered else runtime.matcher.fairness_rerank
    notice = translator(pick_language(request))("saved") if saved else None
    return _challenge_page(
        request, viewer, session, runtime, challenge_id, k, bool(consent), use_fairness, {}, notice
    )


@router.post("/app/challenges/{challenge_id}/outcomes")
def record_outcome(
    request: Request,
    challenge_id: int,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    participant_id: Annotated[str, Form(max_length=12)] = "",
    event: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(viewer, csrf)
    try:
        body = OutcomeIn(
            challenge_id=challenge_id,
            participant_id=int(participant_id),
            event=event,
            reason=reason,
        )
        ops.record_outcome(session, body, viewer.principal)
    except (ValueError, ValidationError, FieldError) as exc:
        message = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        key = int(participant_id) if participant_id.isdigit() else "form"
        return _challenge_page(
            request,
            viewer,
            session,
            runtime,
            challenge_id,
            None,
            False,
            runtime.matcher.fairness_rerank,
            {key: message},
            None,
            422,
        )
    return RedirectResponse(f"/app/challenges/{challenge_id}?saved=1", status_code=303)


@router.get("/app/participants/{participant_id}")
def participant(
    request: Request, participant_id: int, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    row = ops.get_participant(session, participant_id)
    lang = pick_language(request)
    catalogue = runtime.matcher.catalogue
    skills = [catalogue.label(u, lang) for u in row.skills if u in catalogue.skill_index]
    skills += list(row.skills_text)
    return render(
        request,
        "participant.html",
        viewer,
        person=ops.participant_out(row),
        skills=skills,
        niches=runtime.matcher.niches(participant_id, lang),
        history=_history(session, participant_id=participant_id),
    )


def _locks(values: list[str]) -> list[dict]:
    locks = []
    for value in values:
        match = re.fullmatch(r"(\d{1,9}):(\d{1,9})", value)
        if match:
            locks.append(
                {
                    "participant_id": int(match.group(1)),
                    "challenge_id": int(match.group(2)),
                    "join": True,
                }
            )
    return locks


@router.get("/app/editions/{edition_id}/planner")
def planner(
    request: Request, edition_id: int, viewer: CaseworkerPage, session: Db, runtime: Rt
) -> Response:
    row = _edition(session, edition_id)
    return render(
        request,
        "planner.html",
        viewer,
        edition=row,
        plan=None,
        error=None,
        errors={},
        min_share=runtime.settings.min_migrant_share,
        titles={},
    )


@router.post("/app/editions/{edition_id}/planner")
def run_planner(
    request: Request,
    edition_id: int,
    viewer: CaseworkerPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    min_share: Annotated[str, Form(max_length=12)] = "30",
    lock: Annotated[list[str] | None, Form()] = None,
) -> Response:
    check_csrf(viewer, csrf)
    row = _edition(session, edition_id)
    errors: dict = {}
    try:
        share = float(min_share) / 100.0
        if not 0 <= share <= 1:
            raise ValueError
    except ValueError:
        errors["min_share"] = "0–100"
        share = runtime.settings.min_migrant_share
    plan, error = None, None
    if not errors:
        try:
            body = TeamPlanRequest(min_migrant_share=share, locks=_locks(lock or []))
            plan = team_ops.propose(
                runtime, session, edition_id, body, viewer.principal, pick_language(request)
            )
        except FieldError as exc:
            error = exc.message
    titles = dict(
        session.execute(
            select(ChallengeRow.id, ChallengeRow.title).where(ChallengeRow.edition_id == edition_id)
        ).all()
    )
    return render(
        request,
        "planner.html",
        viewer,
        422 if (errors or error) else 200,
        edition=row,
        plan=plan,
        error=error,
        errors=errors,
        min_share=share,
        titles=titles,
    )


@router.post("/app/editions/{edition_id}/planner/confirm")
def confirm_plan(
    request: Request,
    edition_id: int,
    viewer: CaseworkerPage,
    session: Db,
    csrf: Annotated[str, Form()] = "",
    min_share: Annotated[str, Form(max_length=12)] = "0.3",
    team: Annotated[list[str] | None, Form()] = None,
) -> Response:
    check_csrf(viewer, csrf)
    _edition(session, edition_id)
    teams = []
    for value in team or []:
        cid, _, members = value.partition(":")
        teams.append({"challenge_id": cid, "members": [m for m in members.split(",") if m]})
    try:
        body = TeamsConfirm(teams=teams, min_migrant_share=float(min_share))
        team_ops.confirm(session, edition_id, body, viewer.principal)
    except (ValueError, ValidationError, FieldError) as exc:
        message = exc.message if isinstance(exc, FieldError) else str(exc)
        return render(
            request,
            "planner.html",
            viewer,
            422,
            edition=_edition(session, edition_id),
            plan=None,
            error=message,
            errors={},
            min_share=0.3,
            titles={},
        )
    return RedirectResponse(f"/app/editions/{edition_id}", status_code=303)


# -------------------------------------------------------------------- companies
def _company_page(
    request: Request,
    viewer: Viewer,
    session: Session,
    runtime: Runtime,
    challenge_id: int | None,
    notice: str | None = None,
) -> Response:
    """One challenge, or by default the challenges of the company's latest edition (the
    earlier ones are listed as links)."""
    principal = viewer.principal
    company = session.get(CompanyRow, principal.company_id)
    own = list(
        session.scalars(
            select(ChallengeRow)
            .where(ChallengeRow.company_id == principal.company_id)
            .order_by(ChallengeRow.id)
        )
    )
    edition_id = None
    if challenge_id is not None:
        ops.get_challenge(session, challenge_id, principal)  # 404 unless it is theirs
    elif own:
        edition_id = max(c.edition_id for c in own)
    view = ops.company_matches(
        runtime,
        session,
        company,
        principal,
        edition_id=edition_id,
        k=10,
        language=pick_language(request),
        challenge_id=challenge_id,
    )
    shown = {b.challenge.challenge_id for b in view.challenges}
    earlier = [c for c in own if c.id not in shown]
    return render(
        request,
        "company.html",
        viewer,
        company=view.company,
        blocks=view.challenges,
        earlier=earlier,
        notice=notice,
    )


@router.get("/app/company")
def company_home(
    request: Request, viewer: CompanyPage, session: Db, runtime: Rt, saved: str | None = None
) -> Response:
    notice = translator(pick_language(request))("saved") if saved else None
    return _company_page(request, viewer, session, runtime, None, notice)


@router.get("/app/company/challenges/{challenge_id}")
def company_challenge(
    request: Request, challenge_id: int, viewer: CompanyPage, session: Db, runtime: Rt
) -> Response:
    return _company_page(request, viewer, session, runtime, challenge_id)


@router.post("/app/company/challenges/{challenge_id}/feedback")
def company_feedback(
    request: Request,
    challenge_id: int,
    viewer: CompanyPage,
    session: Db,
    runtime: Rt,
    csrf: Annotated[str, Form()] = "",
    trainee_id: Annotated[str, Form(max_length=20)] = "",
    event: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(viewer, csrf)
    if event not in COMPANY_EVENTS:
        raise PageForbiddenError
    try:
        body = OutcomeIn(
            challenge_id=challenge_id, trainee_id=trainee_id, event=event, reason=reason
        )
        ops.record_outcome(session, body, viewer.principal)
    except ValidationError as exc:
        return _company_page(request, viewer, session, runtime, None, exc.errors()[0]["msg"])
    return RedirectResponse("/app/company?saved=1", status_code=303)


# ---------------------------------------------------------------- analysts, admin
REPORT_FILE = re.compile(r"^[\w.-]{1,80}\.png$")


def _latest_report(runtime: Runtime) -> Path | None:
    root = runtime.settings.reports_dir
    if not root.is_dir():
        return None
    folders = sorted(
        (p for p in root.iterdir() if (p / "report.md").is_file()),
        key=lambda p: p.name,
        reverse=True,
    )
    return folders[0] if folders else None


@router.get("/app/reports")
def reports(request: Request, viewer: ReportPage, runtime: Rt) -> Response:
    folder = _latest_report(runtime)
    html = None
    if folder is not None:
        text = (folder / "report.md").read_text(encoding="utf-8")
        text = re.sub(
            r"!\[([^\]]*)\]\(([\w.-]+\.png)\)", rf"![\1](/app/reports/files/{folder.name}/\2)", text
        )
        html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return render(request, "report.html", viewer, html=html)


@router.get("/app/reports/files/{folder}/{name}")
def report_file(folder: str, name: str, viewer: ReportPage, runtime: Rt) -> Response:
    root = runtime.settings.reports_dir
    path = root / folder / name
    if (
        not REPORT_FILE.match(name)
        or not re.fullmatch(r"[\w.-]{1,80}", folder)
        or not path.is_file()
        or path.resolve().parent.parent != root.resolve()
    ):
        raise NotFoundError("no such report file")
    return FileResponse(path, media_type="image/png")


@router.get("/app/admin")
def admin(request: Request, viewer: AdminPage, session: Db, runtime: Rt) -> Response:
    keys = list(session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id)))
    return render(request, "admin.html", viewer, status=runtime.matcher.status(), keys=keys)
