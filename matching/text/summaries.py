"""Readings turned into answers people see: the concepts of a text, and a challenge
drafted from its description."""

from __future__ import annotations

import numpy as np

from matching.domain.catalogue import NICHE_CODES, Catalogue
from matching.domain.results import (
    ChallengeSuggestion,
    FoundConcept,
    FoundJob,
    NicheEvidence,
    SuggestedSkill,
    TextConcepts,
)
from matching.text.language import READ_LANGUAGES
from matching.text.lexicon import N_NICHES, OCCUPATION
from matching.text.reader import Concept, TextReading

MIN_NICHE_EVIDENCE = 0.25  # below this a niche is not listed as pointed to
MIN_SUGGESTION_EVIDENCE = 0.5  # the evidence a niche needs to be suggested
ESSENTIAL_TARGET = 5  # essential skills a draft aims for
OPTIONAL_TARGET = 5

NOTES = {
    "en": {
        "found": "Read from the text; confirm or edit before saving.",
        "none": "The text names no work the catalogue knows: choose the niche and skills by hand.",
        "unread": "The text does not seem to be Spanish, English or French, which is all the "
        "service reads.",
    },
    "es": {
        "found": "Leído en el texto; confirme o corrija antes de guardar.",
        "none": "El texto no menciona ningún trabajo que el catálogo conozca: elija el nicho y "
        "las habilidades a mano.",
        "unread": "El texto no parece estar en español, inglés ni francés, que es lo único "
        "que lee el servicio.",
    },
}


def _found(concept: Concept, catalogue: Catalogue, language: str) -> FoundConcept:
    niche = concept.niche if concept.niches[concept.niche] > 0 else None
    if concept.kind == OCCUPATION:
        uri = catalogue.occupations["uri"].iat[concept.row]
        label = catalogue.occupation_label(concept.row, language)
    else:
        uri, label = catalogue.uris[concept.row], catalogue.label_at(concept.row, language)
    return FoundConcept(
        kind=concept.kind,
        uri=uri,
        label=label,
        quote=concept.quote,
        niche=NICHE_CODES[niche] if niche is not None and niche < N_NICHES else None,
    )


def _niches(evidence: np.ndarray, catalogue: Catalogue, language: str) -> list[NicheEvidence]:
    order = np.argsort(-evidence, kind="stable")
    return [
        NicheEvidence(
            niche=NICHE_CODES[k],
            name=catalogue.niches[k].name[language],
            evidence=round(float(evidence[k]), 3),
        )
        for k in order
        if evidence[k] >= MIN_NICHE_EVIDENCE
    ]


def describe(reading: TextReading, catalogue: Catalogue, language: str = "en") -> TextConcepts:
    """The concepts of one reading, labelled in ``language``."""
    years = {
        (NICHE_CODES[k] if k < N_NICHES else "other"): round(float(v), 2)
        for k, v in enumerate(reading.years)
        if v > 0
    }
    return TextConcepts(
        language=reading.language,
        read=reading.language is None or reading.language in READ_LANGUAGES,
        words=reading.words,
        occupations=[_found(c, catalogue, language) for c in reading.occupations],
        jobs=[
            FoundJob(title=_found(job.title, catalogue, language), when=job.when, years=job.years)
            for job in reading.jobs
        ],
        skills=[_found(c, catalogue, language) for c in reading.skills],
        years=years,
        niches=_niches(reading.niche_evidence(), catalogue, language),
    )


def suggest_challenge(
    reading: TextReading, catalogue: Catalogue, language: str = "en"
) -> ChallengeSuggestion:
    """A niche and essential/optional skills for a challenge described by ``reading``.

    Skills the text names come first: essential when the suggested niche's jobs need
    them (an essential skill of a job the text names, or a core skill of the niche),
    optional otherwise. If the text names fewer than :data:`ESSENTIAL_TARGET` essential
    skills, the essential skills of the job it names most are offered, then the niche's
    core skills, each marked with where it came from.
    """
    notes = NOTES[language]
    concepts = describe(reading, catalogue, language)
    named = [_skill(c, catalogue, language, "text") for c in _unique(reading.skills)]
    evidence = reading.niche_evidence()
    best = int(evidence.argmax())
    if evidence[best] < MIN_SUGGESTION_EVIDENCE:
        return ChallengeSuggestion(
            niche=None,
            niche_name=None,
            alternatives=concepts.niches,
            essential_skills=[],
            optional_skills=[
                _skill(c, catalogue, language, "text") for c in _unique(reading.skills)
            ],
            concepts=concepts,
            note=notes["none" if concepts.read else "unread"],
        )
    niche = catalogue.niches[best]
    index = catalogue.skill_index
    jobs = [c for c in reading.occupations if c.niche == best and not c.heading]
    needed = {index[u] for u in niche.core_skills}
    for job in jobs:
        needed.update(_essential(catalogue, job.row))
    pool = {index[u] for u in niche.skills} | {index[u] for u in catalogue.transversal_skills}
    rows = {s.uri: index[s.uri] for s in named}
    essential = [s for s in named if rows[s.uri] in needed]
    optional = [s for s in named if rows[s.uri] not in needed and rows[s.uri] in pool]
    chosen = {s.uri for s in essential + optional}
    extra = [("occupation", s) for job in jobs[:1] for s in _essential(catalogue, job.row)]
    extra += [("niche", index[u]) for u in niche.core_skills]
    for source, row in extra:
        if len(essential) >= ESSENTIAL_TARGET:
            break
        uri = catalogue.uris[row]
        if uri not in chosen:
            chosen.add(uri)
            essential.append(
                SuggestedSkill(uri=uri, label=catalogue.label_at(row, language), source=source)
            )
    return ChallengeSuggestion(
        niche=niche.code,
        niche_name=niche.name[language],
        alternatives=[n for n in concepts.niches if n.niche != niche.code],
        essential_skills=essential,
        optional_skills=optional[:OPTIONAL_TARGET],
        concepts=concepts,
        note=notes["found"],
    )


def _unique(concepts: tuple[Concept, ...]) -> list[Concept]:
    seen: set[int] = set()
    return [c for c in concepts if not (c.row in seen or seen.add(c.row))]


def _essential(catalogue: Catalogue, occupation_row: int) -> list[int]:
    index = catalogue.skill_index
    cell = catalogue.occupations["essential"].iat[occupation_row]
    return [index[u] for u in cell.split("|") if u in index]


def _skill(concept: Concept, catalogue: Catalogue, language: str, source: str) -> SuggestedSkill:
    return SuggestedSkill(
        uri=catalogue.uris[concept.row],
        label=catalogue.label_at(concept.row, language),
        source=source,
        quote=concept.quote,
    )
