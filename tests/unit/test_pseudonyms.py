"""Trainee pseudonyms stay unique at city-region size and old ones stay accepted."""

import re

from service.db import new_pseudonyms
from service.schemas import PSEUDONYM_PATTERN


def test_a_bulk_import_gets_distinct_pseudonyms_of_the_documented_form():
    made = new_pseudonyms(50_000)
    assert len(set(made)) == len(made) == 50_000
    assert all(re.fullmatch(PSEUDONYM_PATTERN, p) for p in made)
    assert re.fullmatch(PSEUDONYM_PATTERN, "T-1A2B3C4D")  # made before they grew
    assert not re.fullmatch(PSEUDONYM_PATTERN, "T-1A2B3C4D5E")
