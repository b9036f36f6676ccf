"""The ``milma`` application object, its consoles and the rules every command shares.

Every command works on one data dir (``MILMA_DATA_DIR``, default ``./var``, or
``--data-dir``). Bad input ends with a one-line message and exit code 2, never a
traceback, and never after changing anything on disk: :func:`errors` turns the
expected failures into that message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

from matching.settings import Settings

app = typer.Typer(
    help="MILMA Match: jobseeker-challenge matching for employment and integration programmes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys", rich_help_panel="Service")
out = Console()
err = Console(stderr=True)


class UsageError(ValueError):
    """Bad input from the command line."""


@contextmanager
def errors() -> Iterator[None]:
    """Turn expected failures into a clear message and exit code 2."""
    from matching.engine import UnknownIdError
    from models.artefacts import ArtefactError
    from service.runtime import NoProgrammeError
    from training_data.dataset import DatasetError

    try:
        yield
    except (
        UsageError,
        ValueError,
        DatasetError,
        UnknownIdError,
        ArtefactError,
        NoProgrammeError,
        FileNotFoundError,
        PermissionError,
    ) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def settings_of(ctx: typer.Context) -> Settings:
    return ctx.obj


def embedder_of(settings: Settings):
    """The embedder the data dir's engine would use (``MILMA_EMBEDDING`` chooses the
    sentence model or the static bulk model; see :mod:`matching.embedding_choice`)."""
    from matching.embedding_choice import embedding_model_path
    from models.embedder import Embedder

    return Embedder(
        embedding_model_path(settings),
        settings.embedding_batch_size,
        settings.embedding_cache_limit,
    )


@app.callback()
def _main(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Overrides MILMA_DATA_DIR"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress"),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    with errors():
        ctx.obj = Settings(data_dir=data_dir) if data_dir is not None else Settings()


def parse_challenge_id(text: str) -> int:
    """Accept '7', 'BC-7' or 'bc7'."""
    match = re.fullmatch(r"\s*(?:bc-?)?(\d{1,9})\s*", text, flags=re.IGNORECASE)
    if not match or int(match.group(1)) < 1:
        raise UsageError(f"challenge id {text!r} is not a positive number like 7 or BC-7")
    return int(match.group(1))
