"""Commands that ask the engine for recommendations: ``shortlist``, ``placements``,
``niches``, ``teams``."""

from __future__ import annotations

import typer
from rich.table import Table

from cli.app import UsageError, app, err, errors, out, parse_challenge_id, settings_of

PANEL = "Recommendations"


@app.command(rich_help_panel=PANEL)
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
    from matching.rules import ProgrammeRules
    from service.runtime import open_runtime

    with errors():
        cid = parse_challenge_id(challenge)
        ProgrammeRules.from_settings(settings_of(ctx)).shortlist_k(k)
        if language not in ("en", "es"):
            raise UsageError("language must be en or es")
        with err.status("loading"):
            runtime = open_runtime(settings_of(ctx), say=err.print)
        try:
            result = runtime.matcher.shortlist(
                cid, k=k, consent_only=consent_only, fairness=fairness, language=language
            )
        finally:
            runtime.close()
        if as_json:
            out.print_json(result.model_dump_json())
            return
        print_shortlist(result)


@app.command(rich_help_panel=PANEL)
def placements(
    ctx: typer.Context,
    participant: int = typer.Option(..., "--participant", "-p", min=1, help="Participant id"),
    k: int = typer.Option(5, "-k", help="How many challenges"),
    as_json: bool = typer.Option(False, "--json", help="Print the full answer as JSON"),
    language: str = typer.Option("en", help="Language of the reasons: en or es"),
) -> None:
    """The challenges that suit one participant, best first: chances, their place on each
    shortlist, how contested its seats are, reasons, and where the team plan puts them."""
    from matching.rules import ProgrammeRules
    from service.operations.placements import named_placements
    from service.runtime import open_runtime

    with errors():
        settings = settings_of(ctx)
        ProgrammeRules.from_settings(settings).shortlist_k(k)
        if language not in ("en", "es"):
            raise UsageError("language must be en or es")
        with err.status("loading"):
            runtime = open_runtime(settings, say=err.print)
        try:
            with runtime.sessions() as session:
                result = named_placements(runtime, session, participant, k, language)
        finally:
            runtime.close()
        if as_json:
            out.print_json(result.model_dump_json())
            return
        print_placements(result)


@app.command(rich_help_panel=PANEL)
def niches(
    ctx: typer.Context,
    participant: int = typer.Option(..., "--participant", "-p", min=1, help="Participant id"),
    as_json: bool = typer.Option(False, "--json"),
    language: str = typer.Option("en", help="en or es"),
) -> None:
    """The 13 market niches ranked for one participant, with reasons."""
    from service.runtime import open_runtime

    with errors():
        if language not in ("en", "es"):
            raise UsageError("language must be en or es")
        with err.status("loading"):
            runtime = open_runtime(settings_of(ctx), say=err.print)
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


@app.command(rich_help_panel=PANEL)
def teams(
    ctx: typer.Context,
    edition: int = typer.Option(..., "--edition", "-e", min=1, help="Edition id"),
    min_migrant_share: float | None = typer.Option(
        None, help="A stricter minimum share of each team's seats (default: the programme's)"
    ),
    max_migrant_share: float | None = typer.Option(
        None, help="A stricter maximum share of each team's seats (default: the programme's)"
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Propose the edition's Experimental Teams (optimal assignment; stores nothing)."""
    from matching.rules import ProgrammeRules
    from matching.team_problem import PlanInfeasibleError
    from service.runtime import open_runtime

    with errors():
        rules = ProgrammeRules.from_settings(settings_of(ctx))
        composition = rules.team_composition(min_migrant_share, max_migrant_share)
        with err.status("loading"):
            runtime = open_runtime(settings_of(ctx), say=err.print)
        try:
            problem = runtime.matcher.team_problem(edition, composition)
            plan = runtime.matcher.team_plan(problem, edition)
        except PlanInfeasibleError as exc:
            raise UsageError(f"no team plan possible: {exc}") from None
        finally:
            runtime.close()
        if as_json:
            out.print_json(plan.model_dump_json())
            return
        table = Table(title=f"Team plan for edition {edition} ({composition.describe()} per team)")
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


def print_shortlist(result) -> None:
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


def print_placements(result) -> None:
    out.print(f"participant {result.participant_id}: {result.note}", highlight=False)
    if result.state != "ranked":
        for item in result.missing:
            out.print(f"  missing: {item}", highlight=False)
        return
    table = Table(title=f"Placements in edition {result.edition_id}")
    for column in (
        "#",
        "challenge",
        "company",
        "score",
        "P(join)",
        "P(complete)",
        "P(hired)",
        "shortlist place",
        "seats",
        "contested",
    ):
        table.add_column(column)
    for p in result.placements:
        table.add_row(
            str(p.rank),
            f"BC-{p.challenge_id} {p.title}",
            p.company_name or f"company {p.company_id}",
            f"{p.score:.2f}",
            f"{p.p_join:.2f}",
            f"{p.p_complete:.2f}",
            f"{p.p_hire:.2f}",
            "–" if p.shortlist_rank is None else f"{p.shortlist_rank} of {p.candidates}",
            str(p.seats),
            "yes" if p.contested else "no",
        )
    out.print(table)
    for p in result.placements:
        out.print(f"#{p.rank} BC-{p.challenge_id}: {p.contest}", highlight=False)
        for r in p.reasons[:3]:
            out.print(f"   {'+' if r.effect >= 0 else '-'} {r.text}", highlight=False)
    if result.plan is not None:
        out.print(f"team plan ({result.plan.source}): {result.plan.why}", highlight=False)
    out.print(f"scoring: {result.scoring}", highlight=False)
