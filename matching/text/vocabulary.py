"""Which niche each word of a text points to, learnt from ESCO's own labels.

Job titles are the strongest evidence, but real texts often name the work without a
title ESCO knows ("personal de limpieza", "carga y descarga", "ayuda a domicilio").
Their words still point somewhere: for every niche, the Spanish, English and French
labels of its occupations and skills, of its ISCO unit groups, and its name and
description form a small corpus per language, and in English ESCO's descriptions of
those occupations, groups and skills too (all of it ESCO's, none of it any development
text's). A
word's vote for niche k is P(k | word) under a uniform prior (each niche's word
frequencies smoothed by one), times how much the word tells niches apart: one minus
the normalised entropy of that distribution. Words that every niche uses ("trabajo",
"equipo") get no say; "limpieza", "almacén", "obra" get a strong one. A stem the
corpora lack is read as its longest known beginning, if that keeps most of it
(:meth:`NicheVocabulary.row`).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from matching.domain.catalogue import NICHE_CODES, Catalogue
from matching.text.words import LANGUAGES, Words, read_words

N_NICHES = len(NICHE_CODES)
DESCRIBED = "en"  # the language ESCO describes its occupations, groups and skills in
MIN_INFORMATION = 0.15
MIN_COUNT = 2
MIN_BEGINNING = 0.7  # share of an unknown stem its known beginning must keep
MIN_BEGINNING_LETTERS = 7
MAX_REMEMBERED = 200_000  # unknown stems whose beginning was looked up, per language


def _feature(language: str, stem: str) -> str:
    return f"{language}:{stem}"


def niche_corpora(catalogue: Catalogue) -> list[dict[str, list[str]]]:
    """Per niche and label language, every label and text that describes it."""
    occupations = catalogue.occupations
    skills = catalogue.skills
    skill_niches = [set(cell.split("|")) for cell in skills["niches"]]
    corpora: list[dict[str, list[str]]] = []
    for k, niche in enumerate(catalogue.niches):
        rows = [
            *occupations.iloc[np.flatnonzero(catalogue.occupation_niche == k)].to_dict("records"),
            *skills.iloc[[i for i, n in enumerate(skill_niches) if niche.code in n]].to_dict(
                "records"
            ),
        ]
        corpus = {}
        for language in LANGUAGES:
            texts = [niche.name[language], niche.description[language]]
            texts += [group[language] for group in niche.isco_groups]
            for row in rows:
                texts.append(row[f"label_{language}"])
                texts.extend(row[f"alt_labels_{language}"].split("|"))
            if language == DESCRIBED:
                texts += [group["description_en"] for group in niche.isco_groups]
                texts += [row["description"] for row in rows]
            corpus[language] = [t for t in texts if t]
        corpora.append(corpus)
    return corpora


class NicheVocabulary:
    """Word -> votes for the 13 niches (see the module docstring)."""

    def __init__(self, catalogue: Catalogue) -> None:
        counts: list[Counter] = []
        for corpus in niche_corpora(catalogue):
            found: Counter = Counter()
            for language, texts in corpus.items():
                for text in texts:
                    stems = read_words(text).stems[language]
                    found.update({_feature(language, stem) for stem in stems})
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
        self._beginnings: dict[str, dict[str, int | None]] = {lang: {} for lang in LANGUAGES}

    def row(self, language: str, stem: str) -> int | None:
        """The vocabulary row of a stem, or of its longest known beginning that keeps
        :data:`MIN_BEGINNING` of it (Snowball leaves derived forms apart: "domiciliari"
        is read as "domicili")."""
        rows = self.row_of[language]
        found = rows.get(stem)
        if found is not None:
            return found
        known = self._beginnings[language]
        if stem not in known:
            shortest = max(MIN_BEGINNING_LETTERS, int(np.ceil(MIN_BEGINNING * len(stem))))
            beginnings = (stem[:n] for n in range(len(stem) - 1, shortest - 1, -1))
            found = next((rows[b] for b in beginnings if b in rows), None)
            if len(known) < MAX_REMEMBERED:
                known[stem] = found
            return found
        return known[stem]

    def votes(self, words: Words, weights: np.ndarray, language: str | None = None) -> np.ndarray:
        """Summed votes of the text's words, each scaled by its ``weights[i]``: read in
        the text's ``language`` when it is known (another language's reading of a word
        is often a false friend), else in all three."""
        languages = [language] if language in LANGUAGES else list(LANGUAGES)
        hits = [
            (at, row)
            for language in languages
            for at, stem in enumerate(words.stems[language])
            if (row := self.row_of[language].get(stem)) is not None
            or (row := self.row(language, stem)) is not None
        ]
        if not hits:
            return np.zeros(N_NICHES)
        at, rows = zip(*hits, strict=True)
        return weights[list(at)] @ self.matrix[list(rows)]

    def word_votes(self, words: Words, indices: range, language: str) -> np.ndarray:
        """Summed votes of the kept words at ``indices``, read in ``language``."""
        stems = words.stems[language]
        rows = [row for i in indices if (row := self.row(language, stems[i])) is not None]
        return self.matrix[rows].sum(axis=0) if rows else np.zeros(N_NICHES)
