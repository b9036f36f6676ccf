"""Which language a text is written in (offline, six languages).

The programme's participants write in Spanish, English or French, and many speak
Arabic, Romanian or Chinese (the origins MILMA recruited from); knowing which tells a
caseworker whether the service could read the text (concepts are read in Spanish,
English and French) and lets the pages mark the text with its language. The first
:data:`SAMPLE_CHARACTERS` characters decide, in two steps:

- Most texts are plainly in one of the read languages, and the reader looks their words
  up in those dictionaries anyway: when at least :data:`DICTIONARY_SHARE` of the
  sample's words are known to ``simplemma``'s dictionary of one of them, and fewer to
  each other's, that language is the answer. With Spanish and English only, on 5,000
  generated profiles this decided 4,897, agreeing with lingua on all but 16, each an
  English sentence quoting Spanish skill labels (lingua said Spanish); on 827 real
  postings it decided 778, all as lingua did. Romanian, Portuguese or Italian sentences
  fall short of the share and go on. A text of a few words (a job title, a skill) is
  decided so only when all its words are known in one read language and not all in
  another: on two or three words lingua guesses ("IT specialist" is Romanian to it),
  and a read language taken for another leaves the text unread, while the few words of
  another language that all belong to one read language read as what they say.
- The rest go to ``lingua``. A full sample is read by its low-accuracy mode (trigrams
  only), which lingua documents as about as accurate as its full models from that
  length on, at a third of the time; on the real postings it agreed with the full models
  reading 200 characters on every one of 825. A shorter text gets the full models,
  which short texts need.
"""

from __future__ import annotations

import re
from functools import lru_cache

import simplemma
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from matching.domain.vocabulary import TEXT_LANGUAGES

SAMPLE_CHARACTERS = 120
MIN_LETTERS = 3
LANGUAGES = tuple(
    Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in TEXT_LANGUAGES
)
READ_LANGUAGES = ("es", "en", "fr")  # the languages whose ESCO labels the reader knows
DICTIONARY_SHARE = 0.8
DICTIONARY_MIN_WORDS = 4
_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=2)
def _detector(low_accuracy: bool):
    builder = LanguageDetectorBuilder.from_languages(*LANGUAGES)
    if low_accuracy:
        return builder.with_low_accuracy_mode().build()
    return builder.with_preloaded_language_models().build()


@lru_cache(maxsize=200_000)
def _known_in(word: str) -> tuple[bool, ...]:
    """Whether each of :data:`READ_LANGUAGES`' dictionaries knows the lower-case word."""
    return tuple(simplemma.is_known(word, lang=code) for code in READ_LANGUAGES)


def language_by_dictionary(sample: str) -> str | None:
    """The read language most of the sample's words belong to, if clearly one; in a
    sample of fewer than :data:`DICTIONARY_MIN_WORDS` words, the one all of them
    belong to, if only one."""
    words = _LETTERS.findall(sample.lower())
    if not words:
        return None
    shares = [sum(known) / len(words) for known in zip(*map(_known_in, words), strict=True)]
    best = max(range(len(shares)), key=shares.__getitem__)
    runner_up = max(share for i, share in enumerate(shares) if i != best)
    least = DICTIONARY_SHARE if len(words) >= DICTIONARY_MIN_WORDS else 1.0
    if shares[best] >= least and shares[best] > runner_up:
        return READ_LANGUAGES[best]
    return None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot be told (empty,
    too short, or none of the six)."""
    sample = text[:SAMPLE_CHARACTERS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None
    known = language_by_dictionary(sample)
    if known is not None:
        return known
    found = _detector(len(sample) == SAMPLE_CHARACTERS).detect_language_of(sample)
    if found is None:
        return None
    code: IsoCode639_1 = found.iso_code_639_1
    return code.name.lower()
