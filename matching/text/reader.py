"""Free text in, ESCO concepts and niche evidence out: the one text path of the service.

The API, the pages, the CLI, the engine and the evaluation all read text here. For a
text, :meth:`TextReader.read` returns a :class:`TextReading`:

- its language (:mod:`matching.text.language`);
- the ESCO skills and job titles named in it, each with the exact words it came
  from (:mod:`matching.text.lexicon`);
- years of experience stated in it, given to the nearest job title of the same
  sentence (:mod:`matching.text.experience`);
- evidence for each niche: job titles first, then the niche words of the text
  (:mod:`matching.text.vocabulary`). Words early in a text weigh more (a title, the
  first line of a CV), and so does a job title that opens a phrase ("Camarero con...",
  "trabajé como camarera") over one that follows another word ("personas mayores
  dependientes", where it is an adjective).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from matching.domain.catalogue import DATA_DIR, load_catalogue
from matching.text.experience import read_durations
from matching.text.language import detect_language
from matching.text.lexicon import N_NICHES, OCCUPATION, OUTSIDE, SKILL, Lexicon, Match
from matching.text.vocabulary import NicheVocabulary
from matching.text.words import Words, read_words

EARLY_WORDS = 8.0  # a word this far into the text weighs half of the first word's boost
EARLY_BOOST = 2.0
FOLLOWING_WORD_WEIGHT = 0.3  # a one-word job title after a content word
WORD_EVIDENCE_WEIGHT = 1.0
CLEAR_SHARE = 0.4
TITLE_PRIOR = 1.0


@dataclass(frozen=True)
class Concept:
    """A skill or job title found in a text.

    ``row`` is its row in the catalogue's skill or occupation table (for a word that
    only heads a niche's job titles, the first such occupation); ``quote`` the words it
    came from, at characters ``start``..``end``; ``niches`` its evidence per niche
    (+ outside the 13), summing to 1.
    """

    kind: str
    row: int
    quote: str
    start: int
    end: int
    niches: np.ndarray
    heading: bool = False
    weight: float = 1.0

    @property
    def niche(self) -> int:
        """The niche it points to most (:data:`OUTSIDE` for work outside the 13)."""
        return int(self.niches.argmax())


@dataclass(frozen=True)
class TextReading:
    """What one text says, in the catalogue's terms (see the module docstring)."""

    language: str | None
    words: int
    skills: tuple[Concept, ...]
    occupations: tuple[Concept, ...]
    years: np.ndarray  # per niche + outside
    title_evidence: np.ndarray  # per niche + outside
    word_evidence: np.ndarray  # per niche
    worked_as: tuple[int, ...] = ()  # occupation rows a stated duration was given to

    @property
    def skill_rows(self) -> list[int]:
        return sorted({c.row for c in self.skills})

    def niche_evidence(self) -> np.ndarray:
        """Evidence per niche, 0..2: the niche's share of the job titles plus its share
        of the niche words."""
        titles = self.title_evidence[:N_NICHES]
        return titles / (titles.sum() + TITLE_PRIOR) + WORD_EVIDENCE_WEIGHT * _share(
            self.word_evidence
        )

    @property
    def outside_share(self) -> float:
        """Share of the job-title evidence that is work outside the 13 niches."""
        total = self.title_evidence.sum()
        return float(self.title_evidence[OUTSIDE] / total) if total else 0.0


def _share(values: np.ndarray) -> np.ndarray:
    total = values.sum()
    return values / total if total > 0 else np.zeros_like(values)


class TextReader:
    """Reads texts against the catalogue's lexicon and niche vocabulary."""

    def __init__(self, lexicon: Lexicon, vocabulary: NicheVocabulary) -> None:
        self.lexicon = lexicon
        self.vocabulary = vocabulary

    def read(self, text: str) -> TextReading:
        text = text or ""
        words = read_words(text)
        position = EARLY_BOOST / (1.0 + np.arange(len(words)) / EARLY_WORDS) + 1.0
        skills, occupations = [], []
        for match in self.lexicon.find(words):
            concept = self._concept(words, match, position)
            (occupations if match.term.kind == OCCUPATION else skills).append(concept)
        titles = np.zeros(N_NICHES + 1)
        for concept in occupations:
            titles += concept.weight * concept.niches
        word_evidence = self.vocabulary.votes(words, position)
        years, worked_as = self._years(
            text, occupations, _share(titles[:N_NICHES]) + _share(word_evidence)
        )
        return TextReading(
            language=detect_language(text),
            words=len(words),
            skills=tuple(skills),
            occupations=tuple(occupations),
            years=years,
            title_evidence=titles,
            word_evidence=word_evidence,
            worked_as=worked_as,
        )

    @staticmethod
    def _concept(words: Words, match: Match, position: np.ndarray) -> Concept:
        term = match.term
        weight = float(position[match.first])
        if term.kind == OCCUPATION and term.words == 1 and not words.leads[match.first]:
            weight *= FOLLOWING_WORD_WEIGHT
        return Concept(
            kind=term.kind,
            row=term.concepts[0],
            quote=words.quote(match.first, match.last),
            start=words.spans[match.first][0],
            end=words.spans[match.last][1],
            niches=term.niches,
            heading=term.heading,
            weight=weight,
        )

    @staticmethod
    def _years(
        text: str, occupations: list[Concept], evidence: np.ndarray
    ) -> tuple[np.ndarray, tuple[int, ...]]:
        """Stated durations per niche, and the job titles that got one: each goes to the
        nearest job title in its sentence; with none, to a niche the rest of the text
        clearly points to."""
        years = np.zeros(N_NICHES + 1)
        claimed: dict[int, float] = {}
        for duration in read_durations(text):
            low, high = duration.sentence
            near = [c for c in occupations if low <= c.start < high]
            if near:
                title = min(near, key=lambda c: abs(c.start - duration.start))
                index = occupations.index(title)
                claimed[index] = max(claimed.get(index, 0.0), duration.years)
            elif duration.work and evidence.max() >= CLEAR_SHARE * evidence.sum() > 0:
                years[int(evidence.argmax())] = max(years[int(evidence.argmax())], duration.years)
        for index, value in claimed.items():
            years[occupations[index].niche] += value
        worked = {occupations[i].row for i in claimed if not occupations[i].heading}
        return years, tuple(sorted(worked))


@lru_cache(maxsize=2)
def text_reader(data_dir: Path = DATA_DIR) -> TextReader:
    """The process-wide reader of the catalogue in ``data_dir`` (the packaged one by
    default), built on first use (about 6 s, most of it lemmatising the labels)."""
    catalogue = load_catalogue(data_dir)
    return TextReader(Lexicon(catalogue), NicheVocabulary(catalogue))


__all__ = ["OCCUPATION", "SKILL", "Concept", "TextReader", "TextReading", "text_reader"]
