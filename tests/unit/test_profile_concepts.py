"""Readings kept as flat arrays: rows taken, joined and given skills stay aligned."""

from dataclasses import fields

import numpy as np

from matching import ragged
from matching.text.profile_concepts import ProfileConcepts


def _concepts(rows: list[list[int]], implied: list[int]) -> ProfileConcepts:
    n = len(rows)
    flat, counts = ragged.from_rows(rows)
    return ProfileConcepts(
        flat,
        counts,
        np.asarray(implied, np.int32),
        np.arange(n, dtype=np.int32),
        np.ones(n, np.int32),
        np.arange(n * 13, dtype=np.float32).reshape(n, 13),
        np.arange(n, dtype=np.float32),
        np.zeros((n, 14), np.float32),
        np.arange(n * 14, dtype=np.float32).reshape(n, 14),
        np.zeros(n, np.int32),
    )


def test_rows_taken_and_joined_keep_their_values():
    a = _concepts([[1, 2], [], [3, 4, 5]], [0, 0, 1])
    b = _concepts([[9]], [1])
    both = ProfileConcepts.joined([a, b])
    assert [r.tolist() for r in both.skills()] == [[1, 2], [], [3, 4, 5], [9]]
    picked = both.take(np.array([3, 0, 2]))
    assert [r.tolist() for r in picked.skills()] == [[9], [1, 2], [3, 4, 5]]
    assert picked.implied.tolist() == [1, 0, 1]
    assert picked.occupation_rows.tolist() == [0, 0, 2]  # b's own row 0, then a's 0 and 2
    np.testing.assert_array_equal(picked.evidence, both.evidence[[3, 0, 2]])
    np.testing.assert_array_equal(picked.recent, both.recent[[3, 0, 2]])
    for name in (f.name for f in fields(ProfileConcepts)):
        assert len(getattr(both.take(np.arange(4)), name)) == len(getattr(both, name))


def test_an_added_skill_is_stated_and_no_longer_implied():
    concepts = _concepts([[4, 7, 2, 9], [1]], [2, 0])  # row 0: 4, 7 stated; 2, 9 implied
    added = concepts.with_skills({0: {9, 5}, 1: {3}})
    assert [r.tolist() for r in added.skills()] == [[4, 5, 7, 9, 2], [1, 3]]
    assert added.implied.tolist() == [1, 0]
    assert concepts.with_skills({}) is concepts
