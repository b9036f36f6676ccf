"""`milma evaluate` end to end on a small cohort: all three outputs, sane numbers."""

import json

from typer.testing import CliRunner

from cli.main import app


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
    for system, values in cf.items():
        cell = values["ndcg@10"]
        assert 0 <= cell["low"] <= cell["mean"] <= cell["high"] <= 1, system
    assert cf["oracle"]["ndcg@10"]["mean"] > cf["random"]["ndcg@10"]["mean"]
    assert main["fraction_of_oracle"]["oracle"] == 1.0
    assert main["observed"] and main["fairness"] and main["calibration"]
    assert len(metrics["folds"]["editions"]) == 3
    report = (out / "report.md").read_text()
    assert "Counterfactual" in report and "Observed outcomes only" in report
    for plot in ("ndcg_at_10.png", "calibration.png", "fairness.png"):
        assert (out / plot).read_bytes()[:4] == b"\x89PNG"


def test_evaluate_refuses_a_missing_programme(tmp_path):
    done = CliRunner().invoke(
        app, ["evaluate", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "r")]
    )
    assert done.exit_code == 2 and "does not exist" in done.output
