"""The document embedded for each participant."""

from __future__ import annotations

import pandas as pd

from matching.domain.catalogue import Catalogue
from matching.text.profile_concepts import ProfileConcepts


def profile_document(
    frame: pd.DataFrame, catalogue: Catalogue, concepts: ProfileConcepts
) -> list[str]:
    """The text embedded for each participant: their words plus the English labels of
    the jobs and skills read from them, so the (English) embedding model sees what a
    Spanish text says."""
    labels = catalogue.labels_en
    jobs = catalogue.occupations["label_en"].to_numpy(dtype=object)
    docs = []
    for text, free, row, work in zip(
        frame["profile_text"].fillna(""),
        frame["skills_text"],
        concepts.skills(),
        concepts.occupations(),
        strict=True,
    ):
        parts = [str(text).strip()]
        if len(work):
            parts.append("Work: " + ", ".join(jobs[work[:5]]) + ".")
        if len(free):
            parts.append("Skills: " + ", ".join(free) + ".")
        if len(row):
            parts.append("Known skills: " + ", ".join(labels[row[:20]]) + ".")
        docs.append(" ".join(p for p in parts if p))
    return docs
