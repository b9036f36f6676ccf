"""Skill normalisation: free text in Spanish or English -> ESCO skill concepts.

Two steps, cheapest first. A lexical pass finds any known label (ESCO preferred and
alternative labels, curated Spanish labels) in the text, ignoring case and accents.
What it cannot place, a short free-text skill, goes to the embedding model and is
mapped to the nearest skill label if the cosine similarity clears a threshold.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from matching.domain.catalogue import Catalogue
from models.embedder import Embedder

_WORD = re.compile(r"[a-z0-9]+")
MAX_LABEL_WORDS = 8


def normalise_words(text: str) -> list[str]:
    """Lower-case, accent-free word tokens."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _WORD.findall(plain)


@dataclass(frozen=True)
class SkillMatch:
    """A free-text phrase placed on an ESCO concept (index into the catalogue)."""

    phrase: str
    skill: int
    confidence: float
    method: str


class SkillTaxonomy:
    """Maps text to catalogue skill indices.

    Parameters
    ----------
    catalogue:
        The project's skill table.
    embedder:
        Used for phrases no label matches; None disables that step.
    threshold:
        Minimum cosine similarity for an embedding match.
    """

    def __init__(self, catalogue: Catalogue, embedder: Embedder | None, threshold: float = 0.62):
        self.catalogue = catalogue
        self.embedder = embedder
        self.threshold = threshold
        self._lexicon: dict[str, int] = {}
        skills = catalogue.skills
        # core and transversal labels win collisions, so register them first
        order = np.argsort(
            skills["group"].map({"core": 0, "transversal": 1, "niche": 2}).to_numpy(), kind="stable"
        )
        for i in order:
            row = skills.iloc[i]
            labels = [row["label_en"], *row["alt_labels_en"].split("|"), row["label_es"]]
            for label in labels:
                words = normalise_words(label)
                if words and len(words) <= MAX_LABEL_WORDS:
                    self._lexicon.setdefault(" ".join(words), int(i))
        self._label_vectors: np.ndarray | None = None
        self._label_skill: np.ndarray | None = None

    def lexical(self, text: str) -> list[int]:
        """Skills whose label appears in ``text`` (longest match wins at each position)."""
        words = normalise_words(text)
        found: list[int] = []
        i = 0
        while i < len(words):
            for length in range(min(MAX_LABEL_WORDS, len(words) - i), 0, -1):
                hit = self._lexicon.get(" ".join(words[i : i + length]))
                if hit is not None:
                    found.append(hit)
                    i += length
                    break
            else:
                i += 1
        return found

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

    def normalise(self, phrases: Sequence[str]) -> list[SkillMatch]:
        """Place each free-text skill on an ESCO concept, or drop it if nothing fits."""
        matches: list[SkillMatch] = []
        unplaced: list[str] = []
        for phrase in phrases:
            words = " ".join(normalise_words(phrase))
            hit = self._lexicon.get(words)
            if hit is not None:
                matches.append(SkillMatch(phrase, hit, 1.0, "label"))
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

    def profile_skills_many(
        self,
        coded: Sequence[Iterable[str]],
        free_text: Sequence[Sequence[str]],
        profile_texts: Sequence[str],
    ) -> list[list[int]]:
        """:meth:`profile_skills` for many profiles, embedding unplaced phrases in one batch."""
        index = self.catalogue.skill_index
        lexicon = self._lexicon
        out: list[set[int]] = []
        pending: dict[str, list[int]] = {}
        for row, (uris, phrases, text) in enumerate(
            zip(coded, free_text, profile_texts, strict=True)
        ):
            skills = {index[u] for u in uris if u in index}
            skills.update(self.lexical(text))
            for phrase in phrases:
                hit = lexicon.get(" ".join(normalise_words(phrase)))
                if hit is not None:
                    skills.add(hit)
                else:
                    pending.setdefault(phrase, []).append(row)
            out.append(skills)
        if pending:
            for match in self.normalise(list(pending)):
                for row in pending[match.phrase]:
                    out[row].add(match.skill)
        return [sorted(s) for s in out]
