"""The model card and the datasheet written next to ``report.md``.

Employment recommenders are high-risk AI under the EU AI Act (Annex III): analysts and
auditors need to know what the ranker is for, what it was trained and tested on, how
well and how fairly it ranks, how far its probabilities can be trusted, and where it
must not be used. The card follows Mitchell et al. (2019), the datasheet Gebru et al.
(2021); every figure in them comes from the evaluation run they sit next to, and the
evaluated ranker is saved beside them (skops) with its SHA-256.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import skops.io as sio

from evaluation.report import ci, fmt, signed
from evaluation.summary import FAIR, HEADLINE, LEARNED, ORACLE, RULES
from evaluation.systems import EvalData
from matching.features import FEATURES
from models.artefacts import library_versions, sha256_file
from models.ranker import OutcomeRanker
from training_data.outcome_model import HiddenModel

RANKER_FILE = "ranker.skops"


def _headroom_lines(headroom: dict | None) -> list[str]:
    """What the "true company ways" row is: a diagnostic that reads the hidden truth."""
    if not headroom:
        return []
    return [
        f"The ranker given the true company ways (the generator's hidden company effects in "
        f"place of the records; a diagnostic, not a deployable system and no upper bound, since "
        f"those effects also carry the true skills behind a hire) would gain "
        f"{signed(headroom['true_ways_vs_rules'])} over the rules."
    ]


def _promotion_lines(promotion: dict | None) -> list[str]:
    """Whether the service would let this ranker serve, judged as ``milma train`` does."""
    if not promotion:
        return []
    d = promotion.get("difference") or {}
    figures = f" ({d['mean']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}])" if d else ""
    return [
        "## Promotion on observed outcomes",
        "",
        f"`milma train` on this programme would serve: **{promotion['decision']}** — "
        f"{promotion['reason']}{figures}. The gate reads only recorded outcomes (no truth), "
        "holds out the latest edition and resamples companies; the service keeps the rules "
        "or the serving ranker unless the new one's interval lies above 0.",
        "",
    ]


def _bias_lines(bias: dict | None) -> list[str]:
    """Exposure per merit when the training outcomes carry a hiring bias: rules, learned
    and learned with the re-rank side by side (the informative fairness figure)."""
    if not bias:
        return [
            "No hiring-bias check in this run (`milma evaluate --bias-check 0.5` adds it; it "
            "is the informative fairness figure).",
            "",
        ]
    return [
        f"With a hiring bias of {bias['hiring_bias']} against migrants in the training "
        "outcomes, migrants' exposure (top 10) per unit of unbiased merit over the locals':",
        "",
        *[f"- {s}: {ci(bias['exposure_merit'][s], 'ratio')}" for s in (RULES, LEARNED, FAIR)],
        "",
    ]


def _per_stage(ranker: OutcomeRanker | None, attribute: str, form: str) -> str:
    """One fitted setting of each stage, written out; "–" without a ranker."""
    values = getattr(ranker, attribute, None)
    return ", ".join(format(v, form) for v in values) if values is not None else "–"


def write_model_card(result: dict, data: EvalData, ranker: OutcomeRanker | None, out: Path) -> Path:
    """``model_card.md`` (and the evaluated ranker) in ``out``."""
    digest = "–"
    if ranker is not None:
        sio.dump(ranker, out / RANKER_FILE)
        digest = sha256_file(out / RANKER_FILE)
    temporal, main = result["temporal"], result["main"]
    cf = temporal["counterfactual"]
    fair = temporal["exposure_merit"]
    cal = main.get("calibration") or {}
    versions = library_versions()
    lines = [
        "# Model card — MILMA Match outcome ranker",
        "",
        f"Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `milma evaluate`; figures from "
        f"[report.md](report.md).",
        "",
        "## Model details",
        "",
        "- Gradient-boosted trees (scikit-learn `HistGradientBoostingClassifier`) over graded "
        "outcomes (0 none, 1 joined, 2 completed, 3 hired), giving P(join), P(complete) and "
        "P(hire) per (participant, challenge) pair; candidates are ranked by their sum.",
        "- Each stage is shrunk toward a logistic regression on the fallback rules' own "
        "inputs (weights held to the rules' directions): its log-odds are base + w·(trees − "
        "base), w chosen on the latest training edition. The evaluated model's w per stage: "
        f"{_per_stage(ranker, 'tree_weights_', '.1f')}.",
        "- That base is itself pulled toward the rules' documented weights, as strongly as "
        "the latest training edition allows (1,000: the rules with a refitted intercept, "
        "nearly; 1: free). The evaluated model's pull per stage: "
        f"{_per_stage(ranker, 'base_strengths_', ',.0f')}.",
        f"- Features ({len(FEATURES)}): {', '.join(FEATURES)}. No sensitive attribute (origin, "
        "nationality, gender, age, migrant status) is a feature; a test enforces it.",
        f"- The evaluated model: `{RANKER_FILE}`, SHA-256 `{digest}`; trained on the observed "
        f"outcomes of editions before {main['test_edition']}.",
        f"- Libraries: {', '.join(f'{k} {v}' for k, v in versions.items())}.",
        "- Without a trained model the service uses documented fallback rules "
        "(`matching/priors.py`) and says so on every page and response.",
        "",
        "## Intended use and users",
        "",
        "- Caseworkers of employment-and-integration programmes (MILMA, Fuenlabrada) use "
        "ranked, explained shortlists to choose whom to offer a Business Challenge, and team "
        "plans to form Experimental Teams. Every suggestion carries its reasons; caseworkers "
        "decide.",
        "- Companies see only the matched, consenting trainees of their own challenges, "
        "without sensitive attributes.",
        "- Out of scope: automatic decisions without a caseworker; scoring people for anything "
        "but programme places; use on programmes whose outcomes differ from the training data "
        "without retraining and re-evaluating.",
        "",
        "## Metrics (temporal protocol, counterfactual outcomes; 95 % CIs over challenges, "
        "differences resampling companies)",
        "",
        f"Editions {', '.join(map(str, temporal['editions']))}, {temporal['challenges']} "
        "challenges pooled.",
        "",
        "| system | NDCG@10 | / oracle |",
        "|---|---|---|",
        *[
            f"| {s} | {ci(cf[s][HEADLINE])} | {fmt(temporal['fraction_of_oracle'][s], 2)} |"
            for s in cf
        ],
        "",
        f"Learned minus fallback rules: {signed(temporal['learned_vs'][RULES])}.",
        *_headroom_lines(temporal.get("company_headroom")),
        "",
        *_promotion_lines(result.get("promotion")),
        "## Fairness",
        "",
        *_bias_lines(result.get("bias_check")),
        "Migrants' exposure (top 10) per unit of merit over the locals' (1 = in proportion), "
        "without a hiring bias. With the re-rank this meets its band by construction: the "
        "re-rank targets the model's estimate of merit and the audit measures true merit the "
        "same way, so it says little; the figure under a hiring bias above is the test.",
        "",
        *[f"- {s}: {ci(v, 'ratio')}" for s, v in fair.items() if s in (LEARNED, FAIR, ORACLE)],
    ]
    if temporal.get("fairness_cost"):
        lines.append(f"- NDCG@10 cost of the re-rank: {signed(temporal['fairness_cost'])}.")
    lines += [
        "- The fairness re-rank (on by default) gives the migrant group a share of each "
        "shortlist's exposure equal to its share of the candidates' estimated merit.",
        "",
        "## Calibration",
        "",
        *[
            f"- {stage}: ECE {fmt(c['ece'])} (mean predicted {fmt(c['mean_predicted'])}, "
            f"observed {fmt(c['observed_rate'])})"
            for stage, c in cal.items()
        ],
        "",
        "## Limits and ethical considerations",
        "",
        "- Trained and evaluated on a *synthetic* programme (see the datasheet): the figures "
        "say how the method behaves on data with known structure, not how it will on a real "
        "programme. Before use on real people, evaluate on that programme's own outcomes.",
        "- Outcomes are observed only for offered pairs; the ranker learns what caseworkers "
        "chose to try. Past discrimination in hiring is learnt from the outcomes unless the "
        "re-rank corrects it; audit exposure against merit after every retraining.",
        "- Free text is read in Spanish, English and French only; other languages are "
        "detected and said so, but not read.",
        "- Human oversight: caseworkers can switch the model off (fallback rules) and must "
        "review every shortlist; reasons show each factor's measured effect.",
        "",
        f"Training data: {len(data.participants)} participants, {len(data.outcomes)} outcome "
        "events — see [datasheet.md](datasheet.md).",
        "",
    ]
    path = out / "model_card.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _world_text(hidden: dict) -> str:
    """The weights that differ from the default world, or "the default world"."""
    default = asdict(HiddenModel())
    changed = {k: v for k, v in hidden.items() if k in default and v != default[k]}
    return ", ".join(f"{k}={v}" for k, v in changed.items()) or "the default world"


def write_datasheet(result: dict, out: Path) -> Path:
    """``datasheet.md`` in ``out``: what the evaluated programme is and how it was made."""
    generator = result.get("generator", {})
    truth = result.get("truth", {})
    variance = (truth.get("variance") or {}).get("explained_variance_of_sampled_outcome", {})
    seed = generator.get("seed", "–")
    lines = [
        "# Datasheet — the evaluated programme",
        "",
        "## Motivation",
        "",
        "Real programme records are private. The evaluation runs on a synthetic programme "
        "shaped like MILMA (Fuenlabrada, 2018–2021: 4 editions, 28 Experimental Teams, 508 "
        "participants, about a third migrants, three in four completing, one in three "
        "placed), so that every pair's true expected outcome is known and rankers can be "
        "compared with a ceiling.",
        "",
        "## Composition",
        "",
        f"- `{result['data']}`: {result['participants']} participants, {result['editions']} "
        f"editions, {result['challenges']} challenges of {result['companies']} companies.",
        "- Tables: editions, companies, challenges (niche, ESCO essential/optional/taught "
        "skills, Spanish needed, seats, schedule, place), participants (profile text in "
        "Spanish or English, coded and free-text skills, experience, Spanish level, "
        "availability, district, preferences, induction attendance, consent), sensitive "
        "attributes (kept apart; used for team quotas and fairness audits only), outcome "
        "events. The hidden truth (every pair's expected, sampled and bias-free outcome) is "
        "in `truth/` and only the evaluation reads it.",
        "",
        "## Collection process",
        "",
        f"- Generated by `milma generate` with seed {seed}; settings: "
        + ", ".join(f"{k}={v}" for k, v in generator.items() if k != "hidden")
        + ".",
        "- Outcomes come from a hidden three-stage model (accept, complete, hired) over what a "
        "record shows (skills, experience, Spanish, commute, schedule, preferences), what "
        "only outcomes reveal (each company's persistent taste in backgrounds and its mentors' "
        "fit, challenge difficulty), engagement that the induction session shows, hidden "
        "hardship, and noise.",
        f"- World (the hidden model's weights, set with `milma generate --world`): "
        f"{_world_text(generator.get('hidden') or {})}. `taste_interaction_sd` (company "
        "tastes over products of two background attributes) and `taste_hardship_sd` (a "
        "taste over hardship, which no record shows) are tastes the ranker's features "
        "cannot represent; `--companies` sets how many companies share the challenges "
        "(more companies: fewer challenges and less history each).",
        "- Share of the sampled outcome's variance each explains (cumulative, from the truth "
        "manifest): " + (", ".join(f"{k} {v:.3f}" for k, v in variance.items()) or "–") + ".",
        "",
        "## Uses",
        "",
        "- Comparing rankers, the fallback rules, baselines and the re-rank; measuring "
        "fairness against merit; regression tests. Not for conclusions about real people.",
        "",
        "## Maintenance",
        "",
        "- Regenerate with the same seed to reproduce; the generator's settings are in the "
        "programme's `manifest.json`, the hidden model's in `truth/manifest.json`.",
        "",
    ]
    path = out / "datasheet.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
