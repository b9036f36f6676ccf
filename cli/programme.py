"""Commands that make and index programme data: ``generate`` and ``index``."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.app import UsageError, app, errors, out, settings_of
from cli.progress import steps

PANEL = "Programme data"
EMBEDDING_HELP = (
    "Embed with the sentence model (transformer) or the static model distilled from it "
    "(static: about 20 times faster, distilled on first use); default: the model that "
    "built the saved index. Another model than the index's embeds every profile again"
)


def _with_embedding(ctx: typer.Context, embedding: str | None):
    """The data dir's settings, with the embedding model the command asks for."""
    settings = settings_of(ctx)
    if embedding is None:
        return settings
    if embedding not in ("transformer", "static"):
        raise UsageError(f"--embedding must be transformer or static, not {embedding!r}")
    return settings.model_copy(update={"embedding": embedding})


@app.command(rich_help_panel=PANEL)
def generate(
    ctx: typer.Context,
    out_dir: Path | None = typer.Option(
        None, "--out", help="Folder to write (default: <data dir>/programme)"
    ),
    seed: int = typer.Option(7, help="Random seed; the same seed gives the same programme"),
    editions: int = typer.Option(4, min=1, max=1000),
    participants: int = typer.Option(508, min=2, max=5_000_000),
    challenges: int = typer.Option(28, min=1, max=200_000),
    migrant_share: float = typer.Option(0.34, min=0.0, max=1.0),
    hiring_bias: float = typer.Option(
        0.0, help="Historical hiring bias against migrants (logit units; 0 = none)"
    ),
    spanish_share: float = typer.Option(
        0.8, min=0.0, max=1.0, help="Share of profiles written in Spanish"
    ),
    french_share: float = typer.Option(
        0.06, min=0.0, max=1.0, help="Share of profiles written in French (the rest in English)"
    ),
    companies: int | None = typer.Option(
        None,
        min=1,
        max=100_000,
        help="Companies (default: one per challenge of an edition, at least 13); more "
        "companies give each fewer challenges and less history",
    ),
    world: str = typer.Option(
        "",
        help="Weights of the hidden outcome model, KEY=VALUE[,KEY=VALUE...] (e.g. "
        "background_taste_sd=0,mentor_fit_sd=0; taste_interaction_sd and "
        "taste_hardship_sd give tastes the ranker's features cannot represent)",
    ),
    truth: bool = typer.Option(True, help="Write the hidden ground truth for evaluation"),
    force: bool = typer.Option(False, help="Replace an existing programme folder"),
) -> None:
    """Generate a synthetic MILMA-like programme (participants, challenges, outcomes)."""
    from training_data.config import GeneratorConfig
    from training_data.dataset import MANIFEST, write_programme
    from training_data.generator import generate as make
    from training_data.outcome_model import hidden_model_from_text

    with errors():
        try:
            hidden = hidden_model_from_text(world)
        except ValueError as exc:
            raise UsageError(f"--world: {exc}") from None
        target = out_dir or settings_of(ctx).programme_dir
        if target.exists() and not target.is_dir():
            raise UsageError(f"{target} exists and is not a folder")
        if target.is_dir() and any(target.iterdir()):
            if not (target / MANIFEST).is_file():
                raise UsageError(
                    f"{target} is not empty and holds no programme; choose another --out"
                )
            if not force:
                raise UsageError(f"{target} already holds a programme; add --force to replace it")
        config = GeneratorConfig(
            seed=seed,
            editions=editions,
            participants=participants,
            challenges=challenges,
            migrant_share=migrant_share,
            hiring_bias=hiring_bias,
            spanish_share=spanish_share,
            french_share=french_share,
            truth=truth,
            companies=companies,
            hidden=hidden,
        )
        with steps("generating", total=2) as say:
            say(f"{participants:,} participants, {challenges:,} challenges")
            programme = make(config)
            say(f"writing {target}")
            write_programme(programme, target)
        out.print(
            f"wrote {len(programme.participants)} participants, "
            f"{len(programme.challenges)} challenges, {len(programme.outcomes)} outcome "
            f"events to {target}"
        )


@app.command(rich_help_panel=PANEL)
def index(
    ctx: typer.Context,
    rebuild: bool = typer.Option(False, help="Discard the saved index and build a new one"),
    embedding: str | None = typer.Option(None, "--embedding", help=EMBEDDING_HELP),
) -> None:
    """Build (or repair) the participant index from the data dir."""
    from service.runtime import open_runtime

    with errors():
        settings = _with_embedding(ctx, embedding)
        with steps("indexing") as say:
            runtime = open_runtime(settings, rebuild_index=rebuild, say=say)
        status = runtime.matcher.status()
        runtime.close()
        out.print(
            f"index {status['index_version']}: {status['indexed_participants']} "
            f"participants, {status['index_type']}, model {status['embedding_model']} "
            f"({status['embedding_kind']})"
        )


@app.command("import", rich_help_panel=PANEL)
def import_(
    ctx: typer.Context,
    participants: Path = typer.Argument(..., help="Parquet file of participant records"),
    vectors: Path | None = typer.Option(
        None, "--vectors", help=".npy file of unit vectors, one row per participant, in order"
    ),
    embedding: str | None = typer.Option(None, "--embedding", help=EMBEDDING_HELP),
) -> None:
    """Add participants in bulk: every row is checked first, then all are written at once."""
    from service.operations.bulk_import import import_participants, read_participant_file
    from service.runtime import open_runtime

    with errors():
        for path in (participants, vectors):
            if path is not None and not path.is_file():
                raise UsageError(f"{path} does not exist")
        settings = _with_embedding(ctx, embedding)
        frame, array = read_participant_file(participants, vectors)
        with steps("importing") as say:
            say("opening the data dir")
            runtime = open_runtime(settings, say=say)
            try:
                count = import_participants(runtime, frame, array, say=say)
            finally:
                runtime.close()
        out.print(f"imported {count:,} participants from {participants}")
