"""Participant records into the concepts the engine ranks on.

A record may hold coded ESCO skills, skills in the person's own words, and a profile
text. All three become one skill set, each skill marked by where it came from (recorded,
or read from the text only); the text also gives evidence for each niche and years of
experience. When a record lists no skills at all, stated experience in a job
stands in for them: it implies that job's essential ESCO skills ("camarero, cinco años"
implies serving food and drinks). Those are added as *implied* skills, kept apart so
explanations can say so; a record with skills of its own keeps just those.

Free-text skills go through the same reader as profile texts; a phrase it cannot place
(a typo, a paraphrase) goes to the embedding model and is mapped to the nearest skill
label if their cosine similarity clears a threshold: the embedding is the fallback,
never the first resort.
"""

from __future__ import annotations

import multiprocessing
import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matching.domain.catalogue import Catalogue, load_catalogue
from matching.text.lexicon import N_NICHES
from matching.text.profile_concepts import ProfileConcepts
from matching.text.reader import TextReader, TextReading, text_reader
from models.embedder import Embedder

EMBEDDING_THRESHOLD = 0.62
READ_CHUNK = 10_000
# Below this many records, starting worker processes costs more than it saves.
PARALLEL_FROM = 100_000


@dataclass(frozen=True)
class SkillMatch:
    """A free-text phrase placed on an ESCO skill (a row of the skill table)."""

    phrase: str
    skill: int
    confidence: float
    method: str  # "label" or "embedding"


class ProfileReader:
    """Reads records' skills and texts with a :class:`TextReader`, falling back to the
    embedding model for free-text skills the labels do not cover.

    Parameters
    ----------
    catalogue:
        The project's skill table.
    reader:
        The text reader (lexicon and niche vocabulary).
    embedder:
        Used for phrases no label matches; None disables that step.
    threshold:
        Minimum cosine similarity for an embedding match.
    parallel_from:
        Batches of at least this many records are read by worker processes.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        reader: TextReader,
        embedder: Embedder | None,
        threshold: float = EMBEDDING_THRESHOLD,
        parallel_from: int = PARALLEL_FROM,
    ) -> None:
        self.catalogue = catalogue
        self.reader = reader
        self.embedder = embedder
        self.threshold = threshold
        self.parallel_from = parallel_from
        self._label_vectors: np.ndarray | None = None
        self._label_skill: np.ndarray | None = None
        index = catalogue.skill_index
        self._essential = [
            [index[u] for u in cell.split("|") if u in index]
            for cell in catalogue.occupations["essential"]
        ]

    def read(self, text: str) -> TextReading:
        return self.reader.read(text)

    def _labels(self) -> tuple[np.ndarray, np.ndarray]:
        if self._label_vectors is None:
            skills = self.catalogue.skills
            texts = list(skills["label_en"])
            owner = list(range(len(skills)))
            for i, es in enumerate(skills["label_es"]):
                if es:
                    texts.append(es)
                    owner.append(i)
            self._label_vectors = self.embedder.encode(texts)
            self._label_skill = np.asarray(owner)
        return self._label_vectors, self._label_skill

    def place_phrases(self, phrases: Sequence[str]) -> list[SkillMatch]:
        """Place each free-text skill on an ESCO skill, or drop it if nothing fits."""
        matches: list[SkillMatch] = []
        unplaced: list[str] = []
        for phrase in phrases:
            found = self.reader.read(phrase).skill_rows
            if found:
                matches.extend(SkillMatch(phrase, s, 1.0, "label") for s in found)
            else:
                unplaced.append(phrase)
        if unplaced and self.embedder is not None:
            vectors, owner = self._labels()
            sims = self.embedder.encode(unplaced) @ vectors.T
            best = sims.argmax(axis=1)
            for phrase, b, row in zip(unplaced, best, sims, strict=True):
                if row[b] >= self.threshold:
                    matches.append(SkillMatch(phrase, int(owner[b]), float(row[b]), "embedding"))
        return matches

    def read_profiles(
        self,
        coded: Sequence[Iterable[str]],
        free_text: Sequence[Sequence[str]],
        texts: Sequence[str],
    ) -> ProfileConcepts:
        """Skills, niche evidence and years of many profiles, read :data:`READ_CHUNK`
        at a time so that per-record Python objects never pile up; from
        ``parallel_from`` records on, the chunks are read by one worker process per
        core. Free-text skills that need the embedding model are embedded here, in one
        batch per chunk."""
        chunks = [
            (coded[i : i + READ_CHUNK], free_text[i : i + READ_CHUNK], texts[i : i + READ_CHUNK])
            for i in range(0, max(1, len(texts)), READ_CHUNK)
        ]
        if len(texts) >= self.parallel_from and len(chunks) > 1 and (workers := usable_cores()) > 1:
            read = _read_in_workers(self.catalogue.data_dir, chunks, workers)
        else:
            phrase_skills: dict[str, list[int]] = {}
            read = (self.read_chunk(*chunk, phrase_skills) for chunk in chunks)
        parts = [concepts.with_skills(self._placed(pending)) for concepts, pending in read]
        return parts[0] if len(parts) == 1 else ProfileConcepts.joined(parts)

    def read_chunk(
        self,
        coded: Sequence[Iterable[str]],
        free_text: Sequence[Sequence[str]],
        texts: Sequence[str],
        phrase_skills: dict[str, list[int]],
    ) -> tuple[ProfileConcepts, dict[str, list[int]]]:
        """The records' readings without the embedding model, and the free-text skills
        the labels did not place, with the rows that name them. ``phrase_skills``: what
        each free-text skill read as, shared by the chunks of one batch."""
        index = self.catalogue.skill_index
        n = len(texts)
        skill_rows, skill_counts = array("i"), np.zeros(n, np.int32)
        implied, read = np.zeros(n, np.int32), np.zeros(n, np.int32)
        occupation_rows, occupation_counts = array("i"), np.zeros(n, np.int32)
        evidence = np.zeros((n, N_NICHES), np.float32)
        outside = np.zeros(n, np.float32)
        years = np.zeros((n, N_NICHES + 1), np.float32)
        recent = np.zeros((n, N_NICHES + 1), np.float32)
        pending: dict[str, list[int]] = {}
        for row, (uris, phrases, text) in enumerate(zip(coded, free_text, texts, strict=True)):
            reading = self.reader.read(text or "")
            found = {index[u] for u in uris if u in index}
            for phrase in phrases:
                if phrase not in phrase_skills:
                    phrase_skills[phrase] = self.reader.read(phrase).skill_rows
                if phrase_skills[phrase]:
                    found.update(phrase_skills[phrase])
                else:
                    pending.setdefault(phrase, []).append(row)
            from_text = set(reading.skill_rows) - found
            by_work = {s for r in reading.worked_as for s in self._essential[r]}
            by_work -= found | from_text
            skill_rows.extend(sorted(found) + sorted(from_text) + sorted(by_work))
            skill_counts[row] = len(found) + len(from_text) + len(by_work)
            implied[row], read[row] = len(by_work), len(from_text)
            jobs = sorted({c.row for c in reading.occupations})
            occupation_rows.extend(jobs)
            occupation_counts[row] = len(jobs)
            evidence[row] = reading.niche_evidence()
            outside[row] = reading.outside_share
            years[row] = reading.years
            recent[row] = reading.recent_years
        concepts = ProfileConcepts(
            np.frombuffer(skill_rows, np.int32).copy(),
            skill_counts,
            implied,
            np.frombuffer(occupation_rows, np.int32).copy(),
            occupation_counts,
            evidence,
            outside,
            years,
            recent,
            read,
        )
        return concepts, pending

    def _placed(self, pending: dict[str, list[int]]) -> dict[int, set[int]]:
        """The skills the embedding model places ``pending``'s phrases on, per row."""
        added: dict[int, set[int]] = {}
        if pending and self.embedder is not None:
            for match in self.place_phrases(list(pending)):
                for row in pending[match.phrase]:
                    added.setdefault(row, set()).add(match.skill)
        return added


def usable_cores() -> int:
    """The cores this process may run on (all of them where the system cannot say)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# A worker process's own reader (see _read_in_workers).
_worker_reader: ProfileReader | None = None


def _start_worker(data_dir: Path) -> None:
    global _worker_reader
    _worker_reader = ProfileReader(load_catalogue(data_dir), text_reader(data_dir), None)


def _read_in_worker(chunk: tuple) -> tuple[ProfileConcepts, dict[str, list[int]]]:
    return _worker_reader.read_chunk(*chunk, {})


def _read_in_workers(data_dir: Path, chunks: list[tuple], workers: int) -> Iterator[tuple]:
    """``chunks`` read by ``workers`` processes, in order. Each builds its own reader
    of the catalogue (a few seconds); they start from a fresh server process, not as
    copies of this one, whose model and threads they must not share."""
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(data_dir,)
    ) as pool:
        yield from pool.map(_read_in_worker, chunks)
