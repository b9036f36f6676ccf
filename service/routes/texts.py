"""Reading free text: what skills, jobs, years and niches a text names."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from matching.domain.results import TextConcepts
from service.deps import get_runtime, require_role
from service.runtime import Runtime
from service.schemas import TextIn
from service.security import Principal

router = APIRouter(prefix="/texts", tags=["texts"])
Caseworker = Annotated[Principal, Depends(require_role("caseworker"))]
Rt = Annotated[Runtime, Depends(get_runtime)]


@router.post("/concepts", response_model=TextConcepts)
def concepts(
    body: TextIn,
    who: Caseworker,
    runtime: Rt,
    language: Annotated[str, Query(pattern="^(en|es)$")] = "en",
) -> TextConcepts:
    """The ESCO skills and jobs a text names (each with its words), the years of
    experience it states, and the niches it points to. Nothing is stored."""
    return runtime.matcher.text_concepts(body.text, language)
