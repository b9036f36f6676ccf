"""The FastAPI application factory: assembles settings, runtime, routers and guards."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from matching.settings import Settings, get_settings
from service import errors
from service.cv_files import CV_UPLOAD_PATHS, MULTIPART_OVERHEAD
from service.deps import PUBLIC_PATHS, route_roles
from service.limits import BodySizeLimit
from service.routes import (
    admin,
    audit_log,
    challenges,
    companies,
    editions,
    health,
    outcomes,
    participants,
    texts,
)
from service.runtime import Runtime, open_runtime
from service.web import (
    account_pages,
    challenge_pages,
    challenge_text_pages,
    company_pages,
    company_registry_pages,
    edition_pages,
    key_pages,
    outcome_pages,
    override_pages,
    participant_pages,
    planner_pages,
    report_pages,
)
from service.web.session import serializer

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
# Tried in this order, and FastAPI matches each included router's routes twice on the
# way in: the busiest (the challenges' shortlists) go first.
ROUTERS = (
    challenges,
    health,
    participants,
    companies,
    editions,
    outcomes,
    texts,
    admin,
    audit_log,
)
PAGES = (
    account_pages,
    edition_pages,
    participant_pages,
    challenge_pages,
    challenge_text_pages,
    outcome_pages,
    planner_pages,
    company_pages,
    company_registry_pages,
    key_pages,
    report_pages,
    override_pages,
)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app. With ``runtime`` given (tests) it is used as is; otherwise the
    data dir from ``settings`` is opened at start-up and closed at shutdown."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        owned = runtime is None
        app.state.runtime = runtime or open_runtime(settings, say=log.warning)
        if owned and settings.feed_poll_seconds > 0:
            app.state.runtime.feed.follow(settings.feed_poll_seconds)
        # requests are CPU-bound under one interpreter lock: a few threads serve them
        # with less contention (and a shorter tail) than the default forty
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        try:
            yield
        finally:
            if owned:
                app.state.runtime.close()

    app = FastAPI(
        title="MILMA Match",
        version="0.1.0",
        description="Matching jobseekers to Business Challenges, with reasons, consent and "
        "an audit log. Authenticate with `X-API-Key` or `Authorization: Bearer`.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.web_signer = serializer(settings)
    if runtime is not None:
        app.state.runtime = runtime
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        upload_paths=CV_UPLOAD_PATHS,
        max_upload_bytes=settings.max_cv_bytes + MULTIPART_OVERHEAD,
    )
    errors.install(app)
    for module in ROUTERS:
        _deny_by_default(module.router.routes)
        app.include_router(module.router)
    for module in PAGES:
        _deny_by_default(module.router.routes)
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def api_routes() -> list[APIRoute]:
    """Every API route of the service (for the deny-by-default check and its tests)."""
    return [r for module in ROUTERS for r in module.router.routes if isinstance(r, APIRoute)]


def _deny_by_default(routes) -> None:
    """Refuse to start if a non-public route forgot to declare who may call it."""
    for route in routes:
        if (
            isinstance(route, APIRoute)
            and route.path not in PUBLIC_PATHS
            and route_roles(route) is None
        ):
            raise RuntimeError(f"route {route.path} declares no roles")
