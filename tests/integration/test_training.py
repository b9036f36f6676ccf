"""Training, the model registry (skops, manifests, hashes) and the fallback."""

import numpy as np
import pytest

from evaluation.protocol import run_split
from evaluation.summary import table
from evaluation.systems import EngineSystem, EvalData, RandomSystem
from matching.engine import Matcher
from matching.scoring import RANKER_INPUTS, FallbackScorer, LearnedScorer
from matching.training import publish_ranker, train_ranker
from models import registry
from models.artefacts import ArtefactError


@pytest.fixture
def fresh_scorer(matcher):
    yield matcher
    matcher.scorer = FallbackScorer()


def test_learned_ranker_beats_random(fresh_scorer, programme):
    data = EvalData(
        programme.participants,
        programme.challenges,
        programme.sensitive,
        programme.outcomes,
        programme.truth,
        fresh_scorer,
    )
    result = run_split(data, [RandomSystem(), EngineSystem(learned=True)], 4, audits=False)
    means = table(result.counterfactual)
    assert means["learned ranker"]["ndcg@10"]["mean"] > means["random"]["ndcg@10"]["mean"] + 0.1


def _editions(programme):
    return dict(
        zip(programme.challenges["challenge_id"], programme.challenges["edition_id"], strict=True)
    )


def test_registry_round_trip_hash_refusal_and_swap(tmp_path, programme, embedder, caplog):
    engine = Matcher(embedder, data_dir=tmp_path)
    engine.load_programme(
        programme.participants,
        programme.challenges,
        persist=False,
        outcomes=programme.outcomes,
    )
    engine.load_models()
    assert engine.scorer.kind == "fallback"
    first = publish_ranker(engine, train_ranker(engine, programme.outcomes, _editions(programme)))
    params = {"max_iter": 50}
    second = publish_ranker(
        engine, train_ranker(engine, programme.outcomes, _editions(programme), params)
    )
    assert second.version > first.version
    assert second.manifest["features"] == list(RANKER_INPUTS)
    assert second.manifest["training_data_hash"] == first.manifest["training_data_hash"]
    assert {"validation", "training_pairs"} <= set(second.manifest["metrics"])
    assert not list((tmp_path / "models" / "ranker").glob(".new-*"))

    other = Matcher(embedder, data_dir=tmp_path)
    other.load_models()
    assert isinstance(other.scorer, LearnedScorer) and other.scorer.version == second.version
    x = engine.features(1, programme.participants["participant_id"][:50])
    np.testing.assert_allclose(other.scorer.stages(x), engine.scorer.stages(x))

    model_file = second.file(registry.MODEL_FILE)
    model_file.write_bytes(model_file.read_bytes() + b"tampered")
    with caplog.at_level("WARNING"):
        other.load_models()
    assert other.scorer.version == first.version
    assert "does not match the hash" in caplog.text

    first_file = first.file(registry.MODEL_FILE)
    first_file.write_bytes(b"x" + first_file.read_bytes())
    other.load_models()
    assert other.scorer.kind == "fallback"


def test_untrusted_types_are_refused(tmp_path, monkeypatch, programme, matcher):
    result = train_ranker(matcher, programme.outcomes, _editions(programme), {"max_iter": 5})
    registry.save_estimator(tmp_path, "outcome-ranker", result.ranker, {})
    monkeypatch.setattr(registry, "TRUSTED_PREFIXES", ("numpy.",))
    with pytest.raises(ArtefactError, match="not allowed"):
        registry.load_estimator(tmp_path, "outcome-ranker")


def test_trained_ranker_reads_the_ranker_inputs(programme, matcher):
    result = train_ranker(matcher, programme.outcomes, _editions(programme))
    assert list(result.ranker.feature_names_in_) == list(RANKER_INPUTS)


def test_too_few_outcomes_is_a_clear_error(programme, matcher):
    with pytest.raises(ValueError, match="at least"):
        train_ranker(matcher, programme.outcomes.head(10), _editions(programme))
