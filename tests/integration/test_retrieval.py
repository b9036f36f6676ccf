"""The FAISS index: exact search equals brute force, filters hold, changes persist."""

from pathlib import Path

import numpy as np
import pytest

from matching.recall_probe import recall_probe, tune
from matching.retrieval import ParticipantIndex
from matching.search_filter import SearchFilter
from models.artefacts import latest


def _unit(rng, n, d=32):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _same_topk(ids, scores, ref_ids, ref_scores):
    """Tie-tolerant: scores agree, and ids agree wherever scores are not tied."""
    np.testing.assert_allclose(scores, ref_scores, atol=1e-5)
    distinct = np.abs(np.diff(ref_scores, prepend=np.inf)) > 1e-6
    distinct &= np.abs(np.diff(ref_scores, append=-np.inf)) > 1e-6
    assert (ids[distinct] == ref_ids[distinct]).all()


def test_exact_search_equals_numpy_with_filters(matcher):
    index = matcher.index
    ids = index.ids
    vectors = index.vectors(ids)
    table = index.table().set_index("participant_id").loc[ids]
    queries = np.stack([matcher.challenge_vector(c) for c in list(matcher.challenges)[:10]])
    for flt in (
        SearchFilter(available_only=False),
        SearchFilter(edition_id=2),
        SearchFilter(edition_id=3, consent_only=True),
    ):
        mask = np.ones(len(ids), bool)
        if flt.edition_id is not None:
            mask &= table["edition"].to_numpy() == flt.edition_id
        if flt.available_only:
            mask &= table["available"].to_numpy()
        if flt.consent_only:
            mask &= table["consent"].to_numpy()
        got_ids, got_scores = index.search(queries, 20, flt)
        sims = queries @ vectors[mask].T
        for q in range(len(queries)):
            order = np.argsort(-sims[q], kind="stable")[:20]
            _same_topk(got_ids[q], got_scores[q], ids[mask][order], sims[q][order])


def test_upsert_remove_and_reload(tmp_path):
    rng = np.random.default_rng(0)
    index = ParticipantIndex(32)
    x = _unit(rng, 300)
    ids = np.arange(1, 301)
    index.upsert(
        ids, x, editions=np.ones(300), available=np.ones(300, bool), consent=np.ones(300, bool)
    )
    index.remove([5, 6])
    replaced = _unit(rng, 1)
    index.upsert([7], replaced, editions=[1], available=[True], consent=[True])
    found, _ = index.search(x[4], 300)
    assert 5 not in found and 6 not in found and len(index) == 298
    np.testing.assert_allclose(index.vectors([7])[0], replaced[0])
    index.save(tmp_path)
    back = ParticipantIndex.load(tmp_path)
    assert sorted(back.ids) == sorted(index.ids)
    q = _unit(rng, 5)
    for a, b in zip(index.search(q, 10), back.search(q, 10), strict=True):
        np.testing.assert_array_equal(a, b)
    back.remove([7])
    back.save(tmp_path)
    again = ParticipantIndex.load(tmp_path)
    assert 7 not in again.ids and again.data_hash() == back.data_hash()


def test_damaged_index_file_is_refused(tmp_path):
    rng = np.random.default_rng(1)
    index = ParticipantIndex(32)
    index.upsert([1, 2], _unit(rng, 2), [1, 1], [True, True], [True, True])
    good = index.save(tmp_path)
    index.upsert([3], _unit(rng, 1), [1], [True], [True])
    newest = index.save(tmp_path)
    path = newest.file("index.faiss")
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    assert latest(tmp_path, "participant-index").version == good.version
    assert sorted(ParticipantIndex.load(tmp_path).ids) == [1, 2]


def test_forced_approximate_mode_switches_to_hnsw_and_filters():
    rng = np.random.default_rng(2)
    index = ParticipantIndex(32, mode="approximate", exact_limit=10)
    n = 3000
    x = _unit(rng, n)
    editions = rng.integers(1, 4, n)
    index.upsert(np.arange(n), x, editions, np.ones(n, bool), rng.random(n) < 0.5)
    assert index.approximate and index.factory.startswith("HNSW32")
    ids, _ = index.search(x[:20], 50, SearchFilter(edition_id=2, consent_only=True))
    table = index.table().set_index("participant_id")
    got = ids[ids >= 0]
    assert (table.loc[got, "edition"] == 2).all() and table.loc[got, "consent"].all()
    assert recall_probe(index, x[:50], 50) >= 0.98


def test_bad_arguments():
    index = ParticipantIndex(4)
    with pytest.raises(ValueError, match="shape"):
        index.upsert([1], np.ones((1, 3)), [1], [True], [True])
    with pytest.raises(ValueError, match="positive"):
        index.search(np.ones(4), 0)


def _brute_force(index, queries, flt, k):
    """The exact answer from the index's own table and vectors, with numpy."""
    table = index.table()
    mask = (
        flt.admits(
            np.ones(len(table), bool),
            table["edition"].to_numpy(),
            table["available"].to_numpy(),
            table["consent"].to_numpy(),
        )
        & ~table["participant_id"].isin(flt.exclude).to_numpy()
    )
    ids = table["participant_id"].to_numpy()[mask]
    sims = queries @ index.vectors(ids).T
    order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return ids[order], np.take_along_axis(sims, order, axis=1)


def test_edition_blocks_stay_exact_through_changes(tmp_path):
    """A first load is stored edition by edition; later additions, replacements and
    removals (the tail, retired rows) still give the exact answer, before and after a
    save and a load."""
    rng = np.random.default_rng(3)
    index = ParticipantIndex(32)
    n = 2000
    index.upsert(
        np.arange(1, n + 1),
        _unit(rng, n),
        rng.integers(1, 6, n),
        rng.random(n) < 0.8,
        rng.random(n) < 0.6,
    )
    index.upsert(
        np.arange(n + 1, n + 301),
        _unit(rng, 300),
        rng.integers(1, 7, 300),
        np.ones(300, bool),
        np.ones(300, bool),
    )
    index.upsert(
        np.arange(10, 60), _unit(rng, 50), np.full(50, 6), np.ones(50, bool), np.ones(50, bool)
    )
    index.remove(np.arange(100, 140))
    queries = _unit(rng, 8)
    for current in (index, (index.save(tmp_path), ParticipantIndex.load(tmp_path))[1]):
        for flt in (
            SearchFilter(edition_id=2),
            SearchFilter(edition_id=6, consent_only=True),
            SearchFilter(edition_id=3, exclude=(5, 6, 7)),
            SearchFilter(edition_id=9),
        ):
            got_ids, got_scores = current.search(queries, 25, flt)
            ref_ids, ref_scores = _brute_force(current, queries, flt, 25)
            for q in range(len(queries)):
                found = got_ids[q] >= 0
                assert found.sum() == ref_ids.shape[1]
                _same_topk(got_ids[q][found], got_scores[q][found], ref_ids[q], ref_scores[q])


def test_removed_vectors_are_zeroed_in_memory_and_on_disk(tmp_path):
    rng = np.random.default_rng(4)
    index = ParticipantIndex(32)
    x = _unit(rng, 50)
    index.upsert(np.arange(50), x, np.ones(50), np.ones(50, bool), np.ones(50, bool))
    index.remove([7])
    index.save(tmp_path)
    for current in (index, ParticipantIndex.load(tmp_path)):
        stored = current._vector_view()
        assert not np.isclose(stored @ x[7], 1.0, atol=1e-4).any()
        assert 7 not in current.search(x[7], 50, SearchFilter(available_only=False))[0]


def test_tune_reaches_the_recall_target_and_is_kept(tmp_path):
    """The recall probe picks the smallest efSearch step that reaches recall@50 0.98 on
    clustered vectors (near duplicates, as real profiles are), and the index keeps it."""
    rng = np.random.default_rng(5)
    centres = _unit(rng, 60)
    x = centres[rng.integers(0, 60, 6000)] + rng.normal(0, 0.08, (6000, 32)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    index = ParticipantIndex(
        32, mode="approximate", exact_limit=10, hnsw_m=8, ef_construction=40, ef_search=16
    )
    index.upsert(np.arange(6000), x, np.ones(6000), np.ones(6000, bool), np.ones(6000, bool))
    queries = _unit(rng, 60)
    assert recall_probe(index, queries, 50) < 0.95  # efSearch 16 misses
    probe = tune(index, queries)
    assert probe["recall"] >= 0.98 and index.ef_search == probe["ef_search"]
    assert recall_probe(index, queries, 50) == pytest.approx(probe["recall"])
    index.save(tmp_path)
    back = ParticipantIndex.load(tmp_path)
    assert back.probe == probe and back.ef_search == probe["ef_search"]
    exact = ParticipantIndex(32)
    assert tune(exact, queries)["recall"] == 1.0


def _resident_kb(path) -> int:
    """How much of a mapped file this process holds in memory (Linux's smaps)."""
    held, inside = 0, False
    for line in Path("/proc/self/smaps").read_text(encoding="utf-8").splitlines():
        if "-" in line.split()[0]:  # a mapping's first line
            inside = line.endswith(str(path))
        elif inside and line.startswith("Rss:"):
            held += int(line.split()[1])
    return held


def test_imported_vectors_are_held_once_by_the_index(tmp_path):
    """A bulk import from a memory-mapped file leaves none of the file's pages with the
    process: the index keeps the only copy."""
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(60_000, 384)).astype(np.float32)
    path = tmp_path / "vectors.npy"
    np.save(path, rows / np.linalg.norm(rows, axis=1, keepdims=True))
    mapped = np.load(path, mmap_mode="r")
    index = ParticipantIndex(384, mode="exact")
    n = len(mapped)
    index.upsert(np.arange(n), mapped, np.arange(n) % 4, np.ones(n, bool), np.ones(n, bool))
    assert _resident_kb(path) == 0
    np.testing.assert_array_equal(index.vectors([0, n - 1]), mapped[[0, n - 1]])
