"""Which language a text is written in (``lingua``, offline, six languages).

The programme's participants write in Spanish or English, and many speak Arabic,
French, Romanian or Chinese (the origins MILMA recruited from); knowing which tells a
caseworker whether the service could read the text (concepts are read in Spanish and
English only). The first :data:`SAMPLE_CHARACTERS` characters decide: more adds time,
not accuracy. The full models run: lingua's faster low-accuracy mode misread
capitalised Spanish postings.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from matching.domain.vocabulary import TEXT_LANGUAGES

SAMPLE_CHARACTERS = 200
MIN_LETTERS = 3
LANGUAGES = tuple(
    Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in TEXT_LANGUAGES
)
READ_LANGUAGES = ("es", "en")  # the languages whose ESCO labels the reader knows


@lru_cache(maxsize=1)
def _detector():
    return (
        LanguageDetectorBuilder.from_languages(*LANGUAGES).with_preloaded_language_models().build()
    )


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot be told (empty,
    too short, or none of the six)."""
    sample = text[:SAMPLE_CHARACTERS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None
    found = _detector().detect_language_of(sample)
    if found is None:
        return None
    code: IsoCode639_1 = found.iso_code_639_1
    return code.name.lower()
