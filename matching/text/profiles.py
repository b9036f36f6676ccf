"""Participant records into the concepts the engine ranks on.

A record may hold coded ESCO skills, skills in the person's own words, and a profile
text. All three become one skill set; the text also gives evidence for each niche and
years of experience. When a record lists no skills at all, stated experience in a job
stands in for them: it implies that job's essential ESCO skills ("camarero, cinco años"
implies serving food and drinks). Those are added as *implied* skills, kept apart so
explanations can say so; a record with skills of its own keeps just those.

Free-text skills go through the same reader as profile texts; a phrase it cannot place
(a typo, a paraphrase) goes to the embedding model and is mapped to the nearest skill
label if their cosine similarity clears a threshold: the embedding is the fallback,
never the first resort.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from matching.domain.catalogue import Catalogue
from matching.text.lexicon import N_NICHES
from matching.text.reader import TextReader, TextReading
from models.embedder import Embedder

EMBEDDING_THRESHOLD = 0.62


@dataclass(frozen=True)
class SkillMatch:
    """A free-text phrase placed on an ESCO skill (a row of the skill table)."""

    phrase: str
    skill: int
    confidence: float
    method: str  # "label" or "embedding"


@dataclass
class ProfileConcepts:
    """What the engine keeps of many profiles' text, aligned with the records."""

    skills: list[list[int]]  # stated skills first, then implied ones
    implied: list[int]  # how many of each row's skills are implied by stated experience
    occupations: list[list[int]]  # occupation rows named in the text
    evidence: np.ndarray  # (n, 13) niche evidence from the text, 0..2
    outside: np.ndarray  # (n,) share of job-title evidence outside the 13 niches
    years: np.ndarray  # (n, 14) years of experience read, per niche + outside
    languages: list[str | None]


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
    """

    def __init__(
        self,
        catalogue: Catalogue,
        reader: TextReader,
        embedder: Embedder | None,
        threshold: float = EMBEDDING_THRESHOLD,
    ) -> None:
        self.catalogue = catalogue
        self.reader = reader
        self.embedder = embedder
        self.threshold = threshold
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
        """Skills, niche evidence and years of many profiles; free-text skills that need
        the embedding model are embedded in one batch."""
        index = self.catalogue.skill_index
        n = len(texts)
        skills: list[set[int]] = []
        implied: list[set[int]] = []
        occupations: list[list[int]] = []
        evidence = np.zeros((n, N_NICHES))
        outside = np.zeros(n)
        years = np.zeros((n, N_NICHES + 1))
        languages: list[str | None] = []
        pending: dict[str, list[int]] = {}
        phrase_skills: dict[str, list[int]] = {}
        for row, (uris, phrases, text) in enumerate(zip(coded, free_text, texts, strict=True)):
            reading = self.reader.read(text or "")
            uris = list(uris)
            found = {index[u] for u in uris if u in index}
            found.update(reading.skill_rows)
            for phrase in phrases:
                if phrase not in phrase_skills:
                    phrase_skills[phrase] = self.reader.read(phrase).skill_rows
                if phrase_skills[phrase]:
                    found.update(phrase_skills[phrase])
                else:
                    pending.setdefault(phrase, []).append(row)
            skills.append(found)
            implied.append({s for r in reading.worked_as for s in self._essential[r]} - found)
            occupations.append(sorted({c.row for c in reading.occupations}))
            evidence[row] = reading.niche_evidence()
            outside[row] = reading.outside_share
            years[row] = reading.years
            languages.append(reading.language)
        if pending and self.embedder is not None:
            for match in self.place_phrases(list(pending)):
                for row in pending[match.phrase]:
                    skills[row].add(match.skill)
        return ProfileConcepts(
            [sorted(s) + sorted(i - s) for s, i in zip(skills, implied, strict=True)],
            [len(i - s) for s, i in zip(skills, implied, strict=True)],
            occupations,
            evidence,
            outside,
            years,
            languages,
        )
