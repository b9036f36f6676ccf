"""Companies' records: what their past outcomes say beyond the rules, and only the past."""

import numpy as np
import pandas as pd
import pytest

from matching.history import OutcomeHistory, backgrounds

TIME_OUT_OF_WORK = 3  # position in matching.history.BACKGROUND


def _company_seen_twice(programme) -> tuple[int, pd.Series, pd.Series]:
    """A company with challenges in two editions: its earlier and its later one."""
    challenges = programme.challenges.sort_values(["edition_id", "challenge_id"])
    for company, mine in challenges.groupby("company_id"):
        if mine["edition_id"].nunique() > 1:
            later = mine[mine["edition_id"] > mine["edition_id"].iloc[0]].iloc[0]
            return int(company), mine.iloc[0], later
    raise AssertionError("no company has challenges in two editions")


def _hiring_the_recently_unemployed(programme, challenge: pd.Series) -> tuple:
    """Everyone of the challenge's edition joins and completes; the company hires those
    out of work for less than the median, a taste no rule of the fallback knows."""
    people = programme.participants[programme.participants["edition_id"] == challenge.edition_id]
    people = people.head(80)
    hired = people["months_unemployed"] < people["months_unemployed"].median()
    ids = people["participant_id"].to_numpy()
    events = [(p, "joined") for p in ids]
    events += [(p, "completed") for p in ids] + [(p, "hired") for p in ids[hired.to_numpy()]]
    outcomes = pd.DataFrame(
        {
            "participant_id": [p for p, _ in events],
            "challenge_id": int(challenge.challenge_id),
            "event": [e for _, e in events],
            "at": pd.Timestamp("2019-01-01"),
        }
    )
    return ids, hired.to_numpy(), outcomes


def test_a_taste_the_rules_miss_shows_in_the_next_editions_record(matcher, programme):
    company, earlier, later = _company_seen_twice(programme)
    ids, hired, outcomes = _hiring_the_recently_unemployed(programme, earlier)
    history = OutcomeHistory(matcher.rule_chances)
    history.load(outcomes)

    record = history.record(company, int(later.edition_id), matcher.pool, matcher.challenges)
    assert record.joined == len(ids)
    assert record.taste[TIME_OUT_OF_WORK] < 0
    match = record.taste_match(backgrounds(matcher.pool, matcher.pool.rows(ids)))
    assert match[hired].mean() > match[~hired].mean()
    # everyone completed: nothing to say about its mentors
    assert not record.mentor_fit.any()


def test_a_record_holds_only_earlier_editions(matcher, programme):
    company, earlier, _ = _company_seen_twice(programme)
    _, _, outcomes = _hiring_the_recently_unemployed(programme, earlier)
    history = OutcomeHistory(matcher.rule_chances)
    history.load(outcomes)

    same_edition = history.record(
        company, int(earlier.edition_id), matcher.pool, matcher.challenges
    )
    assert same_edition.joined == 0 and not same_edition.taste.any()


def _records(history, matcher, editions) -> list:
    companies = sorted({v.company_id for v in matcher.challenges.values()})
    return [
        history.record(c, e, matcher.pool, matcher.challenges) for e in editions for c in companies
    ]


def test_records_kept_up_as_outcomes_arrive_and_people_go_equal_records_made_afresh(
    matcher, programme
):
    """New outcomes and an erasure remake only the sums they touch; what comes out is
    what a history loaded with the same outcomes says."""
    outcomes = programme.outcomes.sort_values("at", kind="stable")
    first, later = outcomes.iloc[: len(outcomes) // 2], outcomes.iloc[len(outcomes) // 2 :]
    kept_up = OutcomeHistory(matcher.rule_chances)
    kept_up.load(first)
    editions = sorted({v.edition_id for v in matcher.challenges.values()})
    before = _records(kept_up, matcher, editions)
    for batch in (later.iloc[: len(later) // 3], later.iloc[len(later) // 3 :]):
        kept_up.add(batch)
        _records(kept_up, matcher, editions[-1:])  # sums made, then brought up to date
    gone = int(later["participant_id"].iloc[-1])
    kept_up.forget(gone)
    afresh = OutcomeHistory(matcher.rule_chances)
    afresh.load(outcomes[outcomes["participant_id"] != gone])

    now = _records(kept_up, matcher, editions)
    assert [r.joined for r in now] != [r.joined for r in before]  # the later outcomes count
    for a, b in zip(now, _records(afresh, matcher, editions), strict=True):
        assert a.joined == b.joined and a.hire_rate == pytest.approx(b.hire_rate)
        assert np.allclose(a.taste, b.taste) and np.allclose(a.mentor_fit, b.mentor_fit)
        assert np.allclose(a.centre, b.centre)
