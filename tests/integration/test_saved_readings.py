"""Readings kept between starts: a restart reads again only the records that changed,
gets the same pool as a fresh reading, and an erasure takes a person's reading out."""

from dataclasses import fields

import numpy as np
import pytest

from matching.engine import Matcher
from matching.text.profile_concepts import ProfileConcepts
from matching.text.profiles import READ_CHUNK, ProfileReader, usable_cores


def _start(data_dir, embedder, participants, challenges, sensitive):
    engine = Matcher(embedder, data_dir=data_dir)
    read = []
    real = engine.profiles.read_profiles

    def counting(coded, free, texts):  # the real reader, counted
        read.append(len(texts))
        return real(coded, free, texts)

    engine.profiles.read_profiles = counting
    engine.load_programme(participants, challenges, sensitive)
    return engine, sum(read)


def _pool_columns(engine):
    rows = engine.pool.rows(np.sort(np.fromiter(engine.pool.row_of, np.int64)))
    pool = engine.pool
    return (
        pool.evidence[rows],
        pool.years[rows],
        pool.recent[rows],
        pool.cols["outside"][rows],
        [pool.skill_list(r).tolist() for r in rows],
    )


def test_a_restart_reads_only_changed_records(tmp_path, programme, embedder):
    people = programme.participants.iloc[:120].copy()
    for column in ("profile_text", "skills", "skills_text"):  # two people, the same words
        people[column] = people[column].astype(object)
        people.at[people.index[1], column] = people.at[people.index[0], column]
    args = (programme.challenges, programme.sensitive)
    _, read_first = _start(tmp_path, embedder, people, *args)
    assert read_first == 120 and (tmp_path / "cache" / "readings.npz").is_file()

    changed = people.copy()
    pid = int(changed["participant_id"].iloc[5])
    changed.loc[changed.index[5], "profile_text"] = (
        "Camarero con cinco años de experiencia en bares y restaurantes, servicio de mesas."
    )
    again, read_again = _start(tmp_path, embedder, changed, *args)
    assert read_again == 1

    fresh, _ = _start(tmp_path / "fresh", embedder, changed, *args)
    for kept, new in zip(_pool_columns(again), _pool_columns(fresh), strict=True):
        np.testing.assert_array_equal(np.asarray(kept, dtype=object), np.asarray(new, dtype=object))

    again.remove_participant(pid)
    with np.load(tmp_path / "cache" / "readings.npz") as saved:
        assert pid not in saved["ids"] and len(saved["ids"]) == 119


def test_readings_saved_before_the_recency_weighted_years_are_read_again(
    tmp_path, programme, embedder
):
    """A readings file of the layout before the recency-weighted years (no ``recent``)
    is not reused: every record is read again, and the pool holds what a fresh reading
    gives."""
    people = programme.participants.iloc[:40]
    args = (programme.challenges, programme.sensitive)
    _start(tmp_path, embedder, people, *args)
    path = tmp_path / "cache" / "readings.npz"
    with np.load(path) as saved:
        older = {name: saved[name] for name in saved.files if name != "recent"}
    np.savez(path, **older)
    again, read_again = _start(tmp_path, embedder, people, *args)
    assert read_again == 40
    fresh, _ = _start(tmp_path / "fresh", embedder, people, *args)
    for kept, new in zip(_pool_columns(again), _pool_columns(fresh), strict=True):
        np.testing.assert_array_equal(np.asarray(kept, dtype=object), np.asarray(new, dtype=object))


@pytest.mark.skipif(usable_cores() < 2, reason="workers need two cores")
def test_worker_processes_read_a_large_batch_as_one_process_does(programme, matcher):
    """Two chunks' worth of records, read by worker processes and by this one: the
    same skills (free-text ones placed by the model included), jobs, evidence and years."""
    people = programme.participants
    repeats = READ_CHUNK // len(people) + 2
    args = [
        people[column].tolist() * repeats for column in ("skills", "skills_text", "profile_text")
    ]
    assert any(args[1]), "some records must hold free-text skills"
    here = ProfileReader(matcher.catalogue, matcher.profiles.reader, matcher.embedder)
    apart = ProfileReader(
        matcher.catalogue, matcher.profiles.reader, matcher.embedder, parallel_from=1
    )
    alone, together = here.read_profiles(*args), apart.read_profiles(*args)
    assert len(together) == len(people) * repeats
    for name in (f.name for f in fields(ProfileConcepts)):
        np.testing.assert_array_equal(getattr(together, name), getattr(alone, name), err_msg=name)
