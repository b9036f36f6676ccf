"""Column store of participants, shaped for vectorised features.

The engine never loops over candidates in Python: each participant is one row of
numpy columns (Spanish level, commute limit, experience per niche, ...), and skill
sets live in one flat array with per-row offsets so any set of candidates can be
gathered at once. Rows are append-only; an update appends a new row and retires the
old one, and :meth:`ParticipantPool.compact` drops retired rows when they pile up
(checked before each append).

Sensitive attributes are not in here except the migrant flag, which only the team
quotas and the fairness re-rank read (never the features).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress

import numpy as np
import pandas as pd

from matching import ragged
from matching.domain import geography
from matching.domain.catalogue import NICHE_CODES, Catalogue
from matching.domain.results import SkillRef
from matching.domain.vocabulary import AVAILABILITY, CEFR_LEVELS, EDUCATION
from matching.text.profile_concepts import ProfileConcepts

N_NICHES = len(NICHE_CODES)
OTHER = N_NICHES  # experience column for work outside the catalogue
MIN_TEXT_WORDS = 8
# A record without niche preferences is missing them, not refusing every niche: when
# the text clearly points to one niche (its job titles and words mostly name it), that
# niche stands in as a second choice would.
IMPLIED_PREFERENCE_EVIDENCE = 1.0
IMPLIED_PREFERENCE_RANK = 1
INDUCTION = {"attended": 1.0, "missed": 0.0}
INDUCTION_UNKNOWN = 0.5

# columns of the participant table the engine may read; nothing sensitive
PROFILE_COLUMNS: tuple[str, ...] = (
    "participant_id",
    "edition_id",
    "profile_text",
    "text_language",
    "skills",
    "skills_text",
    "spanish_level",
    "education",
    "experience_niches",
    "experience_years",
    "availability",
    "district",
    "max_commute_minutes",
    "niche_preferences",
    "months_unemployed",
    "digital_access",
    "induction",
    "available",
    "consent_share",
)

_SCALARS: dict[str, type] = {
    "ids": np.int64,
    "edition": np.int64,
    "alive": bool,
    "available": bool,
    "consent": bool,
    "spanish": np.int8,
    "availability": np.int8,
    "home": np.int16,
    "max_commute": np.int16,
    "months_unemployed": np.int16,
    "digital_access": bool,
    "education": np.int8,
    "text_words": np.int32,
    "migrant": bool,
    "skill_start": np.int64,
    "skill_len": np.int32,
    "outside": np.float32,
    "years_from_text": bool,
    "prefs_from_text": bool,
    "recorded": bool,  # the record holds skills, experience or preferences of its own
    "induction": np.float32,  # 1 came to the induction session, 0 did not, 0.5 not known
}
# per-participant rows of several values: experience per niche (+ outside the 13), the
# same with recent work counting more, preference weight per niche, and the profile
# text's evidence per niche
_BLOCKS: dict[str, int] = {
    "years": N_NICHES + 1,
    "recent": N_NICHES + 1,
    "prefs": N_NICHES,
    "evidence": N_NICHES,
}


def _lookup(values: Sequence[str], vocabulary: Sequence[str], column: str) -> np.ndarray:
    table = {v: i for i, v in enumerate(vocabulary)}
    try:
        return np.fromiter((table[v] for v in values), dtype=np.int16, count=len(values))
    except KeyError as exc:
        raise ValueError(f"{column}: unknown value {exc.args[0]!r}") from None


_COMPACT_MIN_RETIRED = 1000


class ParticipantPool:
    """All participants the engine can recommend, as aligned numpy columns."""

    def __init__(self) -> None:
        self.size = 0
        self.cols: dict[str, np.ndarray] = {k: np.zeros(0, dtype=t) for k, t in _SCALARS.items()}
        self.years = np.zeros((0, N_NICHES + 1), dtype=np.float32)
        self.recent = np.zeros((0, N_NICHES + 1), dtype=np.float32)
        self.prefs = np.zeros((0, N_NICHES), dtype=np.float32)
        self.evidence = np.zeros((0, N_NICHES), dtype=np.float32)
        self.skill_flat = np.zeros(0, dtype=np.int32)
        self.skill_implied = np.zeros(0, dtype=bool)  # aligned with skill_flat
        self.skill_read = np.zeros(0, dtype=bool)  # aligned: read from the text only
        self._skill_used = 0
        self.row_of: dict[int, int] = {}

    # ------------------------------------------------------------------ building
    def add_frame(
        self,
        frame: pd.DataFrame,
        concepts: ProfileConcepts,
        migrant: np.ndarray | None = None,
    ) -> np.ndarray:
        """Append participants (table columns as in :data:`PROFILE_COLUMNS`) and return their
        rows. ``concepts`` is what their skills and texts say (skill rows, niche evidence,
        years read); ``migrant`` flags come from the separate sensitive table (False when
        unknown). Where a record states no experience, the years read from its text
        stand in (and their recency-weighted twin in ``recent``; years on record say no
        when, so they count in full there)."""
        self._compact_if_sparse()
        n = len(frame)
        ids = frame["participant_id"].to_numpy(dtype=np.int64)
        texts = frame["profile_text"].fillna("").astype(str)
        new = {
            "ids": ids,
            "edition": frame["edition_id"].to_numpy(dtype=np.int64),
            "alive": np.ones(n, dtype=bool),
            "available": frame["available"].to_numpy(dtype=bool),
            "consent": frame["consent_share"].to_numpy(dtype=bool),
            "spanish": _lookup(frame["spanish_level"].tolist(), CEFR_LEVELS, "spanish_level"),
            "availability": _lookup(frame["availability"].tolist(), AVAILABILITY, "availability"),
            "home": geography.place_index(frame["district"].tolist()),
            "max_commute": frame["max_commute_minutes"].to_numpy(dtype=np.int16),
            "months_unemployed": frame["months_unemployed"].to_numpy(dtype=np.int16),
            "digital_access": frame["digital_access"].to_numpy(dtype=bool),
            "education": _lookup(frame["education"].tolist(), EDUCATION, "education"),
            # one text split at a time: a million texts' words as lists cost 2 GB at once
            "text_words": np.fromiter((len(t.split()) for t in texts), np.int32, count=n),
            "migrant": np.zeros(n, dtype=bool) if migrant is None else np.asarray(migrant, bool),
            "skill_len": concepts.skill_counts,
            "outside": concepts.outside,
            "induction": frame["induction"]
            .map(INDUCTION)
            .fillna(INDUCTION_UNKNOWN)
            .astype(np.float32)
            .to_numpy(),
        }
        new["skill_start"] = self._skill_used + ragged.starts(concepts.skill_counts)
        years = np.zeros((n, N_NICHES + 1), dtype=np.float32)
        niche_pos = {c: i for i, c in enumerate(NICHE_CODES)} | {"other": OTHER}
        prefs = np.zeros((n, N_NICHES), dtype=np.float32)
        for r, (niches, values, wanted) in enumerate(
            zip(
                frame["experience_niches"],
                frame["experience_years"],
                frame["niche_preferences"],
                strict=True,
            )
        ):
            for code, value in zip(niches, values, strict=True):
                years[r, niche_pos[code]] += value
            for rank, code in enumerate(wanted):
                prefs[r, niche_pos[code]] = preference_weight(rank)
        from_text = ~years.any(axis=1) & concepts.years.any(axis=1)
        recent = years.copy()  # a record's years say no when: they count in full
        years[from_text] = concepts.years[from_text]
        recent[from_text] = concepts.recent[from_text]
        new["years_from_text"] = from_text
        implied = ~prefs.any(axis=1) & (
            concepts.evidence.max(axis=1) >= IMPLIED_PREFERENCE_EVIDENCE
        )
        rows_implied = np.flatnonzero(implied)
        prefs[rows_implied, concepts.evidence[rows_implied].argmax(axis=1)] = preference_weight(
            IMPLIED_PREFERENCE_RANK
        )
        new["prefs_from_text"] = implied
        new["recorded"] = (
            (frame["skills"].map(len).to_numpy() > 0)
            | (frame["skills_text"].map(len).to_numpy() > 0)
            | (frame["experience_niches"].map(len).to_numpy() > 0)
            | (frame["niche_preferences"].map(len).to_numpy() > 0)
        )
        blocks = {"years": years, "recent": recent, "prefs": prefs, "evidence": concepts.evidence}
        self._append(
            new, blocks, concepts.skill_rows, concepts.implied_mask(), concepts.read_mask()
        )
        rows = np.arange(self.size - n, self.size)
        for pid, row in zip(ids.tolist(), rows.tolist(), strict=True):
            old = self.row_of.get(pid)
            if old is not None:
                self.cols["alive"][old] = False
            self.row_of[pid] = row
        return rows

    def _append(
        self,
        new: dict,
        blocks: dict[str, np.ndarray],
        flat: np.ndarray,
        implied: np.ndarray,
        read: np.ndarray,
    ) -> None:
        n = len(new["ids"])
        need = self.size + n
        if need > len(self.cols["ids"]):
            capacity = max(need, 2 * len(self.cols["ids"]), 64)
            for key, arr in self.cols.items():
                self.cols[key] = _grow(arr, capacity, self.size)
            for name in _BLOCKS:
                setattr(self, name, _grow(getattr(self, name), capacity, self.size))
        for key, values in new.items():
            self.cols[key][self.size : need] = values
        for name, values in blocks.items():
            getattr(self, name)[self.size : need] = values
        used = self._skill_used + len(flat)
        if used > len(self.skill_flat):
            capacity = max(used, 2 * len(self.skill_flat), 256)
            self.skill_flat = _grow(self.skill_flat, capacity, self._skill_used)
            self.skill_implied = _grow(self.skill_implied, capacity, self._skill_used)
            self.skill_read = _grow(self.skill_read, capacity, self._skill_used)
        self.skill_flat[self._skill_used : used] = flat
        self.skill_implied[self._skill_used : used] = implied
        self.skill_read[self._skill_used : used] = read
        self._skill_used = used
        self.size = need

    def remove(self, participant_id: int) -> bool:
        row = self.row_of.pop(participant_id, None)
        if row is None:
            return False
        self.cols["alive"][row] = False
        return True

    def set_flags(self, participant_id: int, **flags: bool) -> None:
        """Change consent/availability/migrant flags without re-adding the profile."""
        row = self.row_of[participant_id]
        for name, value in flags.items():
            self.cols[name][row] = value

    def _compact_if_sparse(self) -> None:
        """Drop retired rows once they outnumber a quarter of the store (and 1,000), so
        repeated updates and erasures do not grow memory without bound. Row numbers
        change, so callers hold the engine lock and never keep rows across calls."""
        retired = self.size - len(self.row_of)
        if retired > max(_COMPACT_MIN_RETIRED, self.size // 4):
            self.compact()

    def compact(self) -> None:
        """Drop retired rows (after many updates or erasures)."""
        keep = np.flatnonzero(self.cols["alive"][: self.size])
        if len(keep) == self.size:
            return
        lengths = self.cols["skill_len"][keep]
        positions = ragged.segment_positions(self.cols["skill_start"][keep], lengths)
        flat = self.skill_flat[positions]
        self.skill_implied = self.skill_implied[positions]
        self.skill_read = self.skill_read[positions]
        cols = {k: v[keep] for k, v in self.cols.items()}
        cols["skill_start"] = ragged.starts(lengths)
        self.cols = cols
        for name in _BLOCKS:
            setattr(self, name, getattr(self, name)[keep])
        self.skill_flat = flat
        self._skill_used = len(flat)
        self.size = len(keep)
        self.row_of = {int(pid): r for r, pid in enumerate(cols["ids"].tolist())}

    # ------------------------------------------------------------------- reading
    def __getitem__(self, column: str) -> np.ndarray:
        return self.cols[column][: self.size]

    def rows(self, participant_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Rows of live participants (KeyError for an unknown id)."""
        return np.fromiter(
            (self.row_of[int(p)] for p in participant_ids),
            dtype=np.int64,
            count=len(participant_ids),
        )

    def skills_of(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Concatenated skill indices of ``rows`` and their CSR-style offsets."""
        positions, lengths = self._skill_positions(rows)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return self.skill_flat[positions], offsets

    def marked_skills(self, rows: np.ndarray) -> list[tuple[list[int], set[int], set[int]]]:
        """Per row: its skills, those only its stated experience implies and those only
        its text names, read for all ``rows`` at once (row by row, the reads cost more
        than the explanation that quotes them)."""
        positions, lengths = self._skill_positions(rows)
        skills = self.skill_flat[positions].tolist()
        implied = self.skill_implied[positions].tolist()
        read = self.skill_read[positions].tolist()
        out, start = [], 0
        for end in np.cumsum(lengths).tolist():
            own = skills[start:end]
            marked = set(compress(own, implied[start:end])), set(compress(own, read[start:end]))
            out.append((own, *marked))
            start = end
        return out

    def _skill_positions(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the skills of ``rows`` lie in :attr:`skill_flat`, and how many each has."""
        lengths = self.cols["skill_len"][rows]
        return ragged.segment_positions(self.cols["skill_start"][rows], lengths), lengths

    def skill_list(self, row: int) -> np.ndarray:
        start, length = self.cols["skill_start"][row], self.cols["skill_len"][row]
        return self.skill_flat[start : start + length]

    def implied_skills(self, row: int) -> set[int]:
        """The row's skills that only its stated experience implies."""
        return self._marked(row, self.skill_implied)

    def read_skills(self, row: int) -> set[int]:
        """The row's skills that only its text names (none recorded)."""
        return self._marked(row, self.skill_read)

    def skill_refs(self, row: int, catalogue: Catalogue, language: str) -> list[SkillRef]:
        """Every skill of the row, labelled in ``language``: on record, named only by
        the text (``from_text``) or implied only by stated experience (``implied``)."""
        read, implied = self.read_skills(row), self.implied_skills(row)
        return [
            catalogue.skill_ref(s, language, s in implied, s in read)
            for s in self.skill_list(row).tolist()
        ]

    def _marked(self, row: int, mask: np.ndarray) -> set[int]:
        start, length = self.cols["skill_start"][row], self.cols["skill_len"][row]
        window = slice(start, start + length)
        return set(self.skill_flat[window][mask[window]].tolist())

    def insufficient(self, rows: np.ndarray | slice) -> np.ndarray:
        """Profiles too thin to score: no skill found and hardly any text."""
        return (self.cols["skill_len"][rows] == 0) & (
            self.cols["text_words"][rows] < MIN_TEXT_WORDS
        )

    def missing_information(self, row: int) -> list[str]:
        """What a caseworker should add to a profile that is too thin to score: a
        profile text of at least :data:`MIN_TEXT_WORDS` words, skills (none recorded or
        recognised), work experience."""
        missing = []
        if self.cols["text_words"][row] < MIN_TEXT_WORDS:
            missing.append("profile_text")
        if self.cols["skill_len"][row] == 0:
            missing.append("skills")
        if not self.years[row].any():
            missing.append("experience")
        return missing


def preference_weight(rank: int) -> float:
    """Weight of a niche listed at position ``rank`` (0 = first choice)."""
    return max(0.3, 1.0 - 0.3 * rank)


def preference_rank(weight: float) -> int:
    """The 1-based choice position a preference weight stands for."""
    return round((1.0 - float(weight)) / 0.3) + 1


def _grow(arr: np.ndarray, capacity: int, used: int) -> np.ndarray:
    grown = np.zeros((capacity, *arr.shape[1:]), dtype=arr.dtype)
    grown[:used] = arr[:used]
    return grown
