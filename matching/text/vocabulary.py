"""Which niche each word of a text points to, learnt from ESCO's own labels.

Job titles are the strongest evidence, but real texts often name the work without a
title ESCO knows ("personal de limpieza", "carga y descarga", "ayuda a domicilio").
Their words still point somewhere: for every niche, the Spanish and English labels of
its occupations and skills, with its name and description, form a small corpus. A
word's vote for niche k is P(k | word) under a uniform prior (each niche's word
frequencies smoothed by one), times how much the word tells niches apart: one minus
the normalised entropy of that distribution. Words that every niche uses ("trabajo",
"equipo") get no say; "limpieza", "almacén", "obra" get a strong one.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from matching.domain.catalogue import NICHE_CODES, Catalogue
from matching.text.words import LANGUAGES, Words, read_words

N_NICHES = len(NICHE_CODES)
MIN_INFORMATION = 0.15
MIN_COUNT = 2


def _feature(language: str, stem: str) -> str:
    return f"{language}:{stem}"


def niche_corpora(catalogue: Catalogue) -> list[list[str]]:
    """Per niche, every label and text that describes it (both languages)."""
    occupations = catalogue.occupations
    skills = catalogue.skills
    skill_niches = [set(cell.split("|")) for cell in skills["niches"]]
    corpora: list[list[str]] = []
    for k, niche in enumerate(catalogue.niches):
        texts = [*niche.name.values(), *niche.description.values()]
        rows = [
            *occupations.iloc[np.flatnonzero(catalogue.occupation_niche == k)].to_dict("records"),
            *skills.iloc[[i for i, n in enumerate(skill_niches) if niche.code in n]].to_dict(
                "records"
            ),
        ]
        for row in rows:
            for language in LANGUAGES:
                texts.append(row[f"label_{language}"])
                texts.extend(row[f"alt_labels_{language}"].split("|"))
        corpora.append([t for t in texts if t])
    return corpora


class NicheVocabulary:
    """Word -> votes for the 13 niches (see the module docstring)."""

    def __init__(self, catalogue: Catalogue) -> None:
        counts: list[Counter] = []
        for texts in niche_corpora(catalogue):
            found: Counter = Counter()
            for text in texts:
                words = read_words(text)
                found.update({_feature(lang, s) for lang in LANGUAGES for s in words.stems[lang]})
            counts.append(found)
        vocabulary = sorted(set().union(*counts))
        column = {w: j for j, w in enumerate(vocabulary)}
        table = np.zeros((N_NICHES, len(vocabulary)))
        for k, found in enumerate(counts):
            for word, count in found.items():
                table[k, column[word]] = count
        likelihood = (table + 1.0) / (table.sum(axis=1, keepdims=True) + len(vocabulary))
        posterior = likelihood / likelihood.sum(axis=0, keepdims=True)
        entropy = -(posterior * np.log(posterior)).sum(axis=0) / np.log(N_NICHES)
        information = 1.0 - entropy
        keep = np.flatnonzero((information >= MIN_INFORMATION) & (table.sum(axis=0) >= MIN_COUNT))
        self.matrix = (posterior[:, keep] * information[keep]).T  # words x niches
        kept = [vocabulary[j] for j in keep]
        self.row_of: dict[str, dict[str, int]] = {lang: {} for lang in LANGUAGES}
        for row, word in enumerate(kept):
            lang, stem = word.split(":", 1)
            self.row_of[lang][stem] = row

    def votes(self, words: Words, weights: np.ndarray) -> np.ndarray:
        """Summed votes of the text's words, each scaled by its ``weights[i]``."""
        hits = [
            (at, row)
            for language in LANGUAGES
            for at, stem in enumerate(words.stems[language])
            if (row := self.row_of[language].get(stem)) is not None
        ]
        if not hits:
            return np.zeros(N_NICHES)
        at, rows = zip(*hits, strict=True)
        return weights[list(at)] @ self.matrix[list(rows)]
