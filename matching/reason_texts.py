"""The words of a shortlist's reasons, in English and Spanish, and which way each points.

Every phrasing has a *polarity*: +1 says something in the candidate's favour ("has 3 of
5 essential skills"), -1 against ("over their commute limit"), 0 neither ("no
experience recorded", which is where a factor's effect is measured from). A reason's
effect is measured (see :mod:`matching.explanations`), and its words must agree with
it: where the measured effect goes against the phrasing's polarity (a learned model
need not be monotone), a clause says which way it went on balance, so a caseworker is
never told "no experience" next to a score that the experience raised.
"""

from __future__ import annotations

from functools import lru_cache

TEMPLATES: dict[str, tuple[int, dict[str, str | tuple[str, str, str]]]] = {
    "skills": (
        +1,
        {
            "en": (
                "total",
                "Has the essential skill: {names}",
                "Has {have} of {total} essential skills: {names}",
            ),
            "es": (
                "total",
                "Tiene la habilidad esencial: {names}",
                "Tiene {have} de {total} habilidades esenciales: {names}",
            ),
        },
    ),
    "skills_none": (
        0,
        {
            "en": (
                "total",
                "Does not have the essential skill",
                "Has none of the {total} essential skills",
            ),
            "es": (
                "total",
                "No tiene la habilidad esencial",
                "No tiene ninguna de las {total} habilidades esenciales",
            ),
        },
    ),
    "skills_none_others": (
        +1,
        {
            "en": (
                "total",
                "Lacks the essential skill, but other skills they have count in their favour",
                "Has none of the {total} essential skills, but other skills they have count in "
                "their favour",
            ),
            "es": (
                "total",
                "No tiene la habilidad esencial, pero otras habilidades suyas cuentan a su favor",
                "No tiene ninguna de las {total} habilidades esenciales, pero otras habilidades "
                "suyas cuentan a su favor",
            ),
        },
    ),
    "skills_unlisted": (
        0,
        {
            "en": "The challenge lists no essential skills",
            "es": "El reto no indica habilidades esenciales",
        },
    ),
    "training": (
        -1,
        {
            "en": (
                "count",
                "Missing a skill the training teaches: {names}",
                "Missing {count} skills the training teaches: {names}",
            ),
            "es": (
                "count",
                "Le falta una habilidad que enseña la formación: {names}",
                "Le faltan {count} habilidades que enseña la formación: {names}",
            ),
        },
    ),
    "no_training_gap": (
        0,
        {
            "en": "No missing skill depends on the training",
            "es": "Ninguna carencia depende de la formación",
        },
    ),
    "experience": (
        +1,
        {
            "en": (
                "years",
                "1 year of experience in {niche}",
                "{years} years of experience in {niche}",
            ),
            "es": (
                "years",
                "1 año de experiencia en {niche}",
                "{years} años de experiencia en {niche}",
            ),
        },
    ),
    "experience_text": (
        +1,
        {
            "en": (
                "years",
                "1 year of experience in {niche}, read from the profile text",
                "{years} years of experience in {niche}, read from the profile text",
            ),
            "es": (
                "years",
                "1 año de experiencia en {niche}, leído en el texto del perfil",
                "{years} años de experiencia en {niche}, leídos en el texto del perfil",
            ),
        },
    ),
    "named_work": (
        +1,
        {
            "en": "The profile text names work in {niche}; years not stated",
            "es": "El texto del perfil menciona trabajo en {niche}; sin años indicados",
        },
    ),
    "experience_elsewhere": (
        +1,
        {
            "en": (
                "years",
                "No experience in {niche}; 1 year of other work",
                "No experience in {niche}; {years} years of other work",
            ),
            "es": (
                "years",
                "Sin experiencia en {niche}; 1 año en otros trabajos",
                "Sin experiencia en {niche}; {years} años en otros trabajos",
            ),
        },
    ),
    "text_hint": (
        +1,
        {
            "en": "No years recorded; the profile text hints at work in {niche}",
            "es": "No constan años; el texto del perfil apunta a trabajo en {niche}",
        },
    ),
    "no_experience": (
        0,
        {"en": "No work experience recorded", "es": "No consta experiencia laboral"},
    ),
    "language_low": (
        -1,
        {
            "en": "Spanish {level} is below the required {minimum}",
            "es": "Español {level}: por debajo del mínimo {minimum}",
        },
    ),
    "language_above": (
        +1,
        {
            "en": "Spanish {level}, above the required {minimum}",
            "es": "Español {level}: por encima del mínimo {minimum}",
        },
    ),
    "language_ok": (
        0,
        {
            "en": "Spanish {level}, the level required",
            "es": "Español {level}: el nivel que se pide",
        },
    ),
    "commute_far": (
        -1,
        {
            "en": "{minutes} min commute, over their {limit}-min limit",
            "es": "{minutes} min de trayecto, más que su límite de {limit} min",
        },
    ),
    "commute_short": (
        +1,
        {
            "en": "{minutes} min commute, shorter than most, within their {limit}-min limit",
            "es": (
                "{minutes} min de trayecto, menos que la mayoría, "
                "dentro de su límite de {limit} min"
            ),
        },
    ),
    "commute_long": (
        -1,
        {
            "en": "{minutes} min commute, longer than most, though within their {limit}-min limit",
            "es": (
                "{minutes} min de trayecto, más que la mayoría, "
                "aunque dentro de su límite de {limit} min"
            ),
        },
    ),
    "schedule_no": (
        -1,
        {
            "en": "Available {availability} only; the challenge runs {schedule}",
            "es": "Disponible solo: {availability}; el reto es de {schedule}",
        },
    ),
    "schedule_ok": (
        0,
        {
            "en": "Available {availability}; the challenge runs {schedule}",
            "es": "Disponible: {availability}; el reto es de {schedule}",
        },
    ),
    "preference": (
        +1,
        {
            "en": "Chose {niche} as preference #{rank}",
            "es": "Eligió {niche} como preferencia n.º {rank}",
        },
    ),
    "preference_text": (
        +1,
        {
            "en": "No preference recorded; the profile text points to {niche}",
            "es": "Sin preferencias anotadas; el texto del perfil apunta a {niche}",
        },
    ),
    "no_preference": (
        0,
        {
            "en": "Did not list {niche} among their preferences",
            "es": "No incluyó {niche} entre sus preferencias",
        },
    ),
    "similarity_high": (
        +1,
        {
            "en": "Their profile reads closer to the challenge than most candidates'",
            "es": "Su perfil se parece al reto más que el de la mayoría",
        },
    ),
    "similarity_low": (
        -1,
        {
            "en": "Their profile reads less close to the challenge than most candidates'",
            "es": "Su perfil se parece al reto menos que el de la mayoría",
        },
    ),
    "no_device": (
        -1,
        {
            "en": "Training is online and they have no device (a laptop can be lent)",
            "es": "La formación es en línea y no tiene dispositivo (se puede prestar)",
        },
    ),
    "ready": (
        0,
        {"en": "No practical barrier recorded", "es": "Sin barreras prácticas registradas"},
    ),
    "background_up": (
        +1,
        {
            "en": "Education ({education}) and {months} months out of work count in their favour",
            "es": "Sus estudios ({education}) y {months} meses sin empleo juegan a su favor",
        },
    ),
    "background_down": (
        -1,
        {
            "en": "Education ({education}) and {months} months out of work count against them",
            "es": "Sus estudios ({education}) y {months} meses sin empleo juegan en su contra",
        },
    ),
    "company_up": (
        +1,
        {
            "en": "This company's trainees have done well: joined, completed and were hired",
            "es": "A quienes formó esta empresa les fue bien: se unieron, terminaron y "
            "fueron contratados",
        },
    ),
    "company_down": (
        -1,
        {
            "en": "This company's trainees have done less well than most",
            "es": "A quienes formó esta empresa les fue peor que a la mayoría",
        },
    ),
    "company_none": (
        0,
        {
            "en": "No earlier trainees of this company to learn from",
            "es": "Aún no hay participantes anteriores de esta empresa",
        },
    ),
    "induction_yes": (
        +1,
        {"en": "Came to the induction session", "es": "Vino a la sesión de acogida"},
    ),
    "induction_no": (
        -1,
        {"en": "Missed the induction session", "es": "No vino a la sesión de acogida"},
    ),
    "induction_unknown": (
        0,
        {
            "en": "Induction attendance not recorded",
            "es": "No consta si vino a la sesión de acogida",
        },
    ),
    "history_like": (
        +1,
        {
            "en": "Resembles those who did well with this company before",
            "es": "Se parece a quienes antes salieron bien con esta empresa",
        },
    ),
    "history_unlike": (
        -1,
        {
            "en": "Differs from those who did well with this company before",
            "es": "Se diferencia de quienes antes salieron bien con esta empresa",
        },
    ),
    "history_none": (
        0,
        {
            "en": "No earlier outcomes with this company",
            "es": "Sin resultados anteriores con esta empresa",
        },
    ),
}
CLAUSES: dict[int, dict[str, str]] = {
    +1: {
        "en": " (next to the other candidates, this raises their chances)",
        "es": " (frente a las demás candidaturas, esto sube sus probabilidades)",
    },
    -1: {
        "en": " (next to the other candidates, this lowers their chances)",
        "es": " (frente a las demás candidaturas, esto baja sus probabilidades)",
    },
}
IMPLIED = {
    "en": (
        "count",
        " (implied by their stated experience)",
        " ({count} implied by their stated experience)",
    ),
    "es": ("count", " (deducida de su experiencia)", " ({count} deducidas de su experiencia)"),
}
# effects smaller than this are "no effect" (the scores are shown to 4 decimals)
NEGLIGIBLE = 0.005


def direction(effect: float) -> int:
    """+1, -1 or 0: which way a measured effect goes."""
    if effect > NEGLIGIBLE:
        return 1
    if effect < -NEGLIGIBLE:
        return -1
    return 0


def worded(text: str | tuple[str, str, str], language: str, **values) -> str:
    """A phrasing filled in: a (count name, one, other) phrasing takes its singular form
    when that count is 1; years are written with the language's decimal mark."""
    if isinstance(text, tuple):
        name, one, other = text
        text = one if values[name] == 1 else other
    if "years" in values:
        values = {**values, "years": decimal(values["years"], language)}
    return text.format(**values)


def decimal(value: float, language: str) -> str:
    """``value`` to one decimal, without a trailing ",0" ("5", "0,4" in Spanish)."""
    shown = f"{round(float(value), 1):g}"
    return shown.replace(".", ",") if language == "es" else shown


def phrase(key: str, language: str, effect: float, extra: str = "", **values) -> str:
    """The reason's words: the phrasing of ``key`` (plus ``extra``), and a clause when
    the measured ``effect`` goes another way than the words say (a neutral phrasing
    included), so that no reason reads as a plus where it lowered the chances."""
    return phrased(key, language, direction(effect), extra, tuple(values.items()))


@lru_cache(maxsize=65_536)
def phrased(key: str, language: str, went: int, extra: str, values: tuple) -> str:
    """:func:`phrase` of an effect that went ``went`` (its :func:`direction`), made once
    per distinct wording: a shortlist's reasons repeat the same few sentences for most
    candidates (a long list spent more on wording than on scoring)."""
    text = worded(TEMPLATES[key][1][language], language, **dict(values)) + extra
    clash = went if went and went != TEMPLATES[key][0] else 0
    return text + CLAUSES[clash][language] if clash else text
