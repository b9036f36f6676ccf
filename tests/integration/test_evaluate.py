"""`milma evaluate` end to end on a small cohort: all three outputs, sane numbers."""

import json

from typer.testing import CliRunner

from cli.main import app
from models.artefacts import sha256_file


def test_evaluate_writes_report_metrics_and_plots(tmp_path):
    data = tmp_path / "programme"
    runner = CliRunner()
    made = runner.invoke(
        app,
        [
            "--data-dir",
            str(tmp_path / "var"),
            "generate",
            "--out",
            str(data),
            "--participants",
            "360",
            "--challenges",
            "12",
            "--editions",
            "3",
            "--seed",
            "8",
        ],
    )
    assert made.exit_code == 0, made.output
    out = tmp_path / "report"
    done = runner.invoke(
        app,
        ["--data-dir", str(tmp_path / "var"), "evaluate", "--data", str(data), "--out", str(out)],
    )
    assert done.exit_code == 0, done.output
    metrics = json.loads((out / "metrics.json").read_text())
    main = metrics["main"]
    cf = main["counterfactual"]
    assert set(cf) >= {
        "random",
        "popularity",
        "tf-idf cosine",
        "skill overlap",
        "embedding cosine",
        "learned ranker",
        "oracle",
    }
    assert cf["oracle"]["ndcg@10"]["mean"] > cf["random"]["ndcg@10"]["mean"]
    assert main["observed"] and main["fairness"] and main["calibration"]
    temporal = metrics["temporal"]
    assert temporal["editions"] == [3]
    assert set(temporal["learned_vs"]) >= {"fallback rules", "random", "skill overlap"}
    # the ranker given the true company ways is a ceiling beside the oracle, not a rival
    assert "learned ranker, true company ways" in cf
    assert "learned ranker, true company ways" not in temporal["learned_vs"]
    headroom = temporal["company_headroom"]
    assert headroom["true_ways_vs_rules"]["b"] == "fallback rules"
    # the gate, as `milma train` would run it, on observed outcomes only
    promotion = metrics["promotion"]
    assert promotion["decision"] in ("learned", "rules") and promotion["held_out_edition"] == 3
    assert set(promotion["versus"]) == {"rules"}
    assert sorted(int(w) for w in metrics["learning_curve"]["points"]) == [1, 2]
    report = (out / "report.md").read_text()
    assert "Counterfactual" in report and "Observed outcomes only" in report
    assert "Learning curve" in report and "exposure / merit" in report
    assert "true ways in place of its record" in report
    for plot in ("ndcg_at_10.png", "calibration.png", "fairness.png", "learning_curve.png"):
        assert (out / plot).read_bytes()[:4] == b"\x89PNG"
    card = (out / "model_card.md").read_text()
    assert sha256_file(out / "ranker.skops") in card
    assert "Intended use" in card and "Limits" in card and "ECE" in card
    assert "a diagnostic, not a deployable system" in card and "recovered" not in card
    assert "No hiring-bias check in this run" in card
    assert "pull per stage: " in card and "pull per stage: –" not in card
    assert f"would serve: **{promotion['decision']}**" in card
    sheet = (out / "datasheet.md").read_text()
    assert "seed 8" in sheet and "profile" in sheet and "the default world" in sheet


def test_evaluate_refuses_a_missing_programme(tmp_path):
    done = CliRunner().invoke(
        app, ["evaluate", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "r")]
    )
    assert done.exit_code == 2 and "does not exist" in done.output
