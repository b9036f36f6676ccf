"""Two engines on one database follow each other through the change feed.

Two runtimes in one process stand for two workers of ``milma serve --workers 2``: the
same data dir (database, saved index, models) and each its own engine in memory, so a
write through one reaches the other only through the feed. The two-process version on
PostgreSQL is in test_postgres.py.
"""

import shutil
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from matching.index_files import KIND
from matching.settings import Settings
from matching.training import publish_ranker
from models.artefacts import versions
from service.app import create_app
from service.change_feed import MODELS, latest_version
from service.runtime import open_runtime, retrain
from service.tables import ChangeRow
from service.without_waiting import WouldWaitError
from tests.integration.api.test_records import NEW, _latest_challenge


@pytest.fixture
def pair(service_template, tmp_path):
    folder, keys, _ = service_template
    shutil.copytree(folder, tmp_path / "var")
    runtimes = [open_runtime(Settings(data_dir=tmp_path / "var")) for _ in "ab"]
    clients = [TestClient(create_app(r.settings, r)) for r in runtimes]
    yield runtimes, clients, {"X-API-Key": keys["caseworker"]}, {"X-API-Key": keys["admin"]}
    for runtime in runtimes:
        runtime.close()


def _shortlisted(client, headers, cid) -> set[int]:
    listed = client.get(f"/challenges/{cid}/shortlist?k=200", headers=headers).json()
    return {c["participant_id"] for c in listed["candidates"]}


def _corrected(client, headers, cid) -> set[int]:
    listed = client.get(f"/challenges/{cid}/shortlist?k=5", headers=headers).json()
    return {o["participant_id"] for o in listed["overrides"]}


def test_the_event_loop_leaves_another_workers_changes_to_the_thread_pool(pair):
    (_a, b), (ca, cb), cw, _ = pair
    cid = _latest_challenge(ca, cw)
    pid = ca.post("/participants", json=NEW, headers=cw).json()["participant_id"]
    start = b.feed.applied
    with b.feed.without_applying(), b.sessions() as session, pytest.raises(WouldWaitError):
        b.feed.catch_up(session)
    assert b.feed.applied == start and pid not in b.matcher.pool.row_of
    assert pid in _shortlisted(cb, cw, cid)  # the shortlist applies it on the thread pool
    assert b.feed.applied > start


def test_writes_through_one_engine_reach_the_other(pair):
    (a, b), (ca, cb), cw, admin = pair
    cid = _latest_challenge(ca, cw)
    start = b.feed.applied
    made = ca.post("/participants", json=NEW, headers=cw)
    assert made.status_code == 201, made.text
    pid = made.json()["participant_id"]
    assert pid in _shortlisted(ca, cw, cid) and pid not in b.matcher.pool.row_of
    assert b.feed.catch_up() == 1
    assert pid in _shortlisted(cb, cw, cid)
    # a recommendation applies the feed first: nothing acknowledged is missing from it
    other = ca.post("/participants", json=NEW, headers=cw).json()["participant_id"]
    assert other in _shortlisted(cb, cw, cid)

    # an edit through B re-reads the record in A: the new text's vector, not the old one
    before = a.matcher.index.vectors([pid])[0]
    patched = cb.patch(
        f"/participants/{pid}", json={"profile_text": "Forklift driver in a warehouse."}, headers=cw
    )
    assert patched.status_code == 200, patched.text
    a.feed.catch_up()
    after = a.matcher.index.vectors([pid])[0]
    np.testing.assert_array_equal(after, b.matcher.index.vectors([pid])[0])
    assert float(after @ before) < 0.99

    # consent withdrawn through A: B's consent-only shortlists drop the person
    assert (
        ca.put(
            f"/participants/{pid}/consent",
            json={"granted": False, "text_version": "v3"},
            headers=cw,
        ).status_code
        == 200
    )
    b.feed.catch_up()
    kept = b.matcher.shortlist(cid, k=200, consent_only=True).candidates
    assert pid not in {c.participant_id for c in kept}

    # a challenge saved through B, a model published through A
    challenge = cb.patch(f"/challenges/{cid}", json={"seats": 9}, headers=cw)
    assert challenge.status_code == 200, challenge.text
    a.feed.catch_up()
    assert a.matcher.challenge(cid).seats == 9
    result = retrain(a)  # the gate may keep the serving ranker: publish this one anyway
    with a.sessions() as session, a.feed.local_change(session, MODELS, [None]):
        publish_ranker(a.matcher, result)
        session.commit()
    b.feed.catch_up()
    assert b.matcher.scorer.version == a.matcher.scorer.version == result.artefact.version

    # every change was applied once where it was made: the feed moved, nothing is pending
    assert a.feed.applied == b.feed.applied == latest_version(a.sessions()) > start
    assert a.feed.catch_up() == b.feed.catch_up() == 0
    assert cb.get("/ready").json()["feed_version"] == b.feed.applied
    assert cb.get("/admin/status", headers=admin).json()["feed_version"] == b.feed.applied


def test_an_erasure_is_total_in_the_other_engine(pair):
    (_a, b), (ca, cb), cw, _ = pair
    cid = _latest_challenge(ca, cw)
    pid = ca.post("/participants", json=NEW, headers=cw).json()["participant_id"]
    pin = {"participant_id": pid, "action": "pin", "reason": "knows_the_person", "note": "x"}
    assert ca.post(f"/challenges/{cid}/overrides", json=pin, headers=cw).status_code == 201
    b.feed.catch_up()
    key = b.matcher.profile_keys[pid]
    assert b.matcher.embedder.holds(key)
    for client in (ca, cb):  # both workers now keep the pin among the corrections
        assert pid in _corrected(client, cw, cid)
    assert ca.delete(f"/participants/{pid}", headers=cw).status_code == 204
    b.feed.catch_up()
    assert pid not in b.matcher.pool.row_of and pid not in b.matcher.index.ids
    assert pid not in b.matcher.profile_keys and not b.matcher.embedder.holds(key)
    for client in (ca, cb):
        assert pid not in _shortlisted(client, cw, cid)
        assert pid not in _corrected(client, cw, cid)  # their pin went with them
    # B saved its index at once, and only that version: no file holds their vector
    saved = b.matcher.index.load(b.matcher.index_root)
    assert saved.version == b.matcher.index.version and pid not in saved.ids
    assert [v.version for v in versions(b.matcher.index_root, KIND)] == [saved.version]


def test_the_follower_thread_applies_changes_within_two_seconds(pair):
    (_a, b), (ca, cb), cw, _ = pair
    cid = _latest_challenge(ca, cw)
    b.feed.follow(every_seconds=0.2)
    made = ca.post("/participants", json=NEW, headers=cw).json()["participant_id"]
    deadline = time.monotonic() + 2.0  # no request to B meanwhile: only its thread
    while made not in b.matcher.pool.row_of and time.monotonic() < deadline:
        time.sleep(0.05)
    assert made in b.matcher.pool.row_of and made in _shortlisted(cb, cw, cid)


def test_a_worker_that_was_down_catches_up_when_it_starts(pair):
    (_a, b), (ca, _), cw, _ = pair
    settings = b.settings
    b.close()
    pid = ca.post("/participants", json=NEW, headers=cw).json()["participant_id"]
    again = open_runtime(settings)
    try:
        assert pid in again.matcher.pool.row_of
        with again.sessions() as session:
            newest = session.scalar(select(ChangeRow.version).order_by(ChangeRow.version.desc()))
        assert again.feed.applied == newest and again.feed.catch_up() == 0
    finally:
        again.close()


def test_what_a_worker_keeps_is_dropped_when_another_changes_it(pair):
    """Keys, corrections and the stop switch are kept between requests by each worker;
    a change made through the other worker reaches it through the feed."""
    (_, b), (ca, cb), cw, admin = pair
    cid = _latest_challenge(ca, cw)
    first = sorted(_shortlisted(cb, cw, cid))[0]  # B now keeps this challenge's corrections

    excluded = ca.post(
        f"/challenges/{cid}/overrides",
        json={"participant_id": first, "action": "exclude", "reason": "not_a_fit"},
        headers=cw,
    )
    assert excluded.status_code == 201, excluded.text
    assert first not in _shortlisted(cb, cw, cid)  # a recommendation reads the feed first

    made = ca.post("/admin/keys", json={"role": "caseworker"}, headers=admin).json()
    temp = {"X-API-Key": made["key"]}
    assert cb.get(f"/challenges/{cid}/shortlist?k=5", headers=temp).status_code == 200
    assert ca.delete(f"/admin/keys/{made['id']}", headers=admin).status_code == 204
    assert ca.get(f"/challenges/{cid}/shortlist?k=5", headers=temp).status_code == 401
    b.feed.catch_up()  # what B's poller does every half second
    assert cb.get(f"/challenges/{cid}/shortlist?k=5", headers=temp).status_code == 401

    paused = ca.put("/admin/controls", json={"mode": "paused", "reason": "audit"}, headers=admin)
    assert paused.status_code == 200, paused.text
    assert cb.get(f"/challenges/{cid}/shortlist?k=5", headers=cw).status_code == 503


def test_a_workers_delayed_save_applies_another_workers_erasure_first(pair):
    """B registers someone and saves later; A erases someone meanwhile. The copy B
    writes to the shared data dir must not bring the erased person's vector back."""
    (_a, b), (ca, cb), cw, _ = pair
    erased = ca.post("/participants", json=NEW, headers=cw).json()["participant_id"]
    b.feed.catch_up()
    assert erased in b.matcher.index.ids
    b.matcher.saving.delay_s = 120  # the save waits until this test makes it
    assert cb.post("/participants", json=NEW, headers=cw).status_code == 201
    assert ca.delete(f"/participants/{erased}", headers=cw).status_code == 204
    b.matcher.saving._save_copy()  # the saving thread's turn comes
    saved = b.matcher.index.load(b.matcher.index_root)
    assert saved.version == b.matcher.index.version and erased not in saved.ids
