"""Team plans and niche suggestions through the API."""

from sqlalchemy import func, select

from service.tables import AuditRow, TeamRow


def test_team_plan_is_a_proposal_and_confirming_stores_it(service):
    cw = service.as_("caseworker")
    with service.runtime.sessions() as session:
        stored_before = session.scalar(select(func.count()).select_from(TeamRow))
    got = service.client.post("/editions/4/team-plan", json={"min_migrant_share": 0.3}, headers=cw)
    assert got.status_code == 200, got.text
    plan = got.json()
    assert plan["optimality_gap"] < 1e-9
    assert plan["objective"] >= plan["greedy_objective"] - 1e-9
    assert plan["independent_objective"] >= plan["objective"]
    for team in plan["teams"]:
        assert len(team["members"]) == team["seats"]
        assert team["migrants"] >= team["required_migrants"]
        assert all(m["reasons"] for m in team["members"])
    with service.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TeamRow)) == stored_before
        audit = session.scalar(
            select(AuditRow).where(AuditRow.action == "team.plan").order_by(AuditRow.id.desc())
        )
        assert audit is not None and len(audit.participants) == sum(
            len(t["members"]) for t in plan["teams"]
        )

    first = plan["teams"][0]
    locked = first["members"][0]["participant_id"]
    again = service.client.post(
        "/editions/4/team-plan",
        headers=cw,
        json={
            "locks": [
                {
                    "participant_id": locked,
                    "challenge_id": plan["teams"][1]["challenge_id"],
                    "join": True,
                }
            ]
        },
    )
    moved = {m["participant_id"] for m in again.json()["teams"][1]["members"]}
    assert locked in moved

    body = {
        "teams": [
            {
                "challenge_id": t["challenge_id"],
                "members": [m["participant_id"] for m in t["members"]],
            }
            for t in plan["teams"]
        ]
    }
    confirmed = service.client.put("/editions/4/teams", json=body, headers=cw)
    assert confirmed.status_code == 200, confirmed.text
    assert len(confirmed.json()) == len(plan["teams"])
    assert service.client.get("/editions/4/teams", headers=cw).json() == confirmed.json()
    view = service.client.get(
        f"/companies/{service.companies[0]}/matches?k=50", headers=service.as_("company")
    ).json()
    assert any(m["in_team"] for b in view["challenges"] for m in b["matches"])


def test_infeasible_plans_and_bad_confirmations_are_explained(service):
    cw = service.as_("caseworker")
    got = service.client.post("/editions/4/team-plan", json={"min_migrant_share": 0.9}, headers=cw)
    assert got.status_code == 422 and "migrants" in str(got.json()["detail"])
    plan = service.client.post("/editions/4/team-plan", json={}, headers=cw).json()
    members = [m["participant_id"] for m in plan["teams"][0]["members"]]
    locals_only = [m["participant_id"] for m in plan["teams"][0]["members"] if not m["migrant"]]
    cases = [
        ({"teams": [{"challenge_id": 1, "members": members}]}, "not in edition 4"),
        (
            {
                "teams": [
                    {"challenge_id": plan["teams"][0]["challenge_id"], "members": members},
                    {"challenge_id": plan["teams"][1]["challenge_id"], "members": members[:1]},
                ]
            },
            "in two teams",
        ),
        (
            {"teams": [{"challenge_id": plan["teams"][0]["challenge_id"], "members": locals_only}]},
            "need at least",
        ),
    ]
    for body, message in cases:
        bad = service.client.put("/editions/4/teams", json=body, headers=cw)
        assert bad.status_code == 422 and message in str(bad.json()["detail"]), bad.text


def test_niches_route(service):
    got = service.client.get(
        "/participants/3/niches?language=es", headers=service.as_("caseworker")
    )
    assert got.status_code == 200
    body = got.json()
    assert body["method"] == "learned" and len(body["suggestions"]) == 13
    assert (
        service.client.get("/participants/3/niches", headers=service.as_("company")).status_code
        == 403
    )
