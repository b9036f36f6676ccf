"""The words of a text as the concept matcher sees them: folded, stemmed, in place.

Every word is read in each of the three languages whose ESCO labels the reader knows,
Spanish, English and French, because people mix them ("Microsoft Office", "celador",
"chef de partie"): it is lemmatised with ``simplemma`` (plural and gender forms become
one: "camareras" -> "camarero", "auxiliares" -> "auxiliar", "serveurs" -> "serveur"), its
case and accents are folded (so "ALMACÉN", "almacen" and "Almacén" are one word), and
it is stemmed with the Snowball stemmer of that language (PyStemmer), which also joins
derived forms. Function words (articles, prepositions, conjunctions) are dropped, so
"mozo de almacén" and "mozos del almacén" read alike. Punctuation that ends a phrase
becomes a boundary a label may not cross. Every kept word keeps its character span in
the original text, so a match can quote the exact words it came from.

ESCO's labels name computer work "ICT" (English) or "TIC" (Spanish, French), where
people write "IT" or spell it out ("information technology", "tecnologías de la
información", "technologies de l'information"): those are read as the labels' word
(:data:`ICT_FORMS`), so "IT support technician" and "information technology
technician" are the ICT technicians they are. Only "IT" in capitals is the
abbreviation; "it" is the pronoun.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import simplemma
import Stemmer

LANGUAGES: dict[str, str] = {"es": "spanish", "en": "english", "fr": "french"}
BOUNDARY = "|"
_PIECE = re.compile(r"(?P<word>\w+)|(?P<end>[.,;:!?()\[\]{}\n\r\t•·|\"«»])")

# Words that carry no meaning of their own in a job title or a skill label.
STOPWORDS: frozenset[str] = frozenset(
    {
        # Spanish
        "a", "al", "con", "de", "del", "e", "el", "en", "la", "las", "lo", "los", "mi",
        "mis", "o", "para", "por", "que", "se", "su", "sus", "u", "un", "una", "unas",
        "unos", "y", "como", "tu", "tus", "sin",
        # English
        "an", "and", "as", "at", "by", "for", "from", "i", "in", "into", "is", "my",
        "of", "on", "or", "the", "to", "with", "without",
        # French (not "pour", "par" or "son", which are English words too)
        "aux", "au", "avec", "c", "ce", "ces", "cette", "d", "dans", "des", "du", "elle",
        "est", "et", "il", "j", "je", "l", "le", "les", "leur", "leurs", "ma", "mes",
        "mon", "n", "ne", "nous", "ou", "qu", "qui", "s", "sa", "sans", "ses", "sur",
        "vous",
    }
)  # fmt: skip


def fold(word: str) -> str:
    """Lower case without accents or other combining marks ("Almacén" -> "almacen")."""
    plain = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


class _Stemmers:
    """Lemmatiser and Snowball stemmer per language, with a cache of words already read."""

    def __init__(self) -> None:
        self._stemmers = {code: Stemmer.Stemmer(name) for code, name in LANGUAGES.items()}
        self._cache: dict[str, tuple[str, ...]] = {}

    def forms(self, word: str) -> tuple[tuple[str, str], ...]:
        """The lower-case ``word``'s (folded lemma, stem) in each of :data:`LANGUAGES`,
        in that order; empty for a function word."""
        found = self._cache.get(word)
        if found is None:
            found = ()
            if fold(word) not in STOPWORDS:
                lemmas = (fold(simplemma.lemmatize(word, lang=code)) for code in LANGUAGES)
                found = tuple(
                    (lemma, stemmer.stemWord(lemma))
                    for lemma, stemmer in zip(lemmas, self._stemmers.values(), strict=True)
                )
            if len(self._cache) < 500_000:
                self._cache[word] = found
        return found


ICT_ABBREVIATION = "IT"
# (folded lemma, stem) per language of :data:`LANGUAGES`: the labels' own word
ICT_FORMS: tuple[tuple[str, str], ...] = (("tic", "tic"), ("ict", "ict"), ("tic", "tic"))
# The name spelled out, as the folded lemmas of its kept words in each language ("...de
# la información y la comunicación" ends on the word the first two already became).
ICT_NAMES: tuple[frozenset[tuple[str, ...]], ...] = (
    frozenset({("tecnologia", "informacion"), ("tic", "comunicacion")}),
    frozenset({("information", "technology"), ("information", "communication", "technology")}),
    frozenset({("technologie", "information"), ("tic", "communication")}),
)
_ICT_LAST = tuple(frozenset(name[-1] for name in names) for names in ICT_NAMES)


def _ict_name(kept: list[tuple[tuple[str, str], ...]], owners: list[int]) -> int:
    """How many of the last kept words spell out ICT's name in one language, next to
    each other (0: they do not)."""
    last = kept[-1]
    for index, names in enumerate(ICT_NAMES):
        if last[index][0] not in _ICT_LAST[index]:
            continue
        for size in (2, 3):
            if (
                len(owners) >= size
                and -1 not in owners[-size:]
                and tuple(forms[index][0] for forms in kept[-size:]) in names
            ):
                return size
    return 0


@lru_cache(maxsize=1)
def stemmers() -> _Stemmers:
    return _Stemmers()


@dataclass(frozen=True)
class Words:
    """The kept words of a text and, per language, what the matcher reads.

    ``lemmas[lang]`` and ``stems[lang]`` hold each kept word's folded lemma and stem;
    ``leads[i]`` says whether kept
    word ``i`` opens a phrase (it follows the start, a phrase end or a function word,
    not another content word). ``streams[lang]`` is the
    stemmed words joined by single spaces, with a :data:`BOUNDARY` word where a phrase
    ends, starting and ending with a space; ``owners`` gives, for each stream word, the
    index of that word in :attr:`spans` (-1 for a boundary); the streams of every
    language have the same words in the same places.
    """

    text: str
    spans: tuple[tuple[int, int], ...]
    leads: tuple[bool, ...]
    lemmas: dict[str, tuple[str, ...]]
    stems: dict[str, tuple[str, ...]]
    streams: dict[str, str]
    owners: tuple[int, ...]

    def quote(self, first: int, last: int) -> str:
        """The original text from kept word ``first`` to kept word ``last``."""
        return self.text[self.spans[first][0] : self.spans[last][1]]

    def word_at(self, language: str, offset: int) -> int:
        """Index in :attr:`spans` of the stream word starting at character ``offset`` of
        ``streams[language]`` (its spaces before it count the stream words)."""
        return self.owners[self.streams[language].count(" ", 0, offset) - 1]

    def __len__(self) -> int:
        return len(self.spans)


def read_words(text: str) -> Words:
    """Split ``text`` into kept words with their spans and per-language stem streams."""
    forms_of = stemmers().forms
    spans: list[tuple[int, int]] = []
    kept: list[tuple[tuple[str, str], ...]] = []
    leads: list[bool] = []
    # stream words: the index of a kept word, or -1 for a phrase boundary
    owners: list[int] = []
    opens = True
    for match in _PIECE.finditer(text):
        if match.lastgroup == "end":
            if owners and owners[-1] != -1:
                owners.append(-1)
            opens = True
            continue
        word = match.group()
        forms = ICT_FORMS if word == ICT_ABBREVIATION else forms_of(word.lower())
        if not forms:
            opens = True
            continue
        leads.append(opens)
        opens = False
        owners.append(len(spans))
        spans.append(match.span())
        kept.append(forms)
        if size := _ict_name(kept, owners):
            start = spans[-size][0]
            del spans[-size + 1 :], kept[-size + 1 :], leads[-size + 1 :], owners[-size + 1 :]
            spans[-1], kept[-1] = (start, match.end()), ICT_FORMS
    lemmas, stems, streams = {}, {}, {}
    per_language = list(zip(*kept, strict=True)) or [()] * len(LANGUAGES)
    for lang, pairs in zip(LANGUAGES, per_language, strict=True):
        lemmas[lang], stems[lang] = tuple(zip(*pairs, strict=True)) or ((), ())
        own = stems[lang]
        words = [BOUNDARY if owner < 0 else own[owner] for owner in owners]
        streams[lang] = " " + " ".join(words) + " "
    return Words(text, tuple(spans), tuple(leads), lemmas, stems, streams, tuple(owners))


def label_forms(label: str, language: str) -> list[tuple[str, str]]:
    """(folded lemma, stem) of each kept word of a label read in ``language``, as a
    text's words are read ("IT auditor" and "ICT auditor" alike)."""
    words = read_words(label)
    return list(zip(words.lemmas[language], words.stems[language], strict=True))
