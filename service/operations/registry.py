"""Editions and companies: created and changed the same way from the API and the pages."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from matching.domain.records import STORED, Company, CompanyIn, Edition, EditionIn
from service import audit
from service.errors import NotFoundError
from service.operations.common import as_request_error, get_edition
from service.security import Principal
from service.tables import CompanyRow, EditionRow


def edition_out(row: EditionRow) -> Edition:
    return Edition.model_validate({"edition_id": row.id, **_fields(row, EditionIn)}, context=STORED)


def company_out(row: CompanyRow) -> Company:
    return Company.model_validate({"company_id": row.id, **_fields(row, CompanyIn)}, context=STORED)


def _fields(row, model: type[BaseModel]) -> dict:
    return {f: getattr(row, f) for f in model.model_fields}


def _merged(row, model: type[BaseModel], patch: dict):
    try:
        return model.model_validate({**_fields(row, model), **patch})
    except ValidationError as exc:
        raise as_request_error(exc) from None


def create_edition(session: Session, body: EditionIn, who: Principal) -> EditionRow:
    row = EditionRow(**body.model_dump())
    session.add(row)
    session.flush()
    audit.record(session, who, "edition.create", f"edition:{row.id}", commit=False)
    session.commit()
    return row


def update_edition(session: Session, edition_id: int, patch: dict, who: Principal) -> EditionRow:
    """Merge ``patch`` into the edition; the whole record must still be valid."""
    row = get_edition(session, edition_id)
    merged = _merged(row, EditionIn, patch)
    for field, value in merged.model_dump().items():
        setattr(row, field, value)
    audit.record(session, who, "edition.update", f"edition:{row.id}", commit=False)
    session.commit()
    return row


def visible_company(session: Session, company_id: int, who: Principal) -> CompanyRow:
    """A company the caller may see; a company key sees only its own ("not found")."""
    row = session.get(CompanyRow, company_id)
    if row is None or (who.role == "company" and who.company_id != company_id):
        raise NotFoundError(f"company {company_id} not found")
    return row


def create_company(session: Session, body: CompanyIn, who: Principal) -> CompanyRow:
    row = CompanyRow(**body.model_dump())
    session.add(row)
    session.flush()
    audit.record(session, who, "company.create", f"company:{row.id}", commit=False)
    session.commit()
    return row


def update_company(session: Session, company_id: int, patch: dict, who: Principal) -> CompanyRow:
    row = visible_company(session, company_id, who)
    merged = _merged(row, CompanyIn, patch)
    for field, value in merged.model_dump().items():
        setattr(row, field, value)
    audit.record(session, who, "company.update", f"company:{row.id}", commit=False)
    session.commit()
    return row
