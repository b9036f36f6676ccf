"""Write ``report.md``, ``metrics.json`` and PNG plots for an evaluation run."""

from __future__ import annotations

import json
import math
from pathlib import Path

from evaluation.plots import plots
from evaluation.protocol import FAIRNESS_K
from evaluation.summary import FAIR, HEADLINE, LEARNED, RULES


def fmt(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def ci(cell: dict, mean: str = "mean") -> str:
    return f"{fmt(cell[mean])} [{fmt(cell['low'])}, {fmt(cell['high'])}]"


def signed(diff: dict) -> str:
    return f"{diff['mean']:+.4f} [{diff['low']:+.4f}, {diff['high']:+.4f}]"


def _ranking_table(summary: dict, fractions: dict | None) -> list[str]:
    head = [
        "system",
        "NDCG@5",
        "NDCG@10 [95 % CI]",
        "NDCG@20",
        "MAP@10",
        "Recall@10",
        "MRR",
        "placements P@10",
    ]
    if fractions is not None:
        head.append("NDCG@10 / oracle")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for system, m in summary.items():
        row = [
            system,
            fmt(m["ndcg@5"]["mean"]),
            ci(m["ndcg@10"]),
            fmt(m["ndcg@20"]["mean"]),
            fmt(m["map@10"]["mean"]),
            fmt(m["recall@10"]["mean"]),
            fmt(m["mrr"]["mean"]),
            fmt(m["placement_precision@10"]["mean"]),
        ]
        if fractions is not None:
            row.append(fmt(fractions[system], 2))
        lines.append("| " + " | ".join(row) + " |")
    return lines


def write_report(result: dict, out: Path) -> dict[str, Path]:
    """Write the three outputs into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    files = plots(result, out) if "main" in result else []
    lines = ["# MILMA Match — offline evaluation"]
    if "main" in result:
        lines += _programme_lines(result)
    for title, block in result.get("sections", {}).items():
        lines += ["", f"## {title}", "", *block]
    training = result.get("main", {}).get("training")
    if training:
        lines += [
            "",
            "## Ranker training (validation on its own latest training edition)",
            "",
            "```",
            json.dumps(training, indent=1),
            "```",
        ]
    if files:
        lines += ["", "## Plots", "", *[f"![{p}]({p})" for p in files]]
    report = out / "report.md"
    report.write_text("\n".join([*lines, ""]), encoding="utf-8")
    metrics = out / "metrics.json"
    metrics.write_text(json.dumps(result, indent=1, default=float), encoding="utf-8")
    return {"report": report, "metrics": metrics, **{p: out / p for p in files}}


def _programme_lines(result: dict) -> list[str]:
    """The report's part on a generated programme."""
    main, temporal = result["main"], result["temporal"]
    cf = temporal["counterfactual"]
    rules = temporal["learned_vs"][RULES]
    curve = result.get("learning_curve")
    lines = [
        "",
        f"Programme: `{result['data']}` — {result['participants']} participants, "
        f"{result['editions']} editions, {result['challenges']} challenges of "
        f"{result['companies']} companies. Model card: [model_card.md](model_card.md); "
        "datasheet: [datasheet.md](datasheet.md).",
        "",
        "## Headline (temporal protocol)",
        "",
        f"For every tested edition (editions {', '.join(map(str, temporal['editions']))}) the "
        "systems are trained on the observed outcomes of the editions before it and tested on "
        f"every pair of it ({temporal['challenges']} challenges pooled; each challenge's pool "
        "is its edition's available participants).",
        "",
        f"- Learned ranker NDCG@10: {ci(cf[LEARNED][HEADLINE])}; "
        f"{fmt(temporal['fraction_of_oracle'][LEARNED], 2)} of the oracle ceiling.",
        f"- Learned minus fallback rules: {signed(rules)} — "
        + ("the interval is above 0." if rules["low"] > 0 else "the interval includes 0."),
        "- Learned minus each baseline: "
        + "; ".join(f"{s} {signed(d)}" for s, d in temporal["learned_vs"].items() if s != RULES)
        + ".",
    ]
    placements = result.get("placements")
    if placements:
        k, cells = placements["k"], placements["systems"]
        lines.append(
            f"- Placements from the person's side, NDCG@{k}: learned "
            f"{ci(cells[LEARNED][f'ndcg@{k}'])}, rules {ci(cells[RULES][f'ndcg@{k}'])}, oracle "
            f"{ci(cells['oracle'][f'ndcg@{k}'])}; the proposed team plan seats "
            f"{ci(cells[LEARNED]['plan_seat_in_top3'])} of people in their top "
            f"{placements['top']} (see *Placements from the person's side*)."
        )
    headroom = temporal.get("company_headroom")
    if headroom:
        lines.append(
            "- With each company's true ways in place of its record (the generator's hidden "
            "company effects, which also carry the true skills behind a hire: a diagnostic, "
            "not an upper bound), the same ranker would beat the rules by "
            f"{signed(headroom['true_ways_vs_rules'])}."
        )
    if curve:
        trend = curve["trend"]
        lines.append(
            f"- Learning curve on edition {curve['test_edition']}: slope {trend['slope']:+.4f} "
            f"NDCG@10 per edition of history, {trend['gain']:+.3f} from 1 to "
            f"{max(curve['points'])} editions ({'rises' if trend['rises'] else 'does not rise'})."
        )
    fair = temporal["exposure_merit"]
    if FAIR in fair:
        cost = temporal["fairness_cost"]
        lines.append(
            f"- Migrants' exposure per merit over locals': learned {ci(fair[LEARNED], 'ratio')}, "
            f"with the re-rank {ci(fair[FAIR], 'ratio')} at an NDCG@10 cost of {signed(cost)}."
        )
    lines += [
        "",
        "## (b) Counterfactual outcomes, pooled over the tested editions",
        "",
        "Each pair's relevance is the generator's sampled outcome (hired 3, completed 2, joined "
        "1, else 0); the oracle ranks by the hidden expected outcome.",
        "",
        *_ranking_table(cf, temporal["fraction_of_oracle"]),
        "",
        "NDCG@10 per tested edition:",
        "",
        "| system | " + " | ".join(str(e) for e in temporal["editions"]) + " |",
        "|---|" + "---|" * len(temporal["editions"]),
        *[
            f"| {s} | " + " | ".join(fmt(v[e]) for e in temporal["editions"]) + " |"
            for s, v in temporal["per_edition"].items()
        ],
    ]
    if curve:
        windows = sorted(curve["points"])
        lines += [
            "",
            "## Learning curve",
            "",
            f"Tested on edition {curve['test_edition']}, trained on the outcomes of only the "
            "last *h* editions before it, with the companies' records cut the same way:",
            "",
            "| editions of history | " + " | ".join(str(w) for w in windows) + " |",
            "|---|" + "---|" * len(windows),
            *[
                f"| {s} | " + " | ".join(fmt(curve["points"][w][s]) for w in windows) + " |"
                for s in curve["points"][windows[0]]
            ],
        ]
    lines += [
        "",
        f"## (a) Observed outcomes only (edition {main['test_edition']})",
        "",
        "Only the candidates with a recorded outcome for the challenge are ranked, as the "
        "programme itself could measure.",
        "",
        *(_ranking_table(main["observed"], None) if main["observed"] else ["(none)"]),
        *_fairness_lines(result),
    ]
    cal = main.get("calibration") or {}
    if cal:
        lines += [
            "",
            f"## Calibration of the learned ranker (edition {main['test_edition']})",
            "",
            "| stage | mean predicted | observed rate | ECE |",
            "|---|---|---|---|",
        ]
        for stage, c in cal.items():
            lines.append(
                f"| {stage} | {fmt(c['mean_predicted'])} | {fmt(c['observed_rate'])} "
                f"| {fmt(c['ece'])} |"
            )
    return lines


def _fairness_lines(result: dict) -> list[str]:
    temporal, main = result["temporal"], result["main"]
    k = FAIRNESS_K
    lines = [
        "",
        f"## Fairness: exposure against merit (top {k}, pooled over the tested editions)",
        "",
        "Exposure is the attention a list position gets (1/log2(1 + rank) in the top "
        f"{k}); merit is each pair's expected outcome without any hiring bias. The ratio is "
        "the migrants' exposure per unit of merit over the locals' (1 = attention in "
        "proportion to merit), with a 95 % interval over challenges.",
        "",
        "| system | exposure / merit [95 % CI] |",
        "|---|---|",
        *[f"| {s} | {ci(v, 'ratio')} |" for s, v in temporal["exposure_merit"].items()],
        "",
        "Per niche:",
        "",
        "| niche | challenges | learned | learned + re-rank |",
        "|---|---|---|---|",
    ]
    by_niche = temporal["exposure_merit_by_niche"]
    for niche, cell in by_niche.get(LEARNED, {}).items():
        other = by_niche.get(FAIR, {}).get(niche)
        lines.append(
            f"| {niche} | {cell['challenges']} | {ci(cell, 'ratio')} | "
            f"{ci(other, 'ratio') if other else '–'} |"
        )
    lines += [
        "",
        f"Shares and concentration (edition {main['test_edition']}):",
        "",
        "| system | migrant share top-10 (pool) | exposure ratio | demographic parity ratio "
        "| equal opportunity ratio | coverage | exposure Gini |",
        "|---|---|---|---|---|---|---|",
    ]
    for system, f in main["fairness"].items():
        lines.append(
            f"| {system} | {fmt(f[f'top{k}_share_migrants'])} ({fmt(f['pool_share_migrants'])})"
            f" | {fmt(f[f'exposure_ratio@{k}'])} | {fmt(f[f'demographic_parity_ratio@{k}'])} | "
            f"{fmt(f[f'equal_opportunity_ratio@{k}'])} | {fmt(f[f'coverage@{k}'])} | "
            f"{fmt(f[f'exposure_gini@{k}'])} |"
        )
    return lines
