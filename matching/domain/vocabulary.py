"""The programme's fixed vocabularies and the graded relevance rule.

Defined once here, on the engine's side: the API's Literal types, the engine's columns,
the generator and the evaluation all read them from this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CEFR_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
AVAILABILITY: tuple[str, ...] = ("morning", "afternoon", "full_day", "flexible")
SCHEDULES: tuple[str, ...] = ("morning", "afternoon", "full_day")
# SCHEDULE_FIT[availability, schedule]: can a person with that availability attend?
SCHEDULE_FIT = np.array(
    [
        [1.0, 0.0, 0.0],  # morning
        [0.0, 1.0, 0.0],  # afternoon
        [1.0, 1.0, 1.0],  # full_day
        [1.0, 1.0, 1.0],  # flexible
    ]
)
EDUCATION: tuple[str, ...] = ("none", "primary", "secondary", "vocational", "university")
# Languages a profile text is told apart in (ISO 639-1): the programme's and its
# participants' main ones. Spanish, English and French texts are read for concepts.
TEXT_LANGUAGES: tuple[str, ...] = ("es", "en", "fr", "ar", "ro", "zh")

# The programme's outcome events, in the order a participant meets them.
EVENTS: tuple[str, ...] = (
    "shortlisted",
    "declined",
    "joined",
    "dropped_out",
    "completed",
    "interviewed",
    "hired",
    "rejected",
)

# Graded relevance of a (participant, challenge) pair: the best stage reached.
STAGE_RELEVANCE: dict[str, int] = {"joined": 1, "completed": 2, "hired": 3}


def relevance_from_events(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Graded relevance per observed pair: hired 3, completed 2, joined 1, otherwise 0.

    Returns one row per (participant_id, challenge_id) that has any event.
    """
    level = outcomes["event"].map(STAGE_RELEVANCE).fillna(0).astype(np.int8)
    frame = outcomes[["participant_id", "challenge_id"]].assign(relevance=level)
    return frame.groupby(["participant_id", "challenge_id"], as_index=False)["relevance"].max()
