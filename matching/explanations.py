"""Reasons for each recommendation, in words a caseworker can check.

A factor's effect is measured, not guessed: the candidate's features for that factor
are replaced by the pool's average values and the score is recomputed; the
difference is how much the factor raised (+) or lowered (-) the candidate. All
candidates and factors go through the scorer in one batch. The training factor is the
cost of skills the challenge's training teaches: the score as if they were already
learnt, minus the real one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.domain.catalogue import Catalogue
from matching.domain.results import Reason, SkillRef
from matching.domain.vocabulary import AVAILABILITY, CEFR_LEVELS, SCHEDULES
from matching.features import FEATURES
from matching.pool import ChallengeView, ParticipantPool, preference_rank
from matching.scoring import Scorer, expected_stages

F = {name: i for i, name in enumerate(FEATURES)}
FACTORS: dict[str, tuple[str, ...]] = {
    "skills": (
        "essential_coverage",
        "essential_gap_taught",
        "essential_gap_untaught",
        "optional_coverage",
        "skills_known",
    ),
    "experience": ("niche_experience", "total_experience", "text_evidence"),
    "language": ("spanish_level", "spanish_gap"),
    "commute": ("commute_minutes", "commute_over_limit"),
    "schedule": ("schedule_fit",),
    "preference": ("niche_preference",),
    "similarity": ("similarity",),
    "readiness": ("remote_without_device", "months_unemployed", "education_level"),
}

TEXT = {
    "en": {
        "skills": "Has {have} of {total} essential skills{listing}",
        "implied": " ({count} implied by their stated experience)",
        "untaught": "; missing, and not taught in the training: {names}",
        "training": "Missing {count} skill(s) the training teaches: {names}",
        "no_training_gap": "No missing skill depends on the training",
        "experience": "{years} years of experience in {niche}",
        "experience_text": "{years} years of experience in {niche}, read from the profile text",
        "named_work": "The profile text names work in {niche}; years not stated",
        "no_experience": "No experience in {niche}",
        "language_ok": "Spanish {level} meets the required {minimum}",
        "language_low": "Spanish {level} is below the required {minimum}",
        "commute_ok": "{minutes} min commute, within their {limit}-min limit",
        "commute_far": "{minutes} min commute, over their {limit}-min limit",
        "schedule_ok": "Available {availability}; the challenge runs {schedule}",
        "schedule_no": "Available {availability} only; the challenge runs {schedule}",
        "preference": "Chose {niche} as preference #{rank}",
        "preference_text": "No preference recorded; the profile text points to {niche}",
        "no_preference": "Did not list {niche} among their preferences",
        "similarity": "Profile text similarity to the challenge: {value:.2f}",
        "no_device": "Training is online and they have no device (a laptop can be lent)",
        "ready": "No practical barrier recorded",
    },
    "es": {
        "skills": "Tiene {have} de {total} habilidades esenciales{listing}",
        "implied": " ({count} deducidas de su experiencia)",
        "untaught": "; le faltan, y la formación no las enseña: {names}",
        "training": "Le faltan {count} habilidad(es) que enseña la formación: {names}",
        "no_training_gap": "Ninguna carencia depende de la formación",
        "experience": "{years} años de experiencia en {niche}",
        "experience_text": "{years} años de experiencia en {niche}, leídos en el texto del perfil",
        "named_work": "El texto del perfil menciona trabajo en {niche}; sin años indicados",
        "no_experience": "Sin experiencia en {niche}",
        "language_ok": "Español {level}: cumple el mínimo {minimum}",
        "language_low": "Español {level}: por debajo del mínimo {minimum}",
        "commute_ok": "{minutes} min de trayecto, dentro de su límite de {limit} min",
        "commute_far": "{minutes} min de trayecto, más que su límite de {limit} min",
        "schedule_ok": "Disponible: {availability}; el reto es de {schedule}",
        "schedule_no": "Disponible solo: {availability}; el reto es de {schedule}",
        "preference": "Eligió {niche} como preferencia n.º {rank}",
        "preference_text": "Sin preferencias anotadas; el texto del perfil apunta a {niche}",
        "no_preference": "No incluyó {niche} entre sus preferencias",
        "similarity": "Similitud del perfil con el reto: {value:.2f}",
        "no_device": "La formación es en línea y no tiene dispositivo (se puede prestar)",
        "ready": "Sin barreras prácticas registradas",
    },
}
WORDS = {
    "en": {
        "morning": "mornings",
        "afternoon": "afternoons",
        "full_day": "full days",
        "flexible": "any time",
    },
    "es": {
        "morning": "mañanas",
        "afternoon": "tardes",
        "full_day": "jornada completa",
        "flexible": "cualquier horario",
    },
}


@dataclass(frozen=True)
class Explanation:
    matched: list[SkillRef]
    missing_taught: list[SkillRef]
    missing_untaught: list[SkillRef]
    reasons: list[Reason]


NAMED_WORK_EVIDENCE = 0.5


def _experience(text: dict, years: float, from_text: bool, evidence: float, niche: str) -> str:
    if years > 0:
        key = "experience_text" if from_text else "experience"
        return text[key].format(years=round(years, 1), niche=niche)
    if evidence >= NAMED_WORK_EVIDENCE:
        return text["named_work"].format(niche=niche)
    return text["no_experience"].format(niche=niche)


def _preference(text: dict, weight: float, from_text: bool, niche: str) -> str:
    if weight <= 0:
        return text["no_preference"].format(niche=niche)
    if from_text:
        return text["preference_text"].format(niche=niche)
    return text["preference"].format(niche=niche, rank=preference_rank(weight))


def factor_effects(
    scorer: Scorer, blocks: list[tuple[np.ndarray, np.ndarray]]
) -> list[dict[str, np.ndarray]]:
    """Effect of each factor on the expected stages, for several (features, chosen)
    blocks at once: each block's reference is its own average, and every variant of
    every block goes through the scorer in a single call."""
    stacked, sizes = [], []
    for features, chosen in blocks:
        reference = features.mean(axis=0)
        base = features[chosen]
        variants = [base]
        for columns in FACTORS.values():
            x = base.copy()
            idx = [F[c] for c in columns]
            x[:, idx] = reference[idx]
            variants.append(x)
        learnt = base.copy()  # as if the taught skills were already there
        learnt[:, F["essential_coverage"]] += learnt[:, F["essential_gap_taught"]]
        learnt[:, F["essential_gap_taught"]] = 0.0
        variants.append(learnt)
        stacked.extend(variants)
        sizes.append(len(chosen))
    if not stacked:
        return []
    scores = expected_stages(scorer.stages(np.vstack(stacked)))
    out, offset = [], 0
    for n in sizes:
        block = scores[offset : offset + n * (len(FACTORS) + 2)].reshape(len(FACTORS) + 2, n)
        own = block[0]
        effects = {name: own - block[g + 1] for g, name in enumerate(FACTORS)}
        effects["training"] = own - block[-1]
        out.append(effects)
        offset += n * (len(FACTORS) + 2)
    return out


def explain(
    scorer: Scorer,
    features: np.ndarray,
    chosen: np.ndarray,
    rows: np.ndarray,
    pool: ParticipantPool,
    challenge: ChallengeView,
    catalogue: Catalogue,
    language: str = "en",
    effects: dict[str, np.ndarray] | None = None,
) -> list[Explanation]:
    """Skill lists and reasons for candidates ``chosen`` (positions into ``features``);
    ``effects`` may come from a batched :func:`factor_effects` call."""
    text, words = TEXT[language], WORDS[language]
    if effects is None:
        effects = factor_effects(scorer, [(features, chosen)])[0]
    niche = catalogue.niches[challenge.niche].name[language]
    taught = set(challenge.taught.tolist())

    uris = catalogue.uris

    def refs(skills, implied: frozenset[int] | set[int] = frozenset()) -> list[SkillRef]:
        return [
            SkillRef(uri=uris[s], label=catalogue.label_at(s, language), implied=s in implied)
            for s in skills
        ]

    out = []
    for pos, c in enumerate(chosen):
        row = rows[c]
        own = set(pool.skill_list(row).tolist())
        matched = [s for s in challenge.essential.tolist() if s in own]
        matched_optional = [s for s in challenge.optional.tolist() if s in own]
        missing = [s for s in challenge.essential.tolist() if s not in own]
        gap_taught = [s for s in missing if s in taught]
        gap_open = [s for s in missing if s not in taught]
        x = features[c]
        have = len(challenge.essential) - len(missing)
        listing = (": " + ", ".join(r.label for r in refs(matched[:4]))) if matched else ""
        skills_text = text["skills"].format(
            have=have, total=len(challenge.essential), listing=listing
        )
        implied = pool.implied_skills(row)
        if implied & set(matched):
            skills_text += text["implied"].format(count=len(implied & set(matched)))
        if gap_open:
            skills_text += text["untaught"].format(names=", ".join(r.label for r in refs(gap_open)))
        years = float(pool.years[row, challenge.niche])
        from_text = pool.cols["years_from_text"][row]
        spanish = CEFR_LEVELS[int(x[F["spanish_level"]])]
        minimum = CEFR_LEVELS[challenge.min_spanish]
        commute = int(x[F["commute_minutes"]])
        limit = int(pool.cols["max_commute"][row])
        availability = words[AVAILABILITY[int(pool.cols["availability"][row])]]
        schedule = words[SCHEDULES[challenge.schedule]]
        pref = float(x[F["niche_preference"]])
        messages = {
            "skills": skills_text,
            "training": text["training"].format(
                count=len(gap_taught), names=", ".join(r.label for r in refs(gap_taught))
            )
            if gap_taught
            else text["no_training_gap"],
            "experience": _experience(text, years, bool(from_text), x[F["text_evidence"]], niche),
            "language": text["language_ok" if x[F["spanish_gap"]] == 0 else "language_low"].format(
                level=spanish, minimum=minimum
            ),
            "commute": text[
                "commute_far" if x[F["commute_over_limit"]] > 0 else "commute_ok"
            ].format(minutes=commute, limit=limit),
            "schedule": text["schedule_ok" if x[F["schedule_fit"]] else "schedule_no"].format(
                availability=availability, schedule=schedule
            ),
            "preference": _preference(text, pref, pool.cols["prefs_from_text"][row], niche),
            "similarity": text["similarity"].format(value=float(x[F["similarity"]])),
            "readiness": text["no_device"] if x[F["remote_without_device"]] else text["ready"],
        }
        reasons = [
            Reason(factor=factor, effect=round(float(effects[factor][pos]), 4), text=message)
            for factor, message in messages.items()
        ]
        reasons.sort(key=lambda r: -abs(r.effect))
        out.append(
            Explanation(
                refs(matched + matched_optional, implied),
                refs(gap_taught),
                refs(gap_open),
                reasons,
            )
        )
    return out
