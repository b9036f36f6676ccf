"""Commands that run the service and manage its keys: ``serve`` and ``keys``."""

from __future__ import annotations

import os

import typer
from rich.table import Table

from cli.app import UsageError, app, err, errors, keys_app, out, settings_of

PANEL = "Service"


@app.command(rich_help_panel=PANEL)
def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Default: MILMA_HOST (127.0.0.1)"),
    port: int | None = typer.Option(None, help="Default: MILMA_PORT (8000)"),
    workers: int = typer.Option(
        1, min=1, max=64, help="Worker processes, each with its own engine (PostgreSQL only)"
    ),
) -> None:
    """Run the API (and web pages). An empty data dir gets a demo programme, a trained
    ranker, an index and one demo API key per role, printed once.

    With several workers, each follows the database's change feed, so a write through
    one reaches the others' shortlists; SQLite allows one writer, so it serves one."""
    import uvicorn

    from service.app import create_app
    from service.demo import prepare_demo

    settings = settings_of(ctx)
    with errors():
        if workers > 1 and settings.database_url is None:
            raise UsageError(
                f"--workers {workers} needs PostgreSQL (MILMA_DATABASE_URL); "
                "the embedded SQLite database serves one worker"
            )
        with err.status("preparing the data dir"):
            runtime, keys = prepare_demo(settings, say=err.print)
        if keys:
            out.print("demo API keys (shown once; store them):", highlight=False)
            for role, key, note in keys:
                out.print(f"  {role:<10} {key}  {note}", highlight=False, soft_wrap=True)
        bind_host, bind_port = host or settings.host, port or settings.port
        out.print(
            f"MILMA Match on http://{bind_host}:{bind_port}  (API docs: /docs)", highlight=False
        )
        if workers > 1:
            # the workers open the data dir this process has just prepared (database,
            # index, models), each on its own: they are told where by the environment
            runtime.close()
            os.environ.update(settings.as_environment())
            uvicorn.run(
                "service.app:create_app",
                factory=True,
                host=bind_host,
                port=bind_port,
                workers=workers,
                log_level="warning",
            )
            return
        if settings.feed_poll_seconds > 0:  # other processes may write (`milma import`)
            runtime.feed.follow(settings.feed_poll_seconds)
        try:
            uvicorn.run(
                create_app(settings, runtime), host=bind_host, port=bind_port, log_level="warning"
            )
        finally:
            runtime.close()


@keys_app.command("create")
def keys_create(
    ctx: typer.Context,
    role: str = typer.Option(..., help="admin, caseworker, analyst or company"),
    company: int | None = typer.Option(None, help="Company id (company keys only)"),
    label: str = typer.Option("", help="A note to recognise the key by"),
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from matching.domain.records import refuse_hidden_characters
    from service.runtime import ensure_database
    from service.security import create_key

    with errors():
        try:
            refuse_hidden_characters(label)
        except ValueError as exc:
            raise UsageError(f"--label {exc}") from None
        engine, sessions, _ = ensure_database(settings_of(ctx))
        try:
            with sessions() as session:
                key, row = create_key(session, role, company, label)
        finally:
            engine.dispose()
        out.print(key, highlight=False, soft_wrap=True)
        err.print(f"key {row.id} ({role}) created; it will not be shown again", highlight=False)


@keys_app.command("list")
def keys_list(ctx: typer.Context) -> None:
    """List keys (never the secrets)."""
    from sqlalchemy import select

    from service.runtime import ensure_database
    from service.tables import ApiKeyRow

    with errors():
        engine, sessions, _ = ensure_database(settings_of(ctx))
        try:
            with sessions() as session:
                rows = list(session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id)))
        finally:
            engine.dispose()
        table = Table("id", "role", "company", "label", "created", "revoked")
        for r in rows:
            table.add_row(
                str(r.id),
                r.role,
                str(r.company_id or ""),
                r.label,
                f"{r.created_at:%Y-%m-%d}",
                f"{r.revoked_at:%Y-%m-%d}" if r.revoked_at else "",
            )
        out.print(table)


@keys_app.command("revoke")
def keys_revoke(ctx: typer.Context, key_id: int = typer.Argument(..., min=1)) -> None:
    """Revoke a key by id."""
    from service.runtime import ensure_database
    from service.security import revoke_key

    with errors():
        engine, sessions, _ = ensure_database(settings_of(ctx))
        try:
            with sessions() as session:
                if not revoke_key(session, key_id):
                    raise UsageError(f"no active key with id {key_id}")
        finally:
            engine.dispose()
        out.print(f"key {key_id} revoked")
