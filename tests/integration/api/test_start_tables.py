"""A start reads the tables the previous start saved and reads again only what the change
feed names as changed since: what the engine gets must be what the database holds."""

import logging

import pandas as pd
from sqlalchemy import update

from service.change_feed import latest_version
from service.runtime import ensure_database, open_runtime
from service.saved_tables import read_saved_table, saved_manifest
from service.start_tables import StartTables, read_tables, start_tables
from service.tables import ParticipantRow
from tests.integration.api.conftest import open_service
from tests.integration.api.test_records import NEW, _latest_challenge


def assert_same_tables(got: StartTables, database: StartTables) -> None:
    pd.testing.assert_frame_equal(got.participants, database.participants)
    pd.testing.assert_frame_equal(
        got.sensitive.sort_values("participant_id", ignore_index=True),
        database.sensitive.sort_values("participant_id", ignore_index=True),
    )
    pd.testing.assert_frame_equal(got.outcomes, database.outcomes)


def _at_start(settings) -> tuple[StartTables, StartTables]:
    """What a start would take now, and what the database holds."""
    engine, sessions, _ = ensure_database(settings)
    try:
        with sessions() as session:
            version = latest_version(session)
            return start_tables(session, settings.data_dir, version), read_tables(session)
    finally:
        engine.dispose()


def test_saved_tables_patched_from_the_feed_are_the_databases(service_template, tmp_path):
    svc = open_service(service_template, tmp_path / "var")
    cw = svc.as_("caseworker")
    saved = saved_manifest(svc.settings.data_dir)
    assert saved is not None  # the start saved them
    client = svc.client
    made = client.post("/participants", json=NEW, headers=cw).json()["participant_id"]
    assert client.patch(
        "/participants/5", headers=cw, json={"profile_text": "Gardener for ten years."}
    ).is_success
    assert client.put(
        "/participants/6/consent", headers=cw, json={"granted": False, "text_version": "v2"}
    ).is_success
    assert client.put("/participants/7/sensitive", headers=cw, json={"migrant": True}).is_success
    cid = _latest_challenge(client, cw)
    body = {"challenge_id": cid, "participant_id": made, "event": "interviewed"}
    assert client.post("/outcomes", json=body, headers=cw).status_code == 201
    svc.runtime.close()

    got, database = _at_start(svc.settings)
    assert_same_tables(got, database)
    assert made in got.participants["participant_id"].tolist()
    # five changes of 500 people: patched in memory, the saved files left as they were
    assert saved_manifest(svc.settings.data_dir)[0] == saved[0]


def test_an_erasure_deletes_the_saved_tables_and_the_next_start_saves_them_without_the_person(
    service_template, tmp_path
):
    svc = open_service(service_template, tmp_path / "var")
    cw = svc.as_("caseworker")
    assert svc.client.delete("/participants/8", headers=cw).status_code == 204
    assert saved_manifest(svc.settings.data_dir) is None
    svc.runtime.close()

    again = open_runtime(svc.settings)
    cid = _latest_challenge(svc.client, cw)
    from_database = again.matcher.shortlist(cid, k=50).model_dump(exclude={"index_version"})
    again.close()
    folder, _ = saved_manifest(svc.settings.data_dir)
    assert 8 not in read_saved_table(folder, "participants")["participant_id"].tolist()
    assert 8 not in read_saved_table(folder, "outcomes")["participant_id"].tolist()

    restarted = open_runtime(svc.settings)  # from the files this time
    try:
        shortlist = restarted.matcher.shortlist(cid, k=50)
        assert shortlist.model_dump(exclude={"index_version"}) == from_database
    finally:
        restarted.close()


def test_rows_changed_around_the_feed_send_the_start_to_the_database(
    service_template, tmp_path, caplog
):
    svc = open_service(service_template, tmp_path / "var")
    svc.runtime.close()
    with svc.runtime.sessions() as session:  # edited by hand: no change row
        session.execute(
            update(ParticipantRow)
            .where(ParticipantRow.id == 9)
            .values(profile_text="Cook for six years.", version=ParticipantRow.version + 1)
        )
        session.commit()
    with caplog.at_level(logging.WARNING):
        got, database = _at_start(svc.settings)
    assert "disagree with the database" in caplog.text
    assert_same_tables(got, database)
    texts = got.participants.set_index("participant_id")["profile_text"]
    assert texts[9] == "Cook for six years."


def test_a_start_told_to_read_the_database_saves_the_tables_anew(service_template, tmp_path):
    svc = open_service(service_template, tmp_path / "var")
    svc.runtime.close()
    before, _ = saved_manifest(svc.settings.data_dir)
    open_runtime(svc.settings, saved_tables=False).close()
    after, _ = saved_manifest(svc.settings.data_dir)
    assert after != before and not before.exists()
    open_runtime(svc.settings).close()  # a usual start keeps them
    assert saved_manifest(svc.settings.data_dir)[0] == after


def test_damaged_saved_tables_are_skipped_and_the_database_read(service_template, tmp_path, caplog):
    svc = open_service(service_template, tmp_path / "var")
    svc.runtime.close()
    folder, _ = saved_manifest(svc.settings.data_dir)
    (folder / "participants.parquet").write_bytes(b"not parquet")
    with caplog.at_level(logging.WARNING):
        got, database = _at_start(svc.settings)
    assert "skipping artefact" in caplog.text
    assert_same_tables(got, database)
    assert saved_manifest(svc.settings.data_dir) is not None  # saved again, whole
