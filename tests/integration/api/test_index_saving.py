"""A participant's change reaches the index files seconds later, written by the saving
thread, changes in between with it; an erasure reaches them at once; a stop before the
writing loses nothing (the next start repairs the index from the records)."""

import threading
import time

import numpy as np

from matching.index_files import KIND
from models.artefacts import versions
from service.runtime import open_runtime
from tests.integration.api.conftest import open_service
from tests.integration.api.test_records import NEW


def _saved_ids(matcher) -> set[int]:
    return set(matcher.index.load(matcher.index_root).ids.tolist())


def _register(svc, name: str) -> int:
    body = {**NEW, "display_name": name, "email": f"{name.split()[-1].lower()}@example.org"}
    made = svc.client.post("/participants", json=body, headers=svc.as_("caseworker"))
    assert made.status_code == 201, made.text
    return made.json()["participant_id"]


def test_registrations_are_written_together_after_the_request(service_template, tmp_path):
    svc = open_service(service_template, tmp_path / "var", index_save_seconds=120)
    matcher = svc.runtime.matcher
    before = [v.version for v in versions(matcher.index_root, KIND)]
    made = [_register(svc, f"Persona {i}") for i in range(3)]
    # answered before any file was written
    assert [v.version for v in versions(matcher.index_root, KIND)] == before
    assert matcher.saving.unsaved
    svc.runtime.close()  # a stop writes what waits, once
    after = [v.version for v in versions(matcher.index_root, KIND)]
    assert len(set(after) - set(before)) == 1 and set(made) <= _saved_ids(matcher)
    again = open_runtime(svc.settings)
    try:
        assert not again.sync.changed  # nothing to embed again
    finally:
        again.close()


def test_the_saving_thread_writes_by_itself(service_template, tmp_path):
    svc = open_service(service_template, tmp_path / "var", index_save_seconds=0.2)
    matcher = svc.runtime.matcher
    try:
        pid = _register(svc, "Persona sola")
        deadline = time.monotonic() + 30
        while matcher.saving.unsaved and time.monotonic() < deadline:
            time.sleep(0.05)
        with matcher.saving._writing:  # a write under way has finished
            assert not matcher.saving.unsaved and pid in _saved_ids(matcher)
    finally:
        svc.runtime.close()


def test_a_stop_before_the_writing_is_repaired_at_start(service_template, tmp_path):
    svc = open_service(service_template, tmp_path / "var", index_save_seconds=120)
    pid = _register(svc, "Persona perdida")
    assert pid not in _saved_ids(svc.runtime.matcher)
    # the process ends without closing: the saving thread's wait dies with it
    svc.runtime.feed.stop()
    svc.runtime.engine.dispose()
    again = open_runtime(svc.settings)
    try:
        assert again.sync.added == 1 and pid in again.matcher.index.ids
    finally:
        again.close()
        svc.runtime.matcher.saving.flush()  # the abandoned engine's thread ends here


def _held_on_disk(matcher, pid: int, key: bytes) -> list[str]:
    """Where the files still hold the person: index versions with their live row, and
    the embedding cache with their vector."""
    held = []
    for version in versions(matcher.index_root, KIND):
        with np.load(version.file("meta.npz")) as meta:
            if pid in meta["ids"][meta["alive"]]:
                held.append(version.version)
    with np.load(matcher.cache_file) as cache:
        if key in {bytes(k) for k in cache["keys"]}:
            held.append("embeddings.npz")
    return held


def test_an_erasure_while_a_registration_waits_leaves_no_vector_on_disk(service_template, tmp_path):
    svc = open_service(service_template, tmp_path / "var", index_save_seconds=0.3)
    matcher = svc.runtime.matcher
    try:
        pid = _register(svc, "Persona borrada")
        key = matcher.profile_keys[pid]
        deleted = svc.client.delete(f"/participants/{pid}", headers=svc.as_("caseworker"))
        assert deleted.status_code == 204
        assert len(versions(matcher.index_root, KIND)) == 1  # written at once, alone
        time.sleep(1.0)  # past the saving thread's turn
        assert not matcher.saving.unsaved
    finally:
        svc.runtime.close()
    assert _held_on_disk(matcher, pid, key) == []


def test_an_erasure_waits_for_an_older_copy_being_written_and_comes_after_it(
    service_template, tmp_path
):
    svc = open_service(service_template, tmp_path / "var", index_save_seconds=0.1)
    matcher = svc.runtime.matcher
    writing, release = threading.Event(), threading.Event()
    copy_of_cache = matcher.embedder.cache_snapshot

    def held_until_released():
        write = copy_of_cache()

        def write_when_released(path):
            writing.set()
            release.wait(60)
            write(path)

        return write_when_released

    matcher.embedder.cache_snapshot = held_until_released
    try:
        pid = _register(svc, "Persona retenida")
        key = matcher.profile_keys[pid]
        assert writing.wait(30)  # the saving thread writes a copy that holds them
        cw = svc.as_("caseworker")
        erasure = threading.Thread(
            target=svc.client.delete, args=(f"/participants/{pid}",), kwargs={"headers": cw}
        )
        erasure.start()
        erasure.join(0.5)
        assert erasure.is_alive()  # waiting for the older copy to be written
        release.set()
        erasure.join(60)
        assert _held_on_disk(matcher, pid, key) == []
    finally:
        release.set()
        svc.runtime.close()
