"""How a CV or a posting is laid out: its sections, and the periods its jobs were held.

A caseworker reading a CV looks for the job titles and the dates beside them, and reads
a summary's or a skills list's words for less. So does the reader:

- **Sections.** A line that is only a heading ("Work experience", "Formación",
  "Compétences", "REQUISITOS:") starts a section, and the heading says its role:
  :data:`EXPERIENCE`, :data:`EDUCATION`, :data:`SKILLS`, :data:`SUMMARY`,
  :data:`INTERESTS`, :data:`LANGUAGES`, a posting's :data:`REQUIREMENTS` or
  :data:`OFFER`, or :data:`CONTACT`. What comes before the first heading (a CV's name
  and title line, a posting's title) is the :data:`HEADER`. Headings are known in
  English, Spanish and French; an unknown heading leaves the section as it was.
- **Periods.** Date ranges ("Jan 2013 to Jan 2014", "08/2005 - Current", "2015-2018",
  "de marzo de 2015 a 2017", "depuis 2019", "janv. 2016 – aujourd'hui") give when a
  job was held: the reader gives each to the job title nearest it
  (:mod:`matching.text.reader`). An open range ("to present", "actualidad") ends at the
  latest year the text names, so that reading a text gives the same answer any day (a
  CV is a picture of the day it was written, and people come to the programme out of
  work).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HEADER, SUMMARY, EXPERIENCE, EDUCATION, SKILLS = (
    "header",
    "summary",
    "experience",
    "education",
    "skills",
)
INTERESTS, LANGUAGES, REQUIREMENTS, OFFER, CONTACT = (
    "interests",
    "languages",
    "requirements",
    "offer",
    "contact",
)

# Heading words (folded: lower case, no accents, letters and single spaces) -> role.
_HEADINGS: dict[str, tuple[str, ...]] = {
    EXPERIENCE: (
        # English
        "experience", "work experience", "professional experience", "relevant experience",
        "employment", "employment history", "work history", "career history",
        "professional background", "experience and employment", "job history",
        "duties", "responsibilities", "main duties", "tasks",
        # Spanish
        "experiencia", "experiencia laboral", "experiencia profesional", "historial laboral",
        "trayectoria profesional", "trayectoria laboral", "empleos", "funciones", "tareas",
        "responsabilidades", "funciones del puesto", "descripcion del puesto",
        # French
        "experiences", "experience professionnelle", "experiences professionnelles",
        "parcours professionnel", "emplois", "missions", "taches", "fonctions",
    ),
    EDUCATION: (
        "education", "education and training", "training", "certifications",
        "certificates", "licenses", "licenses and certifications", "academic background",
        "courses", "qualifications and training",
        "formacion", "formacion academica", "formacion complementaria", "estudios",
        "educacion", "titulacion", "titulaciones", "certificados", "cursos",
        "formation", "formations", "diplomes", "etudes", "formation professionnelle",
    ),
    SKILLS: (
        "skills", "skill highlights", "highlights", "key skills", "technical skills",
        "core qualifications", "qualifications", "competencies", "core competencies",
        "abilities", "expertise", "areas of expertise", "computer skills", "software",
        "additional skills", "skills and abilities",
        "habilidades", "competencias", "conocimientos", "aptitudes", "informatica",
        "conocimientos informaticos", "otros conocimientos",
        "competences", "savoir faire", "informatique", "competences techniques",
    ),
    SUMMARY: (
        "summary", "professional summary", "profile", "professional profile", "objective",
        "career objective", "overview", "career overview", "executive profile",
        "about me", "accomplishments", "achievements", "awards",
        "perfil", "perfil profesional", "resumen", "sobre mi", "objetivo",
        "objetivo profesional", "logros",
        "profil", "profil professionnel", "resume", "objectif", "a propos de moi",
        "realisations",
    ),
    INTERESTS: (
        "interests", "hobbies", "activities", "personal interests", "hobbies and interests",
        "aficiones", "intereses", "aficiones e intereses",
        "loisirs", "centres d interet", "interets",
    ),
    LANGUAGES: ("languages", "idiomas", "langues", "lenguas"),
    REQUIREMENTS: (
        "requirements", "requisitos", "requisitos minimos", "se requiere", "se requieren",
        "requerimientos", "imprescindible", "valorable", "se valorara", "perfil requerido",
        "perfil buscado", "exigences", "profil recherche", "prerequis",
    ),
    OFFER: (
        "we offer", "benefits", "salary", "conditions",
        "se ofrece", "ofrecemos", "condiciones", "salario", "jornada", "horario",
        "nous offrons", "conditions de travail", "salaire", "remuneration",
    ),
    CONTACT: (
        "contact", "contact details", "references", "personal details", "personal information",
        "datos de contacto", "contacto", "referencias", "datos personales",
        "coordonnees", "references professionnelles", "informations personnelles",
    ),
}  # fmt: skip
HEADING_ROLE: dict[str, str] = {
    phrase: role for role, phrases in _HEADINGS.items() for phrase in phrases
}
_LONGEST_HEADING = max(len(phrase.split()) for phrase in HEADING_ROLE)
_HEADING_LINE = re.compile(
    r"(?:^[ \t•·*#>-]*(?P<words>[^\W\d_][^\n:.!?]{0,48}?)[ \t]*(?::|$)"
    r"|(?<=[.!?])[ \t]+(?P<inline>[^\W\d_][^\n:.]{0,48}?)[ \t]*:)",
    re.M,
)
_NOT_LETTERS = re.compile(r"[^a-z]+")


def fold_heading(words: str) -> str:
    """Lower case, accents dropped, anything but letters one space."""
    plain = unicodedata.normalize("NFKD", words.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _NOT_LETTERS.sub(" ", plain).strip()


@dataclass(frozen=True)
class Section:
    """Characters ``start``..``end`` of a text, with the ``role`` its heading gave."""

    role: str
    start: int
    end: int


def sections(text: str) -> list[Section]:
    """The text's sections in order, covering it whole; the first is the header. A
    heading is a line that holds only heading words, or a line or sentence that starts
    with them and a colon ("REQUISITOS: carnet B", "... en Getafe. Datos de contacto:
    ..."), so a posting reads alike typed in one paragraph or laid out in a file."""
    found: list[Section] = []
    role, start = HEADER, 0
    for line in _HEADING_LINE.finditer(text):
        words = fold_heading(line.group("words") or line.group("inline"))
        if len(words.split()) > _LONGEST_HEADING or words not in HEADING_ROLE:
            continue
        new_role = HEADING_ROLE[words]
        at = line.start("words") if line.group("words") else line.start("inline")
        if at > start:
            found.append(Section(role, start, at))
        role, start = new_role, at
    found.append(Section(role, start, len(text)))
    return found


# ----------------------------------------------------------------------------- periods
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january ene enero janv janvier",
        "feb february febrero fev fevr fevrier févr février",
        "mar march marzo mars",
        "apr april abr abril avr avril",
        "may mayo mai",
        "jun june junio juin",
        "jul july julio juil juillet",
        "aug august ago agosto aout août",
        "sep sept september septiembre set setiembre septembre",
        "oct october octubre octobre",
        "nov november noviembre novembre",
        "dec december dic diciembre decembre déc décembre",
    ),
    start=1,
):
    _MONTHS.update(dict.fromkeys(_names.split(), _number))
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_MONTH_NAME = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"


def _date(prefix: str) -> str:
    """A month and year ("Jan 2013", "marzo de 2015", "08/2005") or a year alone, its
    parts captured as ``<prefix>m``/``<prefix>y``, ``<prefix>n``/``<prefix>ny`` or
    ``<prefix>a``."""
    return (
        f"(?:(?P<{prefix}m>{_MONTH_NAME})\\s+(?:de\\s+|del\\s+)?(?P<{prefix}y>{_YEAR})"
        f"|(?P<{prefix}n>0?[1-9]|1[0-2])\\s*[/.-]\\s*(?P<{prefix}ny>{_YEAR})"
        f"|(?P<{prefix}a>{_YEAR}))"
    )


_OPEN = (
    r"(?P<open>present|current|currently|now|today|date|actualidad|actual|actualmente|"
    r"hoy|presente|la\s+fecha|aujourd'?hui|aujourd’hui|pr[ée]sent|ce\s+jour|en\s+cours)"
)
_TO = r"(?:-|–|—|to|until|till|through|a|al|hasta|à|au|jusqu'?à|jusqu’à)"
_PERIOD = re.compile(
    rf"(?<![\w/.-])(?:(?:from|de|desde|du)\s+)?{_date('s')}\s*{_TO}\s*"
    rf"(?:(?:el|la|le)\s+)?(?:{_date('e')}|{_OPEN})(?![\w/])",
    re.IGNORECASE,
)
_SINCE = re.compile(
    rf"(?<![\w/.-])(?:since|desde|depuis)\s+(?:(?:el|la|le)\s+)?{_date('s')}(?![\w/])",
    re.IGNORECASE,
)
_ANY_YEAR = re.compile(rf"(?<!\d){_YEAR}(?!\d)")
MAX_PERIOD_YEARS = 45.0
MID_YEAR = 6  # month index (0-11) a bare year stands for


@dataclass(frozen=True)
class Period:
    """A date range at characters ``start``..``end``: held from month ``first`` to month
    ``last`` (months counted from year 0); ``years`` its length."""

    start: int
    end: int
    first: int
    last: int

    @property
    def years(self) -> float:
        """Months from the first to the last, in years (one month at least)."""
        return max(self.last - self.first, 1) / 12.0


def _month(match: re.Match, prefix: str) -> int | None:
    """Month number of the date captured with ``prefix``; a bare year stands for its
    middle (so "2008-2009" is a year)."""
    if match.group(f"{prefix}y"):
        name = fold_heading(match.group(f"{prefix}m")).replace(" ", "")
        month = _MONTHS.get(name) or _MONTHS.get(name[:4]) or _MONTHS.get(name[:3])
        return None if month is None else int(match.group(f"{prefix}y")) * 12 + month - 1
    if match.group(f"{prefix}ny"):
        return int(match.group(f"{prefix}ny")) * 12 + int(match.group(f"{prefix}n")) - 1
    if match.group(f"{prefix}a"):
        return int(match.group(f"{prefix}a")) * 12 + MID_YEAR
    return None


def latest_month(text: str) -> int | None:
    """The middle of the latest year the text names."""
    years = [int(y) for y in _ANY_YEAR.findall(text)]
    return max(years) * 12 + MID_YEAR if years else None


def periods(text: str) -> list[Period]:
    """The date ranges of the text, in order (see the module docstring)."""
    latest = latest_month(text)
    if latest is None:
        return []  # no year, no period (most short profiles)
    found: list[Period] = []
    taken = 0
    for match in sorted([*_PERIOD.finditer(text), *_SINCE.finditer(text)], key=lambda m: m.start()):
        if match.start() < taken:
            continue
        first = _month(match, "s")
        if first is None:
            continue
        if "eny" in match.re.groupindex and (
            match.group("ey") or match.group("eny") or match.group("ea")
        ):
            last = _month(match, "e")
        else:
            last = latest
        if last is None or last < first or (last - first) / 12.0 > MAX_PERIOD_YEARS:
            continue
        found.append(Period(match.start(), match.end(), first, last))
        taken = match.end()
    return found
