"""Commands for analysts: ``train``, ``evaluate`` and ``benchmark``."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import typer

from cli.app import UsageError, app, err, errors, out, settings_of

PANEL = "Models and analysis"


@app.command(rich_help_panel=PANEL)
def train(ctx: typer.Context) -> None:
    """Train the ranker on the recorded outcomes and make it the engine's model."""
    from service.runtime import open_runtime, retrain

    with errors():
        with err.status("loading"):
            runtime = open_runtime(settings_of(ctx), say=err.print)
        try:
            with err.status("training"):
                result = retrain(runtime)
        finally:
            runtime.close()
        artefact = result.artefact
        out.print(
            f"ranker {artefact.version} trained on {result.metrics['training_pairs']} "
            "observed pairs",
            highlight=False,
        )
        if "validation" in result.metrics:
            out.print(
                f"validation on edition {result.metrics['validation_edition']}: "
                f"{result.metrics['validation']}",
                highlight=False,
            )


@app.command(rich_help_panel=PANEL)
def evaluate(
    ctx: typer.Context,
    data: Path = typer.Option(..., "--data", help="Programme folder (from `milma generate`)"),
    out_dir: Path | None = typer.Option(
        None,
        "--out",
        help="Folder for report.md, metrics.json and plots (default: a new "
        "folder in <data dir>/reports, shown on the analyst's web page)",
    ),
    folds: bool = typer.Option(True, help="Also run leave-one-edition-out folds"),
    language_check: bool = typer.Option(
        False, help="Also regenerate the programme all-English and all-Spanish and compare"
    ),
) -> None:
    """Offline evaluation: temporal split, baselines, oracle, fairness; writes a report."""
    from evaluation.run import evaluate as run_evaluation
    from models.embedder import Embedder

    settings = settings_of(ctx)
    with errors():
        if out_dir is None:
            out_dir = settings.reports_dir / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"{out_dir} exists and is not a folder")
        embedder = Embedder(settings.model_path, settings.embedding_batch_size)
        cache = settings.cache_dir / "embeddings.npz"
        embedder.load_cache(cache)
        result = run_evaluation(
            data, out_dir, embedder, folds=folds, language_check=language_check, say=err.print
        )
        if settings.data_dir.is_dir():
            embedder.save_cache(cache)
        main = result["main"]
        learned = main["counterfactual"]["learned ranker"]["ndcg@10"]["mean"]
        out.print(
            f"NDCG@10 learned {learned:.3f} ({main['fraction_of_oracle']['learned ranker']:.2f}"
            f" of oracle); best baseline {main['best_baseline']}; report in "
            f"{out_dir / 'report.md'}",
            highlight=False,
        )


BENCHMARKS = ("generator", "embedding", "training", "scoring", "teams", "pages")


@app.command(rich_help_panel=PANEL)
def benchmark(
    ctx: typer.Context,
    out_dir: Path = typer.Option(Path("benchmark-results"), "--out", help="Where to write"),
    only: str = typer.Option(
        ",".join(BENCHMARKS), help="Comma-separated subset of: " + ", ".join(BENCHMARKS)
    ),
    participants: int = typer.Option(1_000_000, help="Cohort size for the generator benchmark"),
) -> None:
    """Speed benchmarks (medians; ratio < 1 means the target is met)."""
    from evaluation import benchmarks as bench
    from models.embedder import Embedder

    settings = settings_of(ctx)
    with errors():
        chosen = [name.strip() for name in only.split(",") if name.strip()]
        unknown = set(chosen) - set(BENCHMARKS)
        if unknown:
            raise UsageError(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        results: list[dict] = []
        if "generator" in chosen:
            with err.status(f"generating {participants:,} participants"):
                results.append(bench.generator_rate(participants))
        cache = settings.cache_dir / "embeddings.npz"
        if "pages" in chosen:
            with err.status("web pages at MILMA scale"), tempfile.TemporaryDirectory() as tmp:
                results.extend(bench.page_latency(Path(tmp) / "var", cache))
        embedder = Embedder(settings.model_path, settings.embedding_batch_size)
        embedder.load_cache(cache)
        if {"embedding", "training", "scoring", "teams"} & set(chosen):
            with err.status("building the city-scale engine"):
                engine, programme = bench.city_engine(embedder)
            if settings.data_dir.is_dir():
                embedder.save_cache(cache)
            if "embedding" in chosen:
                results.append(
                    bench.embedding_rate(embedder, programme.participants["profile_text"].tolist())
                )
            if "training" in chosen:
                with err.status("training on 1M pairs"):
                    results.extend(bench.training_time(engine, programme))
            if "scoring" in chosen:
                results.extend(bench.scoring_latency(engine))
            if "teams" in chosen:
                with err.status("team formation"):
                    results.extend(bench.team_formation(engine, programme))
        path = bench.write(results, out_dir)
        out.print(path.read_text(), highlight=False)
