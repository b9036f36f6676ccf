"""The programme's observed history and its hidden truth, drawn from the outcome model.

Each edition offers every person a few challenges (best first, as a caseworker would);
the stage intercepts are set so the programme's headline rates hold; the events are
written as the service records them. The ground truth scores every pair of an edition
with the same per-pair draws, so it always agrees with the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from training_data.outcome_model import OutcomeModel

REJECTION_REASONS = (
    "position filled",
    "not enough experience",
    "Spanish level",
    "schedule does not fit",
    "did not attend interview",
)
MAX_OFFERS = 4


def _bisect(f, lo: float = -15.0, hi: float = 15.0, iters: int = 60) -> float:
    """Root of an increasing function on [lo, hi]."""
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@dataclass(frozen=True)
class Intercepts:
    """Stage intercepts calibrated so the programme's rates come out as configured."""

    accept: float
    complete: float
    hire: float


def _edition_groups(people_edition: np.ndarray, challenge_edition: np.ndarray):
    for e in np.unique(challenge_edition):
        yield e, np.flatnonzero(people_edition == e), np.flatnonzero(challenge_edition == e)


CANDIDATES_SEEN = 24


def _offers(
    model: OutcomeModel, people: np.ndarray, chs: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Challenges offered to each person, best first (row per person, MAX_OFFERS wide).

    A caseworker looks at a couple of dozen open challenges per person, not all of a
    large edition, so candidates are drawn (with repeats) and ranked by offer score;
    repeats sit next to each other after sorting because a pair's score is fixed.
    """
    n, m = len(people), len(chs)
    k = min(MAX_OFFERS, m)
    if m <= CANDIDATES_SEEN:
        cand = np.tile(chs, (n, 1))
    else:
        cand = chs[rng.integers(0, m, (n, CANDIDATES_SEEN))]
    scores = model.offer_scores(np.repeat(people, cand.shape[1]), cand.ravel()).reshape(cand.shape)
    order = np.argsort(-scores, axis=1, kind="stable")
    cand = np.take_along_axis(cand, order, axis=1)
    fresh = np.ones(cand.shape, dtype=bool)
    fresh[:, 1:] = cand[:, 1:] != cand[:, :-1]
    rank = np.cumsum(fresh, axis=1)
    take = fresh & (rank <= k)
    short = take.sum(1) < k
    if short.any():  # rare: too many repeats; fall back to the full edition for them
        for r in np.flatnonzero(short):
            s = model.offer_scores(np.full(m, people[r]), chs)
            cand[r, :k] = chs[np.argsort(-s, kind="stable")[:k]]
            take[r] = False
            take[r, :k] = True
    return cand[take].reshape(n, k)


def simulate_history(
    model: OutcomeModel,
    challenges: pd.DataFrame,
    editions: pd.DataFrame,
    completion_rate: float,
    placement_rate: float,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, Intercepts]:
    """Offers, acceptance, completion and hiring in every edition.

    A caseworker offers a participant up to four of the edition's challenges, mostly
    ones they prefer; the first offer accepted is the team they join. Returns the
    outcome events and the calibrated intercepts.
    """
    offers = []
    ch_edition = challenges["edition_id"].to_numpy()
    for e, people, chs in _edition_groups(model.p["edition"], ch_edition):
        order = _offers(model, people, chs, rng)
        k = order.shape[1]
        lat = model.latents(np.repeat(people, k), order.ravel())
        offer = {key: value.reshape(len(people), k) for key, value in lat.items()}
        offer.update(people=people, challenges=order, edition=e)
        offers.append(offer)
    h = model.h
    z_first = np.concatenate([o["z_accept"][:, 0] for o in offers])
    a0 = _bisect(lambda a: expit(a + z_first).mean() - h.accept_target)
    joined_z = []
    for o in offers:
        accepted = o["u_accept"] < expit(a0 + o["z_accept"])
        o["joined"] = accepted.any(1)
        o["first"] = np.argmax(accepted, axis=1)
        j = np.flatnonzero(o["joined"])
        joined_z.append(
            np.column_stack([o["z_complete"][j, o["first"][j]], o["z_hire"][j, o["first"][j]]])
        )
    z = np.concatenate(joined_z)
    b0 = _bisect(lambda b: expit(b + z[:, 0]).mean() - completion_rate)
    pc = expit(b0 + z[:, 0])
    c0 = _bisect(lambda c: (pc * expit(c + z[:, 1])).mean() - placement_rate)
    intercepts = Intercepts(a0, b0, c0)
    dates = editions.set_index("edition_id")
    frames = [_events(o, dates.loc[o["edition"]], intercepts, rng) for o in offers]
    events = pd.concat(frames, ignore_index=True)
    events = events.sort_values(["participant_id", "at"], kind="stable", ignore_index=True)
    return events, intercepts


def _events(o: dict, edition: pd.Series, c: Intercepts, rng: np.random.Generator) -> pd.DataFrame:
    """Timestamped outcome events of one edition's offers, built without loops."""
    n, k = o["challenges"].shape
    last = np.where(o["joined"], o["first"], k - 1)
    made = last + 1
    rows = np.repeat(np.arange(n), made)
    pos = np.arange(len(rows)) - np.repeat(np.cumsum(made) - made, made)
    cid = o["challenges"][rows, pos] + 1
    start, end = edition["start_date"], edition["end_date"]
    days = pd.to_timedelta

    def frame(r, challenge, event, at, reason=None, rating=None) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "participant_id": (o["people"][r] + 1).astype(np.int64),
                "challenge_id": np.asarray(challenge, dtype=np.int64),
                "event": event,
                "at": at,
                "reason": "" if reason is None else reason,
                "rating": np.full(len(r), np.nan) if rating is None else rating,
            }
        )

    offered_at = start - days(21 - 5 * pos, unit="D")
    declined = (pos < last[rows]) | ~o["joined"][rows]
    j = np.flatnonzero(o["joined"])
    f = o["first"][j]
    jc = o["challenges"][j, f] + 1
    zh = o["z_hire"][j, f]
    completed = o["u_complete"][j, f] < expit(c.complete + o["z_complete"][j, f])
    hired = completed & (o["u_hire"][j, f] < expit(c.hire + zh))
    interviewed = completed & (hired | (rng.random(len(j)) < 0.45))
    rating = np.clip(np.round(3 + 0.55 * (c.hire + zh) + rng.normal(0, 0.6, len(j))), 1, 5)
    after = end + days(rng.integers(21, 70, len(j)), unit="D")
    reasons = np.array(REJECTION_REASONS, dtype=object)[
        rng.integers(len(REJECTION_REASONS), size=len(j))
    ]
    dropped, rejected = ~completed, completed & ~hired
    return pd.concat(
        [
            frame(rows, cid, "shortlisted", offered_at),
            frame(rows[declined], cid[declined], "declined", offered_at[declined] + days(3, "D")),
            frame(j, jc, "joined", np.full(len(j), start)),
            frame(
                j[dropped],
                jc[dropped],
                "dropped_out",
                start + days(rng.integers(20, 150, dropped.sum()), "D"),
            ),
            frame(j[completed], jc[completed], "completed", np.full(completed.sum(), end)),
            frame(
                j[interviewed],
                jc[interviewed],
                "interviewed",
                end + days(rng.integers(3, 20, interviewed.sum()), "D"),
            ),
            frame(j[hired], jc[hired], "hired", after[hired], rating=rating[hired]),
            frame(
                j[rejected],
                jc[rejected],
                "rejected",
                after[rejected],
                reasons[rejected],
                rating[rejected],
            ),
        ],
        ignore_index=True,
    )


def expected_relevance(pa: np.ndarray, pc: np.ndarray, ph: np.ndarray) -> np.ndarray:
    """Expected graded relevance (joined 1, completed 2, hired 3) from stage chances."""
    return pa * (1 + pc * (1 + ph))


def ground_truth(model: OutcomeModel, challenges: pd.DataFrame, c: Intercepts) -> pd.DataFrame:
    """Expected and one sampled outcome for every pair within each edition, its
    *merit* (the expected outcome had no company discriminated: hiring bias removed),
    and the company's part of the log-odds of completing and of being hired (what a
    perfect record of the company would tell)."""
    frames = []
    for e, people, chs in _edition_groups(model.p["edition"], challenges["edition_id"].to_numpy()):
        i = np.repeat(people, len(chs))
        j = np.tile(chs, len(people))
        parts = model.components(i, j)
        lat = model.latents(i, j, parts=parts)
        company = parts["company"]
        pa = expit(c.accept + lat["z_accept"])
        pc = expit(c.complete + lat["z_complete"])
        ph = expit(c.hire + lat["z_hire"])
        fair_hire = expit(c.hire + lat["z_hire"] + model.bias * model.p["migrant"][i])
        accepted = lat["u_accept"] < pa
        completed = accepted & (lat["u_complete"] < pc)
        hired = completed & (lat["u_hire"] < ph)
        frames.append(
            pd.DataFrame(
                {
                    "edition_id": np.full(len(i), e, dtype=np.int64),
                    "participant_id": (i + 1).astype(np.int64),
                    "challenge_id": (j + 1).astype(np.int64),
                    "p_accept": pa.astype(np.float32),
                    "p_complete": pc.astype(np.float32),
                    "p_hire": ph.astype(np.float32),
                    "expected_relevance": expected_relevance(pa, pc, ph).astype(np.float32),
                    "merit": expected_relevance(pa, pc, fair_hire).astype(np.float32),
                    "company_complete": company["complete"].astype(np.float32),
                    "company_hire": company["hire"].astype(np.float32),
                    "sampled_relevance": (accepted.astype(np.int8) + completed + hired).astype(
                        np.int8
                    ),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
