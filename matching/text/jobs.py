"""The jobs of a CV: which job title each date range belongs to, and what it weighs.

CVs lay a job out as a title line and a date line next to each other, in either order
("Sous Chef / Jul 2010 - Jan 2013 / Company Name", or "01/2010 to Current / Sales
Manager"), or on one line ("2015-2018 camarero en ..."). A period goes to the job title
on its own line or the nearest line within :data:`JOB_LINES` (a title line is short: a
line of more than :data:`JOB_TITLE_WORDS` words is a sentence that only mentions a
job). Where a title sits as near before a period as another sits after, the side most
of the text's periods have their titles on decides. Each title serves one period.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from matching.text.layout import Period

JOB_LINES = 3
JOB_TITLE_WORDS = 15  # a title line may name the employer and the place too
JOB_HALF_LIFE = 5.0  # years after its end at which a job weighs half
MAX_JOB_YEARS = 10.0  # a job longer than this weighs as much as one of this length
_NEWLINE = re.compile(r"\n")


def _line_index(text: str) -> tuple[list[int], list[int]]:
    """Start of every line, and the number of words on each."""
    starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
    ends = [*starts[1:], len(text) + 1]
    sizes = [len(text[a : b - 1].split()) for a, b in zip(starts, ends, strict=True)]
    return starts, sizes


def periods_to_titles(
    text: str, title_starts: Sequence[int], periods: Sequence[Period]
) -> dict[int, Period]:
    """Title index (into ``title_starts``) -> the period it was held in."""
    if not periods or not title_starts:
        return {}
    starts, sizes = _line_index(text)

    def line(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    title_lines = [line(offset) for offset in title_starts]
    options: list[tuple[int, int, int, int]] = []  # gap, side, period, title
    for p, period in enumerate(periods):
        first, last = line(period.start), line(max(period.start, period.end - 1))
        for t, at in enumerate(title_lines):
            same = first <= at <= last
            if not same and sizes[at] > JOB_TITLE_WORDS:
                continue
            gap = 0 if same else (first - at if at < first else at - last)
            if gap <= JOB_LINES:
                options.append((gap, 0 if same else (-1 if at < first else 1), p, t))
    nearest: dict[int, dict[int, int]] = {}
    for gap, side, p, _ in options:
        if side and gap < nearest.setdefault(p, {}).get(side, JOB_LINES + 1):
            nearest[p][side] = gap
    before = sum(1 for sides in nearest.values() if sides.get(-1, 99) < sides.get(1, 99))
    after = sum(1 for sides in nearest.values() if sides.get(1, 99) < sides.get(-1, 99))
    preferred = 1 if after > before else -1
    options.sort(key=lambda o: (o[0], o[1] != preferred and o[1] != 0, o[2]))
    given: dict[int, Period] = {}
    served: set[int] = set()
    for _, _, p, t in options:
        if p not in served and t not in given:
            given[t] = periods[p]
            served.add(p)
    return given


def recency(period: Period, latest: int) -> float:
    """How much a job's time still counts: halved for every :data:`JOB_HALF_LIFE` years
    between its end and the text's latest date (a caseworker asks what a person has
    done lately; a job left five years ago counts half of the one held now)."""
    age = max(latest - period.last, 0) / 12.0
    return 0.5 ** (age / JOB_HALF_LIFE)


def job_weight(period: Period, latest: int) -> float:
    """How much a job counts as evidence: the square root of its years (capped), times
    its :func:`recency`."""
    return min(period.years, MAX_JOB_YEARS) ** 0.5 * recency(period, latest)
