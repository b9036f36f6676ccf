"""Write ``report.md``, ``metrics.json`` and PNG plots for an evaluation run."""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from evaluation.protocol import FAIRNESS_K
from evaluation.summary import HEADLINE, LEARNED


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def _ci(cell: dict) -> str:
    return f"{_fmt(cell['mean'])} [{_fmt(cell['low'])}, {_fmt(cell['high'])}]"


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
            _fmt(m["ndcg@5"]["mean"]),
            _ci(m["ndcg@10"]),
            _fmt(m["ndcg@20"]["mean"]),
            _fmt(m["map@10"]["mean"]),
            _fmt(m["recall@10"]["mean"]),
            _fmt(m["mrr"]["mean"]),
            _fmt(m["placement_precision@10"]["mean"]),
        ]
        if fractions is not None:
            row.append(_fmt(fractions[system], 2))
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _plots(result: dict, out: Path) -> list[str]:
    files = []
    main = result["main"]
    cf = main["counterfactual"]
    systems = list(cf)
    means = [cf[s][HEADLINE]["mean"] for s in systems]
    errs = [
        [m - cf[s][HEADLINE]["low"] for s, m in zip(systems, means, strict=True)],
        [cf[s][HEADLINE]["high"] - m for s, m in zip(systems, means, strict=True)],
    ]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.barh(systems, means, xerr=errs, color="#3b6ea5", capsize=3)
    ax.invert_yaxis()
    ax.set_xlabel("NDCG@10 on counterfactual outcomes (95 % CI over challenges)")
    ax.set_title(f"Test edition {main['test_edition']}")
    fig.tight_layout()
    fig.savefig(out / "ndcg_at_10.png", dpi=120)
    plt.close(fig)
    files.append("ndcg_at_10.png")

    cal = main.get("calibration") or {}
    if cal:
        fig, ax = plt.subplots(figsize=(5, 5))
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect")
        for stage, colour in (("join", "#7a9e3b"), ("complete", "#3b6ea5"), ("hire", "#c0504d")):
            bins = cal[stage]["bins"]
            ax.plot(
                [b[0] for b in bins],
                [b[1] for b in bins],
                marker="o",
                color=colour,
                label=f"{stage} (ECE {cal[stage]['ece']:.3f})",
            )
        ax.set_xlabel("predicted probability")
        ax.set_ylabel("observed rate (counterfactual outcomes)")
        ax.set_title("Learned ranker calibration")
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / "calibration.png", dpi=120)
        plt.close(fig)
        files.append("calibration.png")

    fair = main["fairness"]
    if fair:
        names = list(fair)
        share = [fair[s][f"top{FAIRNESS_K}_share_migrants"] for s in names]
        fig, ax = plt.subplots(figsize=(8, 4.5))
        ax.barh(names, share, color="#c0504d")
        ax.axvline(
            fair[names[0]]["pool_share_migrants"],
            color="black",
            linestyle="--",
            label="share in the pool",
        )
        ax.invert_yaxis()
        ax.set_xlabel(f"migrant share of the top {FAIRNESS_K}")
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / "fairness.png", dpi=120)
        plt.close(fig)
        files.append("fairness.png")
    return files


def write_report(result: dict, out: Path) -> dict[str, Path]:
    """Write the three outputs into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    plots = _plots(result, out) if "main" in result else []
    lines = _programme_lines(result) if "main" in result else ["# MILMA Match — offline evaluation"]
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
    if plots:
        lines += ["", "## Plots", "", *[f"![{p}]({p})" for p in plots]]
    report = out / "report.md"
    report.write_text("\n".join([*lines, ""]), encoding="utf-8")
    metrics = out / "metrics.json"
    metrics.write_text(json.dumps(result, indent=1, default=float), encoding="utf-8")
    return {"report": report, "metrics": metrics, **{p: out / p for p in plots}}


def _programme_lines(result: dict) -> list[str]:
    """The report's part on a generated programme: ranking, fairness, calibration, folds."""
    main = result["main"]
    lines = [
        "# MILMA Match — offline evaluation",
        "",
        f"Programme: `{result['data']}` — {result['participants']} participants, "
        f"{result['editions']} editions, {result['challenges']} challenges. Trained on editions "
        f"before {main['test_edition']} (observed outcomes only), tested on edition "
        f"{main['test_edition']} ({main['test_challenges']} challenges; each challenge's pool "
        "is its edition's participants).",
        "",
        "## Headline",
        "",
    ]
    diff = main["learned_vs_best_baseline"]
    frac = main["fraction_of_oracle"]
    lines += [
        f"- Learned ranker NDCG@10: {_ci(main['counterfactual'][LEARNED][HEADLINE])}; "
        f"{_fmt(frac[LEARNED], 2)} of the oracle ceiling.",
        f"- Best baseline: {main['best_baseline']} "
        f"({_ci(main['counterfactual'][main['best_baseline']][HEADLINE])}). Learned minus "
        f"best baseline: {_fmt(diff['mean'])} [{_fmt(diff['low'])}, {_fmt(diff['high'])}] — "
        + (
            "outside the bootstrap interval."
            if diff["outside_interval"]
            else "not outside the bootstrap interval."
        ),
        "",
        "## (b) Counterfactual outcomes (every pair of the test edition)",
        "",
        "Each pair's relevance is the generator's sampled outcome (hired 3, completed 2, joined "
        "1, else 0); the oracle ranks by the hidden expected outcome.",
        "",
        *_ranking_table(main["counterfactual"], frac),
        "",
        "## (a) Observed outcomes only",
        "",
        "Only the candidates with a recorded outcome for the challenge are ranked, as the "
        "programme itself could measure.",
        "",
        *(_ranking_table(main["observed"], None) if main["observed"] else ["(none)"]),
        "",
        "## Fairness and concentration (top 10)",
        "",
        "| system | migrant share top-10 (pool) | exposure ratio | demographic parity ratio "
        "| equal opportunity ratio | coverage | exposure Gini |",
        "|---|---|---|---|---|---|---|",
    ]
    k = FAIRNESS_K
    for system, f in main["fairness"].items():
        lines.append(
            f"| {system} | {_fmt(f[f'top{k}_share_migrants'])} ({_fmt(f['pool_share_migrants'])})"
            f" | {_fmt(f[f'exposure_ratio@{k}'])} | {_fmt(f[f'demographic_parity_ratio@{k}'])} | "
            f"{_fmt(f[f'equal_opportunity_ratio@{k}'])} | {_fmt(f[f'coverage@{k}'])} | "
            f"{_fmt(f[f'exposure_gini@{k}'])} |"
        )
    cal = main.get("calibration") or {}
    if cal:
        lines += [
            "",
            "## Calibration of the learned ranker",
            "",
            "| stage | mean predicted | observed rate | ECE |",
            "|---|---|---|---|",
        ]
        for stage, c in cal.items():
            lines.append(
                f"| {stage} | {_fmt(c['mean_predicted'])} | {_fmt(c['observed_rate'])} "
                f"| {_fmt(c['ece'])} |"
            )
    folds = result.get("folds")
    if folds:
        lines += [
            "",
            "## Leave-one-edition-out folds (NDCG@10, counterfactual)",
            "",
            "| system | mean | sd | / oracle |",
            "|---|---|---|---|",
        ]
        for system in folds["mean"]:
            lines.append(
                f"| {system} | {_fmt(folds['mean'][system])} | {_fmt(folds['sd'][system])}"
                f" | {_fmt(folds['fraction_of_oracle'][system], 2)} |"
            )
    return lines
