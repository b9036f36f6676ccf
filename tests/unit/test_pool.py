"""The participant column store keeps the latest row per participant and stays compact."""

import numpy as np

from matching.pool import N_NICHES, PROFILE_COLUMNS, ParticipantPool
from matching.text.profile_concepts import ProfileConcepts


def _skills(n: int, offset: int) -> ProfileConcepts:
    """Two skills each, the second one implied by stated experience."""
    return ProfileConcepts(
        skill_rows=np.array([[offset + i, offset + i + 1] for i in range(n)], np.int32).ravel(),
        skill_counts=np.full(n, 2, np.int32),
        implied=np.ones(n, np.int32),
        occupation_rows=np.zeros(0, np.int32),
        occupation_counts=np.zeros(n, np.int32),
        evidence=np.zeros((n, N_NICHES), np.float32),
        outside=np.zeros(n, np.float32),
        years=np.zeros((n, N_NICHES + 1), np.float32),
        recent=np.zeros((n, N_NICHES + 1), np.float32),
        read=np.zeros(n, np.int32),
    )


def test_updates_replace_rows_and_retired_rows_are_dropped(programme):
    frame = programme.participants[list(PROFILE_COLUMNS)].reset_index(drop=True)
    pool = ParticipantPool()
    pool.add_frame(frame, _skills(len(frame), 0))
    first = frame["participant_id"].iloc[0]
    for round_ in range(1, 5):  # re-add everyone: 4 x 508 retired rows
        pool.add_frame(frame, _skills(len(frame), round_))
    assert len(pool.row_of) == len(frame)
    # 2,032 rows were retired; compaction ran before the append that found over 1,000,
    # so at most the last append's rows plus the threshold remain retired
    assert pool.size < 5 * len(frame)
    assert pool.size - len(pool.row_of) <= 1000 + len(frame)
    rows = pool.rows([first])
    flat, _ = pool.skills_of(rows)
    assert flat.tolist() == [4, 5]  # the latest skills survive compaction
    assert pool["ids"][rows].tolist() == [first]

    pool.compact()
    assert pool.size == len(frame)
    assert np.array_equal(np.sort(pool["ids"]), np.sort(frame["participant_id"].to_numpy()))
    last = frame["participant_id"].iloc[-1]
    flat, _ = pool.skills_of(pool.rows([last]))
    assert flat.tolist() == [4 + len(frame) - 1, 4 + len(frame)]
    assert pool.implied_skills(int(pool.rows([last])[0])) == {4 + len(frame)}


def test_removed_participants_are_gone_after_compaction(programme):
    frame = programme.participants[list(PROFILE_COLUMNS)].reset_index(drop=True)
    pool = ParticipantPool()
    pool.add_frame(frame, _skills(len(frame), 0))
    gone = frame["participant_id"].iloc[:10].tolist()
    for pid in gone:
        assert pool.remove(pid)
    assert not pool.remove(gone[0])
    pool.compact()
    assert pool.size == len(frame) - 10
    assert not set(gone) & set(pool["ids"].tolist())
