"""A person's work history as a text tells it: the jobs it dates, and the years worked in
each niche, from those periods and from the durations it states, in full and with
recent work counting more (:func:`matching.text.jobs.recency`)."""

from __future__ import annotations

import bisect
from dataclasses import replace
from itertools import pairwise

import numpy as np

from matching.text import layout
from matching.text.concepts import Concept, Job
from matching.text.experience import read_durations
from matching.text.jobs import job_weight, periods_to_titles, recency
from matching.text.lexicon import N_NICHES, OUTSIDE
from matching.text.words import Words

# Sections whose durations are no time worked ("Windows 7 (2 years' experience)", "a
# two-year degree").
NOT_WORKED = frozenset(
    {layout.SKILLS, layout.EDUCATION, layout.LANGUAGES, layout.INTERESTS, layout.CONTACT}
)


def worked_in(title: Concept, niches: np.ndarray) -> tuple[int, float]:
    """The niche a job title's time goes to (of the 13, the one its ``niches`` point to
    most; outside them if they point to none), and the share of that time it gets: as
    far as the title lies within the 13 niches (a restaurant manager's months count
    half as a cook's). A word that heads a niche's titles ("limpiadora") counts whole:
    its spread is that of its family of titles, not of the work; a title of a generic
    head ("IT specialist") counts as far as that head's work lies within the 13."""
    niche = int(niches[:OUTSIDE].argmax())
    if niches[niche] <= 0:
        return OUTSIDE, 1.0
    return niche, 1.0 if title.heading and not title.generic else float(1.0 - niches[OUTSIDE])


def dated_jobs(text: str, titles: list[Concept]) -> list[Job]:
    """The dated jobs: each period with the job title nearest it, once (a CV added
    twice dates the same job twice)."""
    found = layout.periods(text)
    if not found:
        return []
    latest = max(period.last for period in found)
    given = periods_to_titles(text, [c.start for c in titles], found)
    jobs: dict[tuple[int, int, int], Job] = {}
    for index, period in sorted(given.items()):
        title = titles[index]
        key = (title.row, period.first, period.last)
        jobs.setdefault(
            key,
            Job(
                title=title,
                when=" ".join(text[period.start : period.end].split()),
                first=period.first,
                last=period.last,
                years=round(period.years, 2),
                recency=recency(period, latest),
                weight=job_weight(period, latest),
                entry=(min(title.start, period.start), len(text)),
            ),
        )
    found_jobs = sorted(jobs.values(), key=lambda job: job.entry[0])
    return [
        replace(job, entry=(job.entry[0], following.entry[0]))
        for job, following in pairwise(found_jobs)
    ] + found_jobs[-1:]


def years_worked(
    text: str,
    words: Words,
    weights: np.ndarray,
    occupations: list[Concept],
    niches: list[np.ndarray],
    jobs: list[Job],
    evidence: np.ndarray,
    clear_share: float,
) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """Years per niche, the same weighted by recency, and the job titles that got some.
    A dated job gives the niche its title points to most (``niches``, as checked) the
    months it covers, as far as the title lies within the 13 niches (:func:`worked_in`;
    months two jobs share count once); a stated duration goes to the nearest job title
    in its sentence the same way or, with none, to a niche the rest of the text
    (``evidence``) clearly points to (``clear_share`` of it); one in a list of skills or
    in education is no time worked. Where both speak of a niche, the larger counts. A
    duration the text repeats counts once. In the recency-weighted years a dated job's
    months count times its ``recency`` (a month two jobs share, as the more of the two);
    a stated duration counts as the dated job whose title it goes to does, and in full
    where it goes to no dated job (it says no when)."""
    stated = np.zeros(N_NICHES + 1)
    claimed: dict[int, float] = {}
    starts = [a for a, _ in words.spans]
    durations = read_durations(text)
    parts = layout.sections(text) if durations else []
    part_starts = [part.start for part in parts]
    for duration in durations:
        at = bisect.bisect_left(starts, duration.start)  # its number, or its unit
        if at < len(weights) and weights[at] == 0.0:
            continue
        part = parts[bisect.bisect_right(part_starts, duration.start) - 1]
        if part.role in NOT_WORKED:
            continue
        low, high = duration.sentence
        near = [c for c in occupations if low <= c.start < high]
        if near:
            title = min(near, key=lambda c: abs(c.start - duration.start))
            index = occupations.index(title)
            claimed[index] = max(claimed.get(index, 0.0), duration.years)
        elif duration.work and evidence.max() >= clear_share * evidence.sum() > 0:
            best = int(evidence.argmax())
            stated[best] = max(stated[best], duration.years)
    stated_recent = stated.copy()
    held = {id(job.title): job.recency for job in jobs}  # a dated title's time says when
    for index, value in claimed.items():
        niche, share = worked_in(occupations[index], niches[index])
        stated[niche] += value * share
        stated_recent[niche] += value * share * held.get(id(occupations[index]), 1.0)
    dated = recent = np.zeros(N_NICHES + 1)
    if jobs:
        start = min(job.first for job in jobs)
        full = np.zeros((N_NICHES + 1, max(job.last for job in jobs) - start))
        weighted = np.zeros_like(full)
        for job in jobs:
            niche, share = worked_in(job.title, job.niches)
            months = slice(job.first - start, job.last - start)
            full[niche, months] = np.maximum(full[niche, months], share)
            weighted[niche, months] = np.maximum(weighted[niche, months], share * job.recency)
        dated, recent = full.sum(axis=1) / 12.0, weighted.sum(axis=1) / 12.0
    worked = {occupations[i].row for i in claimed if not occupations[i].heading}
    worked.update(job.title.row for job in jobs if not job.title.heading)
    return (
        np.maximum(stated, np.round(dated, 2)),
        np.maximum(stated_recent, np.round(recent, 2)),
        tuple(sorted(worked)),
    )
