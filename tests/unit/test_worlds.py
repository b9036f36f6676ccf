"""Worlds the ranker was not built for: `milma generate --world` sets the hidden outcome
model's weights, refuses unknown keys and bad values, and the tastes no feature can
represent change outcomes only when asked for."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from training_data.config import GeneratorConfig
from training_data.dataset import config_from_manifest, read_programme, write_programme
from training_data.generator import generate
from training_data.outcome_model import HiddenModel, hidden_model_from_text

SMALL = GeneratorConfig(seed=3, participants=160, challenges=8, editions=2)


def test_world_text_sets_the_named_weights_and_keeps_the_rest():
    world = hidden_model_from_text("background_taste_sd=0, mentor_fit_sd=0,hire_skill=3.5")
    assert (world.background_taste_sd, world.mentor_fit_sd, world.hire_skill) == (0, 0, 3.5)
    assert world.accept_pref == HiddenModel().accept_pref


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("taste_sd=1", "unknown world weight 'taste_sd'"),
        ("hire_skill=strong", "hire_skill='strong' is not a number"),
        ("mentor_fit_sd=-0.5", "mentor_fit_sd=-0.5 must be"),
        ("hire_skill=nan", "hire_skill=nan must be"),
        ("hire_skill", "'hire_skill' is not KEY=VALUE"),
    ],
)
def test_a_bad_world_is_a_cli_error_naming_it(tmp_path, text, named):
    done = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path), "generate", "--world", text, "--participants", "40"]
    )
    assert done.exit_code == 2 and named in done.output
    assert not (tmp_path / "programme").exists()


def _sampled(config: GeneratorConfig) -> pd.Series:
    return generate(config).truth["sampled_relevance"]


def test_tastes_beyond_the_features_change_outcomes_only_when_asked_for():
    default = _sampled(SMALL)
    zero = _sampled(replace(SMALL, hidden=hidden_model_from_text("taste_interaction_sd=0")))
    assert default.equals(zero)  # the default world is the programme it always was
    for text in ("taste_interaction_sd=3", "taste_hardship_sd=3"):
        other = _sampled(replace(SMALL, hidden=hidden_model_from_text(text)))
        assert (other != default).mean() > 0.02, text


def test_the_world_travels_with_the_programme(tmp_path):
    world = hidden_model_from_text("mentoring_sd=0,taste_hardship_sd=1.5")
    write_programme(generate(replace(SMALL, hidden=world, truth=False)), tmp_path / "p")
    assert config_from_manifest(read_programme(tmp_path / "p").manifest).hidden == world


def test_the_sweep_refuses_a_bad_world_before_drawing_anything(tmp_path):
    done = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path), "sweep", "--seeds", "2", "--world", "mentor_sd=1"]
    )
    assert done.exit_code == 2 and "unknown world weight 'mentor_sd'" in done.output
