"""What `milma serve` does before serving: make an empty data dir usable at once."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from matching.settings import Settings
from service.runtime import Runtime, ensure_database, open_runtime, retrain
from service.security import create_key
from service.tables import ApiKeyRow, ChallengeRow, CompanyRow


def prepare_demo(
    settings: Settings, say: Callable[[str], None]
) -> tuple[Runtime, list[tuple[str, str, str]]]:
    """Open the data dir, creating a demo programme, ranker and keys if it is empty.

    Returns the runtime and the demo keys created now (role, key, note) — empty when the
    data dir already had keys.
    """
    engine, _, _ = ensure_database(settings, demo_if_empty=True, say=say)
    engine.dispose()
    runtime = open_runtime(settings, say=say)
    refused = (runtime.matcher.promotion or {}).get("decision") == "rules"
    if runtime.matcher.trained_scorer is None and not refused:
        try:
            result = retrain(runtime)
            promotion = result.metrics["promotion"]
            say(
                f"trained the ranker on {result.metrics['training_pairs']} recorded outcomes; "
                f"serving: {promotion['decision']} ({promotion['reason']})"
            )
        except ValueError as exc:
            say(f"ranker not trained ({exc}); shortlists use the documented fallback")
    keys: list[tuple[str, str, str]] = []
    with runtime.sessions() as session:
        if session.scalar(select(func.count()).select_from(ApiKeyRow)) == 0:
            latest = session.scalar(select(func.max(ChallengeRow.edition_id)))
            company = session.scalar(
                select(CompanyRow)
                .join(ChallengeRow, ChallengeRow.company_id == CompanyRow.id)
                .where(ChallengeRow.edition_id == latest)
                .order_by(CompanyRow.id)
                .limit(1)
            )
            for role in ("admin", "caseworker", "analyst"):
                key, _ = create_key(session, role, label="demo")
                keys.append((role, key, ""))
            if company is not None:
                key, _ = create_key(session, "company", company.id, label="demo")
                keys.append(("company", key, f"(company {company.id}: {company.name})"))
    return runtime, keys
