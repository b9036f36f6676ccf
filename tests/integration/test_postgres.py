"""The same service code on PostgreSQL (the embedded default is SQLite).

Runs when MILMA_TEST_DATABASE_URL names an empty PostgreSQL database it may reset;
.ci/run starts one from Debian's packages (scripts/postgres-for-tests.sh).
"""

import os
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from matching.settings import Settings
from service.app import create_app
from service.change_feed import latest_version
from service.db import make_engine
from service.runtime import open_runtime, retrain
from service.security import create_key
from service.start_tables import read_tables, start_tables
from service.tables import Base
from tests.integration.api.test_records import NEW
from tests.integration.api.test_start_tables import assert_same_tables
from tests.servers import start_service, stop_service
from training_data.dataset import write_programme

URL = os.environ.get("MILMA_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not URL, reason="needs MILMA_TEST_DATABASE_URL (see .ci/run)")


def _reset(url: str) -> None:
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def test_service_round_trip_on_postgresql(tmp_path, programme, matcher):
    _reset(URL)
    settings = Settings(data_dir=tmp_path / "var", database_url=URL)
    write_programme(programme, settings.programme_dir)
    matcher.embedder.save_cache(settings.cache_dir / "embeddings.npz")
    runtime = open_runtime(settings)
    try:
        assert runtime.engine.dialect.name == "postgresql"
        retrain(runtime)
        with runtime.sessions() as session:
            cw = {"X-API-Key": create_key(session, "caseworker")[0]}
            company = {"X-API-Key": create_key(session, "company", 2)[0]}
            analyst = {"X-API-Key": create_key(session, "analyst")[0]}
        client = TestClient(create_app(settings, runtime))
        made = client.post(
            "/participants",
            headers=cw,
            json={
                "edition_id": 4,
                "display_name": "Pg Test",
                "profile_text": "Warehouse picker for "
                "five years in Cobo Calleja with a forklift licence.",
                "consent_share": True,
                "experience": [{"niche": "logistics", "years": 5}],
                "sensitive": {"migrant": True},
            },
        )
        assert made.status_code == 201, made.text
        pid = made.json()["participant_id"]
        challenge = client.get("/challenges?edition_id=4", headers=cw).json()["items"][0]
        listed = client.get(
            f"/challenges/{challenge['challenge_id']}/shortlist?k=200", headers=cw
        ).json()
        assert pid in [c["participant_id"] for c in listed["candidates"]]
        body = {
            "challenge_id": challenge["challenge_id"],
            "participant_id": pid,
            "event": "interviewed",
            "client_key": "pg-1",
        }
        first = client.post("/outcomes", headers=cw, json=body)
        again = client.post("/outcomes", headers=cw, json=body)
        assert (first.status_code, again.status_code) == (201, 200)
        assert client.get("/companies/2/matches", headers=company).status_code == 200
        plan = client.post("/editions/4/team-plan", headers=cw, json={}).json()
        confirm = client.put(
            "/editions/4/teams",
            headers=cw,
            json={
                "teams": [
                    {
                        "challenge_id": t["challenge_id"],
                        "members": [m["participant_id"] for m in t["members"]],
                    }
                    for t in plan["teams"]
                ]
            },
        )
        assert confirm.status_code == 200, confirm.text
        assert client.delete(f"/participants/{pid}", headers=cw).status_code == 204
        assert client.get("/audit?action=participant.erase", headers=analyst).json()["total"] == 1
    finally:
        runtime.close()
    restarted = open_runtime(settings)
    try:
        assert not restarted.sync.changed and pid not in restarted.matcher.index.ids
        # the tables this start saved, patched with a change made since, are the database's
        client = TestClient(create_app(settings, restarted))
        body = {"edition_id": 4, "display_name": "Pg Two", "profile_text": "Cook for years."}
        later = client.post("/participants", headers=cw, json=body).json()["participant_id"]
        with restarted.sessions() as session:
            version = latest_version(session)
            got = start_tables(session, settings.data_dir, version)
            assert_same_tables(got, read_tables(session))
        assert later in got.participants["participant_id"].tolist()
    finally:
        restarted.close()


def _shortlisted(base: str, headers: dict, cid: int) -> set[int]:
    listed = httpx.get(f"{base}/challenges/{cid}/shortlist?k=200", headers=headers, timeout=30)
    assert listed.status_code == 200, listed.text
    return {c["participant_id"] for c in listed.json()["candidates"]}


def test_two_workers_follow_each_other_on_postgresql(tmp_path, programme, matcher, output_dir):
    """Two `milma serve` processes on one PostgreSQL database and data dir: a write
    through one is in the other's shortlists within 2 s; after an erasure no shortlist
    of either names the person; a worker killed after a write catches up on restart."""
    _reset(URL)
    settings = Settings(data_dir=tmp_path / "var", database_url=URL)
    write_programme(programme, settings.programme_dir)
    matcher.embedder.save_cache(settings.cache_dir / "embeddings.npz")
    runtime = open_runtime(settings)
    retrain(runtime)
    with runtime.sessions() as session:
        cw = {"X-API-Key": create_key(session, "caseworker")[0]}
    runtime.close()
    env = {
        "MILMA_DATA_DIR": str(settings.data_dir),
        "MILMA_DATABASE_URL": URL,
        "MILMA_FEED_POLL_SECONDS": "0.2",
    }
    logs = [output_dir / f"pg-worker-{n}.log" for n in (1, 2)]
    workers = [start_service(env, log) for log in logs]
    try:
        (one, first), (_, second) = workers
        cid = httpx.get(f"{first}/challenges?edition_id=4", headers=cw).json()["items"][0][
            "challenge_id"
        ]
        made = httpx.post(f"{first}/participants", headers=cw, json=NEW, timeout=30)
        assert made.status_code == 201, made.text
        pid = made.json()["participant_id"]
        written = time.monotonic()
        while pid not in _shortlisted(second, cw, cid) and time.monotonic() - written < 2.0:
            time.sleep(0.05)
        assert pid in _shortlisted(second, cw, cid)

        assert httpx.delete(f"{second}/participants/{pid}", headers=cw).status_code == 204
        stale = sum(
            pid in _shortlisted(base, cw, cid) for _ in range(500) for base in (first, second)
        )
        assert stale == 0

        # a write acknowledged by the first worker, which is then killed
        again = httpx.post(f"{first}/participants", headers=cw, json=NEW, timeout=30)
        assert again.status_code == 201, again.text
        one.kill()
        one.wait()
        workers[0] = start_service(env, logs[0])
        first = workers[0][1]
        assert again.json()["participant_id"] in _shortlisted(first, cw, cid)
        time.sleep(1.0)  # a few polls of the feed
        versions = [httpx.get(f"{b}/ready").json()["feed_version"] for b in (first, second)]
        assert versions[0] == versions[1] == 4  # model, created, erased, created again
    finally:
        for process, _ in workers:
            stop_service(process)


def test_serve_starts_several_workers_on_postgresql(tmp_path, programme, matcher, output_dir):
    _reset(URL)
    settings = Settings(data_dir=tmp_path / "var", database_url=URL)
    write_programme(programme, settings.programme_dir)
    matcher.embedder.save_cache(settings.cache_dir / "embeddings.npz")
    env = {"MILMA_DATA_DIR": str(settings.data_dir), "MILMA_DATABASE_URL": URL}
    process, base = start_service(env, output_dir / "pg-workers.log", "--workers", "2")
    try:
        answers = [httpx.get(f"{base}/ready").json() for _ in range(20)]
        assert all(a["ready"] for a in answers)
    finally:
        stop_service(process)
