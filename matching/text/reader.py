"""Free text in, ESCO concepts and niche evidence out: the one text path of the service.

The API, the pages, the CLI, the engine and the evaluation all read text here. For a
text, :meth:`TextReader.read` returns a :class:`TextReading`:

- its language (:mod:`matching.text.language`);
- the ESCO skills and job titles named in it, each with the exact words it came
  from (:mod:`matching.text.lexicon`), and the job titles ESCO has no label for that
  a generic head makes with the words naming its work ("sales clerk", "IT
  specialist": :meth:`TextReader._generic_titles`);
- the jobs of a CV: each date range ("Jan 2013 to Jan 2014", "2015 - actualidad") given
  to the job title nearest it (:mod:`matching.text.layout`);
- years of experience: the periods of those jobs, and durations stated in the text
  (:mod:`matching.text.experience`), each given to the nearest job title of its
  sentence;
- evidence for each niche: job titles first, then the niche words of the text
  (:mod:`matching.text.vocabulary`).

How much a word counts is read as a caseworker reads a CV. The jobs a person held, with
their dates, make up :data:`JOB_SHARE` of the job-title evidence, each weighing more the
longer it lasted and the more recent it is, with the title the CV's first line gives
its person (a "Sous chef" heading the page) as much as the weightiest job; the titles
named elsewhere make up the rest. A section's role weighs its words
(:data:`SECTION_WEIGHTS`: a summary or a skills list for less than the work done,
hobbies and contact details for little or nothing).
Words early in a text weigh more (a title, the first line of a CV), and so does a job
title that opens a phrase ("Camarero con...", "trabajé como camarera") over one that
follows another word ("personas mayores dependientes", where it is an adjective). A
passage the text repeats (a CV that repeats the profile text it was added to) counts
once: a word counts only the first time the :data:`REPEAT_WORDS` words around it
appear. Office titles count as office work only as far as the words speak of it, the
title's own words first ("sales associate"), then those of its job's lines
(:func:`office_work_checked`), and a title named as a qualification ("título de
técnico en ...") as education.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from matching.domain.catalogue import DATA_DIR, NICHE_CODES, load_catalogue
from matching.text import layout
from matching.text.concepts import Concept, Job
from matching.text.language import detect_language
from matching.text.lexicon import (
    HEAD_FIRST,
    N_NICHES,
    OCCUPATION,
    OUTSIDE,
    SKILL,
    Lexicon,
    Match,
)
from matching.text.vocabulary import NicheVocabulary
from matching.text.words import Words, read_words
from matching.text.work_history import dated_jobs, years_worked

EARLY_WORDS = 8.0  # a word this far into the text weighs half of the first word's boost
EARLY_BOOST = 2.0
FOLLOWING_WORD_WEIGHT = 0.3  # a one-word job title after a content word
WORD_EVIDENCE_WEIGHT = 1.0
CLEAR_SHARE = 0.4
TITLE_PRIOR = 1.0
REPEAT_WORDS = 4
GENERIC_TITLE_WORDS = 2  # words beside a generic head that may name its work
# What a section's words count for, by the role its heading gives it.
SECTION_WEIGHTS: dict[str, float] = {
    layout.HEADER: 1.0,
    layout.EXPERIENCE: 1.0,
    layout.SUMMARY: 0.5,
    layout.REQUIREMENTS: 0.5,
    layout.SKILLS: 0.3,
    layout.EDUCATION: 0.3,
    layout.OFFER: 0.2,
    layout.INTERESTS: 0.1,
    layout.LANGUAGES: 0.0,
    layout.CONTACT: 0.0,
}
JOB_SHARE = 0.75  # of the job-title evidence, when the text dates its jobs
OFFICE = NICHE_CODES.index("administration")
# A job title right after these words names a qualification, not a job held ("título de
# técnico en cuidados auxiliares de enfermería", "CAP cuisine", "certificate in ..."):
# it weighs as education does.
_QUALIFICATION = re.compile(
    r"\b(t[ií]tulo|titulaci[oó]n|titulad[oa]|certificad[oa]|certificaci[oó]n|diploma|"
    r"dipl[oô]me|grado|degree|licenciatura|ciclo|fp|cap|bep|bac\s+pro|bts|"
    r"certificate|certification|qualification|qualified|course|curso|cours)\b[^.;:\n]{0,40}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextReading:
    """What one text says, in the catalogue's terms (see the module docstring)."""

    language: str | None
    words: int
    skills: tuple[Concept, ...]
    occupations: tuple[Concept, ...]
    years: np.ndarray  # per niche + outside
    recent_years: np.ndarray  # the same, recent work counting more (see work_history)
    title_evidence: np.ndarray  # per niche + outside
    word_evidence: np.ndarray  # per niche
    worked_as: tuple[int, ...] = ()  # occupation rows a stated or dated period was given to
    jobs: tuple[Job, ...] = ()  # the dated jobs, weightiest first

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


def repeated_words(words: Words, size: int = REPEAT_WORDS) -> np.ndarray:
    """Whether each kept word lies in a run of ``size`` words that the text already
    had earlier (compared by stem)."""
    stems = next(iter(words.stems.values()), ())
    flags = np.zeros(len(stems), dtype=bool)
    seen: set[tuple[str, ...]] = set()
    for i in range(len(stems) - size + 1):
        key = stems[i : i + size]
        if key in seen:
            flags[i : i + size] = True
        else:
            seen.add(key)
    return flags


def word_weights(text: str, words: Words) -> np.ndarray:
    """What each kept word counts for: its place in the text, its section's role, and
    nothing where the text repeats itself."""
    position = EARLY_BOOST / (1.0 + np.arange(len(words)) / EARLY_WORDS) + 1.0
    parts = layout.sections(text)
    if len(parts) > 1 and len(words):
        starts = np.array([part.start for part in parts])
        section = np.searchsorted(starts, [a for a, _ in words.spans], side="right") - 1
        roles = np.array([SECTION_WEIGHTS[part.role] for part in parts])
        position = position * roles[section]
    if len(words) > REPEAT_WORDS:
        position = np.where(repeated_words(words), 0.0, position)
    return position


def office_work_checked(titles: np.ndarray, word_evidence: np.ndarray) -> np.ndarray:
    """Job-title evidence where office titles count as office work only as far as the
    text's words speak of it. Office titles are the most general ones ("sales
    associate", "front desk agent", "coordinator" are ESCO clerks), held in every kind
    of work; the share of their evidence that the words do not back (the office words'
    share over the leading niche's) goes to the niches the words point to."""
    words = _share(word_evidence)
    if titles[OFFICE] <= 0 or not words.any():
        return titles
    moved = titles[OFFICE] * (1.0 - words[OFFICE] / words.max())
    elsewhere = words.copy()
    elsewhere[OFFICE] = 0.0
    checked = titles.copy()
    checked[OFFICE] -= moved
    checked[:N_NICHES] += moved * _share(elsewhere)
    return checked


def _first_line_end(text: str) -> int:
    """Where the first line that holds anything ends."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _modifies(words: Words, match: Match) -> bool:
    """Whether a one-word job title is a word about another: it follows a content word
    (a Spanish or French adjective: "personas dependientes"), or, in a language whose
    titles end in their head noun, a content word follows it ("commercial
    properties")."""
    if not words.leads[match.first]:
        return True
    after = match.last + 1
    return match.term.head_last and after < len(words) and not words.leads[after]


class TextReader:
    """Reads texts against the catalogue's lexicon and niche vocabulary."""

    def __init__(self, lexicon: Lexicon, vocabulary: NicheVocabulary) -> None:
        self.lexicon = lexicon
        self.vocabulary = vocabulary

    def read(self, text: str) -> TextReading:
        text = text or ""
        words = read_words(text)
        language = detect_language(text)
        weights = word_weights(text, words)
        skills, occupations, titles_at = [], [], []
        matches = self.lexicon.find(words, language)
        matches = sorted(
            matches + self._generic_titles(words, matches, language), key=lambda m: m.first
        )
        for match in matches:
            concept = self._concept(words, match, weights)
            if match.term.kind == OCCUPATION:
                titles_at.append(concept)
                if concept.weight > 0:
                    occupations.append(concept)
            elif concept.weight > 0:
                skills.append(concept)
        jobs = dated_jobs(text, titles_at)
        word_evidence = self.vocabulary.votes(words, weights, language)
        checked = {
            id(c): self._title_niches(c, words, word_evidence, language) for c in occupations
        }
        named = np.zeros(N_NICHES + 1)
        for concept in occupations:
            named += concept.weight * checked[id(concept)]
        titles = named
        if jobs:
            jobs = [self._checked(job, words, weights, language) for job in jobs]
            dated = sum(job.weight * job.niches for job in jobs)
            headline = [c for c in occupations if c.start < _first_line_end(text)]
            heaviest = max(job.weight for job in jobs)
            for concept in headline:
                dated = dated + heaviest / len(headline) * checked[id(concept)]
            total = named.sum() + dated.sum()
            titles = total * ((1.0 - JOB_SHARE) * _share(named) + JOB_SHARE * _share(dated))
            listed = {id(c) for c in occupations}
            occupations += [job.title for job in jobs if id(job.title) not in listed]
            occupations.sort(key=lambda c: c.start)
        years, recent_years, worked_as = years_worked(
            text,
            words,
            weights,
            occupations,
            [checked.get(id(c), c.niches) for c in occupations],
            jobs,
            titles[:N_NICHES] / (titles[:N_NICHES].sum() + TITLE_PRIOR) + _share(word_evidence),
            CLEAR_SHARE,
        )
        return TextReading(
            language=language,
            words=len(words),
            skills=tuple(skills),
            occupations=tuple(occupations),
            years=years,
            recent_years=recent_years,
            title_evidence=titles,
            word_evidence=word_evidence,
            worked_as=worked_as,
            jobs=tuple(sorted(jobs, key=lambda job: -job.weight)),
        )

    def _generic_titles(
        self, words: Words, matches: list[Match], language: str | None
    ) -> list[Match]:
        """Job titles ESCO has no label for, made of a generic head word ("clerk",
        "specialist", "técnico") and up to :data:`GENERIC_TITLE_WORDS` words that name
        the work: in English those right before it ("SALES CLERK", "IT Specialist"), in
        Spanish and French those after it in its phrase ("técnico de soporte IT"). The
        words must point to a niche (:meth:`Lexicon.generic_title`); a word already
        read as part of a job title is no part of one, nor is another head."""
        heads = self.lexicon.heads.get(language or "")
        if not heads:
            return []
        lemmas = words.lemmas[language]
        taken = np.zeros(len(words) + 1, dtype=np.int8)  # 1: a label, 2: a job title
        for match in matches:
            taken[match.first : match.last + 1] = 2 if match.term.kind == OCCUPATION else 1
        kept = np.flatnonzero(np.array(words.owners) >= 0)  # each kept word's stream place
        found = []
        for head, lemma in enumerate(lemmas):
            if lemma not in heads or taken[head]:
                continue
            side = 1 if language in HEAD_FIRST else -1
            near = head
            for _ in range(GENERIC_TITLE_WORDS):
                at = near + side
                if not 0 <= at < len(words) or taken[at] == 2 or lemmas[at] in heads:
                    break
                if kept[max(at, near)] - kept[min(at, near)] != 1:
                    break  # a phrase ends between them
                if side < 0 and words.leads[near]:
                    break  # an English title's words follow each other
                near = at
            if near == head:
                continue
            first, last = min(head, near), max(head, near)
            others = range(first + 1, last + 1) if side > 0 else range(first, last)
            votes = self.vocabulary.word_votes(words, others, language)
            term = self.lexicon.generic_title(language, lemma, votes, last - first + 1)
            if term is not None:
                found.append(Match(term, first, last))
        return found

    @staticmethod
    def _concept(words: Words, match: Match, weights: np.ndarray) -> Concept:
        term = match.term
        weight = float(weights[match.first])
        if term.kind == OCCUPATION and term.words == 1 and _modifies(words, match):
            weight *= FOLLOWING_WORD_WEIGHT
        start = words.spans[match.first][0]
        if term.kind == OCCUPATION and _QUALIFICATION.search(words.text, max(0, start - 50), start):
            weight *= SECTION_WEIGHTS[layout.EDUCATION]
        return Concept(
            kind=term.kind,
            row=term.concepts[0],
            quote=words.quote(match.first, match.last),
            start=start,
            end=words.spans[match.last][1],
            niches=term.niches,
            heading=term.heading,
            generic=term.generic,
            weight=weight,
            words=(match.first, match.last),
        )

    def _title_niches(
        self, title: Concept, words: Words, context: np.ndarray, language: str | None
    ) -> np.ndarray:
        """An office title's niches, checked first against its own words, then against
        those of its ``context`` (votes): a "sales associate" is ESCO's office clerk
        whose own word speaks of selling, and a title's lines say what the work was."""
        if title.niches[OFFICE] <= 0:
            return title.niches
        first, last = title.words
        inside = np.zeros(len(words))
        inside[first : last + 1] = 1.0
        own = self.vocabulary.votes(words, inside, language)
        return office_work_checked(office_work_checked(title.niches, own), context)

    def _checked(self, job: Job, words: Words, weights: np.ndarray, language: str | None) -> Job:
        """The job with its title's niches checked against its own words and the words
        of its lines: an office title counts as office work as far as they back it."""
        if job.title.niches[OFFICE] <= 0:
            return replace(job, niches=job.title.niches)
        starts = np.array([a for a, _ in words.spans])
        inside = (starts >= job.entry[0]) & (starts < job.entry[1])
        votes = self.vocabulary.votes(words, np.where(inside, weights, 0.0), language)
        return replace(job, niches=self._title_niches(job.title, words, votes, language))


@lru_cache(maxsize=2)
def text_reader(data_dir: Path = DATA_DIR) -> TextReader:
    """The process-wide reader of the catalogue in ``data_dir`` (the packaged one by
    default), built on first use (about 6 s, most of it lemmatising the labels)."""
    catalogue = load_catalogue(data_dir)
    return TextReader(Lexicon(catalogue), NicheVocabulary(catalogue))


__all__ = ["OCCUPATION", "SKILL", "Concept", "Job", "TextReader", "TextReading", "text_reader"]
