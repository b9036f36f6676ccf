"""Commands for analysts: ``train``, ``evaluate`` and ``benchmark``."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import typer

from cli.app import UsageError, app, embedder_of, err, errors, out, settings_of
from cli.progress import steps

PANEL = "Models and analysis"


@app.command(rich_help_panel=PANEL)
def train(ctx: typer.Context) -> None:
    """Train the ranker on the recorded outcomes and make it the engine's model."""
    from service.runtime import open_runtime, retrain

    with errors():
        with steps("training") as say:
            say("loading the programme")
            runtime = open_runtime(settings_of(ctx), say=say)
            try:
                say("training the ranker and the niche model")
                result = retrain(runtime)
            finally:
                runtime.close()
        promotion = result.metrics["promotion"]
        out.print(
            f"ranker trained on {result.metrics['training_pairs']} observed pairs",
            highlight=False,
        )
        if "validation" in result.metrics:
            out.print(
                f"validation on edition {result.metrics['validation_edition']}: "
                f"{result.metrics['validation']}",
                highlight=False,
            )
        serving = {
            "learned": f"the new ranker {result.artefact.version if result.artefact else ''}",
            "incumbent": f"the serving ranker {promotion['incumbent']}",
            "rules": "the fallback rules",
        }[promotion["decision"]]
        out.print(f"serving: {serving}; {promotion['reason']}", highlight=False)


@app.command(rich_help_panel=PANEL)
def evaluate(
    ctx: typer.Context,
    data: Path | None = typer.Option(
        None, "--data", help="Programme folder (from `milma generate`)"
    ),
    real_text: list[Path] | None = typer.Option(
        None,
        "--real-text",
        help="Real texts with a niche label, nobody here wrote: a CSV of postings (columns "
        "niche, titulo, descripcion) or a folder of CVs (a CSV with columns id, niche and "
        "<id>.pdf or .docx files, read as an upload is); repeat for several",
    ),
    out_dir: Path | None = typer.Option(
        None,
        "--out",
        help="Folder for report.md, metrics.json and plots (default: a new "
        "folder in <data dir>/reports, shown on the analyst's web page)",
    ),
    folds: bool = typer.Option(
        True,
        help="Test every edition from the third (temporal protocol) and draw the "
        "learning curve; --no-folds tests the latest edition only",
    ),
    bias_check: float | None = typer.Option(
        None,
        "--bias-check",
        min=0.0,
        max=5.0,
        help="Also regenerate the programme with this hiring bias against migrants "
        "(logits) and audit exposure against merit with and without the re-rank",
    ),
    language_check: bool = typer.Option(
        False, help="Also regenerate the programme all-English and all-Spanish and compare"
    ),
) -> None:
    """Offline evaluation: temporal split, baselines, oracle, fairness (on a programme) and
    niche accuracy on real text; writes a report."""
    from evaluation.run import evaluate as run_evaluation

    settings = settings_of(ctx)
    with errors():
        if data is None and not real_text:
            raise UsageError(
                "give --data (a programme folder), --real-text (a CSV or a CV folder), or both"
            )
        if out_dir is None:
            out_dir = settings.reports_dir / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"{out_dir} exists and is not a folder")
        embedder = embedder_of(settings)
        cache = settings.cache_dir / "embeddings.npz"
        embedder.load_cache(cache)
        with steps("evaluating") as say:
            result = run_evaluation(
                data,
                out_dir,
                embedder,
                folds=folds,
                language_check=language_check,
                real_text=real_text or (),
                bias=bias_check,
                say=say,
            )
        if settings.data_dir.is_dir():
            embedder.save_cache(cache)
        if "temporal" in result:
            temporal = result["temporal"]
            learned = temporal["counterfactual"]["learned ranker"]["ndcg@10"]["mean"]
            rules = temporal["learned_vs"]["fallback rules"]
            out.print(
                f"NDCG@10 learned {learned:.3f} "
                f"({temporal['fraction_of_oracle']['learned ranker']:.2f} of oracle); "
                f"learned minus rules {rules['mean']:+.3f} "
                f"[{rules['low']:+.3f}, {rules['high']:+.3f}]",
                highlight=False,
            )
        if "real_text" in result:
            _print_real_text(result["real_text"])
        out.print(f"report in {out_dir / 'report.md'}", highlight=False)


def _print_real_text(result: dict) -> None:
    """Top-1/top-3 per source and language, and the niches below the bar."""
    from evaluation.real_text import weak_niches

    rows = [(Path(s["file"]).name, s["systems"]) for s in result["sources"]]
    rows += [(f"language {k}", systems) for k, systems in result["languages"].items()]
    for where, systems in rows:
        for name, r in systems.items():
            out.print(
                f"real text, {where}, {name}: niche top-1 {r['top1']:.3f}, "
                f"top-3 {r['top3']:.3f} ({r['texts']} texts)",
                highlight=False,
            )
    weak = weak_niches(result)
    out.print(
        "niches of 10 texts or more below 0.6 top-1: " + (", ".join(weak) or "none"),
        highlight=False,
    )


BENCHMARKS = (
    "generator",
    "text",
    "embedding",
    "training",
    "scoring",
    "teams",
    "pages",
    "placements",
    "api",
    "scale",
    "bulk-embedding",
    "scale-static",
    "milvus",
    "hostile-files",
)


@app.command(rich_help_panel=PANEL)
def sweep(
    ctx: typer.Context,
    seeds: int = typer.Option(5, min=2, max=200, help="How many fresh programmes"),
    first_seed: int = typer.Option(
        101, help="Seeds first_seed .. first_seed + seeds - 1 (3, 5 and 7 were used for tuning)"
    ),
    participants: int = typer.Option(508, min=40, max=200_000),
    challenges: int = typer.Option(28, min=4, max=20_000),
    editions: int = typer.Option(4, min=2, max=100),
    world: str = typer.Option("", help="Hidden-model weights, as `milma generate --world`"),
    out_file: Path | None = typer.Option(None, "--out", help="Also write the result as JSON"),
) -> None:
    """Learned minus rules (NDCG@10 against the truth, latest edition) over fresh seeds,
    with a company-resampled interval per seed and a seed-resampled one over them."""
    import json

    from evaluation.seeds import sweep as run_sweep
    from training_data.config import GeneratorConfig
    from training_data.outcome_model import hidden_model_from_text

    settings = settings_of(ctx)
    with errors():
        try:
            hidden = hidden_model_from_text(world)
        except ValueError as exc:
            raise UsageError(f"--world: {exc}") from None
        base = GeneratorConfig(
            participants=participants, challenges=challenges, editions=editions, hidden=hidden
        )
        embedder = embedder_of(settings)
        with steps("sweeping") as say:
            result = run_sweep(base, list(range(first_seed, first_seed + seeds)), embedder, say)
        result["world"] = world or "default"
        for row in result["seeds"]:
            out.print(
                f"seed {row['seed']}: learned - rules {row['learned_minus_rules']:+.4f} "
                f"[{row['low']:+.4f}, {row['high']:+.4f}] over {row['challenges']} "
                f"challenges; gate: {row['gate']}; tree weights {row['tree_weights']}, base "
                f"pulls {row['base_strengths']}; "
                "without company history - rules "
                f"{row['no_company_minus_rules']:+.4f}, rules refitted - rules "
                f"{row['refitted_minus_rules']:+.4f}",
                highlight=False,
            )
        for name, diff in result["differences"].items():
            out.print(
                f"over {seeds} seeds, {name.replace('_', ' ')}: {diff['mean']:+.4f} "
                f"[{diff['low']:+.4f}, {diff['high']:+.4f}] (seeds resampled)",
                highlight=False,
            )
        if out_file is not None:
            out_file.write_text(json.dumps(result, indent=1))


@app.command(rich_help_panel=PANEL)
def benchmark(
    ctx: typer.Context,
    out_dir: Path = typer.Option(Path("benchmark-results"), "--out", help="Where to write"),
    only: str = typer.Option(
        ",".join(BENCHMARKS), help="Comma-separated subset of: " + ", ".join(BENCHMARKS)
    ),
    participants: int | None = typer.Option(
        None,
        min=1000,
        help="Cohort size for the generator and scale benchmarks (default 1,000,000), and "
        "the vector store comparison and the API's large data dir (default 100,000)",
    ),
    api_data: Path | None = typer.Option(
        None,
        "--api-data",
        help="Where the API benchmark keeps its large data dir, to reuse it in later runs "
        "(default: built afresh in a temporary folder)",
    ),
    real_text: list[Path] = typer.Option(
        [],
        "--real-text",
        help="Real texts to time reading on, and to compare the static bulk model with "
        "the sentence model on: a postings CSV (columns titulo, descripcion) or a CV folder "
        "(see `milma evaluate --real-text`); repeat for several",
    ),
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
        cohort = participants or 1_000_000
        if "generator" in chosen:
            with err.status(f"generating {cohort:,} participants"):
                results.append(bench.generator_rate(cohort))
        if "text" in chosen:
            from evaluation.real_text import read_real_texts
            from training_data.generator import generate

            with err.status("reading profile texts"):
                texts = generate(bench.CITY).participants["profile_text"].tolist()
                results.append(bench.text_reading_rate(texts, "generated profiles"))
                for source in real_text:
                    real = read_real_texts(source)["text"].tolist()
                    results.append(bench.text_reading_rate(real, source.name))
        cache = settings.cache_dir / "embeddings.npz"
        if "api" in chosen:
            from evaluation.api_load import shortlist_load

            large = participants or 100_000
            with err.status("the shortlist route under load"), tempfile.TemporaryDirectory() as tmp:
                results.extend(
                    shortlist_load(Path(tmp), cache, str(settings.model_path), large, api_data)
                )
        if "hostile-files" in chosen:
            with err.status("hostile CV files"), tempfile.TemporaryDirectory() as tmp:
                results.extend(bench.hostile_files(Path(tmp) / "var", cache))
        if "pages" in chosen:
            with err.status("web pages at MILMA scale"), tempfile.TemporaryDirectory() as tmp:
                results.extend(bench.page_latency(Path(tmp) / "var", cache))
        if "placements" in chosen:
            from evaluation.placement_latency import placement_latency

            with err.status("placements at MILMA scale"), tempfile.TemporaryDirectory() as tmp:
                results.extend(placement_latency(Path(tmp) / "var", cache))
        embedder = Embedder(
            settings.model_path, settings.embedding_batch_size, settings.embedding_cache_limit
        )
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
        if "scale" in chosen:
            from evaluation.scale import scale_benchmark

            with err.status(f"an engine of {cohort:,} participants"):
                results.extend(scale_benchmark(str(settings.model_path), cohort))
        if {"bulk-embedding", "scale-static"} & set(chosen):
            from models.static_model import ensure_static_model

            static = str(ensure_static_model(settings.bulk_model, settings.model_path, err.print))
        if "bulk-embedding" in chosen:
            from evaluation.bulk_embedding import bulk_embedding_comparison

            with err.status("the static bulk model against the sentence model"):
                results.extend(bulk_embedding_comparison(real_text, embedder, Embedder(static)))
        if "scale-static" in chosen:
            from evaluation.scale import static_scale_benchmark

            with err.status(f"{cohort:,} participants embedded by the static model"):
                results.extend(static_scale_benchmark(str(settings.model_path), static, cohort))
        if "milvus" in chosen:
            from evaluation.vector_stores import vector_store_benchmark

            size = participants or 100_000
            with err.status(f"FAISS and Milvus over {size:,} vectors"):
                results.extend(vector_store_benchmark(str(settings.model_path), size))
        path = bench.write(results, out_dir)
        out.print(path.read_text(), highlight=False)
