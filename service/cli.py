"""The ``milma`` command line: thin subcommands over the engine and the service.

Every command works on one data dir (``MILMA_DATA_DIR``, default ``./var``, or
``--data-dir``). Bad input ends with a one-line message and exit code 2, never a
traceback, and never after changing anything on disk.
"""

from __future__ import annotations

import logging
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from matching.settings import Settings

app = typer.Typer(
    help="MILMA Match: jobseeker-challenge matching for employment and integration programmes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
out = Console()
err = Console(stderr=True)


class UsageError(ValueError):
    """Bad input from the command line."""


@contextmanager
def _errors() -> Iterator[None]:
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


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj


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
    with _errors():
        ctx.obj = Settings(data_dir=data_dir) if data_dir is not None else Settings()


def parse_challenge_id(text: str) -> int:
    """Accept '7', 'BC-7' or 'bc7'."""
    match = re.fullmatch(r"\s*(?:bc-?)?(\d{1,9})\s*", text, flags=re.IGNORECASE)
    if not match or int(match.group(1)) < 1:
        raise UsageError(f"challenge id {text!r} is not a positive number like 7 or BC-7")
    return int(match.group(1))


@app.command()
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
        0.15, min=0.0, max=1.0, help="Share of profiles written in Spanish"
    ),
    truth: bool = typer.Option(True, help="Write the hidden ground truth for evaluation"),
    force: bool = typer.Option(False, help="Replace an existing programme folder"),
) -> None:
    """Generate a synthetic MILMA-like programme (participants, challenges, outcomes)."""
    from training_data.dataset import MANIFEST, write_programme
    from training_data.generator import GeneratorConfig
    from training_data.generator import generate as make

    with _errors():
        target = out_dir or _settings(ctx).programme_dir
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
            truth=truth,
        )
        with err.status("generating"):
            programme = make(config)
            write_programme(programme, target)
        out.print(
            f"wrote {len(programme.participants)} participants, "
            f"{len(programme.challenges)} challenges, {len(programme.outcomes)} outcome "
            f"events to {target}"
        )


@app.command()
def index(
    ctx: typer.Context,
    rebuild: bool = typer.Option(False, help="Discard the saved index and build a new one"),
) -> None:
    """Build (or repair) the participant index from the data dir."""
    from service.runtime import open_runtime

    with _errors():
        with err.status("loading the programme and the embedding model"):
            runtime = open_runtime(_settings(ctx), rebuild_index=rebuild, say=err.print)
        status = runtime.matcher.status()
        runtime.close()
        out.print(
            f"index {status['index_version']}: {status['indexed_participants']} "
            f"participants, {status['index_type']}, model {status['embedding_model']}"
        )


@app.command()
def shortlist(
    ctx: typer.Context,
    challenge: str = typer.Option(..., "--challenge", "-c", help="Challenge id, e.g. 7 or BC-7"),
    k: int = typer.Option(10, "-k", help="How many candidates"),
    as_json: bool = typer.Option(False, "--json", help="Print the full shortlist as JSON"),
    consent_only: bool = typer.Option(False, help="Only trainees who consented to sharing"),
    fairness: bool = typer.Option(True, help="Apply the fairness re-rank"),
    language: str = typer.Option("en", help="Language of the reasons: en or es"),
) -> None:
    """Ranked, explained candidates for one Business Challenge."""
    from service.runtime import open_runtime

    with _errors():
        cid = parse_challenge_id(challenge)
        if k < 1:
            raise UsageError("k must be at least 1")
        if language not in ("en", "es"):
            raise UsageError("language must be en or es")
        with err.status("loading"):
            runtime = open_runtime(_settings(ctx), say=err.print)
        try:
            result = runtime.matcher.shortlist(
                cid, k=k, consent_only=consent_only, fairness=fairness, language=language
            )
        finally:
            runtime.close()
        if as_json:
            out.print_json(result.model_dump_json())
            return
        _print_shortlist(result)


@app.command()
def niches(
    ctx: typer.Context,
    participant: int = typer.Option(..., "--participant", "-p", min=1, help="Participant id"),
    as_json: bool = typer.Option(False, "--json"),
    language: str = typer.Option("en", help="en or es"),
) -> None:
    """The 13 market niches ranked for one participant, with reasons."""
    from service.runtime import open_runtime

    with _errors():
        if language not in ("en", "es"):
            raise UsageError("language must be en or es")
        with err.status("loading"):
            runtime = open_runtime(_settings(ctx), say=err.print)
        try:
            result = runtime.matcher.niches(participant, language)
        finally:
            runtime.close()
        if as_json:
            out.print_json(result.model_dump_json())
            return
        out.print(f"participant {participant} — {result.note}", highlight=False)
        for s in result.suggestions:
            out.print(
                f"{s.rank:>2}. {s.name} ({s.score:.2f}): {'; '.join(s.reasons[:3])}",
                highlight=False,
            )


@app.command()
def teams(
    ctx: typer.Context,
    edition: int = typer.Option(..., "--edition", "-e", min=1, help="Edition id"),
    min_migrant_share: float = typer.Option(0.30, min=0.0, max=1.0),
    max_migrant_share: float | None = typer.Option(None, min=0.0, max=1.0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Propose the edition's Experimental Teams (optimal assignment; stores nothing)."""
    from matching.teams import PlanInfeasibleError
    from service.runtime import open_runtime

    with _errors():
        with err.status("loading"):
            runtime = open_runtime(_settings(ctx), say=err.print)
        try:
            problem = runtime.matcher.team_problem(edition, min_migrant_share, max_migrant_share)
            plan = runtime.matcher.team_plan(problem, edition)
        except PlanInfeasibleError as exc:
            raise UsageError(f"no team plan possible: {exc}") from None
        finally:
            runtime.close()
        if as_json:
            out.print_json(plan.model_dump_json())
            return
        table = Table(
            title=f"Team plan for edition {edition} (min {min_migrant_share:.0%} migrants)"
        )
        for column in ("challenge", "seats", "members", "migrants", "needed", "share", "fit"):
            table.add_column(column)
        for t in plan.teams:
            table.add_row(
                f"BC-{t.challenge_id}",
                str(t.seats),
                str(len(t.members)),
                str(t.migrants),
                str(t.required_migrants),
                f"{t.migrant_share:.0%}",
                f"{t.total_fit:.1f}",
            )
        out.print(table)
        out.print(
            f"objective {plan.objective:.2f} (greedy {plan.greedy_objective:.2f}, "
            f"independent shortlists {plan.independent_objective:.2f}: "
            f"{plan.fit_given_up:.2f} given up so that {plan.contested_participants} "
            f"contested people join one team each); gap {plan.optimality_gap:.1e}; "
            f"{plan.seconds:.2f} s; {len(plan.unassigned)} unassigned",
            highlight=False,
        )


@app.command()
def train(ctx: typer.Context) -> None:
    """Train the ranker on the recorded outcomes and make it the engine's model."""
    from service.runtime import open_runtime, retrain

    with _errors():
        with err.status("loading"):
            runtime = open_runtime(_settings(ctx), say=err.print)
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


@app.command()
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

    settings = _settings(ctx)
    with _errors():
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


@app.command()
def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Default: MILMA_HOST (127.0.0.1)"),
    port: int | None = typer.Option(None, help="Default: MILMA_PORT (8000)"),
) -> None:
    """Run the API (and web pages). An empty data dir gets a demo programme, a trained
    ranker, an index and one demo API key per role, printed once."""
    import uvicorn

    from service.app import create_app
    from service.demo import prepare_demo

    settings = _settings(ctx)
    with _errors():
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
    from service.runtime import ensure_database
    from service.security import create_key

    with _errors():
        engine, sessions, _ = ensure_database(_settings(ctx))
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

    with _errors():
        engine, sessions, _ = ensure_database(_settings(ctx))
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

    with _errors():
        engine, sessions, _ = ensure_database(_settings(ctx))
        try:
            with sessions() as session:
                if not revoke_key(session, key_id):
                    raise UsageError(f"no active key with id {key_id}")
        finally:
            engine.dispose()
        out.print(f"key {key_id} revoked")


BENCHMARKS = ("generator", "embedding", "training", "scoring", "teams", "pages")


@app.command()
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

    settings = _settings(ctx)
    with _errors():
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


def _print_shortlist(result) -> None:
    table = Table(title=f"Shortlist for BC-{result.challenge_id} (edition {result.edition_id})")
    for column in (
        "#",
        "participant",
        "score",
        "P(join)",
        "P(complete)",
        "P(hired)",
        "matched",
        "gaps taught/open",
    ):
        table.add_column(column)
    for c in result.candidates:
        table.add_row(
            str(c.rank),
            str(c.participant_id),
            f"{c.score:.2f}",
            f"{c.p_join:.2f}",
            f"{c.p_complete:.2f}",
            f"{c.p_hire:.2f}",
            str(len(c.matched_skills)),
            f"{len(c.missing_taught)}/{len(c.missing_untaught)}",
        )
    out.print(table)
    for c in result.candidates:
        out.print(f"#{c.rank} participant {c.participant_id}:", highlight=False)
        for r in c.reasons[:3]:
            out.print(f"   {'+' if r.effect >= 0 else '-'} {r.text}", highlight=False)
    out.print(f"scoring: {result.scoring}", highlight=False)
    out.print(
        f"index {result.index_version}; {result.pool_size} candidates scored; "
        f"fairness re-rank: {result.fairness}",
        highlight=False,
    )
    if result.not_enough_information:
        out.print("not enough information to score:")
        for item in result.not_enough_information:
            out.print(f"  participant {item.participant_id}: missing {', '.join(item.missing)}")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
