"""How synthetic people and companies write: varied, incomplete, in three languages.

Profiles are written the way jobseekers write them with a caseworker: a few sentences
with their experience, some skills in their own words (ESCO synonyms or Spanish terms),
what they are looking for and when they can work. Most write in Spanish; some migrants
write in English or French. Companies write their challenges in Spanish. Sentences are
left out at random and the same fact comes in several phrasings, so no system can match
on template strings. Choices use :class:`random.Random` because millions of small draws
are much faster there than through numpy.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import lru_cache

OCCUPATION_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "gardening": ("gardener", "park maintenance worker", "landscaping assistant"),
        "installation": ("electrician's helper", "plumber", "installer", "HVAC assistant"),
        "hospital_orderly": ("hospital porter", "orderly", "nursing assistant"),
        "hotel_reception": ("hotel receptionist", "front desk clerk", "night receptionist"),
        "cleaning": ("cleaner", "cleaning operative", "housekeeper"),
        "hospitality": ("kitchen assistant", "waiter", "cook", "bartender"),
        "retail": ("shop assistant", "cashier", "shelf stacker"),
        "logistics": ("warehouse worker", "picker", "forklift driver", "packer"),
        "elderly_care": ("home carer", "care assistant", "caregiver for elderly people"),
        "ict_support": ("IT support technician", "help desk agent", "computer technician"),
        "construction": ("construction labourer", "bricklayer", "painter", "plasterer"),
        "beauty": ("hairdresser", "hairdressing assistant", "manicurist"),
        "administration": ("office assistant", "receptionist in an office", "data entry clerk"),
    },
    "es": {
        "gardening": ("jardinero", "jardinera", "peón de jardinería"),
        "installation": ("ayudante de electricista", "fontanero", "instalador"),
        "hospital_orderly": ("celador", "celadora", "auxiliar de enfermería"),
        "hotel_reception": ("recepcionista de hotel", "recepcionista de noche"),
        "cleaning": ("limpiadora", "operario de limpieza", "empleada de hogar"),
        "hospitality": ("ayudante de cocina", "camarero", "camarera", "cocinero"),
        "retail": ("dependienta", "cajera", "reponedor"),
        "logistics": ("mozo de almacén", "preparador de pedidos", "carretillero"),
        "elderly_care": ("cuidadora de mayores", "auxiliar de ayuda a domicilio"),
        "ict_support": ("técnico informático", "técnico de soporte"),
        "construction": ("peón de obra", "albañil", "pintor", "escayolista"),
        "beauty": ("peluquera", "ayudante de peluquería", "manicurista"),
        "administration": ("auxiliar administrativo", "administrativa", "grabador de datos"),
    },
    "fr": {
        "gardening": ("jardinier", "jardinière", "ouvrier d'entretien des espaces verts"),
        "installation": ("aide-électricien", "plombier", "installateur"),
        "hospital_orderly": ("brancardier", "agent de service hospitalier", "aide-soignante"),
        "hotel_reception": ("réceptionniste d'hôtel", "veilleur de nuit à l'accueil"),
        "cleaning": ("agent d'entretien", "femme de ménage", "agent de nettoyage"),
        "hospitality": ("aide de cuisine", "serveur", "serveuse", "cuisinier"),
        "retail": ("vendeuse", "caissière", "employé de rayon"),
        "logistics": ("manutentionnaire", "préparateur de commandes", "cariste"),
        "elderly_care": ("aide à domicile", "auxiliaire de vie pour personnes âgées"),
        "ict_support": ("technicien informatique", "technicien d'assistance"),
        "construction": ("manœuvre du bâtiment", "maçon", "peintre en bâtiment", "plâtrier"),
        "beauty": ("coiffeuse", "aide-coiffeuse", "manucure"),
        "administration": ("assistant administratif", "secrétaire", "agent de saisie"),
    },
}

# Work that lies outside the 13 niches.
OUTSIDE_WORK: dict[str, tuple[str, ...]] = {
    "en": (
        "security guard",
        "taxi driver",
        "farm labourer",
        "textile machinist",
        "car mechanic",
        "fisherman",
        "street vendor",
        "tailor",
    ),
    "es": (
        "vigilante de seguridad",
        "taxista",
        "jornalero en el campo",
        "costurera en un taller",
        "mecánico de coches",
        "pescador",
        "vendedor ambulante",
        "sastre",
    ),
    "fr": (
        "agent de sécurité",
        "chauffeur de taxi",
        "ouvrier agricole",
        "couturière en atelier",
        "mécanicien auto",
        "pêcheur",
        "vendeur ambulant",
        "tailleur",
    ),
}

AVAILABILITY_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "morning": (
            "I can work mornings.",
            "Available in the morning only.",
            "Mornings suit me best because of my children.",
        ),
        "afternoon": ("I can only work afternoons.", "Available afternoons and evenings."),
        "full_day": ("I can work full time.", "Available all day, full-time."),
        "flexible": ("My schedule is flexible.", "Any shift is fine for me, also weekends."),
    },
    "es": {
        "morning": (
            "Puedo trabajar por las mañanas.",
            "Solo disponible de mañana.",
            "Prefiero mañanas por los niños.",
        ),
        "afternoon": ("Solo puedo por las tardes.", "Disponible de tarde."),
        "full_day": ("Puedo trabajar a jornada completa.", "Disponible todo el día."),
        "flexible": (
            "Tengo horario flexible.",
            "Me adapto a cualquier turno, también fines de semana.",
        ),
    },
    "fr": {
        "morning": (
            "Je peux travailler le matin.",
            "Disponible le matin seulement.",
            "Le matin me convient mieux à cause des enfants.",
        ),
        "afternoon": ("Je peux seulement l'après-midi.", "Disponible l'après-midi et le soir."),
        "full_day": ("Je peux travailler à temps plein.", "Disponible toute la journée."),
        "flexible": (
            "Mes horaires sont flexibles.",
            "Tous les horaires me vont, le week-end aussi.",
        ),
    },
}

EXPERIENCE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "en": (
        "I worked {years} as {job}.",
        "{years} of experience as {job}.",
        "Before, I worked as {job} for {years}.",
        "Experience: {job} ({years}).",
        "I have worked as {job} for {years}, some of it without a contract.",
    ),
    "es": (
        "He trabajado {years} de {job}.",
        "Experiencia de {years} como {job}.",
        "Antes fui {job} durante {years}.",
        "Experiencia: {job} ({years}).",
        "Estuve {years} de {job}, parte sin contrato.",
    ),
    "fr": (
        "J'ai travaillé {years} comme {job}.",
        "{years} d'expérience comme {job}.",
        "Avant, j'étais {job} pendant {years}.",
        "Expérience : {job} ({years}).",
        "J'ai été {job} pendant {years}, en partie sans contrat.",
    ),
}

NO_EXPERIENCE: dict[str, tuple[str, ...]] = {
    "en": (
        "I have no formal work experience yet.",
        "Looking for my first job.",
        "I have only done small jobs for neighbours.",
    ),
    "es": (
        "No tengo experiencia laboral formal.",
        "Busco mi primer empleo.",
        "Solo he hecho trabajos sueltos para vecinos.",
    ),
    "fr": (
        "Je n'ai pas encore d'expérience professionnelle déclarée.",
        "Je cherche mon premier emploi.",
        "J'ai seulement fait des petits travaux pour des voisins.",
    ),
}

SKILL_TEMPLATES: dict[str, tuple[str, ...]] = {
    "en": (
        "I know how to {skills}.",
        "Skills: {skills}.",
        "I can do {skills}.",
        "Good at {skills}.",
        "I also did {skills}.",
    ),
    "es": (
        "Sé {skills}.",
        "Habilidades: {skills}.",
        "Se me da bien {skills}.",
        "También he hecho {skills}.",
        "Conocimientos: {skills}.",
    ),
    "fr": (
        "Je sais {skills}.",
        "Compétences : {skills}.",
        "Je suis capable de {skills}.",
        "J'ai aussi fait {skills}.",
    ),
}

PREFERENCE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "en": (
        "I would like to work in {niches}.",
        "Interested in {niches}.",
        "Looking for a job in {niches}.",
    ),
    "es": (
        "Me gustaría trabajar en {niches}.",
        "Me interesa {niches}.",
        "Busco trabajo de {niches}.",
    ),
    "fr": (
        "Je voudrais travailler en {niches}.",
        "Secteurs qui m'intéressent : {niches}.",
        "Je cherche un emploi en {niches}.",
    ),
}

EXTRA_SENTENCES: dict[str, tuple[str, ...]] = {
    "en": (
        "I am punctual and responsible.",
        "I learn quickly.",
        "I want a stable job to support my family.",
        "I like working with people.",
        "I have a car.",
        "I need to improve my Spanish.",
        "I am studying Spanish at CEPA.",
        "I have a food handler certificate.",
    ),
    "es": (
        "Soy puntual y responsable.",
        "Aprendo rápido.",
        "Quiero un trabajo estable para mi familia.",
        "Me gusta trabajar con gente.",
        "Tengo coche.",
        "Necesito mejorar mi español.",
        "Estudio español en el CEPA.",
        "Tengo el carné de manipulador de alimentos.",
    ),
    "fr": (
        "Je suis ponctuel et sérieux.",
        "J'apprends vite.",
        "Je veux un travail stable pour ma famille.",
        "J'aime travailler avec les gens.",
        "J'ai le permis de conduire.",
        "Je dois améliorer mon espagnol.",
        "J'apprends l'espagnol au CEPA.",
        "J'ai un certificat d'hygiène alimentaire.",
    ),
}

YEARS_WORDS: dict[str, tuple[str, str, str]] = {
    "en": ("a few months", "one year", "{n} years"),
    "es": ("unos meses", "un año", "{n} años"),
    "fr": ("quelques mois", "un an", "{n} ans"),
}

AND_WORD = {"en": " and ", "es": " y ", "fr": " et "}


def pick(rnd: random.Random, options: Sequence[str]) -> str:
    """A uniform choice; much cheaper than ``random.choice`` for millions of calls."""
    return options[int(rnd.random() * len(options))]


@lru_cache(maxsize=4096)
def years_phrase(years: float, language: str) -> str:
    few, one, many = YEARS_WORDS[language]
    if years < 0.75:
        return few
    if years < 1.5:
        return one
    return many.format(n=round(years))


def join_words(words: Sequence[str], language: str) -> str:
    """'a, b and c' in English, 'a, b y c' in Spanish, 'a, b et c' in French."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + AND_WORD[language] + words[-1]


PROFILE_DRAWS = 15  # uniforms one profile consumes


def profile_text(
    u: Sequence[float],
    language: str,
    experience: Sequence[tuple[str | None, float]],
    skill_phrases: Sequence[str],
    preference_names: Sequence[str],
    availability: str,
) -> str:
    """One participant's free-text profile.

    ``u`` holds :data:`PROFILE_DRAWS` uniform numbers that make every choice (drawn in
    bulk by the caller, which is far faster than drawing here); ``experience`` holds
    (niche code or None for work outside the catalogue, years).
    """
    parts: list[str] = []
    if experience:
        for k, (niche, years) in enumerate(experience[:3]):
            jobs = OUTSIDE_WORK[language] if niche is None else OCCUPATION_WORDS[language][niche]
            templates = EXPERIENCE_TEMPLATES[language]
            template = templates[int(u[2 * k] * len(templates))]
            job = jobs[int(u[2 * k + 1] * len(jobs))]
            parts.append(template.format(years=years_phrase(years, language), job=job))
    elif u[14] < 0.8:
        options = NO_EXPERIENCE[language]
        parts.append(options[int(u[13] * len(options))])
    if skill_phrases:
        templates = SKILL_TEMPLATES[language]
        parts.append(
            templates[int(u[6] * len(templates))].format(skills=join_words(skill_phrases, language))
        )
    if preference_names and u[7] < 0.75:
        templates = PREFERENCE_TEMPLATES[language]
        parts.append(
            templates[int(u[8] * len(templates))].format(
                niches=join_words(preference_names, language).lower()
            )
        )
    if u[9] < 0.7:
        options = AVAILABILITY_WORDS[language][availability]
        parts.append(options[int(u[10] * len(options))])
    if u[11] < 0.5:
        options = EXTRA_SENTENCES[language]
        parts.append(options[int(u[12] * len(options))])
    if len(parts) > 2 and u[13] < 0.3:
        parts = parts[1:] + parts[:1]
    return " ".join(parts)


CHALLENGE_TITLES: dict[str, tuple[str, ...]] = {
    "gardening": ("Equipo de mantenimiento de zonas verdes", "Cuidado de parques y jardines"),
    "installation": (
        "Ayudantes de instalación solar y aerotermia",
        "Equipo de instalaciones eléctricas y de fontanería",
        "Auxiliares de mantenimiento de climatización",
    ),
    "hospital_orderly": ("Celadores para traslado de pacientes", "Apoyo a pacientes en hospital"),
    "hotel_reception": ("Equipo de recepción de hotel", "Recepción de noche"),
    "cleaning": ("Limpieza de oficinas e instalaciones", "Limpieza hospitalaria"),
    "hospitality": ("Personal de cocina y sala", "Ayudantes de cocina para catering"),
    "retail": ("Equipo de sala de supermercado", "Personal para la apertura de una tienda"),
    "logistics": ("Preparación y embalaje de pedidos", "Carretilla y almacén"),
    "elderly_care": ("Ayuda a domicilio para personas mayores", "Auxiliares para una residencia"),
    "ict_support": ("Soporte informático para pymes", "Taller de reparación de ordenadores"),
    "construction": ("Cuadrilla de reformas", "Pladur y pintura"),
    "beauty": ("Ayudantes de peluquería", "Personal de centro de estética"),
    "administration": ("Apoyo administrativo", "Atención al cliente"),
}

SCHEDULE_WORDS = {
    "morning": "turno de mañana",
    "afternoon": "turno de tarde",
    "full_day": "jornada completa",
}


def challenge_text(
    rnd: random.Random,
    company: str,
    niche_name: str,
    title: str,
    essential: Sequence[str],
    optional: Sequence[str],
    taught: Sequence[str],
    min_spanish: str,
    schedule: str,
    location: str,
    remote: bool,
) -> str:
    """The Business Challenge description a company writes with the training centre,
    in Spanish; skills are named by their Spanish ESCO labels."""
    opening = pick(
        rnd,
        (
            f"{company} busca personas para su equipo de {niche_name.lower()}.",
            f"{company} cogestiona este Reto Empresarial de {niche_name.lower()}.",
            f"Únete a {company}: {title.lower()}.",
        ),
    )
    parts = [opening, f"Imprescindible: {join_words(list(essential), 'es')}."]
    if optional:
        parts.append(f"Se valora: {join_words(list(optional), 'es')}.")
    if taught:
        parts.append(f"En la formación se aprende: {join_words(list(taught), 'es')}.")
    parts.append(
        f"Español de nivel {min_spanish} o superior. {SCHEDULE_WORDS[schedule].capitalize()}"
        f" en {location}."
    )
    if remote:
        parts.append("La formación es en línea; se prestan portátiles.")
    return " ".join(parts)
