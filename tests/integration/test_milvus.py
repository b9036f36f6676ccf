"""The Milvus vector store (embedded milvus-lite) behind the engine: the same
shortlists as exact FAISS search at MILMA scale, the same filters, changes and erasure,
and a restart that reuses the collection."""

import numpy as np
import pytest

from matching.engine import Matcher
from matching.recall_probe import recall
from matching.search_filter import SearchFilter

pytest.importorskip("milvus_lite")


@pytest.fixture(scope="module")
def engines(programme, embedder, tmp_path_factory):
    folder = tmp_path_factory.mktemp("milvus")
    store = f"milvus://{folder / 'milvus.db'}"
    milvus = Matcher(embedder, data_dir=folder / "var", vector_store=store, fairness_rerank=False)
    faiss = Matcher(embedder, index_mode="exact", fairness_rerank=False)
    for engine in (milvus, faiss):
        engine.load_programme(
            programme.participants, programme.challenges, programme.sensitive, persist=True
        )
    return milvus, faiss, store, folder


def test_milvus_shortlists_match_exact_faiss(engines, programme):
    milvus, faiss, _, _ = engines
    assert milvus.index.factory.startswith("Milvus") and len(milvus.index) == len(faiss.index)
    overlaps = []
    for cid in programme.challenges["challenge_id"]:
        for options in ({}, {"whole_programme": True}, {"consent_only": True}):
            ours = [
                c.participant_id for c in milvus.shortlist(int(cid), k=20, **options).candidates
            ]
            exact = [
                c.participant_id for c in faiss.shortlist(int(cid), k=20, **options).candidates
            ]
            overlaps.append(len(set(ours) & set(exact)) / max(1, len(exact)))
    assert np.mean(overlaps) >= 0.98
    # retrieval itself, before ranking: HNSW in Milvus against exact search
    vectors = milvus.embedder.encode([v.text for v in milvus.challenges.values()])
    found, _ = milvus.index.search(vectors, 50)
    exact, _ = faiss.index.search(vectors, 50)
    assert recall(found, exact) >= 0.98


def test_milvus_filters_changes_and_erasure(engines, programme):
    milvus, faiss, _, _ = engines
    index = milvus.index
    queries = faiss.index.vectors(programme.participants["participant_id"][:5])
    flt = SearchFilter(edition_id=2, consent_only=True, exclude=(3,))
    ids, _ = index.search(queries, 30, flt)
    table = index.table().set_index("participant_id")
    found = ids[ids >= 0]
    assert len(found) and 3 not in found
    assert (table.loc[found, "edition"] == 2).all() and table.loc[found, "consent"].all()

    pid = int(found[0])
    milvus.set_participant_flags(pid, available=False, persist=False)
    assert pid not in index.search(queries, 50, flt)[0]
    milvus.remove_participant(pid)
    assert pid not in index.ids
    assert pid not in index.search(queries, 50, SearchFilter(available_only=False))[0]
    with pytest.raises(KeyError):
        index.vectors([pid])


def test_milvus_index_is_reused_after_a_restart(engines, programme, embedder):
    milvus, _, store, folder = engines
    again = Matcher(embedder, data_dir=folder / "var", vector_store=store)
    report = again.load_programme(programme.participants, programme.challenges, programme.sensitive)
    assert not report.rebuilt and again.index.collection == milvus.index.collection
    # the erased participant of the test before is the one record the repair adds back
    assert report.added <= 1 and report.updated == 0
    assert len(again.index) == len(programme.participants)


def test_a_milvus_that_does_not_answer_is_a_clear_error(tmp_path):
    from matching.milvus_index import MilvusParticipantIndex
    from matching.search_filter import VectorStoreUnavailableError

    index = MilvusParticipantIndex(str(tmp_path / "gone.db"), 4)
    index.upsert([1, 2], np.eye(4, dtype=np.float32)[:2], [1, 1], [True, True], [True, True])
    assert index.reachable() and index.search(np.eye(4)[0], 2)[0][0, 0] == 1
    index.client.close()
    assert not index.reachable()
    with pytest.raises(VectorStoreUnavailableError, match="did not answer"):
        index.search(np.eye(4)[0], 2)
