"""The sentences a person's placements add to the reasons of
:mod:`matching.reason_texts`, in English and Spanish: how contested a challenge's seats
are, where the team plan puts the person and why, and what the answer is (or why it is
empty). Neither the person's gender nor any other sensitive attribute shapes the words.
"""

from __future__ import annotations

PLACEMENT_TEXTS: dict[str, dict[str, str]] = {
    "contest_within": {
        "en": "Place {rank} of {candidates} on its shortlist, for {seats}",
        "es": "Puesto {rank} de {candidates} en su lista, para {seats}",
    },
    "contest_full": {
        "en": "Place {rank} of {candidates} on its shortlist: {stronger} rank above, for {seats}",
        "es": "Puesto {rank} de {candidates} en su lista: {stronger} por delante, para {seats}",
    },
    "contest_outside_within": {
        "en": "Not on its shortlist; {stronger} of its {candidates} score higher, for {seats}",
        "es": "No figura en su lista; {stronger} de sus {candidates} puntúan más, para {seats}",
    },
    "contest_outside_full": {
        "en": "Not on its shortlist; {stronger} of its {candidates} score higher, for only {seats}",
        "es": "No figura en su lista; {stronger} de sus {candidates} puntúan más, para solo "
        "{seats}",
    },
    "plan_first": {
        "en": "{plan} puts them in {title}, their first placement",
        "es": "{plan} le asigna {title}, su primera opción",
    },
    "plan_stronger": {
        "en": "{plan} puts them in {title}, their placement #{rank}: {first} has {seats}, "
        "all going to people ranked above them on its shortlist",
        "es": "{plan} le asigna {title}, su opción n.º {rank}: {first} tiene {seats}, todas "
        "para personas por delante en su lista",
    },
    "plan_full": {
        "en": "{plan} puts them in {title}, their placement #{rank}: the {seats} of {first} go "
        "to others, {above} of them ranked above them on its shortlist",
        "es": "{plan} le asigna {title}, su opción n.º {rank}: las {seats} de {first} son "
        "para otras personas, {above} de ellas por delante en su lista",
    },
    "plan_full_proposed": {
        "en": "; the plan seats the whole edition at once, for the most progress overall",
        "es": "; el plan reparte a toda la edición a la vez, para el mayor avance en conjunto",
    },
    "plan_open": {
        "en": "{plan} puts them in {title}, their placement #{rank}, though {first} has seats free",
        "es": "{plan} le asigna {title}, su opción n.º {rank}, aunque {first} tiene plazas libres",
    },
    "plan_none_proposed": {
        "en": "The proposed plan gives them no seat: the edition has {people} for {seats}",
        "es": "El plan propuesto no le da plaza: la edición tiene {people} para {seats}",
    },
    "plan_none_confirmed": {
        "en": "The confirmed teams do not include them",
        "es": "Los equipos confirmados no le incluyen",
    },
    "plan_impossible": {
        "en": "No team plan is possible for the edition now: its seats, composition rule "
        "and people cannot all be met",
        "es": "Ahora no es posible un plan de equipos para la edición: no se pueden cumplir "
        "a la vez sus plazas, la regla de composición y las personas que tiene",
    },
    "plan_other_edition": {
        "en": "Edition {edition} is not their own: its team plan does not include them",
        "es": "La edición {edition} no es la suya: su plan de equipos no le incluye",
    },
    "note_ranked": {
        "en": "{count} of edition {edition}, the one that suits them best first.",
        "es": "{count} de la edición {edition}, primero el que mejor le encaja.",
    },
    "note_ranked_top": {
        "en": "{shown} of the {count} of edition {edition}, the one that suits them best first.",
        "es": "{shown} de los {count} de la edición {edition}, primero el que mejor le encaja.",
    },
    "note_next_edition_top": {
        "en": "Their edition ({own}) has no challenges; {shown} of the {count} of edition "
        "{edition}, the next that has some, the one that suits them best first.",
        "es": "Su edición ({own}) no tiene retos; {shown} de los {count} de la edición "
        "{edition}, la siguiente que los tiene, primero el que mejor le encaja.",
    },
    "note_next_edition": {
        "en": "Their edition ({own}) has no challenges; {count} of edition {edition}, the "
        "next that has some, the one that suits them best first.",
        "es": "Su edición ({own}) no tiene retos; {count} de la edición {edition}, la "
        "siguiente que los tiene, primero el que mejor le encaja.",
    },
    "note_no_consent": {
        "en": "They have not agreed to share their profile with companies: record their "
        "consent to see the challenges that suit them.",
        "es": "No ha dado su consentimiento para compartir su perfil con empresas: "
        "regístrelo para ver los retos que le encajan.",
    },
    "note_unavailable": {
        "en": "They are marked unavailable, so no shortlist holds them: change their "
        "availability to see the challenges that suit them.",
        "es": "Consta como no disponible, así que no figura en ninguna lista: cambie su "
        "disponibilidad para ver los retos que le encajan.",
    },
    "note_not_enough_information": {
        "en": "Their profile holds too little to score: add what is missing.",
        "es": "Su perfil tiene muy poca información para puntuarlo: añada lo que falta.",
    },
    "note_no_open_challenge": {
        "en": "No challenge is open to them: neither their edition ({edition}) nor a later "
        "one has challenges yet.",
        "es": "No hay retos abiertos para esta persona: ni su edición ({edition}) ni una "
        "posterior tienen retos todavía.",
    },
}
PLAN_NAMES = {
    "proposed": {"en": "The proposed plan", "es": "El plan propuesto"},
    "confirmed": {"en": "The confirmed plan", "es": "El plan confirmado"},
}
NOUNS = {
    "seat": {"en": ("seat", "seats"), "es": ("plaza", "plazas")},
    "candidate": {"en": ("candidate", "candidates"), "es": ("candidatura", "candidaturas")},
    "person": {"en": ("person", "people"), "es": ("persona", "personas")},
    "challenge": {"en": ("challenge", "challenges"), "es": ("reto", "retos")},
}


def counted(count: int, noun: str, language: str) -> str:
    """``count`` and the noun, singular or plural: "1 seat", "18 plazas"."""
    one, many = NOUNS[noun][language]
    return f"{count} {one if count == 1 else many}"


def placement_text(key: str, language: str, **values) -> str:
    """A placement's sentence in ``language``."""
    return PLACEMENT_TEXTS[key][language].format(**values)
