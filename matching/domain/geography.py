"""Places around Fuenlabrada and public-transport travel times between them.

Coordinates are rough kilometres east/north of Fuenlabrada's centre; travel time is a
simple function of distance with a fixed wait. Good enough to make commute a real
factor in the matching features, and easy to replace with a real travel-time table.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# name -> (x_km, y_km)
PLACES: dict[str, tuple[float, float]] = {
    "Fuenlabrada Centro": (0.0, 0.0),
    "El Naranjo": (1.2, -1.0),
    "La Avanzada": (-1.0, 1.0),
    "El Arroyo-La Fuente": (1.5, 1.2),
    "Loranca": (-3.0, 0.8),
    "Cerro-El Molino": (0.6, -1.8),
    "Universidad-Hospital": (-1.8, -0.8),
    "Vivero-Parque Miraflores": (-2.4, -1.6),
    "Polígono Cobo Calleja": (3.5, -2.5),
    "Polígono La Cantueña": (-1.5, -3.5),
    "Polígono El Bañuelo": (2.5, 1.8),
    "Móstoles": (-5.5, 4.0),
    "Leganés": (4.5, 5.0),
    "Getafe": (8.0, 3.5),
    "Alcorcón": (-1.5, 7.5),
    "Humanes de Madrid": (-3.0, -5.0),
    "Parla": (6.5, -4.0),
    "Madrid Centro": (10.0, 16.0),
}

PLACE_NAMES: tuple[str, ...] = tuple(PLACES)


@lru_cache(maxsize=1)
def travel_matrix() -> np.ndarray:
    """Minutes by public transport between every pair of :data:`PLACE_NAMES`."""
    xy = np.array([PLACES[name] for name in PLACE_NAMES])
    km = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    minutes = 10.0 + 3.2 * km
    np.fill_diagonal(minutes, 10.0)
    return np.round(minutes).astype(np.int16)


def place_index(names: list[str] | np.ndarray) -> np.ndarray:
    """Positions of place names in :data:`PLACE_NAMES` (ValueError for an unknown one)."""
    lookup = {name: i for i, name in enumerate(PLACE_NAMES)}
    try:
        return np.fromiter((lookup[n] for n in names), dtype=np.int16, count=len(names))
    except KeyError as exc:
        raise ValueError(f"unknown place {exc.args[0]!r}") from None
