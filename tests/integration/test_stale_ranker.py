"""A saved ranker trained on other features (one saved before a feature was added) is
skipped with a warning naming the features: the rules serve and say so, and neither
`milma serve` (its start) nor `milma train` stops; training makes a ranker the engine
uses again."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app as cli
from matching.engine import RANKER_KIND
from matching.scoring import RANKER_INPUTS
from matching.settings import Settings
from models.ranker import OutcomeRanker
from models.registry import save_estimator
from service.app import create_app
from service.demo import prepare_demo
from service.runtime import open_runtime

RETIRED = "retired_feature"


def _publish_stale_ranker(settings: Settings):
    """The only ranker version: its features are today's less one, plus one retired."""
    shutil.rmtree(settings.data_dir / "models" / "ranker", ignore_errors=True)
    columns = [*RANKER_INPUTS[1:], RETIRED]
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((300, len(columns))), columns=columns)
    y = rng.integers(0, 4, 300)
    ranker = OutcomeRanker(max_iter=3).fit(x, y)
    manifest = {"features": columns}
    return save_estimator(settings.data_dir / "models" / "ranker", RANKER_KIND, ranker, manifest)


def test_a_stale_ranker_stops_neither_serve_nor_train(service_template, tmp_path, caplog):
    folder, keys, _ = service_template
    shutil.copytree(folder, tmp_path / "var")
    settings = Settings(data_dir=tmp_path / "var")
    stale = _publish_stale_ranker(settings).version

    with caplog.at_level("WARNING"):
        runtime = open_runtime(settings)
    try:
        assert f"skipping {RANKER_KIND} {stale}" in caplog.text
        assert RETIRED in caplog.text and RANKER_INPUTS[0] in caplog.text
        scorer = runtime.matcher.scorer
        assert scorer.kind == "fallback"
        assert stale in scorer.description and "milma train" in scorer.description
        challenge = min(runtime.matcher.challenges)
        shortlist = TestClient(create_app(settings, runtime)).get(
            f"/challenges/{challenge}/shortlist", headers={"X-API-Key": keys["caseworker"]}
        )
        assert shortlist.status_code == 200
        assert RETIRED in shortlist.json()["scoring"]  # the answer says why the rules serve
    finally:
        runtime.close()

    trained = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "train"])
    assert trained.exit_code == 0, trained.output
    assert "serving: " in trained.output
    runtime = open_runtime(settings)
    try:
        _serves_as_the_gate_decided(runtime, stale)
    finally:
        runtime.close()

    # `milma serve` starts through prepare_demo, which trains when no ranker loads and
    # the gate has not kept the rules
    (settings.data_dir / "models" / "promotion.json").unlink()
    _publish_stale_ranker(settings)
    runtime, _ = prepare_demo(settings, say=lambda _m: None)
    try:
        assert runtime.matcher.promotion is not None  # it trained again
        _serves_as_the_gate_decided(runtime, stale)
    finally:
        runtime.close()


def _serves_as_the_gate_decided(runtime, stale: str) -> None:
    """The stale version never serves: a ranker the gate promoted does, or the rules,
    saying the gate's reason."""
    scorer, promotion = runtime.matcher.scorer, runtime.matcher.promotion
    assert scorer.version != stale
    if promotion["decision"] == "rules":
        assert scorer.kind == "fallback" and promotion["reason"] in scorer.description
    else:
        assert scorer.kind == "learned"
