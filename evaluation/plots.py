"""The report's PNG plots: ranking quality, the learning curve, calibration, fairness."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from evaluation.summary import HEADLINE, LEARNED, ORACLE, RULES


def _save(fig, out: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(out / name, dpi=120)
    plt.close(fig)
    return name


def ndcg_plot(temporal: dict, out: Path) -> str:
    cf = temporal["counterfactual"]
    systems = list(cf)
    means = [cf[s][HEADLINE]["mean"] for s in systems]
    errs = [
        [m - cf[s][HEADLINE]["low"] for s, m in zip(systems, means, strict=True)],
        [cf[s][HEADLINE]["high"] - m for s, m in zip(systems, means, strict=True)],
    ]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.barh(systems, means, xerr=errs, color="#3b6ea5", capsize=3)
    ax.invert_yaxis()
    ax.set_xlabel("NDCG@10, counterfactual outcomes (95 % CI over challenges)")
    ax.set_title(f"Temporal protocol: editions {', '.join(map(str, temporal['editions']))}")
    return _save(fig, out, "ndcg_at_10.png")


def learning_curve_plot(curve: dict, out: Path) -> str:
    windows = sorted(curve["points"])
    fig, ax = plt.subplots(figsize=(6, 4))
    for system, colour in ((LEARNED, "#3b6ea5"), (RULES, "#7a7a7a"), (ORACLE, "#2e7d32")):
        ax.plot(
            windows,
            [curve["points"][w][system] for w in windows],
            marker="o",
            color=colour,
            label=system,
        )
    ax.set_xlabel("editions of history (outcomes and company records)")
    ax.set_ylabel(f"NDCG@10 on edition {curve['test_edition']}")
    ax.set_xticks(windows)
    ax.legend()
    ax.set_title("Learning curve")
    return _save(fig, out, "learning_curve.png")


def calibration_plot(calibration: dict, out: Path) -> str:
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect")
    for stage, colour in (("join", "#7a9e3b"), ("complete", "#3b6ea5"), ("hire", "#c0504d")):
        bins = calibration[stage]["bins"]
        ax.plot(
            [b[0] for b in bins],
            [b[1] for b in bins],
            marker="o",
            color=colour,
            label=f"{stage} (ECE {calibration[stage]['ece']:.3f})",
        )
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed rate (counterfactual outcomes)")
    ax.set_title("Learned ranker calibration")
    ax.legend()
    return _save(fig, out, "calibration.png")


def fairness_plot(exposure_merit: dict, out: Path) -> str:
    names = list(exposure_merit)
    ratios = [exposure_merit[s]["ratio"] for s in names]
    errs = [
        [r - exposure_merit[s]["low"] for s, r in zip(names, ratios, strict=True)],
        [exposure_merit[s]["high"] - r for s, r in zip(names, ratios, strict=True)],
    ]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.barh(names, ratios, xerr=errs, color="#c0504d", capsize=3)
    ax.axvspan(0.9, 1.1, color="#2e7d32", alpha=0.15, label="target band")
    ax.axvline(1.0, color="black", linestyle="--")
    ax.invert_yaxis()
    ax.set_xlabel("migrants' exposure per merit over locals' (top 10; 1 = in proportion)")
    ax.legend()
    return _save(fig, out, "fairness.png")


def plots(result: dict, out: Path) -> list[str]:
    """Every plot the result has data for; returns the file names."""
    files = [ndcg_plot(result["temporal"], out)]
    if result.get("learning_curve"):
        files.append(learning_curve_plot(result["learning_curve"], out))
    if result["main"].get("calibration"):
        files.append(calibration_plot(result["main"]["calibration"], out))
    files.append(fairness_plot(result["temporal"]["exposure_merit"], out))
    return files
