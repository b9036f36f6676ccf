"""Every ESCO label the reader knows, ready to be found in any text at once.

Labels are the preferred and alternative labels, in Spanish, English and French, of the
catalogue's skills and of every ESCO occupation (so work outside the 13 niches is
recognised as such). Labels of two words or more are stored in their stemmed stream
form (see :mod:`matching.text.words`) in one Aho-Corasick automaton per language
(``pyahocorasick``): one pass over a text finds them all, whatever the case, accents,
plural or gender. One-word labels are looked up by folded lemma instead, because a
stem alone over-reaches ("mayores" and "mayorista" share the stem "mayor").

One-word job titles are only kept when they say something (see
:func:`_one_word_titles`): "camarero", "limpiador" and "taxista" do; "ayudante",
"técnico" and "operator", which run through many kinds of work, do not. Labels of
fewer than three letters are left out too.

A label several concepts share (ESCO gives "cocinera" to several kinds of cook) points
to all of them, the concept whose preferred label it is first ("camarera" names
camarero/camarera before barman, whose alternative label it also is), and an occupation
label's evidence is spread over their niches.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import ahocorasick
import numpy as np
import pandas as pd

from matching.domain.catalogue import NICHE_CODES, Catalogue
from matching.text.words import LANGUAGES, Words, label_forms

N_NICHES = len(NICHE_CODES)
OUTSIDE = N_NICHES  # evidence column for work outside the 13 niches
MIN_KEY_LETTERS = 3
MAX_FAMILY_GROUPS = 16
RELATED_SHARE = 0.5  # of a related occupation's evidence that goes to its niche
ALTERNATIVE_WEIGHT = 0.25
MIN_HEADED = 25  # labels a word must head to be read as a generic head (see heads)
MIN_TITLE_VOTE = 0.1  # the least vote a generic title's other words must give a niche
MIN_TITLE_SHARE = 0.5  # ... and the least share of their votes

SKILL, OCCUPATION = "skill", "occupation"
# Languages whose job titles put their head noun first ("mozo de almacén", "agent
# d'entretien"), so that a title's first word says what the work is. An English title's
# first word is a modifier ("warehouse worker"), which heads no title.
HEAD_FIRST = frozenset({"es", "fr"})


@dataclass(frozen=True)
class Term:
    """One label and the concepts it names."""

    kind: str
    concepts: tuple[int, ...]  # rows of the skill or occupation table, the one whose
    # preferred label this is first
    heading: bool  # a word that is no label itself but heads the titles of a niche
    words: int
    length: int  # characters of the stream key, spaces included (multi-word labels)
    niches: np.ndarray  # share of the label's evidence per niche (+ outside), sums to 1
    head_last: bool = False  # a one-word title of a language whose titles end in their
    # head noun: followed by another word, it is a modifier ("commercial properties")
    generic: bool = False  # a generic head and the words that name its work (see heads)


@dataclass(frozen=True)
class Match:
    """A term found in a text: kept words ``first``..``last`` (inclusive)."""

    term: Term
    first: int
    last: int


def _labels(row: dict, language: str, kind: str) -> dict[str, bool]:
    """The row's labels in ``language`` -> whether it is the preferred one. An
    occupation's preferred label names both its forms ("camarero/camarera",
    "waiter/waitress"): each is preferred."""
    preferred = row[f"label_{language}"]
    forms = preferred.split("/") if kind == OCCUPATION else [preferred]
    labels = dict.fromkeys((form.strip() for form in forms), True)
    for label in row[f"alt_labels_{language}"].split("|"):
        labels.setdefault(label, False)
    labels.pop("", None)
    return labels


def _read_labels(
    table: pd.DataFrame, language: str, kind: str
) -> dict[tuple[str, ...], dict[int, bool]]:
    """Label forms -> {row: is it that row's preferred label}. A form is the tuple of
    stems (two words or more) or the one folded lemma."""
    keys: dict[tuple[str, ...], dict[int, bool]] = defaultdict(dict)
    for row_number, row in enumerate(table.to_dict("records")):
        for label, preferred in _labels(row, language, kind).items():
            forms = label_forms(label, language)
            if sum(len(stem) for _, stem in forms) < MIN_KEY_LETTERS:
                continue
            key = tuple(stem for _, stem in forms) if len(forms) > 1 else (forms[0][0],)
            keys[key][row_number] = keys[key].get(row_number, False) or preferred
    return keys


def _ordered(rows: dict[int, bool]) -> tuple[int, ...]:
    return tuple(sorted(rows, key=lambda r: (not rows[r], r)))


def _occupation_shares(
    rows: tuple[int, ...], niche_of: np.ndarray, preferred: dict[int, bool] | None = None
) -> np.ndarray:
    """How the rows' evidence spreads over the niches (+ outside), as ``niche_of``
    places them: a row at -1 is outside; at ``-2 - k``, outside but related to niche k
    (half to each). Where the label is some rows' preferred one (``preferred``), the
    rows it is only an alternative of weigh :data:`ALTERNATIVE_WEIGHT`: "construction
    manager" is that occupation's name, and only another name of an interior architect."""
    shares = np.zeros(N_NICHES + 1)
    main = preferred is not None and any(preferred.values())
    for row, place in zip(rows, niche_of[list(rows)].tolist(), strict=True):
        weight = ALTERNATIVE_WEIGHT if main and not preferred.get(row, False) else 1.0
        if place >= 0:
            shares[place] += weight
        else:
            shares[OUTSIDE] += weight * (1.0 if place == -1 else 1.0 - RELATED_SHARE)
            if place < -1:
                shares[-2 - place] += weight * RELATED_SHARE
    return shares / shares.sum()


def _one_word_titles(
    table: pd.DataFrame, language: str, niche_of: np.ndarray
) -> dict[str, tuple[tuple[int, ...], np.ndarray, bool]]:
    """One-word job titles worth reading: word -> (occupations, niche shares, whether it
    only heads titles rather than being one).

    A word's *family* is every occupation whose labels contain it. A word that names
    work in at most :data:`MAX_FAMILY_GROUPS` ISCO unit groups is telling ("camarero",
    "limpiador", "electrician", "taxista"); one that runs through many kinds of work is
    not ("ayudante", "técnico", "operator", "director"). A telling word that is a label
    of its own points to the occupations it labels, if their niche is the one most of
    its family shares ("mozo" labels a kind of waiter, but its family is mostly
    warehouse work: left out). Otherwise, a word whose family is mostly one niche's
    work points there, spread as its family is ("limpiadora": "limpiador de edificios",
    "limpiador de cristales"; "cleaner").

    In English, whose titles end in their head noun, a word is read as a title only if,
    in the longer labels that hold it, it is their last word at least as often as a
    word before it: "chef" ("sous chef", "head chef") is, "commercial" ("commercial
    pilot") and "data" ("data analyst") are not, though ESCO lists each alone too. (In
    Spanish and French a word after the head may be a noun as well: "jefe de equipo de
    fontaneros".)
    """
    family: dict[str, set[int]] = defaultdict(set)
    own: dict[str, dict[int, bool]] = defaultdict(dict)
    heads: set[str] = set()
    as_head: dict[str, int] = defaultdict(int)
    as_modifier: dict[str, int] = defaultdict(int)
    for row_number, row in enumerate(table.to_dict("records")):
        for label, preferred in _labels(row, language, OCCUPATION).items():
            lemmas = [lemma for lemma, _ in label_forms(label, language)]
            for lemma in lemmas:
                family[lemma].add(row_number)
            if len(lemmas) == 1:
                rows = own[lemmas[0]]
                rows[row_number] = rows.get(row_number, False) or preferred
                continue
            if lemmas and language in HEAD_FIRST:
                heads.add(lemmas[0])
            elif lemmas:
                as_head[lemmas[-1]] += 1
                for lemma in lemmas[:-1]:
                    as_modifier[lemma] += 1
    groups = table["isco"].to_numpy()
    titles = {}
    for word in own.keys() | heads:
        rows = family[word]
        if len({groups[r] for r in rows}) > MAX_FAMILY_GROUPS:
            continue
        if as_modifier[word] > as_head[word]:
            continue
        spread = _occupation_shares(tuple(sorted(rows)), niche_of)
        family_niche = int(spread[:OUTSIDE].argmax()) if spread[:OUTSIDE].any() else None
        if word in own:
            named = _ordered(own[word])
            shares = _occupation_shares(named, niche_of, own[word])
            top = int(shares.argmax())
            if top == family_niche or (top == OUTSIDE and spread.argmax() == OUTSIDE):
                titles[word] = (named, shares, False)
                continue
            if top != OUTSIDE:
                continue  # its own niche is not its family's: an odd alternative label
        if spread.argmax() != OUTSIDE:  # a word heading titles speaks for a niche only
            titles[word] = (_in_niche_first(rows, niche_of, int(spread.argmax())), spread, True)
    return titles


def _generic_heads(
    table: pd.DataFrame, language: str, niche_of: np.ndarray
) -> dict[str, tuple[tuple[int, ...], float]]:
    """Words that head many job titles of many kinds of work ("clerk", "specialist",
    "técnico", "agent"): too broad to say what the work is (see
    :func:`_one_word_titles`), they say that the words beside them name a job ("sales
    clerk", "IT specialist", "técnico de soporte IT"). A head is the last word of an
    English label and the first of a Spanish or French one; a word is kept if it heads
    at least :data:`MIN_HEADED` labels, more than it sits elsewhere in them, and its
    family spans more than :data:`MAX_FAMILY_GROUPS` ISCO groups. Word -> (its family
    of occupations, the share of that family's work within the 13 niches, at least
    :data:`RELATED_SHARE`, as for work related to a niche)."""
    family: dict[str, set[int]] = defaultdict(set)
    headed: Counter = Counter()
    elsewhere: Counter = Counter()
    head = 0 if language in HEAD_FIRST else -1
    for row_number, row in enumerate(table.to_dict("records")):
        for label in _labels(row, language, OCCUPATION):
            lemmas = [lemma for lemma, _ in label_forms(label, language)]
            for lemma in lemmas:
                family[lemma].add(row_number)
            if len(lemmas) > 1:
                headed[lemmas[head]] += 1
                elsewhere.update(lemmas[1:] if head == 0 else lemmas[:-1])
    groups = table["isco"].to_numpy()
    heads = {}
    for word, count in headed.items():
        rows = tuple(sorted(family[word]))
        if count < max(MIN_HEADED, elsewhere[word] + 1):
            continue
        if len({groups[r] for r in rows}) <= MAX_FAMILY_GROUPS:
            continue
        spread = _occupation_shares(rows, niche_of)
        heads[word] = (rows, max(1.0 - float(spread[OUTSIDE]), RELATED_SHARE))
    return heads


def _heading_pairs(
    keys: dict[tuple[str, ...], dict[int, bool]], groups: np.ndarray, niche_of: np.ndarray
) -> dict[tuple[str, str], tuple[tuple[int, ...], np.ndarray]]:
    """Two-word heads of longer job titles in a head-first language, worth reading on
    their own: "agent d'entretien" heads "agent d'entretien d'immeubles" and "agent
    d'entretien en piscine"; "mozo de almacén" would, were it no label itself. A pair
    is kept, as a word heading titles is (see :func:`_one_word_titles`), when its family
    spans at most :data:`MAX_FAMILY_GROUPS` ISCO groups and is mostly one niche's
    work; it points there, spread as its family is."""
    family: dict[tuple[str, str], set[int]] = defaultdict(set)
    for key, rows in keys.items():
        if len(key) > 2:
            family[key[:2]].update(rows)
    pairs = {}
    for pair, rows in family.items():
        if pair in keys or len({groups[r] for r in rows}) > MAX_FAMILY_GROUPS:
            continue
        spread = _occupation_shares(tuple(sorted(rows)), niche_of)
        if spread.argmax() != OUTSIDE:
            pairs[pair] = (_in_niche_first(rows, niche_of, int(spread.argmax())), spread)
    return pairs


def _in_niche_first(rows: set[int], niche_of: np.ndarray, niche: int) -> tuple[int, ...]:
    """The rows, those of ``niche`` first (the one a heading word is shown as)."""
    return tuple(sorted(rows, key=lambda r: (int(niche_of[r]) != niche, r)))


class Lexicon:
    """The labels of a catalogue (build once per process: :func:`lexicon`)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.automata: dict[str, ahocorasick.Automaton] = {}
        self.single: dict[str, dict[str, Term]] = {}
        self.heads: dict[str, dict[str, tuple[tuple[int, ...], float]]] = {}
        related = catalogue.occupation_related
        self._label_size = catalogue.occupations["label_en"].str.len().to_numpy()
        self.niche_of = niche_of = np.where(
            catalogue.occupation_niche >= 0,
            catalogue.occupation_niche,
            np.where(related >= 0, -2 - related.astype(np.int16), -1),
        )
        skill_niches = [
            [NICHE_CODES.index(c) for c in cell.split("|") if c]
            for cell in catalogue.skills["niches"]
        ]
        for language in LANGUAGES:
            terms: dict[tuple[str, ...], Term] = {}
            titles = _one_word_titles(catalogue.occupations, language, niche_of)
            self.heads[language] = {
                word: found
                for word, found in _generic_heads(catalogue.occupations, language, niche_of).items()
                if word not in titles
            }
            labels = _read_labels(catalogue.occupations, language, OCCUPATION)
            for key, rows in labels.items():
                if len(key) > 1:
                    ordered = _ordered(rows)
                    shares = _occupation_shares(ordered, niche_of, rows)
                    terms[key] = Term(OCCUPATION, ordered, False, len(key), _length(key), shares)
            if language in HEAD_FIRST:
                groups = catalogue.occupations["isco"].to_numpy()
                for pair, (rows, shares) in _heading_pairs(labels, groups, niche_of).items():
                    terms[pair] = Term(OCCUPATION, rows, True, 2, _length(pair), shares)
            head_last = language not in HEAD_FIRST
            for word, (rows, shares, heading) in titles.items():
                terms[(word,)] = Term(
                    OCCUPATION, rows, heading, 1, _length((word,)), shares, head_last
                )
            for key, rows in _read_labels(catalogue.skills, language, SKILL).items():
                if key in terms:
                    continue  # a job title wins over a skill of the same words
                ordered = _ordered(rows)
                shares = np.zeros(N_NICHES + 1)
                for r in ordered:
                    for k in skill_niches[r]:
                        shares[k] += 1.0 / len(skill_niches[r])
                total = shares.sum()
                terms[key] = Term(
                    SKILL,
                    ordered,
                    False,
                    len(key),
                    _length(key),
                    shares / total if total else shares,
                )
            automaton = ahocorasick.Automaton()
            for key, term in terms.items():
                if len(key) > 1:
                    automaton.add_word(" " + " ".join(key) + " ", term)
            automaton.make_automaton()
            self.automata[language] = automaton
            self.single[language] = {key[0]: term for key, term in terms.items() if len(key) == 1}

    def generic_title(self, language: str, head: str, votes: np.ndarray, size: int) -> Term | None:
        """The job title a generic ``head`` word makes with the words beside it, whose
        ``votes`` (per niche) say what the work is; None if the head is no generic one
        or the words point to no niche clearly enough (:data:`MIN_TITLE_VOTE`,
        :data:`MIN_TITLE_SHARE`). Its evidence goes to the niche they vote for most, as
        far as the head's family lies within the 13, the rest outside; it is shown as
        the occupation of its family in (or related to) the niche voted most with the
        shortest name (the most general), else as the first of that niche."""
        found = self.heads.get(language, {}).get(head)
        if found is None or votes.max() < max(MIN_TITLE_VOTE, MIN_TITLE_SHARE * votes.sum()):
            return None
        rows, inside = found
        niche = int(votes.argmax())
        shown = (
            [r for r in rows if self.niche_of[r] == niche]
            or [r for r in rows if self.niche_of[r] == -2 - niche]
            or np.flatnonzero(self.niche_of == niche).tolist()
        )
        shares = np.zeros(N_NICHES + 1)
        shares[niche], shares[OUTSIDE] = inside, 1.0 - inside
        shown.sort(key=lambda r: (self._label_size[r], r))
        return Term(OCCUPATION, tuple(shown), True, size, 0, shares, generic=True)

    def find(self, words: Words, language: str | None = None) -> list[Match]:
        """Every label in ``words``, the longer one where two overlap. Labels of two
        words or more are found in every language (people mix them); one-word labels
        only in the text's ``language`` when it is known, since a word alone is often
        another language's false friend ("commercial" is a French salesman, "general" a
        Spanish adjective)."""
        found: list[Match] = []
        for code, automaton in self.automata.items():
            for end, term in automaton.iter(words.streams[code]):
                first = words.word_at(code, end - term.length + 2)
                found.append(Match(term, first, first + term.words - 1))
            if language in self.single and code != language:
                continue
            single = self.single[code]
            found.extend(
                Match(term, position, position)
                for position, lemma in enumerate(words.lemmas[code])
                if (term := single.get(lemma)) is not None
            )
        found.sort(key=lambda m: (m.first - m.last, m.term.kind != OCCUPATION, m.first))
        taken = bytearray(len(words) + 1)
        chosen = []
        for match in found:
            if 1 not in taken[match.first : match.last + 1]:
                taken[match.first : match.last + 1] = b"\x01" * (match.last - match.first + 1)
                chosen.append(match)
        chosen.sort(key=lambda m: m.first)
        return chosen


def _length(key: tuple[str, ...]) -> int:
    return len(" ".join(key)) + 2
