"""The niche catalogue and skill table shipped with the project.

Both files are derived from ESCO v1.1.1 by ``scripts/build_niche_catalogue.py``; this
module only reads them. This is the engine's domain knowledge: what the 13 niches are,
which ESCO occupations and skills make them up, and their English, Spanish and French
labels.
The catalogue is immutable and shared, so it is loaded once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from matching.domain.results import SkillRef

DATA_DIR = Path(__file__).resolve().parent / "data"
# Languages of the catalogue's labels: ESCO's own in each (English where one lacks a label).
LABEL_LANGUAGES: tuple[str, ...] = ("en", "es", "fr")

NICHE_CODES: tuple[str, ...] = (
    "gardening",
    "installation",
    "hospital_orderly",
    "hotel_reception",
    "cleaning",
    "hospitality",
    "retail",
    "logistics",
    "elderly_care",
    "ict_support",
    "construction",
    "beauty",
    "administration",
)


@dataclass(frozen=True)
class Niche:
    """One market niche: names in the label languages, ESCO occupations and skills, and
    the ISCO unit groups whose work it is (each with its labels)."""

    code: str
    name: dict[str, str]
    description: dict[str, str]
    occupations: tuple[dict[str, str], ...]
    core_skills: tuple[str, ...]
    skills: tuple[str, ...]
    essential_weight: tuple[int, ...]
    isco_groups: tuple[dict[str, str], ...] = ()

    def text(self, language: str = "en") -> str:
        """A short document describing the niche, used to embed it."""
        occupations = ", ".join(o["label"] for o in self.occupations)
        return f"{self.name[language]}. {self.description[language]} Jobs: {occupations}."


@dataclass(frozen=True)
class Catalogue:
    """The 13 niches, the skill table (one row per ESCO skill the project uses) and the
    occupation table (every ESCO occupation, with its niche or none)."""

    niches: tuple[Niche, ...]
    skills: pd.DataFrame
    transversal_skills: tuple[str, ...]
    attribution: str
    data_dir: Path = DATA_DIR

    @cached_property
    def occupations(self) -> pd.DataFrame:
        """ESCO occupations: uri, isco, niche ("" outside the 13), related (the niche an
        outside occupation's group is nearest, or ""), preferred and
        ``|``-separated alternative labels in each of :data:`LABEL_LANGUAGES` (a Spanish or
        French preferred label names both forms: "camarero/camarera"), essential and
        optional skills. Read on first use (only text reading needs it)."""
        return pd.read_csv(self.data_dir / "occupations.csv", dtype=str, keep_default_na=False)

    @cached_property
    def occupation_niche(self) -> np.ndarray:
        """Niche position of every occupation row, -1 outside the 13 niches."""
        return self._niche_positions("niche")

    @cached_property
    def occupation_related(self) -> np.ndarray:
        """For an occupation outside the 13 niches, the position of the niche its ISCO
        group runs, supervises or specialises in (-1 for none, and inside the niches)."""
        return self._niche_positions("related")

    def _niche_positions(self, column: str) -> np.ndarray:
        position = {code: k for k, code in enumerate(NICHE_CODES)}
        return np.array([position.get(c, -1) for c in self.occupations[column]], dtype=np.int8)

    def occupation_label(self, row: int, language: str = "en") -> str:
        """Official ESCO label of the occupation at a row in ``language``; English where
        ESCO has none in that language."""
        occ = self.occupations
        own = occ[f"label_{language}"].iat[row] if language in LABEL_LANGUAGES else ""
        return own or occ["label_en"].iat[row]

    def label_language(self, uri: str, language: str) -> str:
        """The language a skill's or an occupation's label is shown in when asked for in
        ``language``: that language, or English where ESCO has no label in it (so a page
        can mark the label as English instead of passing it off as its own)."""
        if uri in self.skill_index:
            own = self.skills[f"label_{language}"].iat[self.skill_index[uri]]
        else:
            row = self._occupation_rows.get(uri)
            own = self.occupations[f"label_{language}"].iat[row] if row is not None else "x"
        return language if own or language not in LABEL_LANGUAGES else "en"

    @cached_property
    def _occupation_rows(self) -> dict[str, int]:
        return {uri: i for i, uri in enumerate(self.occupations["uri"])}

    @cached_property
    def skill_index(self) -> dict[str, int]:
        """ESCO skill URI -> row position in :attr:`skills`."""
        return {uri: i for i, uri in enumerate(self.skills["uri"])}

    @cached_property
    def niche_by_code(self) -> dict[str, Niche]:
        return {n.code: n for n in self.niches}

    @cached_property
    def labels_en(self) -> np.ndarray:
        return self.skills["label_en"].to_numpy(dtype=object)

    @cached_property
    def uris(self) -> list[str]:
        return self.skills["uri"].tolist()

    @cached_property
    def _labels(self) -> dict[str, list[str]]:
        english = self.skills["label_en"].tolist()
        own = {language: self.skills[f"label_{language}"] for language in LABEL_LANGUAGES}
        return {
            language: [o or en for o, en in zip(labels, english, strict=True)]
            for language, labels in own.items()
        }

    def label_at(self, position: int, language: str = "en") -> str:
        """Human label of the skill at a row position: the official ESCO label in that
        language (English where ESCO has none in it)."""
        return self._labels[language][position]

    def skill_ref(
        self, position: int, language: str = "en", implied: bool = False, from_text: bool = False
    ) -> SkillRef:
        """The skill at a row position as answers name it. Made once per skill, language
        and marks and shared: a shortlist names hundreds of skills, and validating each
        anew cost more than scoring the candidates."""
        key = (position, language, implied, from_text)
        ref = self._skill_refs.get(key)
        if ref is None:
            ref = SkillRef(
                uri=self.uris[position],
                label=self.label_at(position, language),
                implied=implied,
                from_text=from_text,
            )
            self._skill_refs[key] = ref
        return ref

    @cached_property
    def _skill_refs(self) -> dict[tuple[int, str, bool, bool], SkillRef]:
        return {}

    def label(self, uri: str, language: str = "en") -> str:
        """Human label of a skill by URI (KeyError for an unknown one)."""
        return self.label_at(self.skill_index[uri], language)

    def niche(self, code: str) -> Niche:
        try:
            return self.niche_by_code[code]
        except KeyError:
            raise ValueError(f"unknown niche {code!r}; expected one of {NICHE_CODES}") from None


@lru_cache(maxsize=1)
def load_catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    """Read the catalogue files (cached: they never change at run time)."""
    raw = json.loads((data_dir / "niches.json").read_text(encoding="utf-8"))
    skills = pd.read_csv(data_dir / "skills.csv", dtype=str, keep_default_na=False)
    niches = tuple(
        Niche(
            code=rec["code"],
            name=rec["name"],
            description=rec["description"],
            occupations=tuple(rec["occupations"]),
            core_skills=tuple(rec["core_skills"]),
            skills=tuple(s["uri"] for s in rec["skills"]),
            essential_weight=tuple(s["essential_in"] for s in rec["skills"]),
            isco_groups=tuple(rec["isco_groups"]),
        )
        for rec in raw["niches"]
    )
    if tuple(n.code for n in niches) != NICHE_CODES:
        raise RuntimeError("niches.json does not list the 13 fixed niche codes in order")
    return Catalogue(
        niches=niches,
        skills=skills,
        transversal_skills=tuple(raw["transversal_skills"]),
        attribution=raw["attribution"],
        data_dir=data_dir,
    )
