"""Durations stated in free text ("cinco años", "5 años", "2 years", "6 meses", "trois
ans").

A duration is left out when its words say it is not work experience: an age ("tengo
35 años", "mayor de 18 años", "j'ai 40 ans"), a contract length ("contrato de 6
meses") or a time ago ("hace 2 años", "il y a 2 ans"), unless the words right after it
say it is ("tengo 5 años de experiencia", "j'ai 5 ans d'expérience"). Whether what is
left is work experience, and in which job, is decided by the reader
(:mod:`matching.text.reader`): its sentence must speak of work or name a job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS: dict[str, float] = {
    # Spanish
    "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15,
    "veinte": 20,
    # English
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20,
    # French ("un", "une", "six" as above)
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
}  # fmt: skip
MAX_YEARS = 45.0

_FLAGS = re.IGNORECASE
_NUMBER = r"\d{1,2}(?:[.,]\d)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_UNIT = re.compile(
    r"\b(?:a[ñn]os?|years?|yrs?|meses|mes|months?|ans|ann[ée]es?|mois)(?!\w)", _FLAGS
)
_LEAD = re.compile(rf"\b(?P<number>{_NUMBER})\s+(?:(?:m[aá]s|more|plus)\s+)?$", _FLAGS)
_HALF = re.compile(r"\s+(?:y\s+medio|and\s+a\s+half|et\s+demi)\b", _FLAGS)
_LONGEST_LEAD = 30  # characters a number and "más" may take before the unit
_SENTENCE_END = re.compile(r"[.;!?\n]")
_WORK = re.compile(
    r"exp[eé]rien|trabaj|emplead|ejerc|puesto|oficio|work|job|employ|career|\bas\s+an?\b|"
    r"travail|emploi|poste|m[ée]tier|\bcomme\b",
    _FLAGS,
)
_NOT_WORK_BEFORE = re.compile(
    r"\b(tengo|edad|mayor(es)?\s+de|menor(es)?\s+de|aged?|contrato|contract|duraci[oó]n|"
    r"hace|desde|since|for\s+the\s+last|vivo|llevo\s+viviendo|live[sd]?|resid\w*|"
    r"j'ai|j’ai|[âa]g[ée]e?|contrat|dur[ée]e|il\s+y\s+a|depuis|je\s+vis|habite)"
    r"(?!\w)[^.;!?\n]*$",
    _FLAGS,
)
_NOT_WORK_AFTER = re.compile(
    r"\s*(de\s+edad|old|of\s+age|ago|en\s+espa[ñn]a|in\s+spain|en\s+espagne)", _FLAGS
)
_WORK_AFTER = re.compile(r"\s*(de\s+experiencia|d['’]\s*exp[ée]rience|of\s+experience)", _FLAGS)


@dataclass(frozen=True)
class Duration:
    """A stated duration: ``years`` (months converted) at characters ``start``..``end``
    of a sentence that spans ``sentence``; ``work`` when the sentence speaks of work."""

    years: float
    start: int
    end: int
    sentence: tuple[int, int]
    work: bool


def _value(word: str) -> float:
    if word[0].isdigit():
        return float(word.replace(",", "."))
    return float(NUMBER_WORDS[word.lower()])


def read_durations(text: str) -> list[Duration]:
    """Durations in ``text`` that may be work experience."""
    found = []
    for unit in _UNIT.finditer(text):  # the unit first: cheap, and most texts have none
        lead = _LEAD.search(text, max(0, unit.start() - _LONGEST_LEAD), unit.start())
        if lead is None:
            continue
        half = _HALF.match(text, unit.end())
        start, stop_at = lead.start(), half.end() if half else unit.end()
        begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
        stop = _SENTENCE_END.search(text, stop_at)
        end = stop.start() if stop else len(text)
        stated = bool(_WORK_AFTER.match(text, stop_at))
        if not stated and _NOT_WORK_BEFORE.search(text[max(begin, start - 30) : start]):
            continue
        if _NOT_WORK_AFTER.match(text, stop_at):
            continue
        years = _value(lead.group("number")) + (0.5 if half else 0.0)
        if unit.group().lower().startswith(("mes", "month", "mois")):
            years /= 12.0
        if 0 < years <= MAX_YEARS:
            work = bool(_WORK.search(text, begin, end))
            found.append(Duration(round(years, 2), start, stop_at, (begin, end), work))
    return found
