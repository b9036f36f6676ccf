"""The fallback rules' weights: domain priors, each with its reason.

Until a ranker is trained on a programme's own outcomes, shortlists are scored by a
small logistic model per stage (join, complete, hire) whose weights are set here by
hand, from what the MILMA programme's sources report and from how employment
programmes generally work. They are never fitted to data (generated or real); the
learned ranker exists to find what they miss. Weights are on the log-odds scale; a
weight of 0.7 roughly doubles the odds, 1.4 quadruples them.
"""

from __future__ import annotations

# --- joining the team ---------------------------------------------------------------
# Most people offered a place in a niche they chose take it; without a recorded
# preference, about as many decline as accept.
JOIN_BASE = -0.4
# The niche the person asked for: the main reason to say yes (about 4x the odds).
JOIN_PREFERENCE = 1.5
# A person who cannot attend the challenge's hours (a morning-only parent and an
# afternoon team) rarely joins (about 4x the odds when the hours fit).
JOIN_SCHEDULE_FIT = 1.5
# Every 15 minutes of commute beyond the person's own limit costs about 3x the odds.
JOIN_COMMUTE_OVER = -1.2
# Coming to the induction session is a sign of commitment (a modest 1.3x).
JOIN_INDUCTION = 0.3

# --- completing the training --------------------------------------------------------
# Three in four who joined completed (389 of 508 in MILMA).
COMPLETE_BASE = 0.9
# Missing essential skills the training does not teach makes the course hard: a full
# gap costs about 3x the odds; a taught gap costs little, the training closes it.
COMPLETE_UNTAUGHT_GAP = -1.2
COMPLETE_TAUGHT_GAP = -0.2
# Each CEFR step of Spanish below the challenge's minimum (training is in Spanish).
COMPLETE_SPANISH_GAP = -0.6
# Training in a niche one chose, at hours one can keep.
COMPLETE_PREFERENCE = 0.4
COMPLETE_SCHEDULE_FIT = 0.5
# Online editions (COVID) lent laptops; without a device, online training is hard.
COMPLETE_REMOTE_WITHOUT_DEVICE = -0.8
# Coming to the induction session.
COMPLETE_INDUCTION = 0.3

# --- being hired --------------------------------------------------------------------
# About half of those who completed were placed (182 of 389 in MILMA).
HIRE_BASE = -1.4
# Companies hire for the skills they ask for: holding them all against none is about
# 12x the odds (an untaught gap counts fully, a taught one a fifth).
HIRE_SKILLS = 2.5
HIRE_TAUGHT_GAP_SHARE = 0.2
# Optional skills and a profile that reads like the challenge help somewhat.
HIRE_OPTIONAL = 0.8
HIRE_SIMILARITY = 1.0
# Experience in the niche (per log-year: 1 year 1.3x, 5 years 1.9x) and a text that
# names work in it.
HIRE_NICHE_EXPERIENCE = 0.35
HIRE_TEXT_EVIDENCE = 0.3
# Each CEFR step of Spanish below the minimum: employers test it at interview.
HIRE_SPANISH_GAP = -0.9
