"""Errors the API turns into clear 4xx answers, and the handlers that do it."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from matching.engine import UnknownIdError
from matching.rules import RuleError
from matching.search_filter import VectorStoreUnavailableError
from service.controls import RecommendationsPausedError
from service.web.rendering import (
    BAD_REQUEST,
    FORBIDDEN,
    NOT_FOUND,
    PAUSED,
    LoginRequiredError,
    PageForbiddenError,
    error_page,
)

log = logging.getLogger(__name__)


class NotFoundError(Exception):
    """The object does not exist, or the caller may not know that it does (404 either way)."""


# a request value that is well-formed but not acceptable (422 naming the field): the
# programme rules' own error, so that a rule refusing a value and an operation refusing
# one reach the client the same way
FieldError = RuleError


def query_error(exc: RuleError) -> RequestValidationError:
    """A rule's refusal of a query parameter, as FastAPI reports a bad query value."""
    return RequestValidationError(
        [{"loc": ("query", exc.field), "msg": exc.message, "type": "value_error"}]
    )


class ConflictError(Exception):
    """The request contradicts stored state (409)."""


def validation_details(exc: ValidationError, prefix: tuple[str, ...] = ("body",)) -> list[dict]:
    """A model's errors as FastAPI reports a request's, with the limits they name (a
    field's ``max_length``, ``ge``...) kept, so that a page can say them in words."""
    details = []
    for err in exc.errors(include_url=False, include_input=False):
        detail = {"loc": [*prefix, *err["loc"]], "msg": err["msg"], "type": err["type"]}
        limits = {
            k: v if isinstance(v, int | float | str) else str(v)
            for k, v in err.get("ctx", {}).items()
        }
        details.append(detail | ({"ctx": limits} if limits else {}))
    return details


def is_page(request: Request) -> bool:
    """Requests for the web pages get human pages, not JSON."""
    return request.url.path == "/" or request.url.path.startswith("/app")


def install(app: FastAPI) -> None:
    """Register the handlers: every expected failure becomes a 4xx with a message."""

    def not_found(request: Request, message: str):
        if is_page(request):
            return error_page(request, 404, NOT_FOUND)
        return JSONResponse({"detail": message}, status_code=status.HTTP_404_NOT_FOUND)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError):
        return not_found(request, str(exc))

    @app.exception_handler(UnknownIdError)
    async def _unknown(request: Request, exc: UnknownIdError):
        return not_found(request, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if is_page(request):
            if exc.status_code == 404:
                return error_page(request, 404, NOT_FOUND)
            if exc.status_code in (401, 403):
                return error_page(request, 403, FORBIDDEN)
            return error_page(request, exc.status_code, BAD_REQUEST)
        return JSONResponse(
            {"detail": exc.detail},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(LoginRequiredError)
    async def _login(_request: Request, exc: LoginRequiredError):
        return RedirectResponse(f"/app/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(PageForbiddenError)
    async def _forbidden(request: Request, _exc: PageForbiddenError):
        return error_page(request, 403, FORBIDDEN)

    @app.exception_handler(RecommendationsPausedError)
    async def _paused(request: Request, exc: RecommendationsPausedError):
        if is_page(request):
            return error_page(request, 200, PAUSED, detail=exc.reason)
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

    @app.exception_handler(VectorStoreUnavailableError)
    async def _store_down(request: Request, exc: VectorStoreUnavailableError):
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

    @app.exception_handler(FieldError)
    async def _field(_request: Request, exc: FieldError) -> JSONResponse:
        detail = [{"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(ValidationError)
    async def _model(_request: Request, exc: ValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_details(exc)}, status_code=422)

    @app.exception_handler(ConflictError)
    async def _conflict(_request: Request, exc: ConflictError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_409_CONFLICT)

    @app.exception_handler(RequestValidationError)
    async def _request(request: Request, exc: RequestValidationError):
        if is_page(request):
            return error_page(request, 400, BAD_REQUEST)
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": details}, status_code=422)
