"""Which language a text is written in (``lingua``, offline, six languages).

The programme's participants write in Spanish or English, and many speak Arabic,
French, Romanian or Chinese (the origins MILMA recruited from); knowing which tells a
caseworker whether the service could read the text (concepts are read in Spanish and
English only). Its first :data:`SAMPLE_CHARACTERS` characters decide, and a sample that
long is read by lingua's low-accuracy mode (trigrams only), which lingua documents as
about as accurate as its full models from that length on, at a third of the time. On
the real postings it agreed with the full models reading 200 characters on every one of
825; on 4,687 longer generated profiles it disagreed on 28, every one a text mixing
English and Spanish, both of which the reader reads. A shorter text gets the full
models, which short texts need.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from matching.domain.vocabulary import TEXT_LANGUAGES

SAMPLE_CHARACTERS = 120
MIN_LETTERS = 3
LANGUAGES = tuple(
    Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in TEXT_LANGUAGES
)
READ_LANGUAGES = ("es", "en")  # the languages whose ESCO labels the reader knows


@lru_cache(maxsize=2)
def _detector(low_accuracy: bool):
    builder = LanguageDetectorBuilder.from_languages(*LANGUAGES)
    if low_accuracy:
        return builder.with_low_accuracy_mode().build()
    return builder.with_preloaded_language_models().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot be told (empty,
    too short, or none of the six)."""
    sample = text[:SAMPLE_CHARACTERS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None
    found = _detector(len(sample) == SAMPLE_CHARACTERS).detect_language_of(sample)
    if found is None:
        return None
    code: IsoCode639_1 = found.iso_code_639_1
    return code.name.lower()
