"""One owner per rule: with the shortlist limit set to 5 and the team composition to
30-60 % migrants, every door (API, page, CLI, planner, team confirmation) holds those
same limits, counted the same way."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app as cli
from matching.settings import Settings
from service.app import create_app
from service.runtime import open_runtime
from service.tables import TeamRow

LIMITS = {"max_shortlist_k": 5, "min_migrant_share": 0.3, "max_migrant_share": 0.6}


@pytest.fixture(scope="module")
def svc(service_template, tmp_path_factory):
    folder, keys, _ = service_template
    target = tmp_path_factory.mktemp("rules") / "var"
    shutil.copytree(folder, target)
    settings = Settings(data_dir=target, **LIMITS)
    runtime = open_runtime(settings)
    yield TestClient(create_app(settings, runtime)), keys, runtime
    runtime.close()


def _challenge(runtime) -> int:
    return min(c for c, v in runtime.matcher.challenges.items() if v.edition_id == 4)


def test_k_above_the_setting_is_refused_naming_k_on_the_api(svc):
    client, keys, runtime = svc
    cw = {"X-API-Key": keys["caseworker"]}
    url = f"/challenges/{_challenge(runtime)}/shortlist"
    assert len(client.get(f"{url}?k=5", headers=cw).json()["candidates"]) == 5
    for k in (6, 201, 0):
        got = client.get(f"{url}?k={k}", headers=cw)
        assert got.status_code == 422, (k, got.text)
        assert got.json()["detail"][0]["loc"] == ["query", "k"]
        assert "between 1 and 5" in got.json()["detail"][0]["msg"]
    company = client.get(
        f"/companies/{runtime.matcher.challenges[_challenge(runtime)].company_id}/matches?k=6",
        headers={"X-API-Key": keys["company"]},
    )
    assert company.status_code == 422 and company.json()["detail"][0]["loc"] == ["query", "k"]


def test_k_above_the_setting_is_refused_naming_k_on_the_page(svc):
    client, keys, runtime = svc
    client.post("/app/login", data={"api_key": keys["caseworker"], "next": "/app"})
    page = client.get(f"/app/challenges/{_challenge(runtime)}?k=6")
    assert page.status_code == 422
    assert re.search(r'id="k"[^>]*aria-invalid="true"', page.text)
    assert re.search(r'id="k_error">[^<]*\b5\b', page.text)  # the limit, beside the field
    assert client.get(f"/app/challenges/{_challenge(runtime)}?k=5").status_code == 200


def test_k_above_the_setting_is_refused_naming_k_on_the_command_line(svc, tmp_path):
    _, _, runtime = svc
    runner = CliRunner()
    args = ["--data-dir", str(runtime.settings.data_dir), "shortlist", "-c", "1", "-k", "6"]
    done = runner.invoke(cli, args, env={"MILMA_MAX_SHORTLIST_K": "5"})
    assert done.exit_code == 2
    assert "k must be between 1 and 5" in done.output


def _plan(client, cw, **body) -> dict:
    got = client.post("/editions/4/team-plan", json=body, headers=cw)
    assert got.status_code == 200, got.text
    return got.json()


def test_team_confirmation_refuses_what_the_planner_refuses(svc):
    client, keys, runtime = svc
    cw = {"X-API-Key": keys["caseworker"]}
    with runtime.sessions() as session:
        stored = session.scalar(select(func.count()).select_from(TeamRow))
    plan = _plan(client, cw)
    assert plan["min_migrant_share"] == 0.3 and plan["max_migrant_share"] == 0.6
    for team in plan["teams"]:  # the planner holds both bounds, counted against seats
        seats = team["seats"]
        assert np.ceil(0.3 * seats - 1e-9) <= team["migrants"] <= np.floor(0.6 * seats + 1e-9)

    def confirm(members_of_team, team, **extra) -> object:
        body = {
            "teams": [{"challenge_id": team["challenge_id"], "members": members_of_team}],
            **extra,
        }
        return client.put("/editions/4/teams", json=body, headers=cw)

    team = plan["teams"][0]
    seats = team["seats"]
    migrants = [m["participant_id"] for m in team["members"] if m["migrant"]]
    locals_ = [m["participant_id"] for m in team["members"] if not m["migrant"]]
    others = [  # migrants of the edition placed in other teams
        m["participant_id"] for t in plan["teams"][1:] for m in t["members"] if m["migrant"]
    ]
    need, most = int(np.ceil(0.3 * seats - 1e-9)), int(np.floor(0.6 * seats + 1e-9))
    cases = {
        # a team of few members is counted against its seats, as the planner counts
        "short of the minimum": (migrants[: need - 1] + locals_[:1], {}, "at least"),
        # a maximum the client leaves out still holds (the programme's)
        "over the maximum": ((migrants + others)[: most + 1], {}, "at most"),
        # the client's share is not taken: a laxer one is refused, by planner and confirmation
        "a laxer minimum": (migrants[: need - 1] + locals_, {"min_migrant_share": 0.1}, None),
    }
    for name, (members, extra, message) in cases.items():
        got = confirm(members, team, **extra)
        assert got.status_code == 422, (name, got.text)
        detail = got.json()["detail"][0]
        if message:
            assert message in detail["msg"], (name, detail)
        else:
            assert detail["loc"][-1] == "min_migrant_share", (name, detail)
            planner = client.post("/editions/4/team-plan", json=extra, headers=cw)
            assert planner.status_code == 422
            assert planner.json()["detail"][0]["loc"][-1] == "min_migrant_share"
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TeamRow)) == stored
    # what the planner proposes is confirmed as it stands, from the API and the page
    body = {
        "teams": [
            {
                "challenge_id": t["challenge_id"],
                "members": [m["participant_id"] for m in t["members"]],
            }
            for t in plan["teams"]
        ]
    }
    assert client.put("/editions/4/teams", json=body, headers=cw).status_code == 200
    client.post("/app/login", data={"api_key": keys["caseworker"], "next": "/app"})
    page = client.get("/app/editions/4/planner")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    planned = client.post("/app/editions/4/planner", data={"csrf": token})
    assert planned.status_code == 200
    teams = re.findall(r'name="team" value="([^"]+)"', planned.text)
    assert teams
    done = client.post(
        "/app/editions/4/planner/confirm",
        data={"csrf": token, "team": teams},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    short = [f"{teams[0].split(':')[0]}:{','.join(map(str, locals_[:2]))}"]
    with runtime.sessions() as session:
        before = session.scalar(select(func.count()).select_from(TeamRow))
    refused = client.post("/app/editions/4/planner/confirm", data={"csrf": token, "team": short})
    assert refused.status_code == 422
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TeamRow)) == before
