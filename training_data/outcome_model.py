"""The hidden compatibility model that decides synthetic outcomes.

A (participant, challenge) pair goes through three stages: the participant accepts the
offer, completes the training, is hired. Each stage is a logistic function of true
abilities (not the written profile), the challenge's needs, hidden traits and noise.
Per-pair random numbers come from a counter-based hash of (seed, participant,
challenge), so any subset of pairs (the offers in the history, or every pair of an
edition for the ground truth) sees the same draws and the two always agree; the history
and the truth themselves are drawn in :mod:`training_data.observed_history`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import ndtri

from matching.domain import geography
from matching.domain.catalogue import NICHE_CODES, Catalogue
from matching.domain.vocabulary import CEFR_LEVELS, SCHEDULE_FIT, SCHEDULES


@dataclass(frozen=True)
class HiddenModel:
    """Weights of the hidden compatibility model (logit scale).

    What a record shows (profile): skills (seen through a noisy profile), niche
    experience, Spanish (self-reported with error), commute, schedule, preferences.
    What only outcomes reveal (company): each company's taste in backgrounds and its
    weight on skills and experience when hiring, how well its mentors carry people of
    each background through the training and their effect overall, each challenge's
    difficulty. What shows early (engagement): an engaged person comes
    to the induction, accepts, completes and is hired more. Hidden: hardship, and the
    noise of every single pair. A gap in a skill the training teaches costs
    ``taught_gap_cost`` of an untaught gap.
    """

    accept_pref: float = 2.6
    accept_schedule: float = 2.0
    accept_commute_excess: float = 1.3
    accept_engagement: float = 0.8
    accept_noise: float = 0.3
    complete_engagement: float = 1.2
    complete_hardship: float = 0.5
    complete_skill_gap: float = 1.5
    complete_language_gap: float = 0.6
    complete_pref: float = 0.5
    complete_schedule: float = 0.8
    complete_commute_excess: float = 0.4
    complete_remote_no_device: float = 0.8
    hire_skill: float = 4.5
    hire_optional: float = 0.8
    hire_experience: float = 2.0
    hire_language_gap: float = 0.9
    hire_engagement: float = 0.4
    hire_commute_excess: float = 0.4
    hire_noise: float = 0.35
    taught_gap_cost: float = 0.2
    accept_target: float = 0.78
    background_taste_sd: float = 2.5
    mentor_fit_sd: float = 2.0
    mentoring_sd: float = 0.6
    difficulty_sd: float = 0.3
    induction_engagement: float = 2.5
    # tastes the ranker's features cannot represent (0 by default): over products of two
    # background attributes (an interaction no linear direction captures), and over
    # hardship, which no record shows
    taste_interaction_sd: float = 0.0
    taste_hardship_sd: float = 0.0


def hidden_model_from_text(text: str, base: HiddenModel | None = None) -> HiddenModel:
    """``base`` (the defaults) with the weights ``KEY=VALUE[,KEY=VALUE...]`` set; an
    unknown key or a value that is not a finite number (a negative spread) is a
    ValueError naming it and, for a key, the known ones."""
    known = {f.name for f in fields(HiddenModel)}
    values: dict[str, float] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, raw = (piece.strip() for piece in item.partition("="))
        if not sep:
            raise ValueError(f"world setting {item!r} is not KEY=VALUE")
        if key not in known:
            raise ValueError(f"unknown world weight {key!r}; known: {', '.join(sorted(known))}")
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"world weight {key}={raw!r} is not a number") from None
        if not math.isfinite(value) or (key.endswith("_sd") and value < 0):
            raise ValueError(f"world weight {key}={raw} must be a finite number, >= 0 for a spread")
        values[key] = value
    return replace(base or HiddenModel(), **values)


@dataclass(frozen=True)
class CompanyWays:
    """Each company's hidden, persistent ways (row = company id - 1) and each
    challenge's own difficulty (row = challenge id - 1)."""

    skill_weight: np.ndarray  # how much the skills it asks for decide a hire
    experience_weight: np.ndarray  # how much experience in the niche does
    background_taste: np.ndarray  # (companies, BACKGROUND_SIZE): whom it hires beyond that
    mentor_fit: np.ndarray  # (companies, BACKGROUND_SIZE): whom its mentors carry through
    mentoring: np.ndarray  # its mentors' effect on completing the training (logits)
    difficulty: np.ndarray  # each challenge's own difficulty (logits, lowers completion)
    interaction_taste: np.ndarray  # (companies, pairs of background attributes)
    hardship_taste: np.ndarray  # (companies,): whom it hires by a trait no record shows


# Component groups of the stage logits, by what could know them (see HiddenModel).
GROUPS: tuple[str, ...] = ("profile", "company", "engagement", "hidden", "noise", "bias")
STAGES: tuple[str, ...] = ("accept", "complete", "hire")


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def pair_uniform(
    seed: int, participant: np.ndarray, challenge: np.ndarray, stream: int
) -> np.ndarray:
    """Uniform [0, 1) numbers that depend only on (seed, participant, challenge, stream)."""
    with np.errstate(over="ignore"):
        x = (
            np.uint64(seed) * _GOLDEN
            + participant.astype(np.uint64) * _M1
            + challenge.astype(np.uint64) * _M2
            + np.uint64(stream) * np.uint64(0xD6E8FEB86659FD93)
        )
        x ^= x >> np.uint64(30)
        x *= _M1
        x ^= x >> np.uint64(27)
        x *= _M2
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def _indicator(lists: pd.Series, lookup: dict[str, int], width: int) -> sparse.csr_matrix:
    rows = np.repeat(np.arange(len(lists)), [len(x) for x in lists])
    cols = np.array([lookup[u] for x in lists for u in x], dtype=np.int64)
    return sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(lists), width))


class OutcomeModel:
    """Hidden stage logits for any set of (participant, challenge) pairs.

    ``people`` holds per-participant arrays indexed by position (participant id - 1);
    ``challenges`` is the challenge table (row position = challenge id - 1); ``ways``
    the companies' hidden ways and the challenges' difficulty; ``backgrounds`` the
    participants' background attributes a company's taste is over.
    """

    def __init__(
        self,
        people: dict[str, np.ndarray],
        challenges: pd.DataFrame,
        catalogue: Catalogue,
        ways: CompanyWays,
        backgrounds: np.ndarray,
        hidden: HiddenModel,
        seed: int,
        hiring_bias: float,
    ) -> None:
        self.p = people
        self.h = hidden
        self.seed = seed
        self.bias = hiring_bias
        self.ways = ways
        self.backgrounds = backgrounds - backgrounds.mean(axis=0)
        first, second = np.triu_indices(backgrounds.shape[1], k=1)
        pairs = self.backgrounds[:, first] * self.backgrounds[:, second]
        self.background_pairs = pairs / np.maximum(pairs.std(axis=0), 1e-12)
        lookup, width = catalogue.skill_index, len(catalogue.skills)
        ess = _indicator(challenges["essential_skills"], lookup, width)
        taught = _indicator(challenges["taught_skills"], lookup, width)
        self.ess = ess
        self.ess_taught = ess.multiply(taught).tocsr()
        self.opt = _indicator(challenges["optional_skills"], lookup, width)
        self.n_ess = np.asarray(ess.sum(1)).ravel()
        self.n_opt = np.maximum(1, np.asarray(self.opt.sum(1)).ravel())
        self.niche = np.array([NICHE_CODES.index(c) for c in challenges["niche"]])
        self.min_spanish = np.array([CEFR_LEVELS.index(v) for v in challenges["min_spanish"]])
        self.place = geography.place_index(challenges["location"].to_numpy())
        self.schedule = np.array([SCHEDULES.index(s) for s in challenges["schedule"]])
        self.remote = challenges["remote"].to_numpy(dtype=bool)
        self.company = challenges["company_id"].to_numpy() - 1

    def _visible(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = self.p
        pref = p["pref_weight"][i, self.niche[j]]
        schedule_ok = SCHEDULE_FIT[p["availability"][i], self.schedule[j]]
        commute = geography.travel_matrix()[p["home"][i], self.place[j]]
        excess = np.maximum(0, commute - p["max_commute"][i]) / 15.0
        return pref, schedule_ok, excess

    def offer_scores(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """How likely a caseworker was to offer challenge j to participant i (+ noise)."""
        pref, schedule_ok, _ = self._visible(i, j)
        experienced = self.p["years"][i, self.niche[j]] > 0
        gumbel = -np.log(-np.log(pair_uniform(self.seed, i, j, 7) + 1e-300))
        return 3.0 * pref + 1.0 * experienced + 1.0 * schedule_ok + gumbel

    def components(self, i: np.ndarray, j: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
        """Each stage's logit (without intercept) for pairs (i[k], j[k]), split into the
        :data:`GROUPS`: group -> stage -> array."""
        h, p, ways = self.h, self.p, self.ways
        true = p["true_skills"]
        have_ess = np.asarray(true[i].multiply(self.ess[j]).sum(1)).ravel()
        have_taught = np.asarray(true[i].multiply(self.ess_taught[j]).sum(1)).ravel()
        taught_total = np.asarray(self.ess_taught[j].sum(1)).ravel()
        miss_taught = taught_total - have_taught
        miss_untaught = (self.n_ess[j] - have_ess) - miss_taught
        skill_gap = (h.taught_gap_cost * miss_taught + miss_untaught) / self.n_ess[j]
        opt_cov = np.asarray(true[i].multiply(self.opt[j]).sum(1)).ravel() / self.n_opt[j]
        experience = np.log1p(p["years"][i, self.niche[j]]) / math.log1p(10)
        language_gap = np.maximum(0, self.min_spanish[j] - p["true_spanish"][i])
        pref, schedule_ok, excess = self._visible(i, j)
        remote = self.remote[j]
        company = self.company[j]
        skills = h.hire_skill * (1 - skill_gap) + h.hire_optional * opt_cov
        seasoned = h.hire_experience * experience
        zero = np.zeros(len(i))
        return {
            "profile": {
                "accept": h.accept_pref * pref
                + h.accept_schedule * schedule_ok
                - h.accept_commute_excess * excess,
                "complete": -h.complete_skill_gap * skill_gap
                - h.complete_language_gap * language_gap
                + h.complete_pref * pref
                + h.complete_schedule * schedule_ok
                - h.complete_commute_excess * excess * ~remote
                - h.complete_remote_no_device * (remote & ~p["digital_access"][i]),
                "hire": skills
                + seasoned
                - h.hire_language_gap * language_gap
                - h.hire_commute_excess * excess,
            },
            "company": {
                "accept": zero,
                "complete": ways.mentoring[company]
                - ways.difficulty[j]
                + np.einsum("kd,kd->k", ways.mentor_fit[company], self.backgrounds[i]),
                "hire": (ways.skill_weight[company] - 1) * skills
                + (ways.experience_weight[company] - 1) * seasoned
                + np.einsum("kd,kd->k", ways.background_taste[company], self.backgrounds[i])
                + np.einsum("kd,kd->k", ways.interaction_taste[company], self.background_pairs[i])
                + ways.hardship_taste[company] * p["hardship"][i],
            },
            "engagement": {
                "accept": h.accept_engagement * p["engagement"][i],
                "complete": h.complete_engagement * p["engagement"][i],
                "hire": h.hire_engagement * p["engagement"][i],
            },
            "hidden": {
                "accept": zero,
                "complete": -h.complete_hardship * p["hardship"][i],
                "hire": zero,
            },
            "noise": {
                "accept": h.accept_noise * ndtri(pair_uniform(self.seed, i, j, 1)),
                "complete": zero,
                "hire": h.hire_noise * ndtri(pair_uniform(self.seed, i, j, 2)),
            },
            "bias": {"accept": zero, "complete": zero, "hire": -self.bias * p["migrant"][i]},
        }

    def latents(
        self,
        i: np.ndarray,
        j: np.ndarray,
        without: tuple[str, ...] = (),
        parts: dict[str, dict[str, np.ndarray]] | None = None,
    ) -> dict[str, np.ndarray]:
        """Stage logits (without intercepts, leaving out the groups ``without``) and the
        uniforms that decide each stage, for pairs (i[k], j[k]); ``parts`` are their
        :meth:`components` when the caller has them already."""
        parts = parts or self.components(i, j)
        z = {stage: sum(parts[g][stage] for g in GROUPS if g not in without) for stage in STAGES}
        return {
            "z_accept": z["accept"],
            "z_complete": z["complete"],
            "z_hire": z["hire"],
            "u_accept": pair_uniform(self.seed, i, j, 3),
            "u_complete": pair_uniform(self.seed, i, j, 4),
            "u_hire": pair_uniform(self.seed, i, j, 5),
        }
