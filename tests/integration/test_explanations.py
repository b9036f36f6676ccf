"""A reason's words and the sign of its measured effect agree, over many shortlists,
for the fallback rules and for a trained ranker, in English and Spanish."""

import re

import numpy as np
import pytest

from matching.explanations import REASONS, explain, factor_effects
from matching.features import FEATURES
from matching.pool import INDUCTION_UNKNOWN
from matching.reason_texts import CLAUSES, IMPLIED, NEGLIGIBLE, TEMPLATES
from matching.scoring import FallbackScorer
from matching.shortlists import rank_candidates
from matching.training import train_ranker


def stated_direction(text: str, language: str) -> int:
    """Which way a reason's words point, read back from the words alone: the clause if
    there is one, else the phrasing's polarity."""
    for went, clause in CLAUSES.items():
        if text.endswith(clause[language]):
            return went
    implied = "|".join(map(as_pattern, forms(IMPLIED[language])))
    for polarity, texts in TEMPLATES.values():
        for form in forms(texts[language]):
            if re.fullmatch(f"{as_pattern(form)}(?:{implied})?", text):
                return polarity
    raise AssertionError(f"no phrasing produces {text!r}")


def forms(phrasing: str | tuple[str, str, str]) -> list[str]:
    """The written forms of a phrasing (singular and plural where it has both)."""
    return list(phrasing[1:]) if isinstance(phrasing, tuple) else [phrasing]


def as_pattern(form: str) -> str:
    return re.sub(r"\\\{[^}]*\\\}", ".*", re.escape(form))


def agrees(direction: int, effect: float) -> bool:
    if direction > 0:
        return effect >= -NEGLIGIBLE
    if direction < 0:
        return effect <= NEGLIGIBLE
    return abs(effect) <= NEGLIGIBLE


@pytest.fixture(scope="module")
def trained(matcher, programme):
    editions = dict(
        zip(programme.challenges["challenge_id"], programme.challenges["edition_id"], strict=True)
    )
    return train_ranker(matcher, programme.outcomes, editions).ranker


@pytest.mark.parametrize("scorer", ["fallback", "learned"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_reason_reads_the_way_its_effect_goes(matcher, programme, trained, scorer, language):
    if scorer == "learned":
        matcher.use_ranker(trained, "test")
    else:
        matcher.scorer = FallbackScorer()
    checked, clauses = 0, 0
    try:
        for cid in programme.challenges["challenge_id"]:
            shortlist = matcher.shortlist(int(cid), k=20, fairness=False, language=language)
            for candidate in shortlist.candidates:
                for reason in candidate.reasons:
                    went = stated_direction(reason.text, language)
                    assert agrees(went, reason.effect), (reason.factor, reason.effect, reason.text)
                    checked += 1
                    clauses += any(reason.text.endswith(c[language]) for c in CLAUSES.values())
    finally:
        matcher.scorer = FallbackScorer()
    assert checked > 5000
    assert clauses < 0.1 * checked  # the phrasing itself is right nearly always


def test_the_old_contradiction_cannot_happen(matcher, programme):
    """'No experience' is where the experience effect is measured from: it is 0 there."""
    matcher.scorer = FallbackScorer()
    for cid in programme.challenges["challenge_id"]:
        for candidate in matcher.shortlist(int(cid), k=20, fairness=False).candidates:
            experience = next(r for r in candidate.reasons if r.factor == "experience")
            if experience.text == TEMPLATES["no_experience"][1]["en"]:
                assert experience.effect == 0


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_factor_has_one_reason_strongest_first(matcher, programme, language):
    matcher.scorer = FallbackScorer()
    for cid in programme.challenges["challenge_id"]:
        for candidate in matcher.shortlist(int(cid), k=20, language=language).candidates:
            factors = [r.factor for r in candidate.reasons]
            assert sorted(factors) == sorted(REASONS)
            strength = [abs(r.effect) for r in candidate.reasons]
            assert strength == sorted(strength, reverse=True), candidate.reasons


@pytest.mark.parametrize("language", ["en", "es"])
def test_candidates_alike_but_for_the_effect_get_their_own_words(matcher, programme, language):
    """Most candidates share a factor's values, and their words are made once for all of
    them; a candidate whose effect went the other way still gets words that say so."""
    matcher.scorer = FallbackScorer()
    cid = int(programme.challenges["challenge_id"].iloc[0])
    ranked = rank_candidates(matcher, cid, 30, False, False, False)
    chosen = ranked.order
    effects = factor_effects(matcher.scorer, [(ranked.x, chosen, ranked.challenge)])[0]
    turns = np.where(np.arange(len(chosen)) % 2, 0.1, -0.1)  # up, down, up, ...
    turned = {factor: turns for factor in effects}
    explanations = explain(
        matcher.scorer,
        ranked.x,
        chosen,
        ranked.rows,
        matcher.pool,
        ranked.challenge,
        matcher.catalogue,
        language,
        turned,
    )
    assert len(explanations) == 30
    for explanation in explanations:
        for reason in explanation.reasons:
            went = stated_direction(reason["text"], language)
            assert agrees(went, reason["effect"]), reason


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_induction_reason_says_what_is_recorded(matcher, programme, language):
    """Attended, missed, or not recorded: a person nobody recorded is never said to have
    come (the pool holds 'not recorded' as a middle value, not as a gap)."""
    matcher.scorer = FallbackScorer()
    cid = int(programme.challenges["challenge_id"].iloc[0])
    ranked = rank_candidates(matcher, cid, 30, False, False, False)
    x = ranked.x.copy()
    column = x[:, FEATURES.index("induction")]
    column[::3] = INDUCTION_UNKNOWN
    effects = factor_effects(matcher.scorer, [(x, ranked.order, ranked.challenge)])[0]
    explanations = explain(
        matcher.scorer,
        x,
        ranked.order,
        ranked.rows,
        matcher.pool,
        ranked.challenge,
        matcher.catalogue,
        language,
        effects,
    )
    said = {
        value: TEMPLATES[f"induction_{name}"][1][language]
        for value, name in ((1.0, "yes"), (0.0, "no"), (INDUCTION_UNKNOWN, "unknown"))
    }
    for explanation, row in zip(explanations, ranked.order, strict=True):
        engagement = next(r for r in explanation.reasons if r["factor"] == "engagement")
        assert engagement["text"] == said[float(column[row])], engagement
