"""Where synthetic participants live and where each niche's workplaces are.

The places themselves and the travel times between them are the engine's
(:mod:`matching.domain.geography`); these weights only shape generated programmes.
"""

from __future__ import annotations

# Where residents live (weights), mostly in Fuenlabrada's own districts.
HOME_WEIGHTS: dict[str, float] = {
    "Fuenlabrada Centro": 14,
    "El Naranjo": 12,
    "La Avanzada": 10,
    "El Arroyo-La Fuente": 10,
    "Loranca": 9,
    "Cerro-El Molino": 9,
    "Universidad-Hospital": 6,
    "Vivero-Parque Miraflores": 8,
    "Móstoles": 5,
    "Leganés": 4,
    "Getafe": 3,
    "Alcorcón": 3,
    "Humanes de Madrid": 4,
    "Parla": 3,
}

# Where a niche's workplaces are (weights).
NICHE_WORKPLACES: dict[str, dict[str, float]] = {
    "gardening": {
        "Fuenlabrada Centro": 2,
        "Loranca": 2,
        "Vivero-Parque Miraflores": 2,
        "Humanes de Madrid": 1,
        "Alcorcón": 1,
    },
    "installation": {"Polígono El Bañuelo": 3, "Fuenlabrada Centro": 2, "Getafe": 1, "Leganés": 1},
    "hospital_orderly": {"Universidad-Hospital": 5, "Leganés": 1, "Getafe": 1, "Móstoles": 1},
    "hotel_reception": {"Madrid Centro": 3, "Getafe": 1, "Fuenlabrada Centro": 1, "Leganés": 1},
    "cleaning": {
        "Fuenlabrada Centro": 2,
        "Polígono Cobo Calleja": 1,
        "El Naranjo": 1,
        "Leganés": 1,
        "Móstoles": 1,
    },
    "hospitality": {"Fuenlabrada Centro": 3, "Loranca": 1, "Madrid Centro": 1, "Getafe": 1},
    "retail": {
        "Fuenlabrada Centro": 2,
        "Loranca": 2,
        "El Arroyo-La Fuente": 1,
        "Parla": 1,
        "Alcorcón": 1,
    },
    "logistics": {
        "Polígono Cobo Calleja": 4,
        "Polígono La Cantueña": 3,
        "Polígono El Bañuelo": 1,
        "Getafe": 1,
    },
    "elderly_care": {
        "Fuenlabrada Centro": 2,
        "El Naranjo": 2,
        "La Avanzada": 1,
        "Cerro-El Molino": 1,
        "Humanes de Madrid": 1,
    },
    "ict_support": {
        "Polígono El Bañuelo": 2,
        "Fuenlabrada Centro": 1,
        "Getafe": 1,
        "Madrid Centro": 1,
    },
    "construction": {
        "Loranca": 2,
        "Polígono Cobo Calleja": 1,
        "Parla": 1,
        "Móstoles": 1,
        "Fuenlabrada Centro": 1,
    },
    "beauty": {"Fuenlabrada Centro": 3, "El Arroyo-La Fuente": 1, "Loranca": 1},
    "administration": {
        "Fuenlabrada Centro": 2,
        "Polígono El Bañuelo": 1,
        "Getafe": 1,
        "Madrid Centro": 1,
    },
}
