"""The same programme with companies that discriminate: does the service pass it on?

The programme is regenerated with a hiring bias (a penalty on migrants' odds of being
hired, in logits); the rules and the ranker are trained and tested on its biased
observed outcomes, and their lists are audited against *merit*, what each pair's outcome
would be without the bias. A ranker that learnt the bias gives migrants less exposure
than their merit; the fairness re-rank should bring it back.
"""

from __future__ import annotations

from evaluation.protocol import latest_edition, run_split
from evaluation.summary import FAIR, LEARNED, RULES, exposure_merit, paired_difference, table
from evaluation.systems import EngineSystem, EvalData, OracleSystem
from models.embedder import Embedder
from training_data.config import GeneratorConfig
from training_data.generator import generate


def bias_check(config: GeneratorConfig, embedder: Embedder) -> dict:
    """NDCG and exposure against merit on the latest edition of a biased programme."""
    data = EvalData.from_programme(generate(config), embedder)
    learned = EngineSystem(learned=True)
    systems = [
        EngineSystem(learned=False),
        learned,
        EngineSystem(learned=True, fairness=True, reuse=learned),
        OracleSystem(),
    ]
    split = run_split(data, systems, latest_edition(data), audits=False)
    cf = table(split.counterfactual)
    return {
        "hiring_bias": config.hiring_bias,
        "test_edition": split.test_edition,
        "ndcg@10": {s: cf[s]["ndcg@10"] for s in cf},
        "exposure_merit": exposure_merit(split.exposure),
        "fairness_cost": paired_difference(split.counterfactual, FAIR, LEARNED),
    }


def bias_section(result: dict) -> list[str]:
    lines = [
        f"The same programme regenerated with a hiring bias of {result['hiring_bias']} "
        "(migrants' odds of being hired lowered by that many logits), trained on its biased "
        f"observed outcomes and tested on edition {result['test_edition']}. Exposure per "
        "merit, migrants over locals (1 = attention in proportion to merit; merit is the "
        "outcome without the bias), top 10, with 95 % intervals over challenges:",
        "",
        "| system | NDCG@10 [95 % CI] | exposure / merit [95 % CI] |",
        "|---|---|---|",
    ]
    for system in (RULES, LEARNED, FAIR, "oracle"):
        n = result["ndcg@10"][system]
        e = result["exposure_merit"][system]
        lines.append(
            f"| {system} | {n['mean']:.3f} [{n['low']:.3f}, {n['high']:.3f}] | "
            f"{e['ratio']:.3f} [{e['low']:.3f}, {e['high']:.3f}] |"
        )
    cost = result["fairness_cost"]
    lines += [
        "",
        f"The re-rank's NDCG@10 cost: {cost['mean']:+.4f} [{cost['low']:+.4f}, "
        f"{cost['high']:+.4f}].",
    ]
    return lines
