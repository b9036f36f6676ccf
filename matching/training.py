"""Train the ranker on observed outcomes and publish it to the model registry.

Only pairs that happened have labels (a participant was shortlisted for, joined, or
finished a challenge); an unobserved pair is unknown, so it is never used as a
negative. Validation holds out the latest edition, the way the model will be used:
trained on the past, applied to the next cohort. The published model is then refitted
on everything.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss, ndcg_score
from threadpoolctl import threadpool_limits

from matching.domain.catalogue import NICHE_CODES
from matching.domain.vocabulary import relevance_from_events
from matching.engine import RANKER_KIND, Matcher
from matching.features import FEATURES
from matching.niches import NICHE_FEATURES, NICHE_KIND, NICHE_MODEL_SETTINGS, SUCCESS_GRADE
from matching.promotion import INCUMBENT, LEARNED, RULES, Contender, decide
from matching.scoring import (
    RANKER_DIRECTIONS,
    RANKER_INPUTS,
    RULE_INPUTS,
    RULE_WEIGHTS,
    FallbackScorer,
    LearnedScorer,
    expected_stages,
    ranker_frame,
)
from models.artefacts import Artefact
from models.ranker import OutcomeRanker
from models.registry import save_decision, save_estimator

MIN_TRAINING_PAIRS = 50


@dataclass
class TrainingResult:
    ranker: OutcomeRanker
    metrics: dict
    data_hash: str
    artefact: Artefact | None = None

    @property
    def promoted(self) -> bool:
        """Whether the gate let this ranker serve (see :mod:`matching.promotion`)."""
        return self.metrics.get("promotion", {}).get("decision") == LEARNED


@dataclass(frozen=True)
class Incumbent:
    """The ranker serving now, and the latest edition whose outcomes it was trained on
    (None when its record does not say)."""

    ranker: OutcomeRanker
    version: str
    trained_through: int | None


def _fit(
    x: pd.DataFrame, y: np.ndarray, params: dict | None = None, editions: np.ndarray | None = None
) -> OutcomeRanker:
    """Fit on every core (a thread that served requests may be limited to one)."""
    with threadpool_limits(limits=os.cpu_count(), user_api="openmp"):
        return OutcomeRanker(**(params or {})).fit(x, y, editions=editions)


# Shallow trees held to the features' known directions. A few thousand outcomes per
# edition, most of them decided by the rules' own terms, do not support deep
# interactions: on the temporal folds of the seed-3 and seed-5 city-scale programmes,
# four leaves beat eight by 0.0035 and 0.0048 NDCG@10. Each stage starts from the
# rules' inputs with refitted weights, and the trees move it only as far as they earn
# on the latest training edition (see models.ranker).
RANKER_SETTINGS: dict = {
    "max_leaf_nodes": 4,
    "monotonic_cst": RANKER_DIRECTIONS,
    "base_inputs": RULE_INPUTS,
    "base_centre": RULE_WEIGHTS,
}


def fit_pair_ranker(
    x: np.ndarray,
    y: np.ndarray,
    params: dict | None = None,
    editions: np.ndarray | None = None,
) -> OutcomeRanker:
    """The pair ranker on feature rows ``x`` and graded outcomes ``y``, with
    :data:`RANKER_SETTINGS` unless ``params`` override them. ``editions`` (each row's
    edition) lets the trees earn weight on the latest; without them the ranker is the
    rules' refitted base alone."""
    return _fit(ranker_frame(x), y, {**RANKER_SETTINGS, **(params or {})}, editions)


def labelled_pairs(outcomes: pd.DataFrame, matcher: Matcher) -> pd.DataFrame:
    """Observed (participant, challenge, relevance) whose participant and challenge the
    engine knows (erased people and deleted challenges drop out)."""
    pairs = relevance_from_events(outcomes)
    known_people = pairs["participant_id"].isin(matcher.pool.row_of)
    known_challenges = pairs["challenge_id"].isin(matcher.challenges)
    return pairs[known_people & known_challenges].reset_index(drop=True)


def feature_matrix(matcher: Matcher, pairs: pd.DataFrame) -> np.ndarray:
    """Features for every (participant, challenge) row, computed one challenge at a time."""
    x = np.empty((len(pairs), len(FEATURES)), dtype=np.float64)
    for cid, group in pairs.groupby("challenge_id", sort=False):
        x[group.index.to_numpy()] = matcher.features(int(cid), group["participant_id"].to_numpy())
    return x


def data_hash(pairs: pd.DataFrame) -> str:
    ordered = pairs.sort_values(["participant_id", "challenge_id"])
    digest = hashlib.sha256(
        ordered[["participant_id", "challenge_id", "relevance"]].to_numpy(dtype=np.int64).tobytes()
    )
    digest.update(",".join(RANKER_INPUTS).encode())
    return digest.hexdigest()


def expected_calibration_error(prob: np.ndarray, outcome: np.ndarray, bins: int = 10) -> float:
    """Mean |predicted - observed| over equal-width probability bins, weighted by size."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(prob, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        sel = which == b
        if sel.any():
            total += sel.sum() * abs(prob[sel].mean() - outcome[sel].mean())
    return float(total / max(1, len(prob)))


def observed_ndcg(pairs: pd.DataFrame, key: np.ndarray, k: int = 10) -> float:
    """Mean NDCG@k over challenges, ranking only each challenge's observed candidates."""
    values = []
    for _, group in pairs.assign(key=key).groupby("challenge_id"):
        if len(group) > 1 and group["relevance"].max() > 0:
            values.append(
                ndcg_score([group["relevance"].to_numpy()], [group["key"].to_numpy()], k=k)
            )
    return float(np.mean(values)) if values else float("nan")


def validation_metrics(ranker: OutcomeRanker, x: np.ndarray, pairs: pd.DataFrame) -> dict:
    stages = ranker.stage_probabilities(ranker_frame(x))
    rel = pairs["relevance"].to_numpy()
    proba = ranker.predict_proba(ranker_frame(x))
    labels = ranker.classes_
    return {
        "pairs": len(pairs),
        "ndcg@10_observed": round(observed_ndcg(pairs, stages.sum(1)), 4),
        "log_loss": round(float(log_loss(rel, proba, labels=labels)), 4),
        "ece_complete": round(expected_calibration_error(stages[:, 1], rel >= 2), 4),
        "ece_hire": round(expected_calibration_error(stages[:, 2], rel >= 3), 4),
    }


def train_ranker(
    matcher: Matcher,
    outcomes: pd.DataFrame,
    editions_of: dict[int, int],
    params: dict | None = None,
    incumbent: Incumbent | None = None,
) -> TrainingResult:
    """Fit on observed outcomes; validate on the latest edition and judge there whether
    the ranker may serve (against the rules and the ``incumbent``); refit on all of it.

    ``editions_of`` maps challenge id -> edition id.
    """
    pairs = labelled_pairs(outcomes, matcher)
    if len(pairs) < MIN_TRAINING_PAIRS:
        raise ValueError(
            f"only {len(pairs)} observed outcomes; at least {MIN_TRAINING_PAIRS} "
            "are needed to train the ranker"
        )
    x = feature_matrix(matcher, pairs)
    y = pairs["relevance"].to_numpy()
    edition = pairs["challenge_id"].map(editions_of).to_numpy()
    latest_edition = int(np.nanmax(edition))
    metrics: dict = {"training_pairs": len(pairs), "trained_through_edition": latest_edition}
    held_out = edition == latest_edition
    keeper = INCUMBENT if incumbent is not None else RULES
    if held_out.any() and (~held_out).sum() >= MIN_TRAINING_PAIRS:
        trial = fit_pair_ranker(x[~held_out], y[~held_out], params, edition[~held_out])
        metrics["validation_edition"] = latest_edition
        held_pairs = pairs[held_out].reset_index(drop=True)
        metrics["validation"] = validation_metrics(trial, x[held_out], held_pairs)
        metrics["promotion"] = decide(
            held_pairs,
            _key(trial, x[held_out]),
            expected_stages(FallbackScorer().stages(x[held_out])),
            lambda cid: matcher.challenge(cid).company_id,
            _incumbent_contender(incumbent, x, y, edition, latest_edition),
            latest_edition,
        )
    else:
        metrics["promotion"] = {
            "decision": keeper,
            "code": "too_few_outcomes",
            "against": None,
            "versus": {},
            "reason": f"too few outcomes before edition {latest_edition} to hold it out",
            "difference": None,
            "held_out_edition": latest_edition,
            "incumbent": incumbent.version if incumbent is not None else None,
        }
    ranker = fit_pair_ranker(x, y, params, edition)
    # how far each stage's trees moved it from the rules' refitted base (0: not at all)
    metrics["tree_weights"] = [round(w, 2) for w in ranker.tree_weights_]
    metrics["base_strengths"] = list(ranker.base_strengths_)
    return TrainingResult(ranker, metrics, data_hash(pairs))


def _key(ranker: OutcomeRanker, x: np.ndarray) -> np.ndarray:
    return ranker.stage_probabilities(ranker_frame(x)).sum(axis=1)


def _incumbent_contender(
    incumbent: Incumbent | None,
    x: np.ndarray,
    y: np.ndarray,
    editions: np.ndarray,
    edition: int,
) -> Contender | None:
    """The serving ranker's key on the held-out ``edition``'s rows. One trained on that
    edition itself would be judged on outcomes it has seen: its recipe (its settings)
    is refitted on the earlier editions instead, as the new ranker was."""
    if incumbent is None:
        return None
    held_out = editions == edition
    rows = x[held_out]
    if incumbent.trained_through is not None and incumbent.trained_through < edition:
        return Contender(incumbent.version, _key(incumbent.ranker, rows))
    earlier = ~held_out
    refit = _fit(
        ranker_frame(x[earlier]), y[earlier], incumbent.ranker.get_params(), editions[earlier]
    )
    name = f"{incumbent.version} (refitted on the editions before {edition})"
    return Contender(name, _key(refit, rows))


def _publish(
    matcher: Matcher, result: TrainingResult, folder: str, kind: str, features: tuple[str, ...]
) -> Artefact:
    manifest = {
        "training_data_hash": result.data_hash,
        "features": list(features),
        "estimator": type(result.ranker).__name__,
        "params": result.ranker.get_params(),
        "metrics": result.metrics,
        "embedding_model": matcher.embedder.name,
    }
    result.artefact = save_estimator(matcher.models_root / folder, kind, result.ranker, manifest)
    return result.artefact


def publish_ranker(matcher: Matcher, result: TrainingResult) -> Artefact:
    """Save the ranker as a new registry version and switch the engine to it."""
    artefact = _publish(matcher, result, "ranker", RANKER_KIND, RANKER_INPUTS)
    matcher.use_ranker(result.ranker, artefact.version, result.metrics["trained_through_edition"])
    return artefact


def serving_incumbent(matcher: Matcher) -> Incumbent | None:
    """The trained ranker the engine holds now (switched on or not), as the one a new
    ranker must beat."""
    scorer = matcher.trained_scorer
    if not isinstance(scorer, LearnedScorer):
        return None
    return Incumbent(scorer.ranker, scorer.version, scorer.trained_through)


def record_promotion(matcher: Matcher, result: TrainingResult) -> None:
    """Publish the ranker when the gate promoted it; keep the decision either way."""
    record = {**result.metrics["promotion"], "candidate_data_hash": result.data_hash}
    if result.promoted:
        record["version"] = publish_ranker(matcher, result).version
    save_decision(matcher.models_root, record)
    matcher.note_promotion(record)


def niche_pairs(matcher: Matcher, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Observed (participant, niche, success): success means completed or hired in a
    challenge of that niche; a decline or a drop-out there counts as no success."""
    pairs = labelled_pairs(outcomes, matcher)
    niche = pairs["challenge_id"].map(lambda c: matcher.challenge(c).niche)
    frame = pairs.assign(niche=niche.to_numpy(), success=(pairs["relevance"] >= SUCCESS_GRADE))
    grouped = frame.groupby(["participant_id", "niche"], as_index=False)
    return grouped.agg(success=("success", "max"), challenge_id=("challenge_id", "first"))


def niche_training_rows(matcher: Matcher, pairs: pd.DataFrame) -> np.ndarray:
    people = pairs["participant_id"].unique()
    x = matcher.niche_features(people)
    position = {p: i for i, p in enumerate(people)}
    rows = (
        pairs["participant_id"].map(position).to_numpy() * len(NICHE_CODES)
        + pairs["niche"].to_numpy()
    )
    return x[rows]


def train_niche_model(
    matcher: Matcher, outcomes: pd.DataFrame, editions_of: dict[int, int]
) -> TrainingResult:
    """P(success in a niche) from past outcomes, validated on the latest edition."""
    pairs = niche_pairs(matcher, outcomes)
    if len(pairs) < MIN_TRAINING_PAIRS or pairs["success"].nunique() < 2:
        raise ValueError(
            f"only {len(pairs)} observed niche outcomes; at least "
            f"{MIN_TRAINING_PAIRS} with both successes and failures are needed"
        )
    x = niche_training_rows(matcher, pairs)
    y = pairs["success"].to_numpy().astype(int)
    frame = pd.DataFrame(x, columns=list(NICHE_FEATURES))
    edition = pairs["challenge_id"].map(editions_of).to_numpy()
    metrics: dict = {"training_pairs": len(pairs)}
    held_out = edition == np.nanmax(edition)
    if held_out.any() and (~held_out).sum() >= MIN_TRAINING_PAIRS:
        trial = _fit(frame[~held_out], y[~held_out], NICHE_MODEL_SETTINGS)
        proba = trial.predict_proba(frame[held_out])
        metrics["validation"] = {
            "pairs": int(held_out.sum()),
            "log_loss": round(float(log_loss(y[held_out], proba, labels=trial.classes_)), 4),
        }
    model = _fit(frame, y, NICHE_MODEL_SETTINGS)
    digest = hashlib.sha256(
        pairs[["participant_id", "niche", "success"]].to_numpy(dtype=np.int64).tobytes()
    ).hexdigest()
    return TrainingResult(model, metrics, digest)


def publish_niche_model(matcher: Matcher, result: TrainingResult) -> Artefact:
    """Save the niche model as a new registry version and switch the engine to it."""
    artefact = _publish(matcher, result, "niches", NICHE_KIND, NICHE_FEATURES)
    matcher.use_niche_model(result.ranker, artefact.version)
    return artefact
